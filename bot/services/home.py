"""What people read: App Home, `/feedback teams`, help, the tip of the day; the digest opt-in."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from bot.cards import workflow
from bot.cards.membership import Membership
from bot.core.config import FrontlineConfig, Team
from bot.core.text import inert
from bot.core.wallclock import Now
from bot.schedule.people import People
from bot.schedule.tip_library import Tip
from bot.schedule.tips import TipBook
from bot.slack import copy, views
from storage import home as queries
from storage.engine import Engine
from storage.models import Item

TEAMS_PER_PAGE = 25  # `/feedback teams`: a page stays far below Slack's 50 blocks and 3000/section
TEAM_KEYWORDS_SHOWN = 20  # so one team's line always fits a section whole
LOGGED_SHOWN = 20  # App Home: what the person logged lately


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

    def home(self, team_id: str, user: str) -> dict[str, Any]:
        """Owned items, the unowned items of the person's teams (the channel nudges' full list),
        and what they logged lately. Membership is asked between the reads, outside a session."""
        limit = views.HOME_LIST
        with Session(self._engine) as session:
            owned, owned_total = queries.owned_open(
                session, team_id=team_id, user=user, limit=limit
            )
            logged = queries.logged_by(session, team_id=team_id, user=user, limit=LOGGED_SHOWN)
            keys = queries.unowned_team_keys(session, team_id=team_id)
        my_keys = [key for key in keys if self.may_act_for(self._config.team(key), user)]
        waiting: list[Item] = []
        waiting_total = 0
        if my_keys:
            with Session(self._engine) as session:
                waiting, waiting_total = queries.unowned_open(
                    session, team_id=team_id, team_keys=my_keys, limit=limit
                )
        shown = [*owned, *waiting, *logged]
        data = views.HomeData(
            owned=owned,
            owned_total=owned_total,
            waiting=waiting,
            waiting_total=waiting_total,
            logged=logged,
            team_names={i.team_key: self._team_of(i).name for i in shown},
            links={i.id: i.card_permalink for i in shown if i.id and i.card_permalink},
        )
        return views.home_view(data, self._now())

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
        self._people.set_digest(team_id, user, on)
        return copy.digest_set(on)

    def _team_of(self, item: Item) -> Team:
        return self._config.owner_of(item.team_key)
