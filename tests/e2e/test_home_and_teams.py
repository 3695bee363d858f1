"""What a channel nudge promises, App Home keeps; `/feedback teams` shows every team whole."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from tests.support.app import start_app
from tests.support.helpers import block_text, eventually, items
from tests.support.world import CONFIG


def open_home(running, fake_slack, user: str) -> dict:
    fake_slack.reset()
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": "D0" + user,
        "tab": "home",
        "event_ts": "1760000000.1",
    }
    assert running.slack.event(event).status == 200
    [publish] = fake_slack.wait_for("views.publish")
    assert publish.args["user_id"] == user
    view = publish.args["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    return view


def section(view: dict, header: str) -> str:
    """The text of one Home section: from its header to the next divider."""
    text, inside = [], False
    for block in view["blocks"]:
        if block["type"] == "divider":
            inside = False
        if inside:
            text.append(block_text([block]))
        if block["type"] == "section" and block["text"]["text"] == header:
            inside = True
    assert text, f"no section {header!r} in {block_text(view['blocks'])}"
    return "\n".join(text)


def refs(text: str) -> list[str]:
    return re.findall(r"FB-\d+", text)


def log_many(running, count: int, tag: str = "billing") -> None:
    for n in range(1, count + 1):
        running.slack.command(f"Refund request number {n} waits for an answer #{tag}")
    eventually(
        lambda: (
            len(items(running.engine)) == count and all(i.card_ts for i in items(running.engine))
        ),
        timeout=20,
    )


MINE = "*Yours to keep moving*"
FREE = "*Free to pick up in your teams*"


def test_items_a_channel_nudge_leaves_out_are_on_every_members_home(
    running, fake_slack, clock, cli
):
    log_many(running, 23)
    due = items(running.engine)[0].due_at
    fake_slack.reset()  # forget the cards: only the nudge is read below
    code, _ = cli("jobs", "run", "nudges", "--at", (due - timedelta(minutes=30)).isoformat())
    assert code == 0
    [nudge] = [
        c
        for c in fake_slack.calls_to("chat.postMessage")
        if c.args["channel"] == "C0BILLING" and not c.args.get("thread_ts") and not c.failed
    ]
    nudged = block_text(nudge.args["blocks"])
    assert refs(nudged) == [f"FB-{n}" for n in range(1, 21)]
    assert "…and 3 more. App Home lists what is waiting in your teams" in nudged

    # a member of #billing finds all 23 on Home, the three the nudge left out included
    free = section(open_home(running, fake_slack, "UBILL1"), FREE)
    assert sorted(set(refs(free)), key=lambda r: int(r[3:])) == [f"FB-{n}" for n in range(1, 24)]
    assert "Refund request number 23 waits" in free and "Billing" in free and "more" not in free
    # so does Billing's lead, who is not in the channel; Product's people do not
    assert len(set(refs(section(open_home(running, fake_slack, "ULEADB"), FREE)))) == 23
    product = section(open_home(running, fake_slack, "UPROD1"), FREE)
    assert refs(product) == [] and "Right now there are none" in product

    # taking one moves it from the team's free list to the taker's own
    running.slack.block_action("feedback_take", "FB-22", user="UBILL1")
    eventually(lambda: items(running.engine)[21].owner_id == "UBILL1")
    home = open_home(running, fake_slack, "UBILL1")
    assert refs(section(home, MINE)) == ["FB-22"]
    assert "FB-22" not in refs(section(home, FREE)) and len(set(refs(section(home, FREE)))) == 22


def test_home_says_honestly_how_many_more_wait_beyond_its_list(running, fake_slack):
    log_many(running, 33)
    view = open_home(running, fake_slack, "UBILL2")
    free = section(view, FREE)
    assert len(set(refs(free))) == 30  # the most urgent thirty, then an honest count
    assert "…and 3 more, each with a card in its team's channel." in free


# --- /feedback teams -----------------------------------------------------------------------------
def hundred_teams() -> dict:
    teams = []
    for n in range(100):
        teams.append(
            {
                "key": f"team-{n:03d}",
                "name": f"Team {n:03d} " + "N" * 71,  # the longest name allowed: 80 characters
                "channel": f"C0T{n:05d}",
                "leads": [],
                "keywords": [f"word{n:03d}x{k:02d}" + "k" * 40 for k in range(30)],
                "inform_within_hours": {"normal": 24, "high": 4},
            }
        )
    return {**CONFIG, "triage_team": "team-000", "teams": teams}


@pytest.fixture
def hundred(tmp_path: Path, fake_slack):
    path = tmp_path / "frontline.yml"
    path.write_text(yaml.safe_dump(hundred_teams()), encoding="utf-8")
    run = start_app(f"sqlite:///{tmp_path / 'teams.db'}", path, fake_slack)
    yield run
    run.stop()


def test_feedback_teams_shows_all_hundred_teams_whole_over_pages(hundred):
    seen: list[str] = []
    for page in (1, 2, 3, 4):
        reply = hundred.slack.command("teams" if page == 1 else f"teams {page}").json()
        assert reply["response_type"] == "ephemeral"
        blocks = reply["blocks"]
        assert len(blocks) <= 50
        assert all(len(block_text([b])) <= 3000 for b in blocks)
        text = block_text(blocks)
        assert f"Page {page} of 4." in text and f"Page {page} of 4." in reply["text"]
        if page < 4:
            assert f"Type `/feedback teams {page + 1}`" in text
        lines = [line for line in text.split("\n") if line.startswith("• ")]
        assert len(lines) == 25
        for line in lines:  # each team whole: tag, name, channel, keywords, its promise
            n = int(re.search(r"`#team-(\d{3})`", line).group(1))
            assert f"*Team {n:03d} {'N' * 71}* in <#C0T{n:05d}>" in line
            assert f"word{n:03d}x19" in line and "and 10 more" in line
            assert line.endswith("Customers hear back within 24 (high urgency: 4) business hours.")
            seen.append(f"team-{n:03d}")
    assert seen == [f"team-{n:03d}" for n in range(100)]
    last = block_text(hundred.slack.command("teams 9").json()["blocks"])
    assert "Page 4 of 4." in last and "team-099" in last
    assert items(hundred.engine) == []  # "teams 2" is a subcommand, not feedback
