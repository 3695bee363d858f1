"""App Home answers "what needs me?": the service on in-memory SQLite with the fake gateway.

Items are stored directly with chosen due times, owners, customers and reports, so the order of
each list is known; the view is read the way a person reads it (headings, rows, buttons).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.cards.membership import Membership
from bot.core import ids
from bot.core.config import parse_config
from bot.schedule.people import People
from bot.services.home import HomeService, parse_more
from bot.slack import copy, views
from storage.models import Item, ItemEvent, Report
from storage.values import ItemEventKind, ItemStatus, Outcome
from tests.support.fake_gateway import TEAM_ID, FakeGateway
from tests.support.helpers import block_text
from tests.support.world import CONFIG, START, Clock

CFG = parse_config(CONFIG, "test.yml")
NOW = START
S = views.HomeSection


@pytest.fixture
def home(engine: Engine, slack: FakeGateway, clock: Clock) -> HomeService:
    return HomeService(CFG, engine, clock.now, Membership(slack), People(engine, slack, clock.now))


class Store:
    """Stores items as capture would leave them (with their first report), ids in order."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.n = 0

    def item(
        self,
        due_in: timedelta,
        *,
        team: str = "billing",
        owner: str | None = None,
        reporter: str = "UAGENT",
        customers: int = 1,
        created_ago: timedelta = timedelta(hours=1),
        status: str = ItemStatus.OPEN,
        summary: str | None = None,
        customer: str = "Acme",
    ) -> int:
        self.n += 1
        with Session(self.engine, expire_on_commit=False) as session:
            item = Item(
                slack_team_id=TEAM_ID,
                client_key=f"k{self.n}",
                team_key=team,
                summary=summary or f"Request {self.n}",
                reporter_id=reporter,
                owner_id=owner,
                status=status,
                customers=customers,
                customer=customer,
                created_at=NOW - created_ago,
                updated_at=NOW - created_ago,
                informed_at=NOW - created_ago,
                due_at=NOW + due_in,
                card_permalink=f"https://acme.slack.com/archives/C0X/p{self.n}",
            )
            session.add(item)
            session.flush()
            assert item.id is not None
            session.add(self._report(item.id, reporter, NOW - created_ago, customer))
            session.add(self._event(item.id, ItemEventKind.CREATED, NOW - created_ago))
            session.commit()
            return item.id

    def report(self, item_id: int, agent: str, ago: timedelta, customer: str = "Globex") -> None:
        with Session(self.engine) as session:
            session.add(self._report(item_id, agent, NOW - ago, customer))
            session.commit()

    def event(self, item_id: int, kind: ItemEventKind, ago: timedelta) -> None:
        with Session(self.engine) as session:
            session.add(self._event(item_id, kind, NOW - ago))
            session.commit()

    def resolve(self, item_id: int) -> None:
        with Session(self.engine) as session:
            item = session.get(Item, item_id)
            assert item is not None
            item.status, item.outcome, item.resolved_at = ItemStatus.RESOLVED, Outcome.DONE, NOW
            session.add(item)
            session.commit()

    @staticmethod
    def _report(item_id: int, agent: str, at: datetime, customer: str) -> Report:
        return Report(
            slack_team_id=TEAM_ID,
            item_id=item_id,
            customer=customer,
            customer_key=customer.lower(),
            agent_id=agent,
            created_at=at,
        )

    @staticmethod
    def _event(item_id: int, kind: ItemEventKind, at: datetime) -> ItemEvent:
        return ItemEvent(
            slack_team_id=TEAM_ID, item_id=item_id, kind=kind, actor_id="UBILL1", created_at=at
        )


@pytest.fixture
def store(engine: Engine) -> Store:
    return Store(engine)


# --- reading the view as a person does ---------------------------------------------------------
TITLES = {
    S.OWNED: copy.HOME_OWNED,
    S.OVERDUE: copy.HOME_OVERDUE,
    S.DUE_SOON: copy.home_due_soon("24h"),
    S.UNOWNED: copy.HOME_UNOWNED,
    S.TOP_ASKS: copy.HOME_TOP_ASKS,
    S.LOGGED: copy.HOME_LOGGED,
}


def sections(view: dict[str, Any]) -> dict[S, list[dict[str, Any]]]:
    """Each list's blocks after its heading (heading included first), by list."""
    found: dict[S, list[dict[str, Any]]] = {}
    current: list[dict[str, Any]] | None = None
    for block in view["blocks"]:
        text = block.get("text", {}).get("text", "") if block["type"] == "section" else ""
        heading = next((s for s, t in TITLES.items() if text.startswith(t)), None)
        if heading is not None:
            current = found.setdefault(heading, [])
        elif block["type"] == "divider" or text.startswith("*Your teams' queue*"):
            current = None
            continue
        if current is not None:
            current.append(block)
    return found


def refs(view: dict[str, Any], section: S) -> list[int]:
    rows = sections(view).get(section, [])[1:]
    return [int(n) for n in re.findall(r"\|FB-(\d+)>", block_text(rows))]


def heading(view: dict[str, Any], section: S) -> str:
    return str(sections(view)[section][0]["text"]["text"])


def button(view: dict[str, Any], section: S) -> dict[str, Any] | None:
    for block in sections(view).get(section, []):
        if block["type"] == "actions":
            [element] = block["elements"]
            assert element["action_id"] == ids.ACTION_HOME_MORE
            return dict(element)
    return None


HOUR = timedelta(hours=1)


# --- who sees what -------------------------------------------------------------------------------
def test_a_lead_sees_the_team_queue_overdue_then_due_soon_then_free_then_top_asks(home, store):
    late2 = store.item(-2 * HOUR)  # overdue by 2h
    soon_owned = store.item(3 * HOUR, owner="UBILL2", customers=4)
    late5 = store.item(-5 * HOUR, owner="UBILL1")  # longest overdue first
    free_later = store.item(50 * HOUR)
    free_much_later = store.item(90 * HOUR, created_ago=timedelta(days=20))
    owned_later = store.item(60 * HOUR, owner="UBILL2")  # owned, not due soon: in no queue list
    store.item(-HOUR, team="product")  # another team's
    merged = store.item(-9 * HOUR, status=ItemStatus.MERGED, customers=9)
    done = store.item(-9 * HOUR)
    store.resolve(done)

    view = home.home(TEAM_ID, "ULEADB")  # Billing's lead, not in the channel

    assert refs(view, S.OVERDUE) == [late5, late2]
    assert refs(view, S.DUE_SOON) == [soon_owned]
    assert refs(view, S.UNOWNED) == [free_later, free_much_later]
    assert refs(view, S.TOP_ASKS) == [soon_owned, owned_later, free_later, late5, late2]
    text = block_text(view["blocks"])
    assert merged not in refs(view, S.OVERDUE) + refs(view, S.TOP_ASKS)
    assert f"FB-{merged}>" not in text and f"FB-{done}>" not in text
    assert "*Your teams' queue* · Billing" in text
    overdue = block_text(sections(view)[S.OVERDUE])
    assert (
        "overdue by 5h · with <@UBILL1>" in overdue and "overdue by 2h · free to pick up" in overdue
    )
    assert "*4 customers*" in block_text(sections(view)[S.TOP_ASKS])
    assert "due in 3h · with <@UBILL2> · 4 customers" in block_text(sections(view)[S.DUE_SOON])
    assert heading(view, S.OVERDUE) == f"{copy.HOME_OVERDUE} (2)"


def test_a_channel_member_sees_the_same_queue_and_another_team_does_not(home, store):
    late = store.item(-HOUR)
    product = store.item(-2 * HOUR, team="product")

    member = home.home(TEAM_ID, "UBILL1")
    assert refs(member, S.OVERDUE) == [late]
    prod = home.home(TEAM_ID, "UPROD1")
    assert refs(prod, S.OVERDUE) == [product]
    both = home.home(TEAM_ID, "UAGENT")  # in #billing and #support: team names on each row
    assert refs(both, S.OVERDUE) == [late]


def test_an_agent_in_no_team_sees_what_they_own_and_what_they_logged(home, store):
    mine_late = store.item(30 * HOUR, owner="UOUT")
    mine_first = store.item(-HOUR, owner="UOUT")
    store.item(-2 * HOUR, owner="UOUT", status=ItemStatus.MERGED)  # merged away: not open work
    logged = store.item(5 * HOUR, reporter="UOUT", owner="UBILL1")
    store.event(logged, ItemEventKind.TAKEN, 2 * HOUR)
    store.event(logged, ItemEventKind.NUDGED, HOUR)  # a reminder is no change of the item
    other = store.item(5 * HOUR, reporter="UBILL2")
    store.report(other, "UOUT", timedelta(minutes=30))  # they told it too: a second report
    gone = store.item(5 * HOUR, reporter="UOUT", status=ItemStatus.MERGED)
    done = store.item(5 * HOUR, reporter="UOUT")
    store.resolve(done)

    view = home.home(TEAM_ID, "UOUT")

    assert refs(view, S.OWNED) == [mine_first, mine_late]
    owned = block_text(sections(view)[S.OWNED])
    assert "overdue by 1h" in owned and "due in 30h" in owned and "Billing" in owned
    assert refs(view, S.LOGGED) == [done, other, logged]  # newest first, merged-away left out
    assert gone not in refs(view, S.LOGGED)
    logged_text = block_text(sections(view)[S.LOGGED])
    assert "Open · with <@UBILL1> · latest: taken, 2h ago" in logged_text
    assert "Resolved (Done)" in logged_text
    assert S.OVERDUE not in sections(view) and copy.HOME_NO_TEAMS in block_text(view["blocks"])


def test_top_asks_count_items_reported_again_this_week(home, store):
    old = store.item(100 * HOUR, created_ago=timedelta(days=30), customers=3)
    store.report(old, "UBILL1", timedelta(days=2))  # heard again two days ago
    stale = store.item(100 * HOUR, created_ago=timedelta(days=30), customers=8)
    new = store.item(100 * HOUR, customers=2)

    assert refs(home.home(TEAM_ID, "ULEADB"), S.TOP_ASKS) == [old, new]
    assert stale


def test_a_channel_nudges_items_are_in_the_members_due_soon_list(home, store):
    """The nudge's "…and N more, open App Home": unowned items due within the warning margin."""
    nudged = [store.item(timedelta(minutes=30)) for _ in range(23)]
    ids_seen: list[int] = []
    more: str | None = None
    for _ in range(3):
        view = home.home(TEAM_ID, "UBILL1", more=more)
        ids_seen += refs(view, S.DUE_SOON)
        found = button(view, S.DUE_SOON)
        more = found["value"] if found and found["text"]["text"] == copy.HOME_MORE else None
        if more is None:
            break
    assert ids_seen == nudged


# --- paging ----------------------------------------------------------------------------------------
def test_more_shows_the_next_rows_of_that_list_and_the_others_stay_on_their_first(home, store):
    same_due = [store.item(-HOUR) for _ in range(25)]  # one due time: the id keeps the order
    free = [store.item(50 * HOUR + n * HOUR) for n in range(12)]

    first = home.home(TEAM_ID, "ULEADB")
    assert refs(first, S.OVERDUE) == same_due[:10]
    assert heading(first, S.OVERDUE) == f"{copy.HOME_OVERDUE} · 1–10 of 25"
    more = button(first, S.OVERDUE)
    assert more is not None and more["text"]["text"] == copy.HOME_MORE

    second = home.home(TEAM_ID, "ULEADB", more=more["value"])
    assert refs(second, S.OVERDUE) == same_due[10:20]
    assert heading(second, S.OVERDUE) == f"{copy.HOME_OVERDUE} · 11–20 of 25"
    assert refs(second, S.UNOWNED) == free[:10]  # the other lists: their first page

    third = home.home(TEAM_ID, "ULEADB", more=button(second, S.OVERDUE)["value"])  # type: ignore[index]
    assert refs(third, S.OVERDUE) == same_due[20:]
    assert heading(third, S.OVERDUE) == f"{copy.HOME_OVERDUE} · 21–25 of 25"
    back = button(third, S.OVERDUE)
    assert back is not None and back["text"]["text"] == copy.HOME_BACK_TO_START
    assert refs(home.home(TEAM_ID, "ULEADB", more=back["value"]), S.OVERDUE) == same_due[:10]


def test_logged_and_top_asks_page_too(home, store):
    logged = [store.item(100 * HOUR, reporter="UOUT", team="product") for _ in range(13)]
    first = home.home(TEAM_ID, "UOUT")
    view = home.home(TEAM_ID, "UOUT", more=button(first, S.LOGGED)["value"])  # type: ignore[index]
    assert refs(view, S.LOGGED) == list(reversed(logged))[10:]

    customers = [2, 1, 3, 2, 3, 1, 2, 3]
    asks = {store.item(100 * HOUR, customers=c): c for c in customers}
    order = sorted(asks, key=lambda i: (-asks[i], -i))  # most customers, then newest
    first = home.home(TEAM_ID, "ULEADB")
    assert refs(first, S.TOP_ASKS) == order[:5]
    nxt = home.home(TEAM_ID, "ULEADB", more=button(first, S.TOP_ASKS)["value"])  # type: ignore[index]
    assert refs(nxt, S.TOP_ASKS) == order[5:]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "nonsense",
        "overdue|x|y",
        "overdue|3|2026-11-24T10:00:00|4",
        "asks|1|a|b",
        "logged|1|2|3",
    ],
)
def test_a_strange_button_value_shows_the_first_pages(home, store, value):
    late = [store.item(-HOUR) for _ in range(12)]
    assert refs(home.home(TEAM_ID, "ULEADB", more=value), S.OVERDUE) == late[:10]
    assert parse_more("overdue|3|2026-11-24T10:00:00|4") is None  # a due time without its zone


# --- Slack's limits --------------------------------------------------------------------------------
def test_every_list_full_stays_inside_slacks_view_limits(home, store):
    long = "Ü<&>" * 200  # escaped, it is longer still
    for n in range(40):
        store.item(-HOUR - n * timedelta(minutes=1), owner="UAGENT", summary=long[:300])
        store.item(HOUR + n * timedelta(minutes=1), owner="UBILL1", summary=long[:300])
        store.item(40 * HOUR + n * HOUR, summary=long[:300], customers=n + 1)
        store.item(40 * HOUR, team="support-ops", reporter="UAGENT", summary=long[:300])
    for more in (None, "overdue|10|2026-11-24T13:50:00+00:00|999999"):
        view = home.home(TEAM_ID, "UAGENT", more=more)
        assert len(view["blocks"]) <= views.MAX_VIEW_BLOCKS
        for s in S:
            assert len(refs(view, s)) == views.HOME_PAGE[s], s
            assert button(view, s) is not None, s
        for block in view["blocks"]:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= views.SECTION_LIMIT
            for element in block.get("elements", []):
                if element.get("type") == "button":
                    assert len(element["value"]) <= 2000
                    assert len(element["text"]["text"]) <= 75
