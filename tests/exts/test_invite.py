"""``python -m bot invite``: the link Discord's own helpers build, for the right application."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlparse

import discord

from bot.exts.invite import PERMISSIONS, invite_url, permissions

APP_ID = 987654321098765432


def token_for(user_id: int) -> str:
    """A token shaped like Discord's: base64 of the bot's id, a timestamp, an HMAC."""
    return base64.b64encode(str(user_id).encode()).decode().rstrip("=") + ".GxYzAb.c2lnbmF0dXJlLWZhdXNzZQ"


def query(url: str) -> dict[str, list[str]]:
    parsed = urlparse(url)
    assert (parsed.scheme, parsed.netloc, parsed.path) == ("https", "discord.com", "/oauth2/authorize")
    return parse_qs(parsed.query)


def test_the_link_asks_for_both_scopes_and_exactly_the_permissions_used() -> None:
    fields = query(invite_url(APP_ID))
    assert fields["client_id"] == [str(APP_ID)]
    assert fields["scope"] == ["bot applications.commands"]
    granted = discord.Permissions(int(fields["permissions"][0]))
    assert granted == discord.Permissions(
        view_channel=True,
        send_messages=True,
        send_messages_in_threads=True,
        embed_links=True,
        read_message_history=True,
    )
    assert granted.value == permissions().value
    # Nothing that would let a leaked token harm a server.
    assert not (granted.administrator or granted.manage_messages or granted.manage_guild or granted.mention_everyone)


def test_the_cli_prints_the_link_and_why_each_permission(run_cli) -> None:
    result = run_cli("invite", env={"DISCORD_TOKEN": token_for(APP_ID)})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"application {APP_ID}, identifiant lu dans DISCORD_TOKEN" in lines[0]
    assert lines[1] == invite_url(APP_ID)
    for label, why in PERMISSIONS.values():
        assert f"  {label} : {why}" in lines
    assert f"Permissions (valeur {permissions().value})" in result.stdout


def test_the_application_id_setting_wins_over_the_token(run_cli) -> None:
    other = 112233445566778899
    result = run_cli("invite", env={"DISCORD_TOKEN": token_for(APP_ID), "DISCORD_APPLICATION_ID": str(other)})
    assert result.returncode == 0, result.stderr
    assert query(result.stdout.splitlines()[1])["client_id"] == [str(other)]
    assert "identifiant lu dans DISCORD_APPLICATION_ID" in result.stdout


def test_without_an_id_to_use_the_cli_names_the_setting(run_cli) -> None:
    for env in ({}, {"DISCORD_TOKEN": "pas-un-jeton"}, {"DISCORD_APPLICATION_ID": "12ab"}):
        result = run_cli("invite", env=env)
        assert result.returncode == 2, env
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("Réglage invalide — DISCORD_"), line
        assert "DISCORD_APPLICATION_ID" in line, line


def test_help_says_where_the_id_comes_from(run_cli) -> None:
    text = " ".join(run_cli("invite", "--help").stdout.split())
    assert "DISCORD_APPLICATION_ID" in text and "DISCORD_TOKEN" in text and "base64" in text
