"""What people read: App Home, `/feedback teams`, help, the tip of the day; the digest opt-in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.cards import workflow
from bot.cards.membership import Membership
from bot.core.config import FrontlineConfig, Team
from bot.core.text import inert
from bot.core.wallclock import Now
from bot.schedule.clock import format_duration
from bot.schedule.people import People
from bot.schedule.tip_library import Tip
from bot.schedule.tips import TipBook
from bot.slack import copy, views
from storage import home as queries
from storage.engine import Engine
from storage.models import Item
from storage.values import DigestMode

TEAMS_PER_PAGE = 25  # `/feedback teams`: a page stays far below Slack's 50 blocks and 3000/section
TEAM_KEYWORDS_SHOWN = 20  # so one team's line always fits a section whole
# App Home: "due soon" is the next 24 hours, or the nudges' warning margin when that is longer,
# so every item a channel nudge names is in the overdue or due-soon list of its team's queue.
DUE_SOON = timedelta(hours=24)
TOP_ASKS_DAYS = 7  # "this week's top asks": created or reported again in the last 7 days
TEAM_NAMES_SHOWN = 10  # in the team queue's heading


@dataclass(frozen=True)
class Cursor:
    """Where a "more" button points: a list, how many rows came before, and the last row's
    sort key (due lists: due time and id; top asks: customers and id; logged: id)."""

    section: views.HomeSection
    before: int = 0
    due: tuple[datetime, int] | None = None
    ask: tuple[int, int] | None = None
    logged: int | None = None


def more_value(section: views.HomeSection, before: int, last: Item) -> str:
    """The "more" button's value: the next page starts after `last` (keyset, not offset)."""
    if section is views.HomeSection.LOGGED:
        key: tuple[str, ...] = (str(last.id),)
    elif section is views.HomeSection.TOP_ASKS:
        key = (str(last.customers), str(last.id))
    else:
        key = (last.due_at.isoformat(), str(last.id))
    return "|".join((section.value, str(before), *key))


def back_value(section: views.HomeSection) -> str:
    return f"{section.value}|0|"


def parse_more(value: str | None) -> Cursor | None:
    """A button value back into a cursor; None for anything else (Home then starts over)."""
    parts = (value or "").split("|")
    try:
        section = views.HomeSection(parts[0])
        key = [p for p in parts[2:] if p]
        if not key:
            return Cursor(section)
        before = max(0, int(parts[1]))
        if section is views.HomeSection.LOGGED and len(key) == 1:
            return Cursor(section, before, logged=int(key[0]))
        if section is views.HomeSection.TOP_ASKS and len(key) == 2:
            return Cursor(section, before, ask=(int(key[0]), int(key[1])))
        if len(key) == 2:
            due = datetime.fromisoformat(key[0])
            if due.tzinfo is not None:
                return Cursor(section, before, due=(due, int(key[1])))
    except (ValueError, IndexError):
        return None
    return None


class HomeService:
    def __init__(
        self,
        config: FrontlineConfig,
        engine: Engine,
        now: Now,
        membership: Membership,
        people: People,
        tips: TipBook | None = None,
    ) -> None:
        self._config = config
        self._engine = engine
        self._now = now
        self._membership = membership
        self._people = people
        self._tips = tips or TipBook(config)

    def home(
        self, team_id: str, user: str, more: str | None = None, notice: str | None = None
    ) -> dict[str, Any]:
        """The person's Home tab: their open items, their teams' queue (overdue, due soon,
        free to pick up, this week's top asks), what they logged and their preferences. `more`
        is a "more" button's value: that list shows its next page, the others their first.
        `notice`: what changing a preference said, shown above the preferences.

        Membership is asked between the reads, outside a session (it may call Slack)."""
        now = self._now()
        cursor = parse_more(more)
        with Session(self._engine) as session:
            keys = queries.open_team_keys(session, team_id=team_id)
        my_keys = [key for key in keys if self.may_act_for(self._config.team(key), user)]
        with Session(self._engine) as session:
            pages = self._pages(session, team_id, user, my_keys, now, cursor)
            logged = pages[views.HomeSection.LOGGED]
            latest = queries.latest_events(
                session, item_ids=[i.id for i in logged.rows if i.id is not None]
            )
        S = views.HomeSection
        soon = self._due_soon_window()
        titles = {
            S.OWNED: (copy.HOME_OWNED, copy.HOME_NOTHING_OWNED),
            S.OVERDUE: (copy.HOME_OVERDUE, copy.HOME_NOTHING_OVERDUE),
            S.DUE_SOON: (copy.home_due_soon(format_duration(soon)), copy.HOME_NOTHING_DUE_SOON),
            S.UNOWNED: (copy.HOME_UNOWNED, copy.HOME_NOTHING_UNOWNED),
            S.TOP_ASKS: (copy.HOME_TOP_ASKS, copy.HOME_NOTHING_ASKS),
            S.LOGGED: (copy.HOME_LOGGED, copy.HOME_NOTHING_LOGGED),
        }
        lists = {}
        for section, page in pages.items():
            before = cursor.before if cursor and cursor.section is section else 0
            title, empty = titles[section]
            lists[section] = views.HomeList(
                section=section,
                title=title,
                empty=empty,
                rows=page.rows,
                first=before + 1,
                total=page.total,
                more=more_value(section, before + len(page.rows), page.rows[-1])
                if page.more and page.rows
                else None,
                back=back_value(section) if before and not page.more else None,
            )
        shown = [item for page in pages.values() for item in page.rows]
        teams = [self._config.owner_of(key) for key in my_keys]
        names = list(dict.fromkeys(team.name for team in teams))
        queue_sections = (S.OVERDUE, S.DUE_SOON, S.UNOWNED, S.TOP_ASKS)
        data = views.HomeData(
            owned=lists[S.OWNED],
            logged=lists[S.LOGGED],
            queue=[lists[s] for s in queue_sections] if my_keys else [],
            team_names=names[:TEAM_NAMES_SHOWN] + (["…"] if len(names) > TEAM_NAMES_SHOWN else []),
            item_teams={i.team_key: self._team_of(i).name for i in shown},
            links={i.id: i.card_permalink for i in shown if i.id and i.card_permalink},
            latest=latest,
            prefs=self._prefs(team_id, user, notice),
        )
        return views.home_view(data, now)

    def _prefs(self, team_id: str, user: str, notice: str | None) -> views.HomePrefs:
        chosen = self._people.preferences(team_id, user)
        tz = self._people.known_timezone(team_id, user, self._config.timezone)
        today = self._now().astimezone(self._config.calendar(tz=tz).tz).date()
        away = chosen.away_until if chosen.away_on(today) else None
        return views.HomePrefs(
            digest=chosen.digest, nudges=chosen.nudges, away_until=away, notice=notice
        )

    def _due_soon_window(self) -> timedelta:
        return max(DUE_SOON, timedelta(minutes=self._config.nudges.warn_before_minutes))

    def _pages(
        self,
        session: Session,
        team_id: str,
        user: str,
        my_keys: list[str],
        now: datetime,
        cursor: Cursor | None,
    ) -> dict[views.HomeSection, queries.Page]:
        S = views.HomeSection
        size = views.HOME_PAGE

        def mine(section: views.HomeSection) -> Cursor:
            return cursor if cursor and cursor.section is section else Cursor(section)

        def due_after(section: views.HomeSection) -> tuple[datetime, int] | None:
            return mine(section).due

        soon = now + self._due_soon_window()
        pages = {
            S.OWNED: queries.owned_page(
                session, team_id=team_id, user=user, after=due_after(S.OWNED), limit=size[S.OWNED]
            )
        }
        if my_keys:
            pages[S.OVERDUE] = queries.overdue_page(
                session,
                team_id=team_id,
                team_keys=my_keys,
                now=now,
                after=due_after(S.OVERDUE),
                limit=size[S.OVERDUE],
            )
            pages[S.DUE_SOON] = queries.due_soon_page(
                session,
                team_id=team_id,
                team_keys=my_keys,
                now=now,
                until=soon,
                after=due_after(S.DUE_SOON),
                limit=size[S.DUE_SOON],
            )
            pages[S.UNOWNED] = queries.unowned_page(
                session,
                team_id=team_id,
                team_keys=my_keys,
                since=soon,
                after=due_after(S.UNOWNED),
                limit=size[S.UNOWNED],
            )
            pages[S.TOP_ASKS] = queries.top_asks_page(
                session,
                team_id=team_id,
                team_keys=my_keys,
                since=now - timedelta(days=TOP_ASKS_DAYS),
                after=mine(S.TOP_ASKS).ask,
                limit=size[S.TOP_ASKS],
            )
        pages[S.LOGGED] = queries.logged_page(
            session,
            team_id=team_id,
            user=user,
            after=mine(S.LOGGED).logged,
            limit=size[S.LOGGED],
        )
        return pages

    def may_act_for(self, team: Team | None, user: str) -> bool:
        """May act on a team's items; a key no longer configured belongs to the triage team."""
        return workflow.may_act(team or self._config.triage, user, self._membership.is_member)

    def teams_reply(self, page: int = 1) -> dict[str, Any]:
        """`/feedback teams [page]`: every team whole, TEAMS_PER_PAGE to a page."""
        teams = self._config.teams
        pages = max(1, -(-len(teams) // TEAMS_PER_PAGE))
        page = min(max(page, 1), pages)
        lines = []
        for team in teams[(page - 1) * TEAMS_PER_PAGE : page * TEAMS_PER_PAGE]:
            within = team.inform_within_hours
            keywords = [inert(k, 60) for k in team.keywords]
            lines.append(
                copy.team_line(
                    team.key,
                    inert(team.name, 80),
                    team.channel,
                    keywords[:TEAM_KEYWORDS_SHOWN],
                    copy.team_hours(within.normal, within.high),
                    more_keywords=max(0, len(keywords) - TEAM_KEYWORDS_SHOWN),
                )
            )
        return views.teams_reply(lines, page, pages)

    def help_text(self) -> str:
        return copy.HELP

    def tips(self) -> list[Tip]:
        """Built-in tips, then the admin's own from the config file, in one rotation."""
        return self._tips.all()

    def tip_for(self, day: date) -> Tip:
        return self._tips.of_the_day(day)

    def tip_today_text(self) -> str:
        tip = self.tip_for(self._now().astimezone(self._config.calendar().tz).date())
        return copy.tip_text(inert(tip.title, 100), inert(tip.body, 1000))

    def set_digest(self, team_id: str, user: str, on: bool) -> str:
        """`/feedback digest on|off`: every working day, or none (App Home offers the default,
        only when something needs them, too)."""
        mode = DigestMode.ON if on else DigestMode.OFF
        self._people.set_digest(team_id, user, mode)
        return copy.digest_mode_set(mode)

    def _team_of(self, item: Item) -> Team:
        return self._config.owner_of(item.team_key)
