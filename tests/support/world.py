"""The test workspace: tokens, the config the app runs with, channel members, and its clock."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-1234-5678-testtoken"

NY = ZoneInfo("America/New_York")

CONFIG: dict[str, Any] = {
    "timezone": "America/New_York",
    "triage_team": "support-ops",
    "business_hours": {
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "start": "09:00",
        "end": "17:00",
    },
    "holidays": ["2026-12-25"],
    "nudges": {"every_minutes": 5, "warn_before_minutes": 60},
    "digest": {"time": "08:45"},
    "tips": {
        "channels": ["C0TIPS", "C0FLOOR"],
        "time": "09:30",
        "extra": [
            {
                "id": "acme-1",
                "title": "Our own tip",
                "theme": "teamwork",
                "body": "Ask the person next to you how they would have handled your last call.",
            }
        ],
    },
    "teams": [
        {
            "key": "billing",
            "name": "Billing",
            "channel": "C0BILLING",
            "leads": ["ULEADB"],
            "keywords": ["invoice", "refund", "charge", "payment", "billing", "receipt"],
            "inform_within_hours": {"normal": 24, "high": 4},
        },
        {
            "key": "product",
            "name": "Product",
            "channel": "C0PRODUCT",
            "leads": ["ULEADP"],
            "keywords": ["feature", "export", "dashboard", "report", "integration"],
            "inform_within_hours": 40,
        },
        {
            "key": "support-ops",
            "name": "Support Ops",
            "channel": "C0SUPPORT",
            "leads": ["ULEADS"],
            "keywords": ["macro", "policy", "process"],
            "inform_within_hours": 8,
        },
    ],
}

MEMBERS = {
    "C0BILLING": ["UBILL1", "UBILL2", "UAGENT"],
    "C0PRODUCT": ["UPROD1"],
    "C0SUPPORT": ["USUP1", "UAGENT"],
}

# Tuesday 2026-11-24 10:00 in New York: inside business hours, so the customer's clock runs.
START = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def ny(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 11) -> datetime:
    """A time in New York (the configured timezone) in 2026: ny(24, 10) is Tuesday 24 Nov 10:00."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=NY)


def at(dt: datetime) -> str:
    """A time as `--at` takes it on the command line."""
    return dt.isoformat()


class Clock:
    """The app's notion of now, moved by tests (Slack request signatures still use real time)."""

    def __init__(self, at: datetime = START) -> None:
        self.at = at
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self.at

    def set(self, at: datetime) -> None:
        with self._lock:
            self.at = at

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self.at += delta
            return self.at
