"""Several `frontline` processes starting together on one new database migrate it once, cleanly.

PostgreSQL serialises them with an advisory lock; SQLite with a lock file beside the database.
Without the SQLite lock, three processes on a fresh file failed about one run in six with
"table report already exists".
"""

from __future__ import annotations

import os
import subprocess

from storage.migrate import current_revision, head_revision
from tests.support.bot_process import FRONTLINE

ROUNDS = 3
PROCESSES = 3


def test_processes_migrating_one_new_database_at_once_all_succeed(database_url, tmp_path):
    assert FRONTLINE, "the frontline console script is not installed (uv sync)"
    for round_no in range(ROUNDS):
        url = database_url
        if url.startswith("sqlite"):
            url = f"sqlite:///{tmp_path / f'race{round_no}.db'}"
        elif round_no:
            break  # PostgreSQL: one fresh database per test
        env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
        env["DATABASE_URL"] = url
        procs = [
            subprocess.Popen(
                [FRONTLINE, "db", "upgrade"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(PROCESSES)
        ]
        outcomes = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
        for p in procs:
            for stream in (p.stdout, p.stderr):
                if stream:
                    stream.close()
        assert [code for code, _ in outcomes] == [0] * PROCESSES, outcomes
        assert not any("Traceback" in err or "already exists" in err for _, err in outcomes)
        assert current_revision(url) == head_revision()
