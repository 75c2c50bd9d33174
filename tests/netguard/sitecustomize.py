"""Put first on ``PYTHONPATH`` of a program a test starts: the network guard is on in it too."""

from tests.network_guard import install

install()
