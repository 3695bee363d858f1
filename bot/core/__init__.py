"""Shared domain basics: the config, Slack ids, text made inert, the injected clock."""
