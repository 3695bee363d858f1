"""What agents type is shown back inert and within Slack's limits, and `/feedback` text is parsed
into a summary and a team the way the agent meant it."""

from __future__ import annotations

import pytest

from bot.capture.intake import SUMMARY_MAX, CaptureRefused, parse_command
from bot.core.config import FrontlineConfig, parse_config
from bot.core.text import ELLIPSIS, escape, inert, truncate
from tests.support.world import CONFIG

ORG: FrontlineConfig = parse_config(CONFIG, "frontline.yml")


# --- escape ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("<!channel> refund now", "&lt;!channel&gt; refund now"),
        ("<!here> anyone?", "&lt;!here&gt; anyone?"),
        ("<!everyone>", "&lt;!everyone&gt;"),
        ("ping <@U123>", "ping &lt;@U123&gt;"),
        ("see <https://x|y>", "see &lt;https://x|y&gt;"),
        ("<#C0BILLING|billing>", "&lt;#C0BILLING|billing&gt;"),
        ("Tom & Jerry Ltd", "Tom &amp; Jerry Ltd"),
    ],
)
def test_escape_makes_mentions_and_links_plain_text(typed: str, shown: str):
    assert escape(typed) == shown
    assert "<" not in escape(typed) and ">" not in escape(typed)


def test_escape_handles_ampersand_first_so_nothing_is_escaped_twice():
    assert escape("<") == "&lt;"  # not &amp;lt;
    assert escape("a & <b>") == "a &amp; &lt;b&gt;"


def test_escape_keeps_what_the_agent_literally_typed():
    # someone typing an entity sees exactly that entity, not the character it stands for
    assert escape("&lt;!channel&gt;") == "&amp;lt;!channel&amp;gt;"
    assert escape("AT&amp;T") == "AT&amp;amp;T"


def test_escape_leaves_ordinary_text_alone():
    text = "Customer wants CSV invoices — 20% off? #billing"
    assert escape(text) == text


# --- truncate ---------------------------------------------------------------------------------


def test_truncate_leaves_text_within_the_limit_untouched():
    assert truncate("x" * 300, 300) == "x" * 300
    assert truncate("short", 300) == "short"


def test_truncate_cuts_to_the_limit_exactly_with_a_visible_ellipsis():
    out = truncate("x" * 301, 300)
    assert len(out) == 300
    assert out == "x" * 299 + ELLIPSIS
    assert ELLIPSIS == "…"


def test_truncate_does_not_leave_a_space_before_the_ellipsis():
    out = truncate("word " * 10, 10)
    assert out == "word word…"
    assert len(out) <= 10


@pytest.mark.parametrize("limit", [1, 2, 3, 10, 150, 3000])
def test_truncate_never_exceeds_the_limit(limit: int):
    for text in ("a" * 5000, "ab cd " * 1000, "é" * 4000):
        out = truncate(text, limit)
        assert len(out) <= limit
        assert out.endswith(ELLIPSIS)


# --- inert ------------------------------------------------------------------------------------


def test_inert_escapes_without_cutting_when_it_fits():
    assert inert("<!channel> hi", 100) == "&lt;!channel&gt; hi"


def test_inert_respects_the_limit_after_escaping():
    # escaping makes the text longer; the limit is on what Slack receives
    out = inert("<" * 100, 50)
    assert len(out) <= 50
    assert out.endswith(ELLIPSIS)
    assert out[:-1] == "&lt;" * 12


def test_inert_cuts_to_the_limit_exactly_when_no_entity_is_in_the_way():
    out = inert("y" * 600, 300)
    assert len(out) == 300
    assert out == "y" * 299 + ELLIPSIS


@pytest.mark.parametrize("limit", range(2, 16))
def test_inert_never_cuts_an_entity_in_half(limit: int):
    out = inert("R&D <team> & co", limit)
    assert len(out) <= limit
    body = out.removesuffix(ELLIPSIS)
    # every & that is left starts a whole entity, so Slack never shows a broken "&am"
    for i, ch in enumerate(body):
        if ch == "&":
            assert body[i:].startswith(("&amp;", "&lt;", "&gt;")), out
    assert "<" not in out and ">" not in out


def test_inert_drops_a_partial_entity_rather_than_showing_it():
    # "a &amp; b" cut at 4 would be "a &" + "…"; the half entity is dropped instead
    assert inert("a & b", 4) == "a…"
    assert inert("a & b", 7) == "a…"  # "a &amp" is still half an entity
    assert inert("a & b", 8) == "a &amp;…"


# --- parse_command ----------------------------------------------------------------------------


def test_tag_picks_the_team_and_is_removed_from_the_summary():
    draft = parse_command("#billing Customer wants CSV invoices", ORG)
    assert draft.team_key == "billing"
    assert draft.summary == "Customer wants CSV invoices"
    assert draft.unknown_tag is None


def test_tag_at_the_end_and_in_capitals_also_picks_the_team():
    draft = parse_command("Customer wants CSV invoices #Billing", ORG)
    assert draft.team_key == "billing"
    assert draft.summary == "Customer wants CSV invoices"


@pytest.mark.parametrize(
    "text",
    [
        "Customer wants CSV invoices <#C0BILLING|billing>",
        "<#C0BILLING> Customer wants CSV invoices",
    ],
)
def test_team_channel_mention_picks_the_team_and_is_removed(text: str):
    draft = parse_command(text, ORG)
    assert draft.team_key == "billing"
    assert draft.summary == "Customer wants CSV invoices"


def test_unknown_tag_stays_in_the_text_and_is_reported():
    draft = parse_command("Dashboard export to PDF please #nosuchteam", ORG)
    assert draft.team_key is None
    assert draft.unknown_tag == "nosuchteam"
    assert draft.summary == "Dashboard export to PDF please #nosuchteam"


def test_known_tag_wins_and_unknown_tag_is_still_reported():
    draft = parse_command("#finance refund for order 1182 #billing", ORG)
    assert draft.team_key == "billing"
    assert draft.unknown_tag == "finance"
    assert draft.summary == "#finance refund for order 1182"


def test_hash_inside_an_html_entity_is_not_a_tag():
    draft = parse_command("Q&#billing went missing", ORG)
    assert draft.team_key is None
    assert draft.summary == "Q&#billing went missing"


def test_extra_whitespace_is_collapsed_in_the_summary():
    draft = parse_command("  Refund   for\n order  1182 ", ORG)
    assert draft.summary == "Refund for order 1182"
    assert draft.details == ""


def test_long_text_becomes_a_300_char_summary_and_full_details():
    text = "Customer wants CSV invoices " + "with every line item listed " * 15 + "#billing"
    draft = parse_command(text, ORG)
    assert SUMMARY_MAX == 300
    assert len(draft.summary) <= 300
    assert draft.summary.endswith(ELLIPSIS)
    assert draft.summary.startswith("Customer wants CSV invoices with every line item")
    assert "#billing" not in draft.summary
    assert draft.details == text  # nothing the agent typed is lost
    assert draft.team_key == "billing"


def test_text_of_exactly_300_chars_is_kept_whole():
    text = "r" * 300
    draft = parse_command(text, ORG)
    assert draft.summary == text
    assert draft.details == ""


def test_text_of_301_chars_is_cut_to_exactly_300():
    draft = parse_command("r" * 301, ORG)
    assert len(draft.summary) == 300
    assert draft.summary == "r" * 299 + ELLIPSIS
    assert draft.details == "r" * 301


@pytest.mark.parametrize("text", ["#billing", "  #billing  ", "<#C0BILLING|billing>", ""])
def test_a_team_tag_alone_is_refused(text: str):
    with pytest.raises(CaptureRefused) as refused:
        parse_command(text, ORG)
    assert refused.value.field == "summary"
    assert "/feedback" in str(refused.value)  # the message shows how to write it


def test_mention_of_a_non_team_channel_is_not_reported_as_a_tag():
    draft = parse_command("Refund asked in <#C0RANDOM|random> twice", ORG)
    assert draft.unknown_tag is None


@pytest.mark.parametrize(
    "wire,shown",
    [
        ("<@U123|ann> asked", "@ann asked"),
        ("ping <@U123>", "ping @U123"),
        ("<!here> and <!channel>", "@here and @channel"),
        ("<!subteam^S1|@billing-team> please", "@billing-team please"),
        ("see <https://evil.example|your bank>", "see your bank (https://evil.example)"),
        ("plain <https://acme.example>", "plain https://acme.example"),
        ("mail <mailto:a@b.co|a@b.co>", "mail a@b.co"),
        ("in <#C0RANDOM|random>", "in #random"),
        ("1 &lt; 2 &amp;&amp; 3 &gt; 2", "1 < 2 && 3 > 2"),
    ],
)
def test_readable_turns_slack_markup_into_plain_words(wire, shown):
    from bot.core.text import readable

    assert readable(wire) == shown
    assert "<" not in escape(readable(wire))
