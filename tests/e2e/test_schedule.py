"""Scheduled work through the real CLI (`frontline jobs run … --at …`) and the fake Slack API."""

from __future__ import annotations

from datetime import timedelta

from tests.support.app import log_via_modal
from tests.support.helpers import block_text, events, eventually, items, outbox_rows, posts_to
from tests.support.slack_requests import text_value
from tests.support.world import at, ny


def settle(running, fake) -> None:
    """Let after-ack work finish, then forget the calls it made."""
    eventually(lambda: all(i.card_ts for i in items(running.engine)))
    running.settle()
    fake.reset()


def test_nudges_reach_channel_then_owner_once_then_leads_once(running, fake_slack, clock, cli):
    clock.set(ny(24, 10))  # Tuesday 10:00
    log_via_modal(running, "Charged twice for March")  # billing, high: 4 business hours -> 14:00
    running.slack.command("Invoices should show the PO number #billing")  # normal: 24h -> Fri
    settle(running, fake_slack)
    high = items(running.engine)[0]
    assert high.due_at == ny(24, 14)

    code, out = cli("jobs", "run", "nudges", "--at", at(ny(24, 12, 30)))
    assert code == 0 and posts_to(fake_slack, "C0BILLING") == []

    code, _out = cli("jobs", "run", "nudges", "--at", at(ny(24, 13, 15)))
    [nudge] = posts_to(fake_slack, "C0BILLING")
    text = block_text(nudge.args["blocks"])
    assert "Acme* has waited 3h 15m for news on *FB-1*" in text
    assert "A short update keeps their trust" in text and "FB-2" not in text
    action_ids = [
        e["action_id"]
        for b in nudge.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert action_ids == ["feedback_customer_updated", "feedback_snooze", "feedback_open_card"]

    cli("jobs", "run", "nudges", "--at", at(ny(24, 13, 20)))
    assert len(posts_to(fake_slack, "C0BILLING")) == 1  # never twice for the same deadline

    running.slack.block_action("feedback_take", "FB-1", user="UBILL1")
    eventually(lambda: items(running.engine)[0].owner_id == "UBILL1")
    cli("jobs", "run", "nudges", "--at", at(ny(24, 13, 25)))
    [dm] = eventually(lambda: posts_to(fake_slack, "UBILL1"))
    assert "FB-1" in block_text(dm.args["blocks"])
    cli("jobs", "run", "nudges", "--at", at(ny(24, 16, 0)))
    assert len(posts_to(fake_slack, "UBILL1")) == 1 and posts_to(fake_slack, "ULEADB") == []

    # overdue by one more SLA period (4 business hours after 14:00 = Wed 10:00): leads, once
    cli("jobs", "run", "nudges", "--at", at(ny(25, 9, 55)))
    assert posts_to(fake_slack, "ULEADB") == []
    cli("jobs", "run", "nudges", "--at", at(ny(25, 10, 5)))
    cli("jobs", "run", "nudges", "--at", at(ny(25, 11, 0)))
    [escalation] = posts_to(fake_slack, "ULEADB")
    text = block_text(escalation.args["blocks"])
    assert "FB-1" in text and "Owner: <@UBILL1>" in text and "has waited 24h 5m" in text
    assert escalation.args["text"] == "FB-1: customer waiting 24h 5m, escalated to leads"
    assert [e.kind for e in events(running.engine, 1)].count("escalated") == 1

    # the customer is updated: the clock restarts, and the new deadline gets its own nudge
    clock.set(ny(25, 11, 0))
    running.slack.view_submission(
        "feedback_customer_update",
        {"fb_note": {"note": text_value("Refund issued, 2 days")}},
        user="UBILL1",
        private_metadata='{"item": 1}',
    )
    assert items(running.engine)[0].due_at == ny(25, 15)
    cli("jobs", "run", "nudges", "--at", at(ny(25, 13, 0)))
    assert len(posts_to(fake_slack, "UBILL1")) == 1
    cli("jobs", "run", "nudges", "--at", at(ny(25, 14, 5)))
    assert len(posts_to(fake_slack, "UBILL1")) == 2
    assert len(posts_to(fake_slack, "ULEADB")) == 1


def test_no_nudges_outside_owner_hours_or_on_weekends(running, fake_slack, clock, cli):
    clock.set(ny(24, 10))
    log_via_modal(running, "Refund stuck in pending")
    running.slack.block_action("feedback_take", "FB-1", user="UBILL2")
    eventually(lambda: items(running.engine)[0].owner_id == "UBILL2")
    settle(running, fake_slack)
    fake_slack.users["UBILL2"] = {
        "id": "UBILL2",
        "name": "ubill2",
        "tz": "Asia/Tokyo",
        "tz_offset": 32400,
        "is_bot": False,
    }
    code, out = cli("jobs", "run", "nudges", "--at", at(ny(24, 13, 30)))  # 03:30 in Tokyo
    assert posts_to(fake_slack, "UBILL2") == []
    _code, out = cli("jobs", "run", "nudges", "--at", at(ny(24, 13, 30)), "--dry-run")
    assert "outside their working hours" in out
    cli("jobs", "run", "nudges", "--at", at(ny(28, 12)))  # Saturday
    assert fake_slack.calls_to("chat.postMessage") == []
    cli("jobs", "run", "nudges", "--at", at(ny(30, 19, 30)))  # Mon 19:30 NY = Tue 09:30 Tokyo
    [dm] = posts_to(fake_slack, "UBILL2")
    assert "FB-1" in block_text(dm.args["blocks"])


def test_dry_run_sends_nothing_and_changes_nothing(running, fake_slack, clock, cli):
    clock.set(ny(24, 10))
    log_via_modal(running, "Charged twice")
    settle(running, fake_slack)
    code, out = cli("jobs", "run", "nudges", "--at", at(ny(24, 13, 30)), "--dry-run")
    assert code == 0 and "nudge channel C0BILLING: FB-1" in out and "nothing sent" in out
    assert fake_slack.calls_to("chat.postMessage") == []
    assert items(running.engine)[0].nudged_for_due_at is None
    cli("jobs", "run", "nudges", "--at", at(ny(24, 13, 30)))
    assert len(posts_to(fake_slack, "C0BILLING")) == 1


def test_snooze_holds_nudges_until_the_promise(running, fake_slack, clock, cli):
    clock.set(ny(24, 10))
    log_via_modal(running, "Charged twice")
    running.slack.block_action("feedback_take", "FB-1", user="UBILL1")
    eventually(lambda: items(running.engine)[0].owner_id == "UBILL1")
    settle(running, fake_slack)
    cli("jobs", "run", "nudges", "--at", at(ny(24, 13, 30)))
    assert len(posts_to(fake_slack, "UBILL1")) == 1

    clock.set(ny(24, 13, 40))
    running.slack.select_action("feedback_snooze", "FB-1|tomorrow", user="UBILL1")
    [reply] = fake_slack.wait_for("response_url")
    assert "by Wed 25 Nov 10:00" in reply.args["text"]
    item = eventually(lambda: items(running.engine)[0].snoozed_until and items(running.engine)[0])
    assert item.due_at == ny(25, 10)
    cli("jobs", "run", "nudges", "--at", at(ny(25, 9, 30)))  # inside the warning margin: held
    assert len(posts_to(fake_slack, "UBILL1")) == 1
    cli("jobs", "run", "nudges", "--at", at(ny(25, 10, 5)))  # the promise is due: nudge again
    assert len(posts_to(fake_slack, "UBILL1")) == 2
    # outsiders cannot snooze
    running.slack.select_action("feedback_snooze", "FB-1|1h", user="UPROD1")
    refusal = eventually(lambda: fake_slack.calls_to("response_url")[1:])
    assert "<#C0BILLING>" in refusal[0].args["text"]
    assert items(running.engine)[0].due_at == ny(25, 10)


def test_snooze_pick_opens_modal_and_refuses_past_times(running, fake_slack, clock):
    clock.set(ny(24, 10))
    log_via_modal(running, "Charged twice")
    settle(running, fake_slack)
    running.slack.select_action("feedback_snooze", "FB-1|pick", user="UBILL1")
    [opened] = fake_slack.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "feedback_snooze_until"
    past = int(ny(23, 9).timestamp())
    values = {"fb_snooze_at": {"until": {"type": "datetimepicker", "selected_date_time": past}}}
    body = running.slack.view_submission(
        "feedback_snooze_until", values, user="UBILL1", private_metadata=view["private_metadata"]
    ).json()
    assert body["response_action"] == "errors" and "fb_snooze_at" in body["errors"]
    future = int(ny(26, 15).timestamp())
    values = {"fb_snooze_at": {"until": {"type": "datetimepicker", "selected_date_time": future}}}
    body = running.slack.view_submission(
        "feedback_snooze_until", values, user="UBILL1", private_metadata=view["private_metadata"]
    ).json()
    assert body["response_action"] == "update"
    assert items(running.engine)[0].due_at == ny(26, 15)


def test_digest_contents_once_per_day(running, fake_slack, clock, cli):
    clock.set(ny(24, 10))
    log_via_modal(running, "Charged twice", view_id="VD1")  # FB-1 billing high
    running.slack.command("Dashboard export to PDF please")  # FB-2 product, normal
    running.slack.block_action("feedback_take", "FB-1", user="UBILL1")
    eventually(lambda: items(running.engine)[0].owner_id == "UBILL1")
    running.slack.command("digest on", user="UQUIET")
    settle(running, fake_slack)

    code, out = cli("jobs", "run", "digest", "--at", at(ny(25, 8, 45)))
    assert code == 0
    owner = block_text(posts_to(fake_slack, "UBILL1")[0].args["blocks"])
    assert "Customers to update today" in owner and "FB-1" in owner and "Tip of the day" in owner
    agent = block_text(posts_to(fake_slack, "UAGENT")[0].args["blocks"])
    assert "What happened to feedback you logged" in agent and "<@UBILL1> took it" in agent
    lead = block_text(posts_to(fake_slack, "ULEADB")[0].args["blocks"])
    assert "*Billing*: 1 open, 1 overdue" in lead
    quiet = block_text(posts_to(fake_slack, "UQUIET")[0].args["blocks"])
    assert "Tip of the day" in quiet and "FB-" not in quiet
    assert posts_to(fake_slack, "UPROD1") == []  # nothing for them, not opted in

    tip_line = next(ln for ln in owner.splitlines() if "Tip of the day" in ln)
    assert tip_line.split(":* ")[1].split("\n")[0].strip("*") in quiet
    before = len(fake_slack.calls_to("chat.postMessage"))
    cli("jobs", "run", "digest", "--at", at(ny(25, 8, 50)))
    assert len(fake_slack.calls_to("chat.postMessage")) == before  # once per person per day
    code, out = cli("jobs", "run", "digest", "--at", at(ny(28, 8, 45)))  # Saturday
    assert "not a working day" in out
    assert len(fake_slack.calls_to("chat.postMessage")) == before


def test_tip_command_matches_tip_of_the_day(running, fake_slack, clock, cli):
    clock.set(ny(25, 9, 31))
    cli("jobs", "run", "tips", "--at", at(ny(25, 9, 30)))
    posted = block_text(posts_to(fake_slack, "C0TIPS")[0].args["blocks"])
    shown = running.slack.command("tip").json()["text"]
    title = shown.split("*")[1]
    assert title and title in posted
    assert items(running.engine) == []  # "tip" is a subcommand, not feedback


def test_tip_rotation_has_no_repeat_before_all_tips_were_shown(running, fake_slack, clock):
    from bot.schedule.jobs import run_job

    fl = running.frontline
    total = len(fl.tips())
    assert total >= 61  # the built-in library plus the admin's own tip
    day = ny(5, 9, 30, month=1)
    seen: dict[str, list[str]] = {"C0TIPS": [], "C0FLOOR": []}
    working_days = 0
    while working_days < total + 10:
        clock.set(day)  # the app's one clock: the job's notion of now, as --at sets it
        run_job(fl, "tips")
        if fl.config.calendar().is_working_day(day.date()):
            working_days += 1
        day += timedelta(days=1)
    for channel, calls in seen.items():
        titles = [block_text(c.args["blocks"]).split("*")[1] for c in posts_to(fake_slack, channel)]
        assert len(titles) == working_days
        assert len(set(titles[:total])) == total  # every tip once before any repeats
        assert len(set(titles[total:])) == len(titles[total:])
        calls.extend(titles)
    assert "Our own tip" in seen["C0TIPS"]
    assert seen["C0TIPS"][:70] == seen["C0FLOOR"][:70]  # the same tip of the day everywhere


def test_deliveries_job_retries_failed_posts(running, fake_slack, clock, cli):
    clock.set(ny(24, 10))
    # Slack answers 500: it may or may not have taken the post, so the retry looks first
    fake_slack.fail_next("chat.postMessage", status=500)
    running.slack.command("Refund took weeks #billing")
    fake_slack.wait_for("response_url")
    assert items(running.engine)[0].card_ts is None
    _code, out = cli("jobs", "run", "deliveries", "--at", at(ny(24, 10, 1)), "--dry-run")
    assert "would send card card:1:0" in out
    cli("jobs", "run", "deliveries", "--at", at(ny(24, 10, 1)))
    assert items(running.engine)[0].card_ts is not None
    assert len(posts_to(fake_slack, "C0BILLING")) == 1
    [lookup] = fake_slack.calls_to("conversations.history")
    assert lookup.args["channel"] == "C0BILLING" and lookup.args["include_all_metadata"]


def test_deliveries_job_purges_old_sent_rows_only(running, fake_slack, clock, cli):
    clock.set(ny(24, 10))
    running.slack.command("Refund took weeks #billing")
    fake_slack.wait_for("response_url")
    assert {r.status for r in outbox_rows(running.engine)} == {"done"}
    cli("jobs", "run", "deliveries", "--at", at(ny(24, 11)))
    assert outbox_rows(running.engine)  # recent claims are kept
    code, out = cli("jobs", "run", "deliveries", "--at", at(ny(24, 11) + timedelta(days=31)))
    assert "removed 1 sent messages" in out
    assert outbox_rows(running.engine) == []
    assert items(running.engine)[0].card_ts  # the item itself is untouched


def test_a_card_slack_never_accepts_is_given_up_and_reported(running, fake_slack, clock, cli):
    clock.set(ny(24, 10))
    fake_slack.broken_channels["C0BILLING"] = "channel_not_found"
    running.slack.command("Refund took weeks #billing")
    fake_slack.wait_for("response_url")
    for _ in range(25):
        [card] = [r for r in outbox_rows(running.engine) if r.kind == "card"]
        if card.status == "failed":
            break
        clock.set(card.next_attempt_at)
        running.frontline.delivery.drain()
    assert card.status == "failed" and card.attempts == 20
    assert "channel_not_found" in card.last_error
    assert len(fake_slack.calls_to("chat.postMessage")) == 20  # never more than the budget
    code, out = cli("jobs", "run", "deliveries", "--at", at(clock.now()))
    assert "1 message(s) gave up after every retry" in out and "card:1:0 (card)" in out
    assert items(running.engine)[0].status == "open"  # the item itself is kept
    # the admin fixes the channel and asks for a fresh set of attempts
    fake_slack.broken_channels.clear()
    code, out = cli("outbox", "retry", "--at", at(clock.now()))
    assert code == 0 and "1 message(s) queued again" in out
    cli("jobs", "run", "deliveries", "--at", at(clock.now() + timedelta(days=1)))
    assert items(running.engine)[0].card_ts is not None
