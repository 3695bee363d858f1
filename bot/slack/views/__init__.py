"""Block Kit builders: domain data in, blocks out, no I/O. Shared by listeners and jobs.

One module per surface (blocks.py holds the shared primitives and Slack's limits); this package
re-exports the public names, so callers write `from bot.slack import views` and `views.X`.
"""

from bot.slack.views.blocks import (
    HEADER_LIMIT,
    MAX_MESSAGE_BLOCKS,
    MAX_VIEW_BLOCKS,
    SECTION_LIMIT,
    Value,
    label,
    md,
    mention,
    pt,
    to_dicts,
    user_pt,
)
from bot.slack.views.card import (
    CARD_CUSTOMER_LIMIT,
    LEGACY_SCORE,
    CardContext,
    card_blocks,
    card_text,
    chunks,
    full_text_blocks,
    full_text_fallback,
    needs_full_text,
    shown_reason,
    waiting_line,
)
from bot.slack.views.home import (
    HOME_BLOCK_BUDGET,
    HOME_PAGE,
    HomeData,
    HomeList,
    HomeSection,
    home_view,
    item_line,
)
from bot.slack.views.merge import *  # noqa: F403
from bot.slack.views.modals import (
    FORM_DETAILS_MAX,
    CaptureDraft,
    capture_modal,
    customer_update_modal,
    notice_modal,
    reassign_modal,
    resolution_modal,
    snooze_modal,
    team_options,
)
from bot.slack.views.replies import ephemeral, teams_reply, text_blocks
from bot.slack.views.search import SearchLine, search_reply
from bot.slack.views.weekly import thanks_blocks, weekly_blocks, weekly_text

__all__ = [
    "CARD_CUSTOMER_LIMIT",
    "FORM_DETAILS_MAX",
    "HEADER_LIMIT",
    "HOME_BLOCK_BUDGET",
    "HOME_PAGE",
    "LEGACY_SCORE",
    "MAX_MESSAGE_BLOCKS",
    "MAX_VIEW_BLOCKS",
    "SECTION_LIMIT",
    "CaptureDraft",
    "CardContext",
    "HomeData",
    "HomeList",
    "HomeSection",
    "SearchLine",
    "Value",
    "capture_modal",
    "card_blocks",
    "card_text",
    "chunks",
    "customer_update_modal",
    "ephemeral",
    "full_text_blocks",
    "full_text_fallback",
    "home_view",
    "item_line",
    "label",
    "md",
    "mention",
    "needs_full_text",
    "notice_modal",
    "pt",
    "reassign_modal",
    "resolution_modal",
    "search_reply",
    "shown_reason",
    "snooze_modal",
    "team_options",
    "teams_reply",
    "text_blocks",
    "thanks_blocks",
    "to_dicts",
    "user_pt",
    "waiting_line",
    "weekly_blocks",
    "weekly_text",
]
