"""Similar open items at capture time: "Same request as FB-12 (3 customers)?".

Two steps, so the lookup stays fast however many items there are:

1. the database's full-text index of open items finds up to CANDIDATES open items of the new
   item's team that share any telling word with its summary (with its details too when the
   summary has fewer than two), best first (storage.search.candidates: bm25 on SQLite, ts_rank
   on PostgreSQL);
2. rapidfuzz scores each candidate's summary against the new item's summary, both reduced to
   their words without stop words or punctuation, with `token_sort_ratio`; those at or above
   THRESHOLD are suggested, best first (then the most customers).

THRESHOLD was measured on a labelled set of 60 pairs of requests a support team hears (30 the
same request worded differently, 30 different requests of the same team that share words),
tests/unit/test_similar.py: at 60, precision 1.00 and recall 0.83 (25 of 30 found, no false
suggestion); at 58 a false suggestion appears, at 65 recall falls to 0.63. Whole details are
not scored: a pasted email drowns the request in its own words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from sqlmodel import Session

from bot.core import ids
from storage import search
from storage.engine import Engine
from storage.models import Item

CANDIDATES = 50
COMPARABLE_CACHE = 8192  # summaries (300 characters at most): a few MB at worst
THRESHOLD = 60.0


@dataclass(frozen=True)
class Similar:
    item_id: int
    ref: str  # ids.item_ref(item_id), e.g. "FB-12"
    summary: str  # raw: callers make it inert
    customers: int  # Item.customers
    score: float  # rapidfuzz score 0..100
    card_permalink: str | None


def comparable(summary: str) -> str:
    """What is scored: the summary's words, lower-cased, without stop words or punctuation."""
    return " ".join(search.words_of(summary, limit=64))


def score(a: str, b: str) -> float:
    """How alike two summaries are, 0..100 (word order does not matter)."""
    return float(fuzz.token_sort_ratio(comparable(a), comparable(b)))


def enough_words(summary: str) -> bool:
    """A summary with two telling words finds its candidates alone (scores read summaries)."""
    return len(search.telling_words(summary)) >= 2


class SimilarFinder:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        # The same open items are candidates capture after capture: their scored form is
        # worked out once (a summary never changes its words' meaning; the cache is bounded).
        self._comparable = lru_cache(maxsize=COMPARABLE_CACHE)(comparable)

    def similar_to(self, item: Item, limit: int = 3) -> list[Similar]:
        """Open items (status OPEN) of item.team_key in item.slack_team_id, excluding item
        itself, best first, only those at or above THRESHOLD; [] when nothing is close."""
        if limit <= 0:
            return []
        with Session(self._engine) as session:
            found = search.candidates(
                session,
                team_id=item.slack_team_id,
                team_key=item.team_key,
                text=item.summary
                if enough_words(item.summary)
                else f"{item.summary} {item.details}",
                exclude_id=item.id,
                limit=CANDIDATES,
            )
        mine = self._comparable(item.summary)
        scored: list[Similar] = []
        for other in found:
            value = float(fuzz.token_sort_ratio(mine, self._comparable(other.summary)))
            if value >= THRESHOLD:
                scored.append(
                    Similar(
                        item_id=other.item_id,
                        ref=ids.item_ref(other.item_id),
                        summary=other.summary,
                        customers=other.customers,
                        score=value,
                        card_permalink=other.card_permalink,
                    )
                )
        scored.sort(key=lambda s: (-s.score, -s.customers, -s.item_id))
        return scored[:limit]
