"""App Home answers "what needs me?" over signed HTTP, on SQLite and PostgreSQL.

A lead sees the team's queue (overdue, then due soon, then free to pick up) and this week's top
asks with their customer counts; "Show more" republishes Home with a list's next rows; an agent
sees what they own and what they logged, with each item's latest change.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import Session

from storage import reports
from storage.models import Item
from tests.support.helpers import block_text, eventually, items


def open_home(running, fake_slack, user: str) -> dict:
    fake_slack.reset()
    event = {"type": "app_home_opened", "user": user, "tab": "home", "event_ts": "1760000000.2"}
    assert running.slack.event(event).status == 200
    [publish] = fake_slack.wait_for("views.publish")
    assert publish.args["user_id"] == user
    view = publish.args["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    return view


def lists(view: dict) -> dict[str, list[dict]]:
    """Each Home list's blocks under its heading, by the heading's title (before any count)."""
    found: dict[str, list[dict]] = {}
    current: list[dict] | None = None
    for block in view["blocks"]:
        text = block["text"]["text"] if block["type"] == "section" else ""
        if text.startswith("*"):
            title = re.sub(r" (\(\d+\)|· \d+–\d+ of \d+)$", "", text)
            current = found.setdefault(title, [])
            continue
        if block["type"] == "divider":
            current = None
        elif current is not None:
            current.append(block)
    return found


def refs(view: dict, title: str) -> list[int]:
    return [int(n) for n in re.findall(r"\|FB-(\d+)>", block_text(lists(view)[title]))]


def more_value(view: dict, title: str) -> str:
    [button] = [e for b in lists(view)[title] if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == "feedback_home_more"
    return str(button["value"])


def log(running, text: str, user: str = "UAGENT") -> Item:
    count = len(items(running.engine))
    running.slack.command(text, user=user)
    eventually(
        lambda: len(items(running.engine)) == count + 1 and items(running.engine)[-1].card_ts
    )
    return items(running.engine)[-1]


def heard_again(running, item: Item, *customers: str, agent: str = "UAGENT") -> None:
    """More customers' reports on the item, as a merge leaves them (set up directly)."""
    with Session(running.engine) as session:
        stored = session.get(Item, item.id)
        assert stored is not None
        for customer in customers:
            reports.add_report(
                session,
                item=stored,
                customer=customer,
                quote="Same here",
                agent_id=agent,
                source_permalink=None,
                now=stored.created_at,
            )
        reports.recount(session, item=stored)
        session.commit()


OVERDUE = "*Overdue: customers are waiting for their update*"
SOON = "*Due in the next 24h*"
FREE = "*Free to pick up*"
ASKS = "*This week's top asks*"
MINE = "*Yours to keep moving*"
LOGGED = "*What you logged*"


def test_a_lead_sees_the_queue_in_order_and_this_weeks_top_asks(running, fake_slack, clock):
    first = log(running, "Refund for Initech still missing #billing")
    clock.advance(timedelta(hours=1))
    second = log(running, "Invoice shows the wrong VAT number #billing")
    # half an hour before the second falls due, the first is overdue by half an hour
    clock.set(second.due_at - timedelta(minutes=30))
    third = log(running, "Receipt emails arrive a day late #billing")
    fourth = log(running, "Payment page times out on mobile #billing")
    log(running, "Dashboard export to PDF #product")
    running.slack.block_action("feedback_take", f"FB-{fourth.id}", user="UBILL2")
    eventually(lambda: items(running.engine)[(fourth.id or 0) - 1].owner_id == "UBILL2")
    heard_again(running, third, "Globex", "Umbrella")  # three customers
    heard_again(running, first, "Hooli")  # two

    view = open_home(running, fake_slack, "ULEADB")  # Billing's lead

    assert refs(view, OVERDUE) == [first.id]
    assert refs(view, SOON) == [second.id]
    assert refs(view, FREE) == [third.id]  # the fourth has an owner and is not due soon
    assert refs(view, ASKS) == [third.id, first.id, fourth.id, second.id]
    asks = block_text(lists(view)[ASKS])
    assert "Receipt emails arrive a day late · *3 customers* · free to pick up" in asks
    assert "Payment page times out on mobile · *1 customer* · with <@UBILL2>" in asks
    assert "overdue by 30m · free to pick up · 2 customers" in block_text(lists(view)[OVERDUE])
    assert "*Your teams' queue* · Billing" in block_text(view["blocks"])
    assert "Dashboard export" not in block_text(view["blocks"])


def test_show_more_republishes_home_with_the_next_rows(running, fake_slack, clock):
    logged = [log(running, f"Refund number {n} is late #billing") for n in range(1, 13)]

    view = open_home(running, fake_slack, "ULEADB")
    assert refs(view, FREE) == [i.id for i in logged[:10]]
    assert f"{FREE} · 1–10 of 12" in block_text(view["blocks"])

    fake_slack.reset()
    container = {"type": "view", "view_id": "V0HOME"}
    value = more_value(view, FREE)
    resp = running.slack.block_action(
        "feedback_home_more", value, user="ULEADB", container=container
    )
    assert resp.status == 200
    [publish] = fake_slack.wait_for("views.publish")
    assert publish.args["user_id"] == "ULEADB"
    page = publish.args["view"]
    assert refs(page, FREE) == [i.id for i in logged[10:]]
    assert f"{FREE} · 11–12 of 12" in block_text(page["blocks"])
    back = [e for b in lists(page)[FREE] if b["type"] == "actions" for e in b["elements"]]
    assert [e["text"]["text"] for e in back] == ["Back to the start"]


def test_an_agent_sees_what_they_own_and_what_they_logged(running, fake_slack, clock):
    theirs = log(running, "Refund to a closed card #billing", user="UOUT")  # in no team
    other = log(running, "Invoice PDF has no logo #billing", user="UBILL1")
    heard_again(running, other, "Globex", agent="UOUT")  # they heard it from a customer too
    running.slack.block_action("feedback_take", f"FB-{theirs.id}", user="UBILL2")
    running.slack.block_action("feedback_take", f"FB-{other.id}", user="UBILL2")
    eventually(lambda: all(i.owner_id == "UBILL2" for i in items(running.engine)))
    clock.advance(timedelta(hours=2))

    agent = open_home(running, fake_slack, "UOUT")
    assert refs(agent, LOGGED) == [other.id, theirs.id]
    logged = block_text(lists(agent)[LOGGED])
    assert "Refund to a closed card · Open · with <@UBILL2> · latest: taken, 2h ago" in logged
    assert "Nothing waiting on you." in block_text(lists(agent)[MINE])
    assert OVERDUE not in lists(agent)

    owner = open_home(running, fake_slack, "UBILL2")
    assert refs(owner, MINE) == [theirs.id, other.id]  # soonest due first
    assert re.search(
        r"Refund to a closed card · due in \d+d \d+h · Billing", block_text(owner["blocks"])
    )
