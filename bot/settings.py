"""Process settings from the environment, read once at start-up (secrets stay SecretStr)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.slack import copy
from storage.db import DatabaseUrlError, normalise_url

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_HTTP_THREADS = 32
SECRETS = frozenset({"slack_bot_token", "slack_signing_secret", "slack_app_token", "database_url"})
ALLOWED = {
    "port": copy.ALLOWED_PORT,
    "http_threads": copy.ALLOWED_HTTP_THREADS,
    "metrics_port": copy.ALLOWED_METRICS_PORT,
    "slack_api_url": copy.ALLOWED_SLACK_API_URL,
    "log_format": copy.ALLOWED_LOG_FORMAT,
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = "sqlite:///frontline.db"
    frontline_config: Path = Path("frontline.yml")
    port: int = Field(default=3000, ge=1, le=65535)
    host: str = "0.0.0.0"
    http_threads: int = Field(default=DEFAULT_HTTP_THREADS, ge=1, le=256)
    log_format: Literal["text", "json"] = "text"
    # /metrics, /healthz and /readyz on a port of their own (Socket Mode has no other HTTP port)
    metrics_port: int | None = Field(default=None, ge=1, le=65535)

    @field_validator("slack_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        url = value.strip()
        if not url:
            return DEFAULT_SLACK_API_URL
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            raise ValueError("not a URL") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("not an http(s) URL")
        return url

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return normalise_url(value)  # DatabaseUrlError is a ValueError: pydantic reports it

    @field_validator("metrics_port", mode="before")
    @classmethod
    def _unset_when_blank(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def api_url(self) -> str:
        """slack_sdk joins method names onto the base URL, so it must end with a slash."""
        url = self.slack_api_url.strip() or DEFAULT_SLACK_API_URL
        return url if url.endswith("/") else url + "/"

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None and bool(self.slack_app_token.get_secret_value())


def _problem(field: str, error: Any) -> str:
    if field == "database_url":
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, DatabaseUrlError) and cause.reason == "unsupported":
            return copy.database_url_unsupported(cause.detail)
        if isinstance(cause, DatabaseUrlError) and cause.reason == "driver_missing":
            return copy.database_url_driver_missing(cause.detail)
        return copy.database_url_unparseable()
    value = error.get("input")
    shown = "" if field in SECRETS or not isinstance(value, str) else f"={value[:80]!r}"
    return copy.env_not_allowed(field.upper(), shown, ALLOWED.get(field, copy.ALLOWED_ANY))


def load_settings() -> tuple[Settings, list[str]]:
    """Settings from the environment, and one line per variable that needs fixing.

    A bad variable falls back to its default here, so the other checks (tokens, config) still
    run and the admin sees every problem in one go; the caller must not start with problems.
    """
    try:
        return Settings(), []
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else ""
            problems.setdefault(field, _problem(field, error))
        defaults = {
            f: Settings.model_fields[f].default for f in problems if f in Settings.model_fields
        }
        return Settings(**defaults), list(problems.values())


def token_problems(settings: Settings, *, need_signing_secret: bool) -> list[str]:
    """One line per Slack token or secret the admin must set or fix (none when they look right)."""
    problems = []
    bot = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    if not bot:
        problems.append(copy.MISSING_BOT_TOKEN)
    elif not bot.startswith("xoxb-"):
        problems.append(copy.BAD_BOT_TOKEN)
    app = settings.slack_app_token.get_secret_value() if settings.slack_app_token else ""
    if app and not app.startswith("xapp-"):
        problems.append(copy.BAD_APP_TOKEN)
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    )
    if need_signing_secret and not secret:
        problems.append(copy.MISSING_SIGNING_SECRET)
    elif secret and len(secret) < 16:
        problems.append(copy.BAD_SIGNING_SECRET)
    return problems
