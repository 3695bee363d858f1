"""The built-in library of daily customer-service tips.

Tips live in ``bot/data/tips.yml`` so that wording can be reviewed and edited without touching
code; this module turns that file into validated, immutable ``Tip`` objects. It deliberately
knows nothing about Slack, the listeners or storage, so any layer can use it.
"""

from __future__ import annotations

import re
from importlib.resources import files
from typing import Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Theme = Literal[
    "empathy",
    "ownership",
    "keeping_informed",
    "breaking_silos",
    "flexible_rules",
    "service_recovery",
    "listening",
    "apology",
    "teamwork",
]

# Derived from the Literal so the tuple and the validator can never drift apart.
THEMES: tuple[str, ...] = get_args(Theme)

MAX_SENTENCES = 3

# A sentence ends at . ! or ? followed by whitespace or the end of the text.
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def count_sentences(text: str) -> int:
    """Count sentences so a daily tip stays short enough to read at a glance.

    Trailing text without closing punctuation still counts as a sentence, so a body cannot
    slip past the limit just by dropping its final full stop.
    """
    stripped = text.strip()
    if not stripped:
        return 0
    ends = list(_SENTENCE_END.finditer(stripped))
    trailing = stripped[ends[-1].end() :].strip() if ends else stripped
    return len(ends) + (1 if trailing else 0)


class Tip(BaseModel):
    """One tip; frozen so a tip shared across rotations can never be mutated in place."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True, extra="forbid")

    id: str = Field(min_length=1)
    title: str = Field(min_length=1, max_length=60)
    body: str = Field(min_length=1, max_length=400)
    theme: Theme

    @field_validator("body")
    @classmethod
    def _one_to_three_sentences(cls, body: str) -> str:
        """Keep tips bite-sized: a longer body reads as a lecture, not a daily nudge."""
        sentences = count_sentences(body)
        if sentences > MAX_SENTENCES:
            raise ValueError(f"body must be 1 to {MAX_SENTENCES} sentences, found {sentences}")
        return body


def parse_tips(entries: object, source: str = "tips") -> list[Tip]:
    """Validate raw YAML-like data into tips, so built-in and admin lists share one gate.

    Raises ValueError (naming the offending entry) on malformed data or duplicate ids.
    """
    if not isinstance(entries, list):
        raise ValueError(f"{source}: expected a list of tips, got {type(entries).__name__}")
    tips: list[Tip] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        try:
            tip = Tip.model_validate(entry)
        except ValidationError as exc:
            label = entry.get("id", f"#{index}") if isinstance(entry, dict) else f"#{index}"
            raise ValueError(f"{source}: invalid tip {label}: {exc}") from exc
        if tip.id in seen:
            raise ValueError(f"{source}: duplicate tip id {tip.id!r}")
        seen.add(tip.id)
        tips.append(tip)
    return tips


def load_builtin_tips() -> list[Tip]:
    """Read and validate the packaged tips on demand, so importing this module does no I/O."""
    resource = files("bot") / "data" / "tips.yml"
    raw = yaml.safe_load(resource.read_text(encoding="utf-8"))
    return parse_tips(raw, source="bot/data/tips.yml")


def merge_tips(builtin: list[Tip], extra: list[Tip]) -> list[Tip]:
    """Append admin-supplied tips after the built-ins, refusing any id already in use.

    Ids must stay unique because the rotation and any "already shown" records key on them.
    """
    merged = list(builtin)
    seen = {tip.id for tip in merged}
    for tip in extra:
        if tip.id in seen:
            raise ValueError(f"tip id {tip.id!r} is already in use")
        seen.add(tip.id)
        merged.append(tip)
    return merged
