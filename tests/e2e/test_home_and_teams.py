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
    return published(publish, user)


def published(publish, user: str) -> dict:
    assert publish.args["user_id"] == user
    view = publish.args["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    return view


def section(view: dict, header: str) -> str:
    """The text of one Home list: from its heading to the next heading or divider."""
    text, inside = [], False
    for block in view["blocks"]:
        heading = block["type"] == "section" and block["text"]["text"].startswith("*")
        if block["type"] == "divider" or heading:
            inside = False
        if inside:
            text.append(block_text([block]))
        if heading and block["text"]["text"].startswith(header):
            inside = True
            text.append(block["text"]["text"])
    assert text, f"no section {header!r} in {block_text(view['blocks'])}"
    return "\n".join(text)


def more_button(view: dict, header: str) -> str | None:
    """The value of a list's "Show more" button, None when the list has no more."""
    inside = False
    for block in view["blocks"]:
        if block["type"] == "section" and block["text"]["text"].startswith("*"):
            inside = block["text"]["text"].startswith(header)
        if inside and block["type"] == "actions":
            [button] = block["elements"]
            assert button["action_id"] == "feedback_home_more"
            return button["value"] if button["text"]["text"] == "Show more" else None
    return None


def click_more(running, fake_slack, user: str, value: str) -> dict:
    fake_slack.reset()
    container = {"type": "view", "view_id": "V0HOME"}
    resp = running.slack.block_action("feedback_home_more", value, user=user, container=container)
    assert resp.status == 200
    [publish] = fake_slack.wait_for("views.publish")
    return published(publish, user)


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
SOON = "*Due in the next 24h*"
FREE = "*Free to pick up*"


def whole_list(running, fake_slack, user: str, header: str) -> list[str]:
    """Every item of one Home list, following its "Show more" button to the end."""
    view = open_home(running, fake_slack, user)
    found = refs(section(view, header))
    while (value := more_button(view, header)) is not None:
        view = click_more(running, fake_slack, user, value)
        found += refs(section(view, header))
    return found


def test_items_a_channel_nudge_leaves_out_are_on_every_members_home(
    running, fake_slack, clock, cli
):
    log_many(running, 23)
    due = items(running.engine)[0].due_at
    fake_slack.reset()  # forget the cards: only the nudge is read below
    at = due - timedelta(minutes=30)
    code, _ = cli("jobs", "run", "nudges", "--at", at.isoformat())
    assert code == 0
    [nudge] = [
        c
        for c in fake_slack.calls_to("chat.postMessage")
        if c.args["channel"] == "C0BILLING" and not c.args.get("thread_ts") and not c.failed
    ]
    nudged = block_text(nudge.args["blocks"])
    assert refs(nudged) == [f"FB-{n}" for n in range(1, 21)]
    assert "…and 3 more. App Home lists what is waiting in your teams" in nudged

    # half an hour before they fall due, a member of #billing finds all 23 on Home, due soon,
    # the three the nudge left out included, page by page
    clock.set(at)
    view = open_home(running, fake_slack, "UBILL1")
    soon = section(view, SOON)
    assert soon.startswith(f"{SOON} · 1–10 of 23") and "Refund request number 1 waits" in soon
    assert "due in 30m · free to pick up" in soon
    everything = [f"FB-{n}" for n in range(1, 24)]
    assert whole_list(running, fake_slack, "UBILL1", SOON) == everything
    # so does Billing's lead, who is not in the channel; Product's people do not
    assert whole_list(running, fake_slack, "ULEADB", SOON) == everything
    product = open_home(running, fake_slack, "UPROD1")
    assert "FB-" not in block_text(product["blocks"])
    assert "Nothing open in your teams' queues right now." in block_text(product["blocks"])

    # taking one puts it on the taker's own list; the queue says who has it
    running.slack.block_action("feedback_take", "FB-2", user="UBILL1")
    eventually(lambda: items(running.engine)[1].owner_id == "UBILL1")
    home = open_home(running, fake_slack, "UBILL1")
    assert refs(section(home, MINE)) == ["FB-2"]
    [line] = [row for row in section(home, SOON).splitlines() if "|FB-2>" in row]
    assert line.endswith(
        "Refund request number 2 waits for an answer · due in 30m · with <@UBILL1>"
    )


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
