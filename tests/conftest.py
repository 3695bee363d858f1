"""Fixtures and helpers live in tests/support/; this only loads them as a pytest plugin."""

pytest_plugins = ["tests.support.fixtures"]
