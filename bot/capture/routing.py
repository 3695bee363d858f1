"""Which team owns a piece of feedback: an explicit tag first, then fuzzy keywords, else triage.

Scorer: rapidfuzz's `fuzz.ratio` (normalised Indel similarity) between each word of the text and
each team term, plus the same ratio on the word's prefix of the term's length for terms of 5+
letters. Plain ratio forgives typos ("refnd" → refund 91) but not related-looking words
("charge"/"change" 83, "export"/"expert" 83); the prefix pass adds inflections ("invoicing" →
invoice 86, "accounting" → account 100) that ratio alone scores 75. WRatio/partial_ratio were
rejected because they score any substring 100 ("the" in "theme", "pay" in "payroll"), and
Jaro-Winkler because it rates "password"/"passport" 90. Words under 4 letters only match exactly.
A term may also be written as two words or one ("log in" → login, "two factor" → two-factor,
"appstore" → app store): those match exactly only, and never starting from a function word, so
"in voice" is not "invoice" and "a count" is not "account".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from rapidfuzz import fuzz

from bot.core.config import Team

WORD = re.compile(r"[a-z0-9][a-z0-9'’-]*")
MIN_FUZZY_LEN = 4
PREFIX_MIN_TERM = 5
FUNCTION_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "be", "by", "for", "in", "is", "it", "my", "no", "of", "on"}
    | {"or", "so", "the", "to"}
)


@dataclass(frozen=True)
class Match:
    term: str
    word: str
    score: float


@dataclass(frozen=True)
class RouteDecision:
    team_key: str
    how: str  # "explicit" | "keywords" | "triage"
    score: float = 0.0
    matches: tuple[Match, ...] = field(default_factory=tuple)
    unknown_tag: str | None = None

    @property
    def terms(self) -> list[str]:
        return [m.term for m in self.matches]


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def term_score(word: str, term: str) -> float:
    if word == term:
        return 100.0
    if len(word) < MIN_FUZZY_LEN or len(term) < MIN_FUZZY_LEN:
        return 0.0
    score = fuzz.ratio(word, term)
    if len(term) >= PREFIX_MIN_TERM and len(word) > len(term):
        score = max(score, fuzz.ratio(word[: len(term)], term))
    return score


def _compact(text: str) -> str:
    return text.replace("-", "").replace(" ", "")


def _phrase_score(tokens: Sequence[str], term: str) -> tuple[float, str]:
    parts = term.split()
    compact = _compact(term)
    best = (0.0, "")
    if len(parts) == 1:
        for w in tokens:
            s = term_score(w, term)
            if s > best[0]:
                best = (s, w)
        if best[0] < 100.0:
            for a, b in pairwise(tokens):
                if a not in FUNCTION_WORDS and _compact(a + b) == compact:
                    return 100.0, f"{a} {b}"
        return best
    n = len(parts)
    for i in range(len(tokens) - n + 1):
        window = " ".join(tokens[i : i + n])
        s = 100.0 if window == term else fuzz.ratio(window, term)
        if s > best[0]:
            best = (s, window)
    if best[0] < 100.0 and any(_compact(w) == compact for w in tokens):
        return 100.0, next(w for w in tokens if _compact(w) == compact)
    return best


def team_terms(team: Team) -> list[str]:
    terms = list(team.keywords)
    for extra in (team.key.replace("-", " ").replace("_", " "), team.name.lower()):
        if extra and extra not in terms:
            terms.append(extra)
    return terms


def score_team(tokens: Sequence[str], team: Team, cutoff: float) -> tuple[float, list[Match]]:
    matches = []
    for term in team_terms(team):
        s, w = _phrase_score(tokens, term)
        if s >= cutoff:
            matches.append(Match(term=term, word=w, score=round(s, 1)))
    best = max((m.score for m in matches), default=0.0)
    return best, sorted(matches, key=lambda m: -m.score)


def route(
    text: str,
    teams: Sequence[Team],
    triage_key: str,
    *,
    explicit: str | None = None,
    unknown_tag: str | None = None,
    cutoff: float = 85.0,
) -> RouteDecision:
    """Pick the owning team. Ties go to the team with more matching terms, then config order.

    Matching terms are counted by the words they matched, so one word that hits two near-identical
    terms ("account" → account and the team key accounts) is one piece of evidence, not two.
    """
    if explicit is not None and any(t.key == explicit for t in teams):
        return RouteDecision(team_key=explicit, how="explicit", score=100.0)
    tokens = words(text)
    best: tuple[float, int, int] | None = None
    chosen: tuple[Team, list[Match]] | None = None
    for index, team in enumerate(teams):
        score, matches = score_team(tokens, team, cutoff)
        if not matches:
            continue
        rank = (score, len({m.word for m in matches}), -index)
        if best is None or rank > best:
            best, chosen = rank, (team, matches)
    if chosen is None or best is None:
        return RouteDecision(team_key=triage_key, how="triage", unknown_tag=unknown_tag)
    team, matches = chosen
    return RouteDecision(
        team_key=team.key,
        how="keywords",
        score=best[0],
        matches=tuple(matches),
        unknown_tag=unknown_tag,
    )
