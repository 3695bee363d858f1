"""The composition of the use-case services that the listeners and jobs are given.

Each service is handed its collaborators explicitly; this class only builds and holds them
(the listeners' services and one per scheduled job, all on the one clock `now`). It never sees
a Slack request object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from bot.cards.membership import Membership
from bot.core.config import FrontlineConfig
from bot.core.wallclock import Now, system_now
from bot.insights.export import ExportService
from bot.insights.search import SearchService
from bot.insights.similar import SimilarFinder
from bot.insights.weekly import WeeklyService
from bot.schedule.deliveries import Deliveries
from bot.schedule.digest import DigestService
from bot.schedule.nudges import NudgeService
from bot.schedule.people import People
from bot.schedule.report import Job
from bot.schedule.tip_library import Tip
from bot.schedule.tips import TipBook, TipService
from bot.services.capture import CaptureService
from bot.services.card_actions import CardActions
from bot.services.home import HomeService
from bot.services.merges import MergeService
from bot.services.preferences import PreferenceService
from bot.services.reactions import ReactionService
from bot.services.workspace import Workspace, WorkspaceUnknown, is_outage
from bot.slack.delivery import Delivery, SendReport
from bot.slack.gateway_protocol import SlackGateway
from storage.engine import Engine

__all__ = ["Frontline", "WorkspaceUnknown", "is_outage"]


class Frontline:
    def __init__(
        self,
        config: FrontlineConfig,
        engine: Engine,
        slack: SlackGateway,
        *,
        now: Now = system_now,
        membership: Membership | None = None,
        after_ack_workers: int = 4,
        send_slack: SlackGateway | None = None,
    ) -> None:
        """slack: the gateway for reads and updates; send_slack: the outbox's (no blind retry
        of a post), the same one when not given."""
        self.config = config
        self.engine = engine
        self.slack = slack
        self.now = now
        self.membership = membership or Membership(slack)
        self.delivery = Delivery(engine, send_slack or slack, config, now)
        self.people = People(engine, slack, now)
        self.workspace = Workspace(engine, slack, now, after_ack_workers=after_ack_workers)
        self.capture = CaptureService(config, engine, slack, now, self.delivery)
        self.cards = CardActions(config, engine, now, self.membership, self.people)
        self.merges = MergeService(engine, now, self.cards)
        self.reactions = ReactionService(
            config, engine, slack, now, self.delivery, self.cards, self.capture
        )
        self.search = SearchService(config, engine, now)
        self.similar = SimilarFinder(engine)
        self.capture.suggest_from(self.similar)  # suggestions after each capture
        tips = TipBook(config)
        self.home = HomeService(config, engine, now, self.membership, self.people, tips)
        self.preferences = PreferenceService(config, now, self.people, self.home)
        # the scheduled jobs, each a use case with its collaborators
        self.nudges = NudgeService(config, engine, now, self.people, self.delivery)
        self.digest = DigestService(
            config, engine, now, self.people, self.workspace, tips, self.delivery
        )
        self.tip_posts = TipService(config, engine, now, self.workspace, tips, self.delivery)
        self.exports = ExportService(config, engine, now, self.delivery)
        self.weekly = WeeklyService(config, engine, now, self.workspace, self.delivery)
        self.deliveries = Deliveries(self.delivery)
        self.jobs: Mapping[str, Job] = {
            "deliveries": self.deliveries,
            "nudges": self.nudges,
            "digest": self.digest,
            "tips": self.tip_posts,
            "weekly": self.weekly,
        }

    def after_ack(self, fn: Callable[..., None], *args: Any) -> None:
        """Run slow follow-up work off the request path (see Workspace.after_ack)."""
        self.workspace.after_ack(fn, *args)

    def close(self) -> None:
        self.workspace.close()

    def workspace_id(self) -> str:
        return self.workspace.workspace_id()

    def deliver(self, row_ids: Iterable[int]) -> SendReport:
        return self.delivery.send(list(row_ids))

    def tips(self) -> list[Tip]:
        return self.home.tips()

    def tip_for(self, day: date) -> Tip:
        return self.home.tip_for(day)
