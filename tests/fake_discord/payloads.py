"""Discord API objects as the real API sends them, built from a small fake world.

Payloads follow the Discord API v10 documentation (users, members, guilds, channels,
messages, interactions) closely enough for discord.py to parse them without shortcuts:
the point of the fake is that the real library reads real-shaped data.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADMINISTRATOR = 1 << 3
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_APPLICATION_COMMANDS = 1 << 31
MEMBER_DEFAULT = (
    ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_APPLICATION_COMMANDS
)
ALL_PERMISSIONS = (1 << 51) - 1

# Gateway intents (https://discord.com/developers/docs/topics/gateway#gateway-intents).
PRIVILEGED_INTENTS = {1 << 1: "GUILD_MEMBERS", 1 << 8: "GUILD_PRESENCES", 1 << 15: "MESSAGE_CONTENT"}
MESSAGE_CONTENT_INTENT = 1 << 15

EPHEMERAL = 1 << 6

_ids = itertools.count(1_300_000_000_000_000_000, 4_194_304)


def snowflake() -> int:
    """A fresh, increasing id (shaped like Discord's, so timestamps parse)."""
    return next(_ids)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass
class FakeUser:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    roles: list[int] = field(default_factory=list)
    nick: str | None = None

    def user(self) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.global_name,
            "discriminator": "0",
            "avatar": None,
            "public_flags": 0,
        }
        if self.bot:
            payload["bot"] = True
        return payload

    def member(self, permissions: int | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "user": self.user(),
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "joined_at": "2024-01-15T10:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
        }
        if permissions is not None:
            payload["permissions"] = str(permissions)
        return payload


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int
    position: int = 1
    managed: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": True,
            "flags": 0,
        }


@dataclass
class FakeChannel:
    id: int
    name: str
    type: int = 0  # GUILD_TEXT; 1 is DM
    guild_id: int | None = None
    recipient: FakeUser | None = None
    position: int = 0

    def payload(self) -> dict[str, Any]:
        if self.type == 1:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": 1,
                "last_message_id": None,
                "recipients": [self.recipient.user()],
                "flags": 0,
            }
        payload: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "position": self.position,
            "permission_overwrites": [],
            "nsfw": False,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": None,
            "flags": 0,
        }
        if self.guild_id is not None:
            payload["guild_id"] = str(self.guild_id)
        return payload


def guild_payload(
    guild_id: int,
    name: str,
    owner_id: int,
    roles: list[FakeRole],
    channels: list[FakeChannel],
    members: list[dict[str, Any]],
) -> dict[str, Any]:
    """A GUILD_CREATE payload. Without the GUILD_MEMBERS intent Discord sends only the
    bot's own member, so that is what ``members`` should hold."""
    channel_payloads = []
    for channel in channels:
        payload = channel.payload()
        payload.pop("guild_id", None)  # GUILD_CREATE channels carry no guild_id
        channel_payloads.append(payload)
    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "roles": [role.payload() for role in roles],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "fr",
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "joined_at": "2024-01-01T00:00:00+00:00",
        "large": False,
        "unavailable": False,
        "member_count": 5,
        "voice_states": [],
        "members": members,
        "channels": channel_payloads,
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


# --- Message limits (https://discord.com/developers/docs/resources/message) ------------

CONTENT_LIMIT = 2000
EMBEDS_PER_MESSAGE = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBED_TOTAL = 6000
ACTION_ROWS = 5
ROW_WIDTH = 5
BUTTON_LABEL = 80
CUSTOM_ID = 100
SELECT_OPTIONS = 25
AUTOCOMPLETE_CHOICES = 25
CHOICE_NAME = 100


def embed_length(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for f in embed.get("fields") or []:
        total += len(f.get("name") or "") + len(f.get("value") or "")
    return total


def message_problems(payload: dict[str, Any], *, creating: bool, has_files: bool = False) -> list[str]:
    """What Discord would reject (HTTP 400) in a message payload."""
    problems: list[str] = []
    content = payload.get("content") or ""
    embeds = payload.get("embeds") or []
    components = payload.get("components") or []
    if len(content) > CONTENT_LIMIT:
        problems.append(f"content: {len(content)} > {CONTENT_LIMIT} characters")
    if len(embeds) > EMBEDS_PER_MESSAGE:
        problems.append(f"embeds: {len(embeds)} > {EMBEDS_PER_MESSAGE}")
    total = 0
    for i, embed in enumerate(embeds):
        for key, limit in (("title", EMBED_TITLE), ("description", EMBED_DESCRIPTION)):
            if len(embed.get(key) or "") > limit:
                problems.append(f"embeds[{i}].{key}: {len(embed[key])} > {limit}")
        fields = embed.get("fields") or []
        if len(fields) > EMBED_FIELDS:
            problems.append(f"embeds[{i}].fields: {len(fields)} > {EMBED_FIELDS}")
        for j, f in enumerate(fields):
            if len(f.get("name") or "") > EMBED_FIELD_NAME or not f.get("name"):
                problems.append(f"embeds[{i}].fields[{j}].name: empty or too long")
            if len(f.get("value") or "") > EMBED_FIELD_VALUE or not f.get("value"):
                problems.append(f"embeds[{i}].fields[{j}].value: empty or too long")
        if len((embed.get("footer") or {}).get("text") or "") > EMBED_FOOTER:
            problems.append(f"embeds[{i}].footer.text too long")
        if len((embed.get("author") or {}).get("name") or "") > EMBED_AUTHOR:
            problems.append(f"embeds[{i}].author.name too long")
        url = embed.get("url")
        if url is not None and not re.match(r"^https?://", url):
            problems.append(f"embeds[{i}].url: not a http(s) URL: {url!r}")
        total += embed_length(embed)
    if total > EMBED_TOTAL:
        problems.append(f"embeds: {total} characters in total > {EMBED_TOTAL}")
    if len(components) > ACTION_ROWS:
        problems.append(f"components: {len(components)} rows > {ACTION_ROWS}")
    custom_ids: set[str] = set()
    for i, row in enumerate(components):
        children = row.get("components") or []
        if row.get("type") != 1 or not children or len(children) > ROW_WIDTH:
            problems.append(f"components[{i}]: an action row holds 1 to {ROW_WIDTH} components")
        if any(child.get("type") == 3 for child in children) and len(children) > 1:
            problems.append(f"components[{i}]: a select menu takes a whole action row")
        for child in children:
            if child.get("type") == 3:
                options = child.get("options") or []
                if not 1 <= len(options) <= SELECT_OPTIONS:
                    problems.append(f"components[{i}]: a select menu holds 1 to {SELECT_OPTIONS} options")
                if len({o.get("value") for o in options}) != len(options):
                    problems.append(f"components[{i}]: duplicate option values")
                for option in options:
                    if not 1 <= len(option.get("label") or "") <= 100 or not 1 <= len(option.get("value") or "") <= 100:
                        problems.append(f"components[{i}]: option label and value must be 1 to 100 characters")
            label = child.get("label") or ""
            if len(label) > BUTTON_LABEL:
                problems.append(f"components[{i}]: label longer than {BUTTON_LABEL}: {label!r}")
            custom_id = child.get("custom_id")
            if child.get("style") == 5:
                if not child.get("url"):
                    problems.append(f"components[{i}]: link button without url")
                continue
            if not custom_id or len(custom_id) > CUSTOM_ID:
                problems.append(f"components[{i}]: custom_id missing or longer than {CUSTOM_ID}: {custom_id!r}")
            elif custom_id in custom_ids:
                problems.append(f"components[{i}]: duplicate custom_id {custom_id!r}")
            custom_ids.add(custom_id or "")
    if creating and not (content or embeds or components or has_files or payload.get("poll")):
        problems.append("Cannot send an empty message")
    return problems


MENTION = re.compile(r"<@(!?|&)(\d+)>|@(everyone|here)")


def pinged(payload: dict[str, Any], *, replied_user_id: int | None = None) -> set[str]:
    """Who Discord would notify for this message: ``"everyone"``, ``"user:<id>"``, ``"role:<id>"``.

    Only ``content`` pings (never embeds); ``allowed_mentions`` filters it, and when it is
    absent Discord parses every mention in the content.
    """
    content = payload.get("content") or ""
    found: set[str] = set()
    for match in MENTION.finditer(content):
        kind, ident, everyone = match.groups()
        if everyone:
            found.add("everyone")
        elif kind == "&":
            found.add(f"role:{ident}")
        else:
            found.add(f"user:{ident}")
    allowed = payload.get("allowed_mentions")
    if allowed is None:
        result = found
    else:
        parse = set(allowed.get("parse") or [])
        users = {f"user:{u}" for u in allowed.get("users") or []}
        roles = {f"role:{r}" for r in allowed.get("roles") or []}
        result = set()
        for item in found:
            kind = "everyone" if item == "everyone" else item.split(":")[0] + "s"
            if kind in parse or item in users or item in roles:
                result.add(item)
    if replied_user_id is not None and (allowed is None or allowed.get("replied_user", True)):
        result.add(f"user:{replied_user_id}")
    return result
