"""No test reaches beyond 127.0.0.1: a guard on every socket the test process opens.

Installed before any test runs (``tests/conftest.py``), and in the programs the tests
start (``tests/netguard/sitecustomize.py`` through ``PYTHONPATH``). A name lookup or a
connection to anything but the loopback raises ``NetworkBlocked`` and is recorded, so a
leftover task holding a token can never reach discord.com, and the test that tried fails
(see the ``only_loopback`` fixture). ``NetworkBlocked`` is not an ``OSError`` on purpose:
discord.py and aiohttp retry on network errors, and this must stop them, not be retried.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})
attempts: list[str] = []
"""Every blocked attempt, in order, as ``host:port``; the fixture checks what each test added."""


class NetworkBlocked(RuntimeError):
    """A test tried to leave the machine."""


def is_loopback(host: object) -> bool:
    if host is None or host in ("", b""):
        return True  # a listening socket's wildcard lookup, not a connection
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _block(host: object, port: object) -> None:
    where = f"{host}:{port}"
    attempts.append(where)
    raise NetworkBlocked(f"a test tried to reach {where}: only 127.0.0.1 is allowed in tests")


def install() -> None:
    """Wrap ``socket.getaddrinfo`` and ``socket.socket.connect``/``connect_ex``; idempotent."""
    if getattr(socket, "_faq_network_guard", False):
        return
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_loopback(host):
            _block(host, port)
        return real_getaddrinfo(host, port, *args, **kwargs)

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
            _block(address[0], address[1])

    def connect(self: socket.socket, address: Any) -> None:
        check(self, address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(self, address)
        return real_connect_ex(self, address)

    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket._faq_network_guard = True  # type: ignore[attr-defined]
