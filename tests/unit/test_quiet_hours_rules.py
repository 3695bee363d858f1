"""The rules behind quiet hours, on their own: away dates, batch times, whose calendar a digest
follows, what App Home shows; and the preference service on in-memory SQLite."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.cards.membership import Membership
from bot.core.config import FrontlineConfig, parse_config
from bot.schedule.digest import DigestService, home_team
from bot.schedule.nudge_plan import last_batch, next_batch
from bot.schedule.nudges import NudgeService
from bot.schedule.people import People, Preferences
from bot.schedule.tips import TipBook
from bot.services.home import HomeService
from bot.services.preferences import PreferenceService, a_year_after, looks_like_day, parse_day
from bot.services.workspace import Workspace
from bot.slack import views
from storage import people as people_repo
from storage.models import Item
from storage.values import DigestMode, NudgeMode
from tests.support.fake_gateway import TEAM_ID, FakeGateway
from tests.support.world import CONFIG, Clock, ny

CFG = parse_config(CONFIG, "test.yml")
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-12-24", date(2026, 12, 24)),
        ('"2026-12-24"', date(2026, 12, 24)),
        ("“2026-12-24”", date(2026, 12, 24)),
        ("2026/12/24", date(2026, 12, 24)),
        ("2026-1-5", date(2026, 1, 5)),
        ("2026-12-24.", date(2026, 12, 24)),
        ("2026-02-30", None),
        ("2026-13-01", None),
        ("tomorrow", None),
        ("24-12-2026", None),
        ("", None),
    ],
)
def test_parse_day(text, day):
    assert parse_day(text) == day


def test_only_date_like_words_make_the_away_command():
    assert looks_like_day("2026-02-30")  # refused as a date, not logged as feedback
    assert looks_like_day('"2026-12-24"')
    assert not looks_like_day("the")
    assert not looks_like_day("Friday")


def test_a_year_after():
    assert a_year_after(date(2026, 11, 24)) == date(2027, 11, 24)
    assert a_year_after(date(2028, 2, 29)) == date(2029, 2, 28)


def test_away_until_a_date_means_back_on_that_date():
    prefs = Preferences(away_until=date(2026, 12, 24))
    assert prefs.away_on(date(2026, 12, 23))
    assert not prefs.away_on(date(2026, 12, 24))
    assert not Preferences().away_on(date(2026, 12, 23))


def test_batch_times_are_10_and_15_local_on_working_days():
    cal = CFG.calendar(tz="Asia/Tokyo")
    tue_0930 = datetime(2026, 11, 24, 9, 30, tzinfo=TOKYO)
    assert last_batch(tue_0930, cal) == datetime(2026, 11, 23, 15, 0, tzinfo=TOKYO)
    assert next_batch(tue_0930, cal) == datetime(2026, 11, 24, 10, 0, tzinfo=TOKYO)
    assert last_batch(tue_0930.replace(hour=10), cal) == tue_0930.replace(hour=10, minute=0)
    assert next_batch(tue_0930.replace(hour=12), cal) == tue_0930.replace(hour=15, minute=0)
    saturday = datetime(2026, 11, 28, 11, 0, tzinfo=TOKYO)
    assert last_batch(saturday, cal) == datetime(2026, 11, 27, 15, 0, tzinfo=TOKYO)
    assert next_batch(saturday, cal) == datetime(2026, 11, 30, 10, 0, tzinfo=TOKYO)


def test_a_digest_follows_the_calendar_of_the_team_someone_works_in():
    assert home_team(CFG, "ULEADP", "billing").key == "product"  # a lead: the team they lead
    assert home_team(CFG, "UBILL1", "billing").key == "billing"  # their most urgent item's team
    assert home_team(CFG, "UBILL1", "gone").key == "support-ops"  # a removed team: triage's
    assert home_team(CFG, "UAGENT", None) is None  # the organisation's calendar


def test_app_home_preferences_show_the_choices():
    prefs = views.HomePrefs(
        digest=DigestMode.OFF, nudges=NudgeMode.BATCHED, away_until=date(2026, 12, 24)
    )
    blocks = [b.to_dict() for b in views.prefs_blocks(prefs)]
    accessories = {b["accessory"]["action_id"]: b["accessory"] for b in blocks if "accessory" in b}
    assert accessories["feedback_pref_digest"]["initial_option"]["value"] == "off"
    assert accessories["feedback_pref_nudges"]["initial_option"]["value"] == "batched"
    assert accessories["feedback_pref_away"]["initial_date"] == "2026-12-24"
    buttons = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["feedback_pref_back"]
    assert len(blocks) <= views.home.PREFS_BLOCKS
    home = [b.to_dict() for b in views.prefs_blocks(views.HomePrefs(notice="Saved"))]
    assert not [b for b in home if b["type"] == "actions"]  # no "I'm back" when not away
    assert len(home) <= views.home.PREFS_BLOCKS


@pytest.fixture
def people(engine: Engine, slack: FakeGateway, clock: Clock) -> People:
    return People(engine, slack, clock.now)


@pytest.fixture
def prefs(engine: Engine, slack: FakeGateway, clock: Clock, people: People) -> PreferenceService:
    home = HomeService(CFG, engine, clock.now, Membership(slack), people, TipBook(CFG))
    return PreferenceService(CFG, clock.now, people, home)


def cache_timezone(engine: Engine, user: str, tz: str, now: datetime) -> None:
    """Someone's Slack timezone, as People caches it after users.info."""
    with Session(engine) as session:
        row = people_repo.ensure_person(session, team_id=TEAM_ID, user_id=user)
        people_repo.set_timezone(session, person_id=row.id, tz=tz, now=now)
        session.commit()


def test_away_dates_are_checked_against_the_person_s_own_date(prefs, people, engine, clock):
    clock.set(datetime(2026, 11, 24, 16, 0, tzinfo=UTC))  # Tue 11:00 in New York, Wed in Tokyo
    assert prefs.set_away(TEAM_ID, "U1", "2026-11-25").changed  # New York: tomorrow
    cache_timezone(engine, "U2", "Asia/Tokyo", clock.now())
    answer = prefs.set_away(TEAM_ID, "U2", "2026-11-25")  # Tokyo: that is today
    assert not answer.changed and "after today" in answer.text
    assert people.preferences(TEAM_ID, "U2").away_until is None
    assert prefs.set_away(TEAM_ID, "U2", "2026-11-26").changed


def test_preference_changes_are_stored_per_person(prefs, people):
    assert "every working day" in prefs.set_digest(TEAM_ID, "U1", DigestMode.ON)
    assert "10:00 and 15:00" in prefs.set_nudges(TEAM_ID, "U1", NudgeMode.BATCHED)
    assert people.preferences(TEAM_ID, "U1") == Preferences(
        digest=DigestMode.ON, nudges=NudgeMode.BATCHED
    )
    assert people.preferences(TEAM_ID, "U2") == Preferences()
    assert set(people.all_preferences()) == {(TEAM_ID, "U1")}
    view = prefs.choose_digest(TEAM_ID, "U1", "not-a-mode")  # a stale value changes nothing
    assert people.preferences(TEAM_ID, "U1").digest is DigestMode.ON
    assert view["type"] == "home"


def test_a_digest_run_before_anyone_s_local_time_sends_nothing(
    engine, slack, clock, people, delivery
):
    workspace = Workspace(engine, slack, clock.now, after_ack_workers=1)
    try:
        digest = DigestService(CFG, engine, clock.now, people, workspace, TipBook(CFG), delivery)
        clock.set(ny(25, 8, 44))
        early = digest.run()
        assert early.queued == 0 and slack.calls_to("post_message") == []
        assert all(line.startswith("no digest for U") for line in early.lines)
        clock.set(ny(25, 8, 45) + timedelta(hours=2))  # long past: a morning digest is skipped
        late = digest.run()
        assert late.queued == 0 and all("long past" in line for line in late.lines)
        clock.set(ny(25, 8, 45))
        assert digest.run().queued == 3  # the three leads, in New York
    finally:
        workspace.close()


def one_hour_promise_with_an_owned_item(engine: Engine) -> FrontlineConfig:
    """Billing promises high-urgency updates within one business hour; UBILL1 owns FB-1, a
    high-urgency item logged Wednesday 10:30 in New York and due at 11:30. The config."""
    raw = copy.deepcopy(CONFIG)
    raw["teams"][0]["inform_within_hours"] = {"normal": 24, "high": 1}
    with Session(engine) as session:
        session.add(
            Item(
                slack_team_id=TEAM_ID,
                client_key="k1",
                team_key="billing",
                summary="Charged twice",
                urgency="high",
                reporter_id="UAGENT",
                owner_id="UBILL1",
                created_at=ny(25, 10, 30),
                updated_at=ny(25, 10, 30),
                informed_at=ny(25, 10, 30),
                due_at=ny(25, 11, 30),
            )
        )
        session.commit()
    return parse_config(raw, "test.yml")


def test_escalations_are_never_held_for_a_batch(engine, slack, clock, people, delivery):
    """A one-hour promise, a nudge held for the 15:00 batch: the leads still hear at 12:35."""
    # due at 11:30, so it needs a nudge from 10:30: after the 10:00 batch
    config = one_hour_promise_with_an_owned_item(engine)
    slack.users["UBILL1"] = {"tz": "America/New_York"}
    people.set_nudges(TEAM_ID, "UBILL1", NudgeMode.BATCHED)
    nudges = NudgeService(config, engine, clock.now, people, delivery)

    clock.set(ny(25, 12, 35))  # overdue by 65 business minutes: more than the 1-hour promise
    report = nudges.run()
    assert "hold FB-1 for UBILL1: batched, sent at 2026-11-25T15:00:00-05:00" in report.lines
    assert "escalate FB-1 to ULEADB" in report.lines
    sent = [c.args["channel"] for c in slack.calls_to("post_message")]
    assert "ULEADB" in sent and "UBILL1" not in sent

    clock.set(ny(25, 15, 0))
    nudges.run()
    assert [c.args["channel"] for c in slack.calls_to("post_message")].count("UBILL1") == 1


def test_escalations_are_not_held_while_the_owner_is_off_hours(
    engine, slack, clock, people, delivery
):
    """The owner works from Tokyo and sleeps through New York's day: their nudge waits for their
    morning, but the leads hear in the team's hours as soon as the customer has waited too long."""
    config = one_hour_promise_with_an_owned_item(engine)
    slack.users["UBILL1"] = {"tz": "Asia/Tokyo"}
    nudges = NudgeService(config, engine, clock.now, people, delivery)

    clock.set(ny(25, 12, 35))  # 02:35 in Tokyo; overdue by 65 business minutes in New York
    report = nudges.run()
    assert "escalate FB-1 to ULEADB" in report.lines
    sent = [c.args["channel"] for c in slack.calls_to("post_message")]
    assert "ULEADB" in sent and "UBILL1" not in sent

    nudges.run()  # a second run tells the leads nothing new
    assert [c.args["channel"] for c in slack.calls_to("post_message")].count("ULEADB") == 1
