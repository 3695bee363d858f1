"""Routing that learns: items moved from one team to another share words the router missed.

From the reassignments of the last weeks, every (from, to) pair with at least two items is
looked at; the words most of those items share (not stop words, not already the destination's
keywords) become a suggestion with the exact YAML line for the destination team.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.config import FrontlineConfig
from storage.insights import Move

MIN_ITEMS = 2  # a pair of teams needs this many moved items before it is worth a suggestion
MAX_WORDS = 3
MIN_LEN = 4
WORD = re.compile(r"[a-z]+")

STOPWORDS = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "also",
        "always",
        "another",
        "any",
        "anyone",
        "anything",
        "around",
        "asked",
        "asking",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "cannot",
        "could",
        "customer",
        "customers",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "email",
        "every",
        "from",
        "further",
        "gets",
        "getting",
        "give",
        "going",
        "have",
        "having",
        "hello",
        "help",
        "here",
        "issue",
        "just",
        "know",
        "like",
        "look",
        "looking",
        "make",
        "many",
        "might",
        "more",
        "most",
        "much",
        "need",
        "needs",
        "needed",
        "never",
        "none",
        "only",
        "other",
        "ours",
        "over",
        "please",
        "problem",
        "question",
        "really",
        "said",
        "same",
        "says",
        "should",
        "since",
        "some",
        "still",
        "such",
        "team",
        "than",
        "thank",
        "thanks",
        "that",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "thing",
        "things",
        "this",
        "those",
        "though",
        "through",
        "told",
        "under",
        "until",
        "very",
        "want",
        "wanted",
        "wants",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "will",
        "with",
        "within",
        "without",
        "would",
        "your",
        "yours",
        "able",
        "account",
        "today",
        "tomorrow",
        "yesterday",
        "again",
        "when",
        "whom",
    ]
)


@dataclass(frozen=True)
class RoutingHint:
    from_team: str  # team keys
    to_team: str
    items: int
    words: tuple[str, ...]
    yaml_line: str  # the destination's keywords line with the words added


def significant_words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if len(w) >= MIN_LEN and w not in STOPWORDS}


def keywords_line(keywords: Sequence[str]) -> str:
    return f"keywords: [{', '.join(keywords)}]"


def routing_hints(moves: Sequence[Move], config: FrontlineConfig) -> list[RoutingHint]:
    """Suggestions, most moved items first; a pair whose items share no new word gives none."""
    by_pair: dict[tuple[str, str], dict[int, set[str]]] = defaultdict(dict)
    for move in moves:
        if move.from_team == move.to_team:
            continue
        words = significant_words(f"{move.summary} {move.details}")
        by_pair[(move.from_team, move.to_team)][move.item_id] = words
    hints = []
    for (src, dst), item_words in by_pair.items():
        team = config.team(dst)
        if team is None or len(item_words) < MIN_ITEMS:
            continue
        known = set(team.keywords) | {team.key}
        counts = Counter(w for words in item_words.values() for w in words if w not in known)
        need = max(MIN_ITEMS, (len(item_words) + 1) // 2)
        shared = sorted((w for w, n in counts.items() if n >= need), key=lambda w: (-counts[w], w))[
            :MAX_WORDS
        ]
        if not shared:
            continue
        line = keywords_line([*team.keywords, *shared])
        hints.append(RoutingHint(src, dst, len(item_words), tuple(shared), line))
    hints.sort(key=lambda h: (-h.items, h.to_team, h.from_team))
    return hints
