"""Shared test infrastructure: a fake Slack Web API and a throwaway PostgreSQL."""
