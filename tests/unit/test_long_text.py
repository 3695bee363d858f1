"""Long text shown within Block Kit's limits: pieces that fit, nothing lost, nothing half-escaped."""

from __future__ import annotations

import html

from bot.core.text import escape, is_blank, readable_typed, visible_or_empty
from bot.slack.views import chunks


def test_pieces_fit_and_join_back_to_the_whole_text():
    text = ("Dear support,\nthe invoice & the receipt <both> are wrong. " * 400).strip()
    pieces = chunks(text)
    assert len(pieces) > 1
    assert all(0 < len(p) <= 3000 for p in pieces)
    assert "".join(pieces) == escape(text)
    assert html.unescape("".join(pieces)) == text


def test_a_piece_never_ends_inside_an_entity():
    text = "&" * 5000  # escapes to 25,000 characters of &amp;
    pieces = chunks(text)
    assert all(p.endswith("&amp;") for p in pieces)
    assert "".join(pieces) == escape(text)


def test_a_long_word_is_cut_at_the_limit():
    pieces = chunks("x" * 7000)
    assert [len(p) for p in pieces] == [3000, 3000, 1000]


def test_invisible_characters_make_text_blank_but_are_kept_otherwise():
    for blank in ("", " ", "\u200b", "\u200c\u200d", "\u2060\ufeff", "\u00a0", "\n\u200b\t"):
        assert is_blank(blank)
        assert visible_or_empty(blank) == ""
    family = "👩\u200d💻 wants dark mode"
    assert not is_blank(family)
    assert visible_or_empty(f" {family} ") == family  # the joiner in the emoji stays


def test_markup_typed_into_a_form_reads_as_words_but_lone_brackets_stay():
    assert readable_typed("<!channel> ask <@U1|ann> at <mailto:a@b.c|a@b.c>") == (
        "@channel ask @ann at a@b.c"
    )
    assert readable_typed("1 < 2 & 3 > 2, <b>bold</b>") == "1 < 2 & 3 > 2, <b>bold</b>"
