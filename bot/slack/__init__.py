"""Slack presentation: copy, Block Kit views, the outbox sender, the Web API gateway."""
