"""Export: `frontline export` as an admin runs it, and `/feedback export` for a team lead.

The CLI runs as a subprocess against the database the app wrote (SQLite and PostgreSQL); the
lead's CSV goes through Slack's external upload flow on the fake Slack.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from datetime import timedelta

from tests.support.bot_process import env_for, run_cli
from tests.support.helpers import eventually, items
from tests.support.world import START

ITEM_HEADER = (
    "id,created_at,team,kind,urgency,status,outcome,rule_outcome,summary,details,customers,"
    "customer_names,reporter,owner,first_update_at,last_update_at,resolved_at,"
    "waited_business_hours,card_link,merged_into"
)


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def seed(running, clock) -> None:
    """Two billing items and a product one on Tue 24 Nov; a billing one a week later."""
    for text in (
        "Customer wants invoices as CSV #billing",
        "=SUM(A1) shows up in the refund receipt #billing",
        "Dashboard export to PDF please #product",
    ):
        assert running.slack.command(text).status == 200
    clock.set(START + timedelta(days=7))
    assert running.slack.command("Refund for a double charge #billing").status == 200
    clock.set(START)
    eventually(lambda: all(i.card_permalink for i in items(running.engine)), timeout=10)


def test_cli_exports_csv_and_jsonl_with_filters_and_reports(
    running, clock, tmp_path, config_file, database_url
):
    seed(running, clock)
    env = env_for(tmp_path, config_file, DATABASE_URL=database_url)

    every = run_cli(["export"], env)
    assert every.returncode == 0, every.stderr
    assert every.stdout.splitlines()[0] == ITEM_HEADER
    rows = rows_of(every.stdout)
    assert [r["id"] for r in rows] == ["FB-1", "FB-2", "FB-3", "FB-4"]
    assert rows[0]["created_at"] == "2026-11-24T15:00:00Z"
    assert rows[0]["team"] == "billing" and rows[0]["reporter"] == "UAGENT"
    assert rows[0]["card_link"].startswith("https://acme.slack.com/archives/C0BILLING/p")
    assert rows[1]["summary"].startswith("'=SUM(A1)")  # opens as text in a spreadsheet

    out = tmp_path / "billing.jsonl"
    flags = ["--format", "jsonl", "--team", "billing", "--until", "2026-11-24"]
    written = run_cli(["export", *flags, "--output", str(out)], env)
    assert written.returncode == 0 and written.stdout == ""
    assert f"exported 2 items to {out}" in written.stderr
    assert "%|" not in written.stderr  # no progress bar: stderr is not a terminal
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    # FB-3 is product's, FB-4 came a week later: --until's day is included, not the next
    assert [line["id"] for line in lines] == ["FB-1", "FB-2"]
    assert lines[0]["team"] == "billing" and lines[0]["customers"] == 1
    assert lines[0]["outcome"] is None and lines[1]["summary"].startswith("=SUM")  # as is

    reports = run_cli(["export", "--reports", "--since", "2026-11-25"], env)
    header, *_ = reports.stdout.splitlines()
    assert header == (
        "report_id,item_id,created_at,team,customer,quote,agent,source_link,status,outcome"
    )
    [report] = rows_of(reports.stdout)
    assert (report["item_id"], report["team"], report["agent"]) == ("FB-4", "billing", "UAGENT")
    assert report["created_at"] == "2026-12-01T15:00:00Z" and report["status"] == "open"


def test_cli_refuses_bad_flags_in_one_line_and_writes_nothing(tmp_path, config_file):
    env = env_for(tmp_path, config_file)
    out = tmp_path / "export.csv"
    for args, expected in (
        (["--since", "2026-13-01"], "--since '2026-13-01' is not a date"),
        (["--team", "nosuch"], "--team 'nosuch' is not a team"),
    ):
        result = run_cli(["export", *args, "--output", str(out)], env)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], result.stderr
        assert "Traceback" not in result.stderr
        assert not out.exists() and not (tmp_path / "export.csv.part").exists()
    bad_format = run_cli(["export", "--format", "xlsx"], env)
    assert bad_format.returncode == 2 and "invalid choice" in bad_format.stderr


def test_a_lead_gets_their_teams_csv_in_a_dm(running, fake_slack, clock):
    seed(running, clock)
    clock.set(START + timedelta(days=8))
    ack = running.slack.command("export", user="ULEADB").json()
    assert ack["response_type"] == "ephemeral" and "on its way" in ack["text"]

    [done] = fake_slack.wait_for("files.completeUploadExternal", timeout=10)
    assert done.args["channel_id"] == "DULEADB"  # the DM, from conversations.open
    assert fake_slack.calls_to("files.getUploadURLExternal")
    assert fake_slack.calls_to("upload_url")
    [upload] = fake_slack.uploads()
    assert upload.filename == "frontline-export-2026-12-02.csv"
    assert upload.channel == "DULEADB" and "Billing" in (upload.initial_comment or "")
    assert upload.text.splitlines()[0] == ITEM_HEADER
    assert [r["id"] for r in rows_of(upload.text)] == ["FB-1", "FB-2", "FB-4"]  # billing only
    assert len(items(running.engine)) == 4  # "export" was not captured as feedback


def test_someone_who_leads_no_team_is_refused_kindly(running, fake_slack, clock):
    seed(running, clock)
    ack = running.slack.command("export", user="UAGENT").json()
    assert ack["response_type"] == "ephemeral" and "for team leads" in ack["text"]
    running.settle()
    assert fake_slack.calls_to("files.getUploadURLExternal") == []
    assert fake_slack.uploads(completed=False) == []
    assert len(items(running.engine)) == 4


def test_cli_shows_a_progress_bar_when_stderr_is_a_terminal(tmp_path, config_file):
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import termios

    from tests.support.bot_process import FRONTLINE

    assert FRONTLINE
    env = env_for(tmp_path, config_file)
    out = tmp_path / "all.csv"
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns
    try:
        done = subprocess.run(
            [FRONTLINE, "export", "--output", str(out)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=60,
            check=False,
        )
        os.close(follower)
        follower = -1
        seen = b""
        with contextlib.suppress(OSError):  # EIO once everything written was read
            while chunk := os.read(leader, 4096):
                seen += chunk
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    assert done.returncode == 0
    text = seen.decode("utf-8", "replace")
    assert "0 rows [00:00" in text and "rows/s]" in text  # tqdm: rows done, time, rate
    assert f"exported 0 items to {out}" in text
    assert out.read_text(encoding="utf-8").startswith("id,created_at,team")
