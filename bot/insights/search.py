"""`/feedback search <words>`: the best matches across every team of the workspace.

The database's full-text index does the finding and ranking (storage.search); this service
turns the rows into what the answer shows: team name, status, customers, age, card link.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.core import ids
from bot.core.config import FrontlineConfig
from bot.core.wallclock import Now
from bot.slack import copy, views
from bot.slack.views.search import SearchLine, search_reply
from storage import search
from storage.engine import Engine
from storage.models import Item

SEARCH_RESULTS = 10


class SearchService:
    def __init__(self, config: FrontlineConfig, engine: Engine, now: Now) -> None:
        self._config = config
        self._engine = engine
        self._now = now

    def find(self, team_id: str, words: str, limit: int = SEARCH_RESULTS) -> list[SearchLine]:
        """Up to `limit` items of the workspace matching the words, best first."""
        with Session(self._engine) as session:
            found = search.search_items(session, team_id=team_id, words=words, limit=limit)
        return [self._line(item) for item in found]

    def reply(self, team_id: str, words: str) -> dict[str, Any]:
        """The ephemeral answer to `/feedback search <words>`."""
        return search_reply(words, self.find(team_id, words))

    def _line(self, item: Item) -> SearchLine:
        assert item.id is not None
        team = self._config.team(item.team_key)
        age = self._now() - item.created_at
        return SearchLine(
            ref=ids.item_ref(item.id),
            summary=item.summary,
            team_name=team.name if team is not None else item.team_key,
            status_label=views.label(copy.STATUS_LABELS, item.status),
            customers=item.customers,
            age_days=max(0, age.days),
            card_permalink=item.card_permalink,
        )
