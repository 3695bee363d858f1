"""Process settings from the environment, read once at start-up (secrets stay SecretStr)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot import copy

DEFAULT_SLACK_API_URL = "https://slack.com/api/"


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
    http_threads: int = Field(default=32, ge=1, le=256)

    @property
    def api_url(self) -> str:
        """slack_sdk joins method names onto the base URL, so it must end with a slash."""
        url = self.slack_api_url.strip() or DEFAULT_SLACK_API_URL
        return url if url.endswith("/") else url + "/"

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None and bool(self.slack_app_token.get_secret_value())


def token_problem(settings: Settings, *, need_signing_secret: bool) -> str | None:
    """One line that tells the admin what to set, or None when the Slack tokens look right."""
    bot = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    if not bot:
        return copy.MISSING_BOT_TOKEN
    if not bot.startswith("xoxb-"):
        return copy.BAD_BOT_TOKEN
    app = settings.slack_app_token.get_secret_value() if settings.slack_app_token else ""
    if app and not app.startswith("xapp-"):
        return copy.BAD_APP_TOKEN
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    )
    if need_signing_secret and not secret:
        return copy.MISSING_SIGNING_SECRET
    if secret and len(secret) < 16:
        return copy.BAD_SIGNING_SECRET
    return None
