"""A fake Discord on 127.0.0.1: the REST API and the gateway websocket, in one aiohttp app.

The real discord.py client talks to it as it would to Discord; the only things pointed at
it are discord.py's base URLs (``Route.BASE`` and the gateway URL). Tests inject gateway
events (slash commands, autocomplete, button clicks, messages) and assert on what the bot
sent back, which the fake records and checks against Discord's documented limits.
Anything the fake does not know is logged loudly and answered 404, so gaps show.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fake_discord.payloads import (
    ALL_PERMISSIONS,
    AUTOCOMPLETE_CHOICES,
    CHOICE_NAME,
    EPHEMERAL,
    MANAGE_MESSAGES,
    MEMBER_DEFAULT,
    MENTION_EVERYONE,
    MESSAGE_CONTENT_INTENT,
    PRIVILEGED_INTENTS,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    FakeChannel,
    FakeRole,
    FakeUser,
    guild_payload,
    message_problems,
    now_iso,
    pinged,
    snowflake,
)

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
TOKEN = "fake-bot-token"
CALLBACK_DEADLINE = 3.0
"""Discord forgets an interaction that is not answered (or deferred) within 3 seconds."""
LOADING = 1 << 7

OPTION_STRING, OPTION_INTEGER, OPTION_BOOLEAN, OPTION_USER, OPTION_NUMBER = 3, 4, 5, 6, 10
SUBCOMMAND, SUBCOMMAND_GROUP = 1, 2


class FakeDiscordError(AssertionError):
    """A test asked the fake for something that cannot happen (unknown command, option…)."""


@dataclass
class Sent:
    """One request the bot made, as the fake received it."""

    seq: int
    method: str
    route: str
    """The route template, e.g. ``POST /channels/{channel_id}/messages``."""
    path: str
    params: dict[str, str]
    json: Any
    files: dict[str, bytes]
    at: float
    status: int = 200
    token: str | None = None
    """The interaction token, for interaction callbacks and webhook routes."""
    message: Msg | None = None
    """The message this request created or edited, as Discord would return it."""

    @property
    def body(self) -> dict[str, Any]:
        return self.json if isinstance(self.json, dict) else {}


class Msg:
    """A message as Discord stores it, with helpers for assertions."""

    def __init__(self, fake: FakeDiscord, data: dict[str, Any]) -> None:
        self._fake = fake
        self.data = data

    def __repr__(self) -> str:
        return f"<Msg id={self.id} channel={self.channel_id} text={self.text[:60]!r}>"

    @property
    def id(self) -> int:
        return int(self.data["id"])

    @property
    def channel_id(self) -> int:
        return int(self.data["channel_id"])

    @property
    def content(self) -> str:
        return self.data.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.data.get("embeds") or []

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def deleted(self) -> bool:
        return self.id in self._fake.deleted_messages

    @property
    def attachments(self) -> dict[str, bytes]:
        return self._fake.attachments.get(self.id, {})

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [child for row in self.data.get("components") or [] for child in row.get("components") or []]

    def button(self, label: str) -> dict[str, Any]:
        """The button whose label contains ``label`` (fails the test if there is none)."""
        found = [b for b in self.buttons if label.casefold() in (b.get("label") or "").casefold()]
        if len(found) != 1:
            labels = [b.get("label") for b in self.buttons]
            raise FakeDiscordError(f"expected one button labelled {label!r}, found {len(found)} in {labels}")
        return found[0]

    def select(self, custom_id: str) -> dict[str, Any]:
        """The select menu with this custom id (fails the test if there is none)."""
        found = [c for c in self.buttons if c.get("type") == 3 and c.get("custom_id") == custom_id]
        if len(found) != 1:
            raise FakeDiscordError(f"expected one select menu {custom_id!r}, found {len(found)}")
        return found[0]

    @property
    def text(self) -> str:
        """Everything a reader sees: content, embed titles, descriptions, fields and footers."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", (embed.get("author") or {}).get("name") or ""]
            parts.append(embed.get("description") or "")
            for f in embed.get("fields") or []:
                parts += [f.get("name") or "", f.get("value") or ""]
            parts.append((embed.get("footer") or {}).get("text") or "")
        return "\n".join(p for p in parts if p)

    @property
    def pings(self) -> set[str]:
        """Who Discord notified when this message was sent (see ``payloads.pinged``)."""
        return self._fake.pings.get(self.id, set())

    def refresh(self) -> Msg:
        return self._fake.message(self.id)


@dataclass
class Fault:
    """An error the fake answers on a route, ``times`` times: a 429 (rate limited, nothing
    done) or a 5xx, before the work (nothing done) or after it (``after_work``: Discord did
    the work and the answer was lost on the way, as a 502 from its proxy does)."""

    route: str
    """The route template, e.g. ``POST /webhooks/{application_id}/{token}``."""
    status: int
    after_work: bool = False
    times: int = 1
    retry_after: float = 0.05
    hits: int = 0
    """How many requests got this error so far."""

    def response(self) -> web.Response:
        if self.status == 429:
            body = {"message": "You are being rate limited.", "retry_after": self.retry_after, "global": False}
            headers = {
                "Content-Type": "application/json",
                "Retry-After": str(self.retry_after),
                "X-RateLimit-Scope": "user",
                "Via": "1.1 google",  # discord.py retries a 429 only when it came through Discord's proxy
            }
            return web.Response(body=json.dumps(body).encode(), status=429, headers=headers)
        reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}.get(
            self.status, "Error"
        )
        return _json({"code": 0, "message": f"{self.status}: {reason}"}, status=self.status)


@dataclass
class _Interaction:
    id: int
    token: str
    type: int
    payload: dict[str, Any]
    channel_id: int
    created: float
    source_message_id: int | None = None
    responded: bool = False
    response_type: int | None = None
    original_message_id: int | None = None
    message_ids: list[int] = field(default_factory=list)


class Injected:
    """Handle on one injected interaction: await what the bot answers to it."""

    def __init__(self, fake: FakeDiscord, state: _Interaction, start: int, injected_at: float) -> None:
        self.fake = fake
        self.state = state
        self.id = state.id
        self.token = state.token
        self.start = start
        self.injected_at = injected_at

    def _mine(self, sent: Sent) -> bool:
        return sent.token == self.token

    async def first(self, timeout: float = 5.0) -> Sent:
        """The first request the bot made about this interaction."""
        return await self.fake.wait_sent(self._mine, start=self.start, timeout=timeout)

    async def callback(self, timeout: float = 5.0) -> Sent:
        """The response Discord took (an injected fault that did nothing does not count)."""
        return await self.fake.wait_sent(
            lambda s: self._mine(s) and s.route.endswith("/callback") and not _undone(s),
            start=self.start,
            timeout=timeout,
        )

    async def choices(self, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The autocomplete choices the bot offered."""
        sent = await self.callback(timeout)
        if sent.body.get("type") != 8:
            raise FakeDiscordError(f"expected an autocomplete result, got callback {sent.body}")
        return sent.body["data"]["choices"]

    async def reply(self, timeout: float = 5.0) -> Msg:
        """The first message the user sees: the response, or what replaces a "thinking…"."""
        sent = await self.callback(timeout)
        kind = sent.body.get("type")
        if kind in (4, 7):
            assert sent.message is not None
            return sent.message
        if kind in (5, 6):
            edit = await self.fake.wait_sent(
                lambda s: (
                    self._mine(s)
                    and ((s.path.endswith("/messages/@original") and s.method == "PATCH") or s.method == "POST")
                ),
                start=sent.seq + 1,
                timeout=timeout,
            )
            assert edit.message is not None
            return edit.message
        raise FakeDiscordError(f"no message in callback {sent.body}")

    async def followup(self, index: int = 0, timeout: float = 5.0) -> Msg:
        """The ``index``-th follow-up message (``POST /webhooks/{app}/{token}``)."""
        count = 0
        start = self.start
        while True:
            sent = await self.fake.wait_sent(
                lambda s: self._mine(s) and s.method == "POST" and s.route.startswith("POST /webhooks/"),
                start=start,
                timeout=timeout,
            )
            if count == index:
                assert sent.message is not None
                return sent.message
            count += 1
            start = sent.seq + 1

    def _nearby(self, sent: Sent) -> bool:
        """About this interaction, or a request on its channel (where the bot may post too)."""
        return self._mine(sent) or sent.path.startswith(f"/channels/{self.state.channel_id}/")

    @property
    def sent(self) -> list[Sent]:
        """What the bot sent about this interaction and, since it was injected, in its channel."""
        return [s for s in self.fake.sent[self.start :] if self._nearby(s)]

    @property
    def messages(self) -> list[Msg]:
        """Every message this interaction created, current state, in order."""
        return [self.fake.message(i) for i in self.state.message_ids]

    @property
    def shown(self) -> list[Msg]:
        """Every message of the interaction's channel created since it was injected and not
        deleted, in order: its own, and the bot's channel messages (a test that asks one
        thing at a time sees what answers it)."""
        return [m for m in self.fake.channel_messages(self.state.channel_id) if m.id > self.id]

    async def settle(self, quiet: float = 0.05, timeout: float = 5.0) -> list[Sent]:
        """Wait until the bot has made no request about this interaction, nor in its
        channel, for ``quiet`` seconds."""
        await self.first(timeout)
        deadline = time.monotonic() + timeout
        count = -1
        while count != len(self.sent) and time.monotonic() < deadline:
            count = len(self.sent)
            await asyncio.sleep(quiet)
        return self.sent


class _Connection:
    def __init__(self, ws: web.WebSocketResponse, query: dict[str, str]) -> None:
        self.ws = ws
        self.query = query
        self.seq = 0
        self.intents = 0
        self.ready = False

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self.seq += 1
        await self.ws.send_str(json.dumps({"op": 0, "t": event, "s": self.seq, "d": data}))


_ROUTES: list[tuple[str, str]] = [
    ("GET", "/gateway"),
    ("GET", "/gateway/bot"),
    ("GET", "/users/@me"),
    ("GET", "/oauth2/applications/@me"),
    ("GET", "/applications/@me"),
    ("GET", "/applications/{application_id}/commands"),
    ("PUT", "/applications/{application_id}/commands"),
    ("GET", "/applications/{application_id}/guilds/{guild_id}/commands"),
    ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands"),
    ("POST", "/interactions/{interaction_id}/{token}/callback"),
    ("POST", "/webhooks/{application_id}/{token}"),
    ("GET", "/webhooks/{application_id}/{token}/messages/{message_id}"),
    ("PATCH", "/webhooks/{application_id}/{token}/messages/{message_id}"),
    ("DELETE", "/webhooks/{application_id}/{token}/messages/{message_id}"),
    ("POST", "/channels/{channel_id}/messages"),
    ("GET", "/channels/{channel_id}/messages/{message_id}"),
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"),
    ("DELETE", "/channels/{channel_id}/messages/{message_id}"),
    ("POST", "/channels/{channel_id}/typing"),
    ("GET", "/channels/{channel_id}"),
    ("POST", "/users/@me/channels"),
    ("GET", "/users/{user_id}"),
    ("GET", "/guilds/{guild_id}/members/{user_id}"),
]


def _compile(template: str) -> re.Pattern[str]:
    pattern = re.sub(
        r"\{(\w+)\}", lambda m: f"(?P<{m.group(1)}>[^/]+)", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")
    )
    return re.compile(f"^{pattern}$")


_COMPILED = [(method, template, _compile(template)) for method, template in _ROUTES]


class FakeDiscord:
    """One fake Discord: an application, its bot user, one guild and a few members.

    Members: ``alice`` and ``dave`` (plain members), ``bob`` (the "Modération" role, which
    has Manage Messages), ``carol`` (the "Équipe éditoriale" role, no special permission:
    a moderator only through ``MODERATOR_ROLE_IDS``), ``owner`` (owns the guild).
    Channels: ``general`` and ``entraide``.
    """

    def __init__(self, *, token: str = TOKEN, allowed_intents: int = 0, heartbeat_interval_ms: int = 41_250) -> None:
        self.token = token
        self.allowed_intents = allowed_intents
        """Privileged intents enabled in the (fake) developer portal: none by default."""
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.application_id = snowflake()
        self.bot = FakeUser(self.application_id, "FAQ CM", "FAQ CM", bot=True)
        self.guild_id = snowflake()
        self.guild_name = "Communauté CM"
        everyone = FakeRole(self.guild_id, "@everyone", MEMBER_DEFAULT, position=0)
        self.roles: dict[str, FakeRole] = {
            "@everyone": everyone,
            "Modération": FakeRole(snowflake(), "Modération", MEMBER_DEFAULT | MANAGE_MESSAGES | MENTION_EVERYONE, 3),
            "Équipe éditoriale": FakeRole(snowflake(), "Équipe éditoriale", MEMBER_DEFAULT, 2),
            "FAQ CM": FakeRole(snowflake(), "FAQ CM", MEMBER_DEFAULT | MENTION_EVERYONE, 1, managed=True),
        }
        self.users: dict[str, FakeUser] = {}
        self.bot.roles = [self.roles["FAQ CM"].id]
        self.add_user("alice", "Alice")
        self.add_user("dave", "Dave")
        self.add_user("bob", "Bob", roles=["Modération"])
        self.add_user("carol", "Carol", roles=["Équipe éditoriale"])
        self.add_user("owner", "Owner")
        self.channels: dict[str, FakeChannel] = {
            name: FakeChannel(snowflake(), name, 0, self.guild_id, position=i)
            for i, name in enumerate(("general", "entraide"))
        }
        self.dm_channels: dict[int, FakeChannel] = {}
        self.bot_denied: dict[int, int] = {}
        """Permissions an overwrite takes from the bot in a channel, by channel id. Discord
        says so in the interaction's ``app_permissions`` ("the permissions the app has
        within the channel the interaction was sent from") and refuses a message there
        without Send Messages (403, 50013 Missing Permissions)."""
        self.closed_dms: set[int] = set()
        """Members whose privacy settings refuse DMs from the bot (Discord answers 403, 50007)."""
        """DM channels by recipient id."""

        self.sent: list[Sent] = []
        self.problems: list[str] = []
        """Unknown routes, rejected payloads, late answers: a healthy test ends with none."""
        self.messages: dict[int, dict[str, Any]] = {}
        self.deleted_messages: set[int] = set()
        self.attachments: dict[int, dict[str, bytes]] = {}
        self.user_messages: dict[int, dict[str, Any]] = {}
        """Messages members posted (injected), so replies to them resolve."""
        self.pings: dict[int, set[str]] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        """Registered application commands: ``None`` for global, else per guild id."""
        self.gateway_queries: list[dict[str, str]] = []
        self.identify_payloads: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        """Errors to answer on given routes (``fail``): rate limits and outages, before or after the work."""
        self._nonces: dict[tuple[int, str], int] = {}
        """Message ids by (channel, nonce): a message sent again with ``enforce_nonce`` is not posted twice."""
        self._interactions: dict[int, _Interaction] = {}
        self._by_token: dict[str, _Interaction] = {}
        self._command_ids: dict[tuple[int | None, str], int] = {}
        self._connections: list[_Connection] = []
        self._ready = asyncio.Event()
        self._waiters: list[asyncio.Future[None]] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- world --------------------------------------------------------------------------

    def add_user(self, key: str, name: str, *, roles: Iterable[str] = ()) -> FakeUser:
        user = FakeUser(snowflake(), key, name, roles=[self.roles[r].id for r in roles])
        self.users[key] = user
        return user

    def user(self, who: str | FakeUser) -> FakeUser:
        return who if isinstance(who, FakeUser) else self.users[who]

    def channel(self, name: str) -> FakeChannel:
        return self.channels[name]

    def permissions_of(self, user: FakeUser) -> int:
        if user is self.users.get("owner"):
            return ALL_PERMISSIONS
        roles = {role.id: role for role in self.roles.values()}
        value = self.roles["@everyone"].permissions
        for role_id in user.roles:
            value |= roles[role_id].permissions
        return ALL_PERMISSIONS if value & (1 << 3) else value

    # --- lifecycle ----------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_route("GET", "/gateway", self._gateway)
        app.router.add_route("*", "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[union-attr]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        log.debug("fake Discord listening on %s", self.base_url)
        return self

    async def close(self) -> None:
        for conn in list(self._connections):
            # A client may already have dropped its end: that connection is gone either way.
            with contextlib.suppress(ConnectionError, RuntimeError):
                await conn.ws.close(code=4000, message=b"fake Discord shutting down")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """What ``discord.http.Route.BASE`` must be set to."""
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def wait_connected(self, timeout: float = 10.0) -> None:
        """Wait until a client has identified and received READY and GUILD_CREATE."""
        await asyncio.wait_for(self._ready.wait(), timeout)

    # --- faults -------------------------------------------------------------------------

    def fail(
        self, route: str, status: int, *, after_work: bool = False, times: int = 1, retry_after: float = 0.05
    ) -> Fault:
        """Answer the next ``times`` requests on ``route`` (a route template) with ``status``."""
        if route not in {f"{method} {template}" for method, template in _ROUTES}:
            raise FakeDiscordError(f"no such route in the fake: {route}")
        fault = Fault(route, status, after_work=after_work, times=times, retry_after=retry_after)
        self.faults.append(fault)
        return fault

    def _take_fault(self, route: str) -> Fault | None:
        for fault in self.faults:
            if fault.route == route and fault.hits < fault.times:
                fault.hits += 1
                return fault
        return None

    # --- recording ----------------------------------------------------------------------

    def _record(self, sent: Sent) -> None:
        self.sent.append(sent)
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def problem(self, text: str) -> None:
        log.error("fake Discord: %s", text)
        self.problems.append(text)

    async def wait_sent(self, predicate: Callable[[Sent], bool], *, start: int = 0, timeout: float = 5.0) -> Sent:
        """The first request, from index ``start`` on, that matches ``predicate``; waits for it."""
        deadline = asyncio.get_running_loop().time() + timeout
        index = start
        while True:
            while index < len(self.sent):
                if predicate(self.sent[index]):
                    return self.sent[index]
                index += 1
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError(f"the bot sent nothing matching within {timeout} s; problems: {self.problems}")
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter, remaining)

    async def next_sent(self, timeout: float = 5.0) -> Sent:
        """The next request the bot makes from now on."""
        return await self.wait_sent(lambda _: True, start=len(self.sent), timeout=timeout)

    def message(self, message_id: int) -> Msg:
        return Msg(self, self.messages[message_id])

    def channel_messages(self, channel: str | int) -> list[Msg]:
        """Messages the bot posted in a channel (by name, or id for DMs), not deleted."""
        channel_id = self.channels[channel].id if isinstance(channel, str) else channel
        return [
            Msg(self, m)
            for mid, m in self.messages.items()
            if int(m["channel_id"]) == channel_id and mid not in self.deleted_messages
        ]

    def dm_messages(self, who: str | FakeUser) -> list[Msg]:
        channel = self.dm_channels.get(self.user(who).id)
        return [] if channel is None else self.channel_messages(channel.id)

    # --- gateway ------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = _Connection(ws, dict(request.query))
        self.gateway_queries.append(conn.query)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}))
        try:
            async for frame in ws:
                if frame.type != WSMsgType.TEXT:
                    continue
                message = json.loads(frame.data)
                op = message.get("op")
                if op == 1:
                    await ws.send_str(json.dumps({"op": 11}))
                elif op == 2:
                    await self._identify(conn, message["d"])
                elif op == 6:
                    await ws.send_str(json.dumps({"op": 9, "d": False}))
                elif op in (3, 4, 8):
                    pass
                else:
                    self.problem(f"gateway: unknown opcode {op}")
        finally:
            if conn in self._connections:
                self._connections.remove(conn)
            if not self._connections:
                self._ready.clear()
        return ws

    async def _identify(self, conn: _Connection, data: dict[str, Any]) -> None:
        self.identify_payloads.append(data)
        if data.get("token") not in (self.token, f"Bot {self.token}"):
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        refused = [name for bit, name in PRIVILEGED_INTENTS.items() if intents & bit and not self.allowed_intents & bit]
        if refused:
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        conn.intents = intents
        await conn.dispatch(
            "READY",
            {
                "v": 10,
                "user": {**self.bot.user(), "verified": True, "mfa_enabled": False, "flags": 0},
                "guilds": [{"id": str(self.guild_id), "unavailable": True}],
                "session_id": f"session-{snowflake()}",
                "resume_gateway_url": self.gateway_url,
                "application": {"id": str(self.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "session_type": "normal",
            },
        )
        owner = self.users["owner"]
        members = [self.bot.member()]
        await conn.dispatch(
            "GUILD_CREATE",
            guild_payload(
                self.guild_id,
                self.guild_name,
                owner.id,
                list(self.roles.values()),
                list(self.channels.values()),
                members,
            ),
        )
        conn.ready = True
        self._connections.append(conn)
        self._ready.set()

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a gateway event to every connected client."""
        if not self._connections:
            raise FakeDiscordError("no client is connected to the fake gateway")
        for conn in self._connections:
            await conn.dispatch(event, data)

    # --- injecting interactions ---------------------------------------------------------

    def _find_command(self, name: str) -> tuple[dict[str, Any], int | None]:
        for scope in (self.guild_id, None):
            for command in self.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == 1:
                    return command, scope
        raise FakeDiscordError(f"/{name} is not registered (registered: {self.command_names()})")

    def command_names(self) -> list[str]:
        return sorted({c["name"] for commands in self.commands.values() for c in commands})

    def _build_options(
        self, schema: dict[str, Any], values: dict[str, Any], resolved: dict[str, Any], focused: str | None
    ) -> list[dict[str, Any]]:
        known = {o["name"]: o for o in schema.get("options") or []}
        options = []
        for name, value in values.items():
            if name not in known:
                raise FakeDiscordError(f"/{schema['name']} has no option {name!r} (options: {sorted(known)})")
            kind = known[name]["type"]
            if name == focused:
                options.append({"name": name, "type": kind, "value": str(value), "focused": True})
                continue
            if kind == OPTION_USER:
                user = self.user(value)
                value = str(user.id)
                resolved.setdefault("users", {})[value] = user.user()
                member = user.member(self.permissions_of(user))
                member.pop("user")
                resolved.setdefault("members", {})[value] = member
            elif kind == OPTION_INTEGER:
                value = int(value)
            elif kind == OPTION_NUMBER:
                value = float(value)
            elif kind == OPTION_BOOLEAN:
                value = bool(value)
            else:
                value = str(value)
            choices = known[name].get("choices")
            if choices and value not in [c["value"] for c in choices]:
                raise FakeDiscordError(f"{value!r} is not a choice of option {name!r}")
            options.append({"name": name, "type": kind, "value": value})
        missing = [o["name"] for o in known.values() if o.get("required") and o["name"] not in values]
        if missing and focused is None:
            raise FakeDiscordError(f"/{schema['name']}: required options missing: {missing}")
        return options

    def _command_data(self, path: str, values: dict[str, Any], focused: str | None) -> dict[str, Any]:
        names = path.split()
        command, scope = self._find_command(names[0])
        resolved: dict[str, Any] = {}
        node = command
        wrappers: list[dict[str, Any]] = []
        for name in names[1:]:
            subs = {o["name"]: o for o in node.get("options") or [] if o["type"] in (SUBCOMMAND, SUBCOMMAND_GROUP)}
            if name not in subs:
                raise FakeDiscordError(f"/{path}: {name!r} is not a subcommand of {node['name']!r} ({sorted(subs)})")
            node = subs[name]
            wrappers.append({"name": name, "type": node["type"], "options": []})
        if any(o["type"] in (SUBCOMMAND, SUBCOMMAND_GROUP) for o in node.get("options") or []):
            raise FakeDiscordError(f"/{path} is a group: name a subcommand")
        options = self._build_options(node, values, resolved, focused)
        if wrappers:
            wrappers[-1]["options"] = options
            for outer, inner in zip(reversed(wrappers[:-1]), reversed(wrappers[1:]), strict=True):
                outer["options"] = [inner]
            options = [wrappers[0]]
        data: dict[str, Any] = {"id": command["id"], "name": command["name"], "type": 1, "options": options}
        if resolved:
            data["resolved"] = resolved
        if scope is not None:
            data["guild_id"] = str(scope)
        return data

    async def _inject(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user: str | FakeUser,
        channel: str,
        locale: str,
        message: Msg | None = None,
        dm: bool = False,
    ) -> Injected:
        who = self.user(user)
        chan = self._dm_channel(who) if dm else self.channels[channel]
        interaction_id = snowflake()
        token = f"interaction-token-{interaction_id}"
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "channel_id": str(chan.id),
            "channel": chan.payload(),
            "token": token,
            "version": 1,
            "app_permissions": str(self.permissions_of(self.bot) & ~self.bot_denied.get(chan.id, 0)),
            "locale": locale,
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if dm:
            # In the bot's DM: no guild, a ``user`` instead of a ``member``, context 1
            # (BOT_DM), and "0" as the owner of the guild install that allows it.
            payload.update(user=who.user(), context=1, authorizing_integration_owners={"0": "0"})
        else:
            payload.update(
                guild_id=str(self.guild_id),
                guild={"id": str(self.guild_id), "locale": "fr", "features": []},
                member=who.member(self.permissions_of(who)),
                guild_locale="fr",
                authorizing_integration_owners={"0": str(self.guild_id)},
                context=0,
            )
        if message is not None:
            payload["message"] = copy.deepcopy(message.data)
        state = _Interaction(
            interaction_id,
            token,
            kind,
            payload,
            chan.id,
            time.monotonic(),
            source_message_id=message.id if message is not None else None,
        )
        self._interactions[interaction_id] = state
        self._by_token[token] = state
        handle = Injected(self, state, len(self.sent), time.perf_counter())
        await self.dispatch("INTERACTION_CREATE", payload)
        return handle

    async def slash(
        self,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        user: str | FakeUser = "alice",
        channel: str = "general",
        locale: str = "fr",
        dm: bool = False,
    ) -> Injected:
        """Run a registered slash command, e.g. ``slash("unanswered list", {"page": 2})``;
        ``dm``: in the user's DM with the bot instead of ``channel``.

        Options are checked against the registered schema (names, types, choices,
        required), as Discord's client does before sending anything.
        """
        data = self._command_data(command, options or {}, None)
        return await self._inject(2, data, user=user, channel=channel, locale=locale, dm=dm)

    async def autocomplete(
        self,
        command: str,
        options: dict[str, Any],
        *,
        focused: str,
        user: str | FakeUser = "alice",
        channel: str = "general",
        locale: str = "fr",
    ) -> Injected:
        """Type into option ``focused`` of a command: the bot must offer choices."""
        data = self._command_data(command, options, focused)
        return await self._inject(4, data, user=user, channel=channel, locale=locale)

    async def click(
        self, message: Msg, custom_id: str | dict[str, Any], *, user: str | FakeUser = "alice", locale: str = "fr"
    ) -> Injected:
        """Click a button of a message the bot sent."""
        if isinstance(custom_id, dict):
            custom_id = custom_id["custom_id"]
        current = message.refresh()
        if current.deleted:
            raise FakeDiscordError("cannot click a button on a deleted message")
        if custom_id not in [b.get("custom_id") for b in current.buttons]:
            raise FakeDiscordError(f"message has no button {custom_id!r}")
        button = next(b for b in current.buttons if b.get("custom_id") == custom_id)
        if button.get("disabled"):
            raise FakeDiscordError(f"button {custom_id!r} is disabled")
        channel, dm = self._where(current)
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._inject(3, data, user=user, channel=channel, locale=locale, message=current, dm=dm)

    async def choose(
        self, message: Msg, custom_id: str, values: list[str], *, user: str | FakeUser = "alice", locale: str = "fr"
    ) -> Injected:
        """Pick ``values`` in a select menu of a message the bot sent (as Discord's client
        does, only among the menu's options)."""
        current = message.refresh()
        if current.deleted:
            raise FakeDiscordError("cannot use a menu on a deleted message")
        menu = next((c for c in current.buttons if c.get("custom_id") == custom_id), None)
        if menu is None or menu.get("type") != 3:
            raise FakeDiscordError(f"message has no select menu {custom_id!r}")
        offered = [option["value"] for option in menu.get("options") or []]
        if not values or any(v not in offered for v in values):
            raise FakeDiscordError(f"{values!r} not among the menu's options {offered!r}")
        if not menu.get("min_values", 1) <= len(values) <= menu.get("max_values", 1):
            raise FakeDiscordError(f"{len(values)} values outside the menu's bounds")
        channel, dm = self._where(current)
        data = {"custom_id": custom_id, "component_type": 3, "values": list(values)}
        return await self._inject(3, data, user=user, channel=channel, locale=locale, message=current, dm=dm)

    async def post(
        self,
        content: str,
        *,
        user: str | FakeUser = "alice",
        channel: str = "general",
        mention_bot: bool = False,
    ) -> dict[str, Any]:
        """A member posts a message in a guild channel (``mention_bot`` prefixes ``<@bot>``)."""
        who = self.user(user)
        chan = self.channels[channel]
        if mention_bot:
            content = f"<@{self.bot.id}> {content}"
        mentions = [self.bot.user()] if f"<@{self.bot.id}>" in content else []
        data = self._user_message(who, chan.id, content, mentions)
        data["guild_id"] = str(self.guild_id)
        data["member"] = {k: v for k, v in who.member().items() if k != "user"}
        await self._dispatch_message(data, visible=bool(mentions))
        return data

    async def dm(self, content: str, *, user: str | FakeUser = "alice") -> dict[str, Any]:
        """A user sends the bot a direct message."""
        who = self.user(user)
        channel = self._dm_channel(who)
        data = self._user_message(who, channel.id, content, [])
        data["channel_type"] = 1
        await self._dispatch_message(data, visible=True)
        return data

    def _user_message(
        self, who: FakeUser, channel_id: int, content: str, mentions: list[dict[str, Any]]
    ) -> dict[str, Any]:
        return {
            "id": str(snowflake()),
            "channel_id": str(channel_id),
            "author": who.user(),
            "content": content,
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": "@everyone" in content,
            "mentions": mentions,
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
            "components": [],
        }

    async def _dispatch_message(self, data: dict[str, Any], *, visible: bool) -> None:
        self.user_messages[int(data["id"])] = data
        # Without the MESSAGE_CONTENT intent, Discord blanks the content of messages that
        # neither mention the bot nor are DMs: the bot must not depend on it.
        for conn in self._connections:
            payload = data
            if not visible and not conn.intents & MESSAGE_CONTENT_INTENT:
                payload = {**data, "content": "", "embeds": [], "attachments": [], "components": []}
            await conn.dispatch("MESSAGE_CREATE", payload)

    def _where(self, message: Msg) -> tuple[str, bool]:
        """(channel name, whether it is a DM) of a message the bot sent, to click on it."""
        if any(c.id == message.channel_id for c in self.dm_channels.values()):
            return "", True
        return next(name for name, c in self.channels.items() if c.id == message.channel_id), False

    def _dm_channel(self, who: FakeUser) -> FakeChannel:
        if who.id not in self.dm_channels:
            self.dm_channels[who.id] = FakeChannel(snowflake(), "", 1, recipient=who)
        return self.dm_channels[who.id]

    # --- REST ---------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if not path.startswith(API_PREFIX):
            return self._unknown(request, "outside /api/v10")
        path = path[len(API_PREFIX) :]
        for method, template, pattern in _COMPILED:
            if method != request.method:
                continue
            match = pattern.match(path)
            if match is None:
                continue
            body, files = await self._read_body(request)
            route = f"{method} {template}"
            params = match.groupdict()
            is_webhook = template.startswith(("/interactions/", "/webhooks/"))
            if not is_webhook and request.headers.get("Authorization") != f"Bot {self.token}":
                sent = Sent(
                    len(self.sent), method, route, path, dict(request.query), body, files, time.perf_counter(), 401
                )
                self._record(sent)
                return _error(401, 0, "401: Unauthorized")
            sent = Sent(
                len(self.sent),
                method,
                route,
                path,
                dict(request.query),
                body,
                files,
                time.perf_counter(),
                token=params.get("token"),
            )
            handler = getattr(self, "_route_" + re.sub(r"\W+", "_", route.lower()).strip("_"))
            fault = self._take_fault(route)
            if fault is not None and not fault.after_work:
                sent.status = fault.status
                self._record(sent)
                return fault.response()
            try:
                response = await handler(sent, **params)
            except _Reject as exc:
                self.problem(f"{route}: {exc.message}")
                sent.status = exc.status
                self._record(sent)
                return _error(exc.status, exc.code, exc.message)
            if fault is not None:  # the work is done; the answer is lost on the way back
                sent.status = fault.status
                self._record(sent)
                return fault.response()
            sent.status = response.status
            self._record(sent)
            return response
        return self._unknown(request, "no such route in the fake")

    def _unknown(self, request: web.Request, why: str) -> web.Response:
        self.problem(f"unknown route {request.method} {request.path} ({why})")
        return _error(404, 0, "404: Not Found")

    @staticmethod
    async def _read_body(request: web.Request) -> tuple[Any, dict[str, bytes]]:
        files: dict[str, bytes] = {}
        if request.content_type.startswith("multipart/"):
            body: Any = None
            form = await request.post()
            for key, value in form.items():
                if key == "payload_json":
                    body = json.loads(str(value))
                elif hasattr(value, "file"):
                    files[value.filename] = value.file.read()  # type: ignore[union-attr]
            return body, files
        if request.can_read_body:
            raw = await request.read()
            return (json.loads(raw) if raw else None), files
        return None, files

    # gateway and identity

    async def _route_get_gateway(self, sent: Sent) -> web.Response:
        return _json({"url": self.gateway_url})

    async def _route_get_gateway_bot(self, sent: Sent) -> web.Response:
        return _json(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    async def _route_get_users_me(self, sent: Sent) -> web.Response:
        return _json({**self.bot.user(), "verified": True, "mfa_enabled": False, "flags": 0})

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(self.application_id),
            "name": self.bot.username,
            "icon": None,
            "description": "Le bot FAQ du métier de community manager",
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": self.users["owner"].user(),
            "verify_key": "0" * 64,
            "team": None,
            "flags": 0,
            "summary": "",
            "bot": self.bot.user(),
        }

    async def _route_get_oauth2_applications_me(self, sent: Sent) -> web.Response:
        return _json(self._application())

    async def _route_get_applications_me(self, sent: Sent) -> web.Response:
        return _json(self._application())

    # application commands

    def _check_app(self, application_id: str) -> None:
        if int(application_id) != self.application_id:
            raise _Reject(404, 10002, "Unknown Application")

    def register_commands(self, scope: int | None, body: Any) -> list[dict[str, Any]]:
        """Commands registered before the bot starts (``None``: global), as a PUT would."""
        return self._store_commands(scope, body)

    def _store_commands(self, scope: int | None, body: Any) -> list[dict[str, Any]]:
        if not isinstance(body, list):
            raise _Reject(400, 50035, "Invalid Form Body: a list of commands is expected")
        problems = [p for command in body for p in command_problems(command)]
        names = [(c.get("type", 1), c.get("name")) for c in body]
        if len(names) != len(set(names)):
            problems.append("duplicate command names")
        if problems:
            raise _Reject(400, 50035, "Invalid Form Body: " + "; ".join(problems))
        stored = []
        for command in body:
            key = (scope, command["name"])
            command_id = self._command_ids.setdefault(key, snowflake())
            entry = {
                **copy.deepcopy(command),
                "id": str(command_id),
                "application_id": str(self.application_id),
                "version": str(snowflake()),
                "type": command.get("type", 1),
            }
            entry.setdefault("options", [])
            if scope is not None:
                entry["guild_id"] = str(scope)
            stored.append(entry)
        self.commands[scope] = stored
        return stored

    async def _route_get_applications_application_id_commands(self, sent: Sent, application_id: str) -> web.Response:
        self._check_app(application_id)
        return _json(self.commands.get(None, []))

    async def _route_put_applications_application_id_commands(self, sent: Sent, application_id: str) -> web.Response:
        self._check_app(application_id)
        return _json(self._store_commands(None, sent.json))

    async def _route_get_applications_application_id_guilds_guild_id_commands(
        self, sent: Sent, application_id: str, guild_id: str
    ) -> web.Response:
        self._check_app(application_id)
        return _json(self.commands.get(int(guild_id), []))

    async def _route_put_applications_application_id_guilds_guild_id_commands(
        self, sent: Sent, application_id: str, guild_id: str
    ) -> web.Response:
        self._check_app(application_id)
        if int(guild_id) != self.guild_id:
            raise _Reject(403, 50001, "Missing Access")
        return _json(self._store_commands(int(guild_id), sent.json))

    # interactions

    def _interaction(self, token: str) -> _Interaction:
        state = self._by_token.get(token)
        if state is None:
            raise _Reject(404, 10015, "Unknown Webhook")
        return state

    async def _route_post_interactions_interaction_id_token_callback(
        self, sent: Sent, interaction_id: str, token: str
    ) -> web.Response:
        state = self._interactions.get(int(interaction_id))
        if state is None or state.token != token:
            raise _Reject(404, 10062, "Unknown interaction")
        if state.responded:
            raise _Reject(400, 40060, "Interaction has already been acknowledged.")
        late = time.monotonic() - state.created
        if late > CALLBACK_DEADLINE:
            raise _Reject(404, 10062, f"Unknown interaction (answered after {late:.2f} s)")
        body = sent.body
        kind = body.get("type")
        data = body.get("data") or {}
        resource: dict[str, Any] | None = None
        if kind in (4, 5):
            if state.type not in (2, 3, 5):
                raise _Reject(400, 50035, f"callback type {kind} is not valid for interaction type {state.type}")
            if kind == 4:
                self._validate(data, creating=True, has_files=bool(sent.files))
            flags = int(data.get("flags") or 0)
            if kind == 5:
                flags |= LOADING
                data = {"flags": flags}
            message = self._create_message(state.channel_id, {**data, "flags": flags}, sent.files, webhook=True)
            state.original_message_id = message.id
            state.message_ids.append(message.id)
            sent.message = message
            resource = {"type": kind, "message": message.data}
        elif kind in (6, 7):
            if state.type != 3:
                raise _Reject(400, 50035, f"callback type {kind} is only valid for component interactions")
            state.original_message_id = state.source_message_id
            if kind == 7:
                self._validate(data, creating=False)
                assert state.source_message_id is not None
                sent.message = self._edit_message(state.source_message_id, data, sent.files)
                resource = {"type": kind, "message": sent.message.data}
        elif kind == 8:
            if state.type != 4:
                raise _Reject(400, 50035, "autocomplete results answer autocomplete interactions only")
            choices = data.get("choices")
            if not isinstance(choices, list) or len(choices) > AUTOCOMPLETE_CHOICES:
                raise _Reject(400, 50035, f"choices: 0 to {AUTOCOMPLETE_CHOICES} are allowed")
            for choice in choices:
                if not 1 <= len(choice.get("name") or "") <= CHOICE_NAME:
                    raise _Reject(400, 50035, f"choice name must be 1 to {CHOICE_NAME} characters: {choice!r}")
        elif kind == 9:
            pass
        else:
            raise _Reject(400, 50035, f"unknown callback type {kind}")
        state.responded = True
        state.response_type = kind
        if "with_response" not in sent.params:
            return web.Response(status=204)
        interaction: dict[str, Any] = {
            "id": str(state.id),
            "type": state.type,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
        }
        if resource is not None and "message" in resource:
            interaction["response_message_id"] = resource["message"]["id"]
        return _json({"interaction": interaction, **({"resource": resource} if resource else {})})

    async def _route_post_webhooks_application_id_token(
        self, sent: Sent, application_id: str, token: str
    ) -> web.Response:
        self._check_app(application_id)
        state = self._interaction(token)
        if not state.responded:
            raise _Reject(400, 40060, "follow-up before the interaction was acknowledged")
        self._validate(sent.body, creating=True, has_files=bool(sent.files))
        if (
            state.response_type == 5
            and state.original_message_id is not None
            and state.original_message_id not in self.deleted_messages  # deleted: a follow-up is a new message
        ):
            original = self.messages[state.original_message_id]
            if int(original.get("flags") or 0) & LOADING:
                # The first follow-up after a deferral replaces the "thinking…" message.
                sent.message = self._edit_message(state.original_message_id, sent.body, sent.files, clear_loading=True)
                return _json(sent.message.data)
        message = self._create_message(state.channel_id, sent.body, sent.files, webhook=True)
        state.message_ids.append(message.id)
        sent.message = message
        if sent.params.get("wait") in ("true", "1", "True"):
            return _json(message.data)
        return web.Response(status=204)

    def _webhook_message_id(self, state: _Interaction, message_id: str) -> int:
        if message_id == "@original":
            if state.original_message_id is None:
                raise _Reject(404, 10008, "Unknown Message (the interaction has no original response)")
            return state.original_message_id
        mid = int(message_id)
        if mid not in state.message_ids and mid != state.original_message_id:
            raise _Reject(404, 10008, "Unknown Message")
        return mid

    async def _route_get_webhooks_application_id_token_messages_message_id(
        self, sent: Sent, application_id: str, token: str, message_id: str
    ) -> web.Response:
        mid = self._webhook_message_id(self._interaction(token), message_id)
        if mid in self.deleted_messages:
            raise _Reject(404, 10008, "Unknown Message")
        return _json(self.messages[mid])

    async def _route_patch_webhooks_application_id_token_messages_message_id(
        self, sent: Sent, application_id: str, token: str, message_id: str
    ) -> web.Response:
        mid = self._webhook_message_id(self._interaction(token), message_id)
        if mid in self.deleted_messages:
            raise _Reject(404, 10008, "Unknown Message")
        self._validate(sent.body, creating=False)
        sent.message = self._edit_message(mid, sent.body, sent.files, clear_loading=True)
        return _json(sent.message.data)

    async def _route_delete_webhooks_application_id_token_messages_message_id(
        self, sent: Sent, application_id: str, token: str, message_id: str
    ) -> web.Response:
        mid = self._webhook_message_id(self._interaction(token), message_id)
        if mid in self.deleted_messages:
            raise _Reject(404, 10008, "Unknown Message")
        self.deleted_messages.add(mid)
        return web.Response(status=204)

    # channels

    def _channel_id(self, channel_id: str) -> int:
        cid = int(channel_id)
        known = {c.id for c in self.channels.values()} | {c.id for c in self.dm_channels.values()}
        if cid not in known:
            raise _Reject(404, 10003, "Unknown Channel")
        return cid

    async def _route_post_channels_channel_id_messages(self, sent: Sent, channel_id: str) -> web.Response:
        cid = self._channel_id(channel_id)
        if any(self.dm_channels.get(user_id) and self.dm_channels[user_id].id == cid for user_id in self.closed_dms):
            return _error(403, 50007, "Cannot send messages to this user")  # a member's choice, not a bot bug
        if self.bot_denied.get(cid, 0) & (SEND_MESSAGES | VIEW_CHANNEL):
            raise _Reject(403, 50013, "Missing Permissions")  # the bot was told, in app_permissions
        self._validate(sent.body, creating=True, has_files=bool(sent.files))
        nonce = (sent.body or {}).get("nonce")
        key = (cid, str(nonce))
        if nonce is not None and (sent.body or {}).get("enforce_nonce") and key in self._nonces:
            # Discord: "the nonce will be checked for uniqueness in the past few minutes; if
            # another message was created by the same author with the same nonce, that
            # message will be returned and no new message will be created."
            return _json(self.messages[self._nonces[key]])
        sent.message = self._create_message(cid, sent.body, sent.files, webhook=False)
        if nonce is not None:
            self._nonces[key] = sent.message.id
        return _json(sent.message.data)

    def _channel_message(self, channel_id: str, message_id: str) -> int:
        cid = self._channel_id(channel_id)
        mid = int(message_id)
        if mid not in self.messages or int(self.messages[mid]["channel_id"]) != cid or mid in self.deleted_messages:
            raise _Reject(404, 10008, "Unknown Message")
        return mid

    async def _route_get_channels_channel_id_messages_message_id(
        self, sent: Sent, channel_id: str, message_id: str
    ) -> web.Response:
        return _json(self.messages[self._channel_message(channel_id, message_id)])

    async def _route_patch_channels_channel_id_messages_message_id(
        self, sent: Sent, channel_id: str, message_id: str
    ) -> web.Response:
        mid = self._channel_message(channel_id, message_id)
        if int(self.messages[mid]["author"]["id"]) != self.bot.id:
            raise _Reject(403, 50005, "Cannot edit a message authored by another user")
        self._validate(sent.body, creating=False)
        sent.message = self._edit_message(mid, sent.body, sent.files)
        return _json(sent.message.data)

    async def _route_delete_channels_channel_id_messages_message_id(
        self, sent: Sent, channel_id: str, message_id: str
    ) -> web.Response:
        mid = self._channel_message(channel_id, message_id)
        self.deleted_messages.add(mid)
        return web.Response(status=204)

    async def _route_post_channels_channel_id_typing(self, sent: Sent, channel_id: str) -> web.Response:
        self._channel_id(channel_id)
        return web.Response(status=204)

    async def _route_get_channels_channel_id(self, sent: Sent, channel_id: str) -> web.Response:
        cid = self._channel_id(channel_id)
        channel = next(c for c in [*self.channels.values(), *self.dm_channels.values()] if c.id == cid)
        payload = channel.payload()
        return _json(payload)

    async def _route_post_users_me_channels(self, sent: Sent) -> web.Response:
        recipient = int(sent.body.get("recipient_id", 0))
        user = next((u for u in self.users.values() if u.id == recipient), None)
        if user is None:
            raise _Reject(400, 50035, "Invalid Form Body: unknown recipient_id")
        return _json(self._dm_channel(user).payload())

    async def _route_get_users_user_id(self, sent: Sent, user_id: str) -> web.Response:
        user = next((u for u in [*self.users.values(), self.bot] if u.id == int(user_id)), None)
        if user is None:
            raise _Reject(404, 10013, "Unknown User")
        return _json(user.user())

    async def _route_get_guilds_guild_id_members_user_id(self, sent: Sent, guild_id: str, user_id: str) -> web.Response:
        user = next((u for u in [*self.users.values(), self.bot] if u.id == int(user_id)), None)
        if int(guild_id) != self.guild_id or user is None:
            raise _Reject(404, 10007, "Unknown Member")
        return _json(user.member())

    # messages

    def _validate(self, payload: dict[str, Any], *, creating: bool, has_files: bool = False) -> None:
        problems = message_problems(payload or {}, creating=creating, has_files=has_files)
        if problems:
            raise _Reject(400, 50035, "Invalid Form Body: " + "; ".join(problems))

    def _create_message(self, channel_id: int, body: dict[str, Any], files: dict[str, bytes], *, webhook: bool) -> Msg:
        message_id = snowflake()
        guild_channel = any(c.id == channel_id for c in self.channels.values())
        data: dict[str, Any] = {
            "id": str(message_id),
            "channel_id": str(channel_id),
            "author": self.bot.user(),
            "content": body.get("content") or "",
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts")),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "type": 0,
            "flags": int(body.get("flags") or 0),
        }
        if guild_channel:
            data["guild_id"] = str(self.guild_id)
        if webhook:
            data["webhook_id"] = str(self.application_id)
            data["application_id"] = str(self.application_id)
        replied_user: int | None = None
        reference = body.get("message_reference")
        if reference:
            ref_id = int(reference["message_id"])
            data["type"] = 19
            data["message_reference"] = {"message_id": str(ref_id), "channel_id": str(channel_id)}
            if guild_channel:
                data["message_reference"]["guild_id"] = str(self.guild_id)
        self.messages[message_id] = data
        msg = self._edit_message(message_id, body, files, creating=True)
        if reference is not None:
            referenced = self.messages.get(int(reference["message_id"])) or self.user_messages.get(
                int(reference["message_id"])
            )
            replied_user = int(referenced["author"]["id"]) if referenced else None
        self.pings[message_id] = pinged(body, replied_user_id=replied_user)
        self._resolve_mentions(data, self.pings[message_id])
        return msg

    def _resolve_mentions(self, data: dict[str, Any], pings: set[str]) -> None:
        ids = {int(p.split(":")[1]) for p in pings if p.startswith("user:")}
        data["mentions"] = [u.user() for u in self.users.values() if u.id in ids]
        data["mention_roles"] = [p.split(":")[1] for p in pings if p.startswith("role:")]
        data["mention_everyone"] = "everyone" in pings

    def _edit_message(
        self,
        message_id: int,
        body: dict[str, Any],
        files: dict[str, bytes],
        *,
        creating: bool = False,
        clear_loading: bool = False,
    ) -> Msg:
        data = self.messages[message_id]
        body = body or {}
        for key in ("content", "components"):
            if key in body:
                data[key] = body[key] if body[key] is not None else ([] if key == "components" else "")
        if "embeds" in body:
            data["embeds"] = [{"type": "rich", **e} for e in body["embeds"] or []]
        if "flags" in body and not creating:
            # Only SUPPRESS_EMBEDS can change after sending; ephemeral stays as it was.
            data["flags"] = (int(data.get("flags") or 0) & EPHEMERAL) | (
                int(body["flags"] or 0) & ~EPHEMERAL & ~LOADING
            )
        if clear_loading:
            data["flags"] = int(data.get("flags") or 0) & ~LOADING
        if files or "attachments" in body:
            kept = {
                a["id"] for a in body.get("attachments") or [] if str(a.get("id", "")).isdigit() and int(a["id"]) > 1000
            }
            attachments = [a for a in data.get("attachments") or [] if a["id"] in kept]
            stored = self.attachments.setdefault(message_id, {})
            for name, content in files.items():
                attachment_id = snowflake()
                stored[name] = content
                attachments.append(
                    {
                        "id": str(attachment_id),
                        "filename": name,
                        "size": len(content),
                        "url": f"http://127.0.0.1:{self.port}/attachments/{attachment_id}/{name}",
                        "proxy_url": f"http://127.0.0.1:{self.port}/attachments/{attachment_id}/{name}",
                    }
                )
            data["attachments"] = attachments
        if not creating:
            data["edited_timestamp"] = now_iso()
            if "allowed_mentions" in body or "content" in body:
                self.pings[message_id] = self.pings.get(message_id, set()) | pinged(body)
        return Msg(self, data)


def _undone(sent: Sent) -> bool:
    """A request answered with an injected 429 or 5xx before any work was done."""
    return (sent.status == 429 or sent.status >= 500) and sent.message is None


class _Reject(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _json(data: Any, status: int = 200) -> web.Response:
    """A JSON response with Discord's exact content type (discord.py compares it as is)."""
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"code": code, "message": message}, status=status)


LOCALES = {
    "id",
    "da",
    "de",
    "en-GB",
    "en-US",
    "es-ES",
    "es-419",
    "fr",
    "hr",
    "it",
    "lt",
    "hu",
    "nl",
    "no",
    "pl",
    "pt-BR",
    "ro",
    "fi",
    "sv-SE",
    "vi",
    "tr",
    "cs",
    "el",
    "bg",
    "ru",
    "uk",
    "hi",
    "th",
    "zh-CN",
    "ja",
    "zh-TW",
    "ko",
}
NAME = re.compile(r"^[-_'\w]{1,32}$")


def command_problems(command: dict[str, Any], where: str = "") -> list[str]:
    """What Discord refuses in an application command (names, lengths, localisations)."""
    problems: list[str] = []
    name = command.get("name") or ""
    here = f"{where}/{name}"
    kind = command.get("type", 1)
    if kind in (1, None) or "options" in command or where:
        if not NAME.match(name) or name != name.lower():
            problems.append(f"{here}: invalid name")
        description = command.get("description") or ""
        if not 1 <= len(description) <= 100:
            problems.append(f"{here}: description must be 1 to 100 characters")
    for key in ("name_localizations", "description_localizations"):
        for locale, text in (command.get(key) or {}).items():
            if locale not in LOCALES:
                problems.append(f"{here}: unknown locale {locale!r} in {key}")
            limit = 32 if key == "name_localizations" else 100
            if not 1 <= len(text or "") <= limit:
                problems.append(f"{here}: {key}[{locale}] must be 1 to {limit} characters")
            if key == "name_localizations" and (not NAME.match(text or "") or text != text.lower()):
                problems.append(f"{here}: invalid localised name {text!r}")
    options = command.get("options") or []
    if len(options) > 25:
        problems.append(f"{here}: more than 25 options")
    seen_optional = False
    for option in options:
        if option.get("type") not in (SUBCOMMAND, SUBCOMMAND_GROUP):
            if option.get("required") and seen_optional:
                problems.append(f"{here}: required option {option.get('name')!r} after an optional one")
            seen_optional = seen_optional or not option.get("required")
            for choice in option.get("choices") or []:
                if not 1 <= len(choice.get("name") or "") <= 100:
                    problems.append(f"{here}: choice name length")
        problems += command_problems(option, here)
    return problems
