"""Channels that belong to a team or a customer (`channels:` in frontline.yml)."""

from __future__ import annotations


def reason_channel(channel: str, team_name: str) -> str:
    """Why a capture went to a team: the channel it was logged in belongs to that team.
    `channel` is a channel id; Slack shows the mention as the channel's name."""
    return f"Logged in <#{channel}>, which belongs to {team_name}."


def unknown_tag_here(tag: str) -> str:
    """A #tag that names no team, in a channel that belongs to one: the channel's team keeps it."""
    return f"I don't know a team tagged `#{tag}` (see `/feedback teams`)."
