"""Existing databases are upgraded in place, on SQLite and PostgreSQL, keeping every item."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from storage.db import make_engine
from storage.migrate import alembic_config, upgrade

OLD_ITEM = (
    "INSERT INTO item (slack_team_id, client_key, team_key, summary, details, customer, kind,"
    " urgency, reporter_id, status, routing_reason, created_at, updated_at, informed_at, due_at,"
    " resolution_note, moves, source_permalink) VALUES ('T1', :key, 'billing', :summary,"
    " :details, :customer, 'problem', 'normal', 'U1', 'open', '', '2026-11-01 10:00:00',"
    " '2026-11-01 10:00:00', '2026-11-01 10:00:00', '2026-11-02 10:00:00', '', 0, :link)"
)


def test_migration_0004_gives_every_item_its_first_report(database_url):
    upgrade(database_url, "0003")
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(OLD_ITEM),
                {
                    "key": "k1",
                    "summary": "Refunds take too long",
                    "details": "Acme waited 9 days",
                    "customer": " Acme ",
                    "link": "https://x.slack.com/archives/C1/p1",
                },
            )
            conn.execute(
                text(OLD_ITEM),
                {"key": "k2", "summary": "Dark mode", "details": "", "customer": "", "link": None},
            )
            conn.execute(
                text(
                    "INSERT INTO item_event (slack_team_id, item_id, kind, actor_id, note, data,"
                    " created_at) SELECT 'T1', id, 'customer_updated', 'U2', 'told them', '{}',"
                    " '2026-11-01 12:30:00' FROM item WHERE client_key = 'k1'"
                )
            )
        upgrade(database_url)
        with engine.begin() as conn:
            rows = conn.execute(
                text(
                    "SELECT i.client_key, r.customer, r.customer_key, r.quote, r.agent_id,"
                    " r.source_permalink, i.customers, i.first_update_at IS NOT NULL"
                    " FROM report r JOIN item i ON i.id = r.item_id ORDER BY i.client_key"
                )
            ).all()
        assert [tuple(r) for r in rows] == [
            (
                "k1",
                " Acme ",
                "acme",
                "Acme waited 9 days",
                "U1",
                "https://x.slack.com/archives/C1/p1",
                1,
                True,
            ),
            ("k2", "", "", "Dark mode", "U1", None, 1, False),
        ]
    finally:
        engine.dispose()


def test_migration_0007_turns_the_digest_choice_into_preferences_and_back(database_url):
    upgrade(database_url, "0006")
    engine = make_engine(database_url)
    person = (
        "INSERT INTO person (slack_team_id, user_id, tz, digest_opt_in)"
        " VALUES ('T1', :user, 'Asia/Tokyo', :on)"
    )
    try:
        with engine.begin() as conn:
            conn.execute(text(person), {"user": "UON", "on": True})
            conn.execute(text(person), {"user": "UDEFAULT", "on": False})
        upgrade(database_url)
        with engine.begin() as conn:
            rows = conn.execute(
                text(
                    "SELECT user_id, tz, digest_mode, nudge_mode, away_until FROM person"
                    " ORDER BY user_id"
                )
            ).all()
            # "digest on" stays on; the old default (only when something needs them) stays that
            assert [tuple(r) for r in rows] == [
                ("UDEFAULT", "Asia/Tokyo", "needed", "each", None),
                ("UON", "Asia/Tokyo", "on", "each", None),
            ]
            conn.execute(text("UPDATE person SET digest_mode = 'off' WHERE user_id = 'UDEFAULT'"))
            conn.execute(text("UPDATE person SET away_until = '2026-12-24' WHERE user_id = 'UON'"))
        command.downgrade(alembic_config(database_url), "0006")
        with engine.begin() as conn:
            rows = conn.execute(
                text("SELECT user_id, tz, digest_opt_in FROM person ORDER BY user_id")
            ).all()
        assert [(r[0], r[1], bool(r[2])) for r in rows] == [
            ("UDEFAULT", "Asia/Tokyo", False),
            ("UON", "Asia/Tokyo", True),
        ]
        upgrade(database_url)  # and up again
    finally:
        engine.dispose()
