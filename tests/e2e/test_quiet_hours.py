"""Nudges at the right time, and fewer of them (issue 9 §4), over signed HTTP and the real CLI,
on SQLite and PostgreSQL, with the fake clock.

- The morning digest goes out at each person's local `digest.time` (their Slack timezone), once
  per local working day; a run before that time sends them nothing.
- `/feedback away until <date>` (or App Home's datepicker): nudges about their items go to the
  team channel with a note, escalations keep their timing, normal again on the date.
- App Home preferences: the digest on / only when needed / off; nudges each or batched at 10:00
  and 15:00 local time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import Session, select

from storage.db import make_engine
from storage.models import Item, Person
from tests.support.app import log_via_modal
from tests.support.bot_process import socket_mode_env, start_bot, stop_bot
from tests.support.helpers import block_text, eventually, items, posts_to
from tests.support.world import at, ny


def zone(fake_slack, user: str, tz: str) -> None:
    fake_slack.users[user] = {"id": user, "name": user.lower(), "tz": tz, "is_bot": False}


def person(running, user: str) -> Person | None:
    with Session(running.engine) as session:
        return session.exec(select(Person).where(Person.user_id == user)).first()


def take(running, ref: str, user: str) -> None:
    running.slack.block_action("feedback_take", ref, user=user)
    n = int(ref.split("-")[1])
    eventually(lambda: items(running.engine)[n - 1].owner_id == user)


def settle(running, fake_slack) -> None:
    eventually(lambda: all(i.card_ts for i in items(running.engine)))
    running.settle()
    fake_slack.reset()


def digest_to(fake_slack) -> list[str]:
    return sorted(
        c.args["channel"]
        for c in fake_slack.calls_to("chat.postMessage")
        if c.args.get("text", "").startswith("Frontline: ") and not c.failed
    )


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def ephemeral(running, text: str, user: str = "UBILL1") -> str:
    return str(running.slack.command(text, user=user).json()["text"])


def open_home(running, fake_slack, user: str) -> dict:
    fake_slack.reset()
    event = {"type": "app_home_opened", "user": user, "tab": "home", "event_ts": "1760000000.2"}
    assert running.slack.event(event).status == 200
    [publish] = fake_slack.wait_for("views.publish")
    return publish.args["view"]


def republished(fake_slack) -> dict:
    [publish] = fake_slack.wait_for("views.publish")
    view = publish.args["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    return view


def accessory(view: dict, action_id: str) -> dict:
    return next(
        b["accessory"]
        for b in view["blocks"]
        if b.get("accessory", {}).get("action_id") == action_id
    )


# --- the digest at each person's local time -----------------------------------------------------


def test_digest_arrives_at_0845_local_in_three_timezones(running, fake_slack, clock, cli):
    zone(fake_slack, "UPROD1", "Asia/Tokyo")  # 08:45 Wed = Tue 23:45 UTC
    zone(fake_slack, "UBILL2", "Asia/Kolkata")  # 08:45 Wed = Wed 03:15 UTC (a half-hour zone)
    zone(fake_slack, "UBILL1", "America/New_York")  # 08:45 Wed = Wed 13:45 UTC
    clock.set(ny(24, 10))
    running.slack.command("Invoices should show the PO number #billing")  # FB-1
    running.slack.command("Refund form loses the IBAN #billing")  # FB-2
    running.slack.command("Dashboard export to PDF cuts columns #product")  # FB-3
    eventually(lambda: len(items(running.engine)) == 3)
    take(running, "FB-1", "UBILL1")
    take(running, "FB-2", "UBILL2")
    take(running, "FB-3", "UPROD1")
    settle(running, fake_slack)

    cli("jobs", "run", "digest", "--at", at(utc(24, 23, 30)))  # 08:30 in Tokyo
    assert digest_to(fake_slack) == []
    _code, out = cli("jobs", "run", "digest", "--at", at(utc(24, 23, 30)), "--dry-run")
    assert "no digest for UPROD1 yet: due at 2026-11-25T08:45:00+09:00 (Asia/Tokyo)" in out

    cli("jobs", "run", "digest", "--at", at(utc(24, 23, 45)))  # 08:45 in Tokyo
    assert digest_to(fake_slack) == ["UPROD1"]
    assert "Your Frontline morning" in block_text(posts_to(fake_slack, "UPROD1")[0].args["blocks"])

    cli("jobs", "run", "digest", "--at", at(utc(25, 3, 0)))  # 08:30 in Kolkata
    assert digest_to(fake_slack) == ["UPROD1"]
    cli("jobs", "run", "digest", "--at", at(utc(25, 3, 15)))  # 08:45 in Kolkata
    assert digest_to(fake_slack) == ["UBILL2", "UPROD1"]

    cli("jobs", "run", "digest", "--at", at(utc(25, 13, 30)))  # 08:30 in New York
    assert digest_to(fake_slack) == ["UBILL2", "UPROD1"]
    cli("jobs", "run", "digest", "--at", at(utc(25, 13, 45)))  # 08:45 in New York
    new_york = ["UAGENT", "UBILL1", "ULEADB", "ULEADP", "ULEADS"]
    assert digest_to(fake_slack) == sorted(["UBILL2", "UPROD1", *new_york])

    # every quarter hour after: once per local working day, nobody twice
    for minute in (0, 15, 30):
        cli("jobs", "run", "digest", "--at", at(utc(25, 14, minute)))
    assert digest_to(fake_slack) == sorted(["UBILL2", "UPROD1", *new_york])

    # Thursday morning in Tokyo is a new local day: one more for UPROD1 only
    cli("jobs", "run", "digest", "--at", at(utc(25, 23, 45)))
    assert digest_to(fake_slack).count("UPROD1") == 2
    assert digest_to(fake_slack).count("UBILL1") == 1


def test_no_digest_on_a_local_weekend_even_when_it_is_a_weekday_elsewhere(
    running, fake_slack, clock, cli
):
    zone(fake_slack, "UPROD1", "Asia/Tokyo")
    clock.set(ny(27, 10))  # Friday in New York
    running.slack.command("Dashboard export to PDF cuts columns #product")
    eventually(lambda: len(items(running.engine)) == 1)
    take(running, "FB-1", "UPROD1")
    settle(running, fake_slack)
    # Friday 19:45 in New York is Saturday 09:45 in Tokyo: not UPROD1's working day
    _code, out = cli("jobs", "run", "digest", "--at", at(ny(27, 19, 45)))
    assert "no digest for UPROD1 on 2026-11-28: not a working day in Asia/Tokyo" in out
    assert digest_to(fake_slack) == []
    # Monday 08:45 in Tokyo (Sunday 18:45 in New York)
    cli("jobs", "run", "digest", "--at", at(ny(29, 18, 45)))
    assert digest_to(fake_slack) == ["UPROD1"]


def test_digest_choices_from_app_home_and_the_command(running, fake_slack, clock, cli):
    clock.set(ny(24, 10))
    running.slack.command("Invoices should show the PO number #billing")
    eventually(lambda: len(items(running.engine)) == 1)
    take(running, "FB-1", "UBILL1")
    settle(running, fake_slack)

    view = open_home(running, fake_slack, "UBILL1")
    digest = accessory(view, "feedback_pref_digest")
    assert digest["type"] == "static_select"
    assert digest["initial_option"]["value"] == "needed"
    assert [o["value"] for o in digest["options"]] == ["on", "needed", "off"]
    nudges = accessory(view, "feedback_pref_nudges")
    assert nudges["initial_option"]["value"] == "each"

    fake_slack.reset()
    choice = {"text": {"type": "plain_text", "text": "Off"}, "value": "off"}
    running.slack.home_action(
        {"action_id": "feedback_pref_digest", "type": "static_select", "selected_option": choice},
        user="UBILL1",
    )
    view = republished(fake_slack)
    assert "You will not get the morning digest" in block_text(view["blocks"])
    assert accessory(view, "feedback_pref_digest")["initial_option"]["value"] == "off"

    assert "every working day" in ephemeral(running, "digest on", user="UQUIET")
    assert "will not get" in ephemeral(running, "digest off", user="ULEADP")  # a lead, muted
    cli("jobs", "run", "digest", "--at", at(ny(25, 8, 45)))
    got = digest_to(fake_slack)
    assert "UBILL1" not in got and "ULEADP" not in got  # off: nothing, even with items
    assert {"UQUIET", "ULEADB", "ULEADS"} <= set(got)  # on: the tip at least; leads by default
    quiet = block_text(posts_to(fake_slack, "UQUIET")[0].args["blocks"])
    assert "Tip of the day" in quiet and "FB-" not in quiet


# --- away ---------------------------------------------------------------------------------------


def test_away_sends_nudges_to_the_team_channel_until_the_date(running, fake_slack, clock, cli):
    clock.set(ny(24, 10))  # Tuesday
    log_via_modal(running, "Charged twice for March")  # FB-1 billing high: due 14:00
    running.slack.command("Invoices should show the PO number #billing")  # FB-2: due Fri 10:00
    eventually(lambda: len(items(running.engine)) == 2)
    take(running, "FB-1", "UBILL1")
    take(running, "FB-2", "UBILL1")
    settle(running, fake_slack)
    assert items(running.engine)[1].due_at == ny(27, 10)

    reply = ephemeral(running, "away until 2026-11-27")
    assert "Fri 27 Nov 2026" in reply and "Escalations to leads keep their usual timing" in reply
    assert person(running, "UBILL1").away_until == date(2026, 11, 27)
    assert len(items(running.engine)) == 2  # a command, not feedback

    _code, out = cli("jobs", "run", "nudges", "--at", at(ny(24, 13, 15)), "--dry-run")
    assert "nudge channel C0BILLING: FB-1 (owner UBILL1 away until 2026-11-27)" in out
    cli("jobs", "run", "nudges", "--at", at(ny(24, 13, 15)))
    assert posts_to(fake_slack, "UBILL1") == []
    [nudge] = posts_to(fake_slack, "C0BILLING")
    text = block_text(nudge.args["blocks"])
    assert "<@UBILL1> is away until Fri 27 Nov 2026" in text and "FB-1" in text
    assert "still free to pick up" not in text  # it has an owner

    # escalation timing is unchanged: 4 business hours after 14:00 is Wed 10:00
    cli("jobs", "run", "nudges", "--at", at(ny(25, 9, 55)))
    assert posts_to(fake_slack, "ULEADB") == []
    cli("jobs", "run", "nudges", "--at", at(ny(25, 10, 5)))
    assert len(posts_to(fake_slack, "ULEADB")) == 1

    # back on the date: Friday's nudge for FB-2 is a DM again
    cli("jobs", "run", "nudges", "--at", at(ny(27, 9, 5)))
    [dm] = posts_to(fake_slack, "UBILL1")
    assert "FB-2" in block_text(dm.args["blocks"])
    assert len(posts_to(fake_slack, "C0BILLING")) == 1


def test_away_through_the_day_before_the_date(running, fake_slack, clock, cli):
    clock.set(ny(24, 10))
    running.slack.command("Invoices should show the PO number #billing")  # due Fri 10:00
    eventually(lambda: len(items(running.engine)) == 1)
    take(running, "FB-1", "UBILL1")
    settle(running, fake_slack)
    ephemeral(running, "away until 2026-11-28")  # back on Saturday: away all of Friday
    cli("jobs", "run", "nudges", "--at", at(ny(27, 9, 5)))
    assert posts_to(fake_slack, "UBILL1") == []
    assert len(posts_to(fake_slack, "C0BILLING")) == 1
    # no morning digest while away either
    cli("jobs", "run", "digest", "--at", at(ny(27, 8, 45)))
    assert "UBILL1" not in digest_to(fake_slack)


def test_away_bad_input_is_refused_privately_and_changes_nothing(running, fake_slack, clock):
    clock.set(ny(24, 10))  # Tuesday 24 Nov 2026
    refused = {
        "away until 2026-11-20": "Pick a day after today",  # in the past
        "away until 2026-11-24": "Pick a day after today",  # today: back already
        "away until 2027-11-25": "within a year",  # more than a year ahead
        "away until 2026-02-30": "is not a date",
        "away until 2026-13-01": "is not a date",
    }
    for text, why in refused.items():
        assert why in ephemeral(running, text), text
        found = person(running, "UBILL1")
        assert found is None or found.away_until is None
    assert "within a year" not in ephemeral(running, "away until 2027-11-24")  # exactly a year
    assert person(running, "UBILL1").away_until == date(2027, 11, 24)
    assert "Welcome back" in ephemeral(running, "away off")
    assert person(running, "UBILL1").away_until is None
    assert "not marked as away" in ephemeral(running, "back")
    assert ephemeral(running, "away").startswith("Use `/feedback away until")
    assert "Enjoy" in ephemeral(running, 'away until "2026-12-24"')
    assert items(running.engine) == []

    # anything else that starts with "away" is feedback
    running.slack.command("away until the refund ships, customers wait #billing", user="UAGENT")
    running.slack.command("Away mode hides the invoice button #billing", user="UAGENT")
    eventually(lambda: len(items(running.engine)) == 2)
    assert [i.summary for i in items(running.engine)] == [
        "away until the refund ships, customers wait",
        "Away mode hides the invoice button",
    ]


def test_away_from_app_home(running, fake_slack, clock):
    clock.set(ny(24, 10))
    view = open_home(running, fake_slack, "UBILL1")
    picker = accessory(view, "feedback_pref_away")
    assert picker["type"] == "datepicker" and "initial_date" not in picker

    def pick(day: str) -> dict:
        fake_slack.reset()
        running.slack.home_action(
            {"action_id": "feedback_pref_away", "type": "datepicker", "selected_date": day},
            user="UBILL1",
        )
        return republished(fake_slack)

    view = pick("2026-11-23")  # yesterday: refused, nothing stored
    assert "Pick a day after today" in block_text(view["blocks"])
    assert person(running, "UBILL1") is None or person(running, "UBILL1").away_until is None
    view = pick("2028-01-01")
    assert "within a year" in block_text(view["blocks"])

    view = pick("2026-12-24")
    text = block_text(view["blocks"])
    assert "You are away until Thu 24 Dec 2026" in text
    assert accessory(view, "feedback_pref_away")["initial_date"] == "2026-12-24"
    assert person(running, "UBILL1").away_until == date(2026, 12, 24)

    fake_slack.reset()
    running.slack.home_action(
        {
            "action_id": "feedback_pref_back",
            "type": "button",
            "value": "back",
            "text": {"type": "plain_text", "text": "I'm back"},
        },
        user="UBILL1",
    )
    view = republished(fake_slack)
    assert "Welcome back" in block_text(view["blocks"])
    assert person(running, "UBILL1").away_until is None


# --- batched nudges -----------------------------------------------------------------------------


def test_batched_nudges_wait_for_10_and_15_local(running, fake_slack, clock, cli):
    clock.set(ny(24, 10))  # Tuesday
    log_via_modal(running, "Charged twice for March")  # FB-1: due 14:00, nudge from 13:00
    log_via_modal(running, "Refund stuck in pending", view_id="V2")  # FB-2: due 14:00
    eventually(lambda: len(items(running.engine)) == 2)
    take(running, "FB-1", "UBILL1")
    take(running, "FB-2", "UBILL1")
    settle(running, fake_slack)

    fake_slack.reset()
    choice = {"text": {"type": "plain_text", "text": "Batched"}, "value": "batched"}
    running.slack.home_action(
        {"action_id": "feedback_pref_nudges", "type": "static_select", "selected_option": choice},
        user="UBILL1",
    )
    view = republished(fake_slack)
    assert "together at 10:00 and 15:00" in block_text(view["blocks"])
    fake_slack.reset()

    _code, out = cli("jobs", "run", "nudges", "--at", at(ny(24, 13, 15)), "--dry-run")
    assert "hold FB-1 for UBILL1: batched, sent at 2026-11-24T15:00:00-05:00" in out
    cli("jobs", "run", "nudges", "--at", at(ny(24, 13, 15)))
    cli("jobs", "run", "nudges", "--at", at(ny(24, 14, 50)))
    assert posts_to(fake_slack, "UBILL1") == []
    cli("jobs", "run", "nudges", "--at", at(ny(24, 15, 0)))
    [batch] = posts_to(fake_slack, "UBILL1")  # one message listing both
    text = block_text(batch.args["blocks"])
    assert "FB-1" in text and "FB-2" in text
    cli("jobs", "run", "nudges", "--at", at(ny(24, 15, 5)))
    assert len(posts_to(fake_slack, "UBILL1")) == 1

    # escalations to leads are never held: Wed 10:00 (4 business hours after 14:00)
    cli("jobs", "run", "nudges", "--at", at(ny(25, 10, 5)))
    escalated = posts_to(fake_slack, "ULEADB")
    assert sorted(c.args["text"].split(":")[0] for c in escalated) == ["FB-1", "FB-2"]


# --- Socket Mode --------------------------------------------------------------------------------


def test_away_and_preferences_over_socket_mode(tmp_path, config_file, fake_slack, socket_mode):
    """The real clock runs in the bot process: only answers that hold on any date are checked."""
    env = socket_mode_env(tmp_path, config_file, fake_slack.url)
    proc = start_bot(env)
    try:
        socket_mode.wait_connected(timeout=30)

        def command(text: str, n: int) -> str:
            payload = {
                "team_id": "T0ACME",
                "channel_id": "C0AGENTS",
                "user_id": "UBILL1",
                "command": "/feedback",
                "text": text,
                "api_app_id": "A0FRONT",
                "response_url": fake_slack.response_url(f"away{n}"),
                "trigger_id": f"1334.away.{n}",
            }
            ack = socket_mode.push("slash_commands", payload, timeout=10)
            return str(ack["payload"]["text"])

        assert "within a year" in command("away until 2999-01-01", 1)  # refused, nothing stored
        assert "not marked as away" in command("away off", 2)
        assert "is not a date" in command("away until 2026-02-30", 3)
        choice = {"text": {"type": "plain_text", "text": "Batched"}, "value": "batched"}
        socket_mode.push(
            "interactive",
            {
                "type": "block_actions",
                "user": {"id": "UBILL1", "team_id": "T0ACME"},
                "team": {"id": "T0ACME", "domain": "acme"},
                "api_app_id": "A0FRONT",
                "container": {"type": "view", "view_id": "V0HOME"},
                "trigger_id": "1334.away.4",
                "actions": [
                    {
                        "action_id": "feedback_pref_nudges",
                        "block_id": "feedback_home_prefs",
                        "type": "static_select",
                        "selected_option": choice,
                        "action_ts": "1760000001.000200",
                    }
                ],
            },
            timeout=10,
        )
        [publish] = fake_slack.wait_for("views.publish", timeout=10)
        assert publish.args["user_id"] == "UBILL1"
        assert "together at 10:00 and 15:00" in block_text(publish.args["view"]["blocks"])
    finally:
        stop_bot(proc)
    assert items_in(tmp_path) == 0


def items_in(tmp_path) -> int:
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    try:
        with Session(engine) as session:
            return len(session.exec(select(Item)).all())
    finally:
        engine.dispose()
