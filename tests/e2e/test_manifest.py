"""app_manifest.yml: valid for Slack, declares exactly what the code listens for, least scopes.

Three ways the manifest and the code drift apart, each caught here:
- the YAML no longer pastes into "Create app → From a manifest" (Slack's JSON Schema);
- a command, shortcut or event is declared but nobody listens (users get an error), or the code
  listens for one Slack never sends because it is not declared (a dead feature) — checked both on
  paper (bot/core/ids.py) and by driving the real app over HTTP with signed requests;
- a bot scope nobody needs creeps in (admins refuse installs that ask for too much), or the code
  starts calling a Web API method whose scope the manifest lacks (missing_scope in production).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema.validators import validator_for

from bot.core import ids
from bot.server import EVENTS_PATH

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_PATH = ROOT / "app_manifest.yml"
# The repo sits beside shared/ (/work/main -> /work/shared; CI clones it the same way).
SCHEMA_PATH = (
    Path(__file__).resolve().parents[3] / "shared" / "slack" / "manifest.schema.1.0.0.json"
)

# Every bot scope the manifest may ask for, and why Frontline needs it. A scope not listed here
# fails the test: add it only with the method that needs it (and that method to METHOD_SCOPES).
SCOPES = {
    "commands": "the /feedback slash command and the 'Log as customer feedback' message shortcut",
    "chat:write": "chat.postMessage / chat.update: cards, card updates, thread notes and DMs",
    "chat:write.public": "cards post in a team's channel without inviting the bot there first",
    "users:read": "users.info: each person's timezone (tz) for nudges and digests",
    "channels:read": "conversations.members on a public team channel (who may act on a card)",
    "groups:read": "conversations.members on a private team channel (who may act on a card)",
    "channels:history": "conversations.history/replies: find a post whose answer was lost (public)",
    "groups:history": "conversations.history/replies: the same in private channels",
    "im:history": "conversations.history: find a DM whose answer was lost",
    "im:write": "conversations.open: the DM's channel id, to look for such a DM",
    "files:write": "files.getUploadURLExternal/completeUploadExternal: exports and charts",
    "reactions:read": "the reaction_added event: a configured emoji logs the message it is on",
    "app_mentions:read": "the app_mention event: @Frontline in a thread offers to log its parent",
}

# Bot scopes Slack's method reference lists for each Web API method the code may call.
# conversations.members needs the read scope of the channel's type; Frontline's team channels are
# public or private (never DMs), hence channels:read + groups:read. No scope: chat.getPermalink,
# views.* (they work through the bot token / a trigger_id alone).
METHOD_SCOPES: dict[str, set[str]] = {
    "chat.postMessage": {"chat:write"},
    "chat.postEphemeral": {"chat:write"},
    "chat.update": {"chat:write"},
    "chat.getPermalink": set(),
    "conversations.members": {"channels:read", "groups:read"},
    "conversations.history": {"channels:history", "groups:history", "im:history"},
    "conversations.replies": {"channels:history", "groups:history"},
    "conversations.open": {"im:write"},
    "users.info": {"users:read"},
    "files.getUploadURLExternal": {"files:write"},
    "files.completeUploadExternal": {"files:write"},
    "views.open": set(),
    "views.push": set(),
    "views.update": set(),
    "views.publish": set(),
    "auth.test": set(),
}

# One realistic payload per declared bot event, and the Slack call that proves a listener ran.
SAMPLE_EVENTS: dict[str, tuple[dict[str, Any], str]] = {
    "app_home_opened": (
        {
            "type": "app_home_opened",
            "user": "UAGENT",
            "channel": "D0001",
            "tab": "home",
            "event_ts": "1.2",
        },
        "views.publish",
    ),
    # a configured reaction on a message the bot cannot read: the reactor hears how to invite it
    "reaction_added": (
        {
            "type": "reaction_added",
            "user": "UAGENT",
            "reaction": "memo",
            "item_user": "UCUST",
            "item": {"type": "message", "channel": "C0NOTSEEN", "ts": "1700000000.000100"},
            "event_ts": "1.3",
        },
        "chat.postMessage",
    ),
    "app_mention": (
        {
            "type": "app_mention",
            "user": "UAGENT",
            "text": "<@UBOT> hello",
            "channel": "C0AGENTS",
            "ts": "1700000000.000200",
            "event_ts": "1700000000.000200",
        },
        "chat.postEphemeral",
    ),
}

# Web API calls in the code: client.chat_postMessage(...), self.client.api_call("users.info", ...)
_CALL = re.compile(
    r"\bclient\.(?:(api_call)\(\s*[\"']([\w.]+)[\"']"
    r"|(admin|auth|bookmarks|bots|chat|conversations|dnd|emoji|files|pins|reactions|reminders"
    r"|search|team|usergroups|users|views)_(\w+)\()"
)


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST_PATH.read_text(encoding="utf-8"))


def declared_commands(manifest: dict[str, Any]) -> set[str]:
    return {c["command"] for c in manifest["features"].get("slash_commands", [])}


def declared_shortcuts(manifest: dict[str, Any], kind: str) -> set[str]:
    return {
        s["callback_id"] for s in manifest["features"].get("shortcuts", []) if s["type"] == kind
    }


def declared_events(manifest: dict[str, Any]) -> set[str]:
    return set(manifest["settings"]["event_subscriptions"].get("bot_events", []))


def bot_scopes(manifest: dict[str, Any]) -> list[str]:
    return list(manifest["oauth_config"]["scopes"]["bot"])


def schema_errors(schema: dict[str, Any], instance: Any) -> list[str]:
    cls = validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors]


# --- Slack will accept it ------------------------------------------------------------------------
def test_manifest_is_valid_against_slacks_schema(manifest):
    if not SCHEMA_PATH.is_file():
        pytest.skip(
            "Slack's manifest schema is not beside the repo (../shared/slack/...): "
            "schema check skipped"
        )
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema_errors(schema, manifest) == []

    # The check can fail: what Slack would refuse, the schema refuses too.
    broken = copy.deepcopy(manifest)
    broken["display_information"]["description"] = "x" * 141
    broken["features"]["slash_commands"][0]["command"] = "feedback"  # no leading slash
    broken["settings"]["unknown_setting"] = True
    errors = schema_errors(schema, broken)
    assert len(errors) == 3, errors


def test_what_the_schema_does_not_check(manifest):
    # Slack's schema spells the colour pattern as "regex", which JSON Schema ignores.
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", manifest["display_information"]["background_color"])
    assert manifest["_metadata"] == {"major_version": 1, "minor_version": 1}
    settings = manifest["settings"]
    # Socket Mode by default; in HTTP mode all three URLs must reach Bolt's one path.
    assert settings["socket_mode_enabled"] is True
    urls = {
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        *(c["url"] for c in manifest["features"]["slash_commands"]),
    }
    assert len(urls) == 1, urls
    assert urls.pop().startswith("https://") and EVENTS_PATH == "/slack/events"
    # Buttons, modals and shortcuts all arrive as interactivity; home views need the Home tab.
    assert ids.ALL_ACTIONS and ids.ALL_VIEWS
    assert settings["interactivity"]["is_enabled"] is True
    home = manifest["features"]["app_home"]
    assert home["home_tab_enabled"] is True
    assert home["messages_tab_enabled"] is True and home["messages_tab_read_only_enabled"] is True
    assert manifest["features"]["bot_user"]["display_name"] == "Frontline"


# --- declared == listened, on paper --------------------------------------------------------------
def test_manifest_declares_exactly_what_the_code_listens_for(manifest):
    assert declared_commands(manifest) == {ids.COMMAND}
    assert declared_shortcuts(manifest, "message") == {ids.SHORTCUT_FROM_MESSAGE}
    assert declared_shortcuts(manifest, "global") == set()
    assert declared_events(manifest) == set(ids.EVENTS)


# --- declared == listened, for real: the running app over signed HTTP ----------------------------
def test_every_declared_command_is_answered(running, fake_slack, manifest):
    for command in sorted(declared_commands(manifest)):
        fields = running.slack.command_fields("help")
        fields["command"] = command
        resp = running.slack.form(fields)
        assert resp.status == 200, (command, resp.body)
        assert resp.json()["response_type"] == "ephemeral"


def test_every_declared_message_shortcut_opens_the_capture_modal(
    running, fake_slack, manifest, monkeypatch
):
    sender = running.slack
    send = sender.interactive
    for n, callback_id in enumerate(sorted(declared_shortcuts(manifest, "message")), start=1):
        # SlackSender's message_action payload, with the callback_id the manifest declares.
        monkeypatch.setattr(
            sender,
            "interactive",
            lambda p, cid=callback_id, **kw: send({**p, "callback_id": cid}, **kw),
        )
        resp = sender.message_action("Customer asked for CSV export of invoices")
        assert resp.status == 200, (callback_id, resp.body)
        opened = fake_slack.wait_for("views.open", count=n)[-1]
        assert opened.args["view"]["callback_id"] == ids.VIEW_CAPTURE


def test_every_declared_event_is_handled(running, fake_slack, manifest):
    for name in sorted(declared_events(manifest)):
        assert name in SAMPLE_EVENTS, f"add a sample {name} payload to SAMPLE_EVENTS"
        event, expected_call = SAMPLE_EVENTS[name]
        before = len(fake_slack.calls_to(expected_call))
        resp = running.slack.event(event)
        assert resp.status == 200, (name, resp.body)
        call = fake_slack.wait_for(expected_call, count=before + 1)[-1]
        if expected_call == "views.publish":
            assert call.args["user_id"] == event["user"]
            assert call.args["view"]["type"] == "home"


def test_what_the_manifest_does_not_declare_is_refused(running, fake_slack, monkeypatch):
    # Bolt answers 404 "unhandled request" when no listener matches: the checks above can fail.
    fields = running.slack.command_fields("help")
    fields["command"] = "/other"
    resp = running.slack.form(fields)
    assert resp.status == 404, resp.body
    assert resp.json() == {"error": "unhandled request"}

    send = running.slack.interactive
    monkeypatch.setattr(
        running.slack, "interactive", lambda p, **kw: send({**p, "callback_id": "other"}, **kw)
    )
    assert running.slack.message_action("text").status == 404

    event = {"type": "reaction_removed", "user": "UAGENT", "reaction": "memo", "event_ts": "1.3"}
    assert running.slack.event(event).status == 404
    assert fake_slack.calls_to("views.open") == [] and fake_slack.calls_to("views.publish") == []


# --- least privilege -----------------------------------------------------------------------------
def test_every_bot_scope_is_justified(manifest):
    scopes = bot_scopes(manifest)
    assert len(scopes) == len(set(scopes)), f"duplicate scopes: {scopes}"
    unexplained = set(scopes) - set(SCOPES)
    assert not unexplained, (
        f"scopes nobody needs (or add them to SCOPES with a reason): {unexplained}"
    )
    missing = set(SCOPES) - set(scopes)
    assert not missing, f"scopes the app needs but the manifest lacks: {missing}"
    # Slack: chat:write.public only works alongside chat:write.
    assert "chat:write" in scopes
    assert manifest["oauth_config"]["scopes"].keys() == {"bot"}  # no user token scopes


def test_every_web_api_method_the_code_calls_has_its_scope(manifest):
    called: set[str] = set()
    for path in sorted([*(ROOT / "bot").rglob("*.py"), *(ROOT / "handlers").rglob("*.py")]):
        for m in _CALL.finditer(path.read_text(encoding="utf-8")):
            called.add(m.group(2) if m.group(1) else f"{m.group(3)}.{m.group(4).replace('_', '.')}")
    assert {"chat.postMessage", "views.open", "conversations.members"} <= called  # the scan works
    unknown = called - METHOD_SCOPES.keys()
    assert not unknown, f"look up the bot scopes Slack lists for {unknown}, add to METHOD_SCOPES"
    needed = set().union(*(METHOD_SCOPES[m] for m in called))
    assert needed <= set(bot_scopes(manifest)), needed - set(bot_scopes(manifest))
