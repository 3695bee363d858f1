"""Self-tests for the harness: the app's tests are only as honest as these doubles."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from tests.support.fake_slack import FakeSlack
from tests.support.postgres import PostgresServer, find_pg_bin

BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*New feedback*"}}]


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.url)


def test_urls_and_auth_test(fake: FakeSlack, client: WebClient) -> None:
    assert fake.url.startswith("http://127.0.0.1:") and fake.url.endswith("/api/")
    assert fake.url == fake.base + "/api/"
    resp = client.auth_test()
    assert resp["team_id"] == "T0ACME" and resp["user_id"] == "UBOT" and resp["bot_id"] == "BBOT"
    (call,) = fake.calls_to("auth.test")
    assert call.token == "xoxb-test" and not call.failed


def test_post_update_and_messages(fake: FakeSlack, client: WebClient) -> None:
    first = client.chat_postMessage(channel="C1", text="hello", blocks=BLOCKS)
    ts = first["ts"]
    assert first["channel"] == "C1"
    assert first["message"]["ts"] == ts and first["message"]["text"] == "hello"
    assert fake.messages[("C1", ts)]["blocks"] == BLOCKS  # decoded, not a JSON string

    reply = client.chat_postMessage(channel="C1", text="in thread", thread_ts=ts)
    assert float(reply["ts"]) > float(ts)
    assert fake.calls_to("chat.postMessage")[1].args["thread_ts"] == ts

    dm = client.chat_postMessage(channel="U123", text="psst")
    assert dm["channel"] == "DU123"
    assert ("DU123", dm["ts"]) in fake.messages

    new_blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Resolved*"}}]
    updated = client.chat_update(channel="C1", ts=ts, text="resolved", blocks=new_blocks)
    assert (updated["channel"], updated["ts"], updated["text"]) == ("C1", ts, "resolved")
    assert fake.messages[("C1", ts)]["blocks"] == new_blocks
    assert fake.messages[("C1", ts)]["text"] == "resolved"

    with pytest.raises(SlackApiError) as exc:
        client.chat_update(channel="C1", ts="1.000000", text="nope")
    assert exc.value.response["error"] == "message_not_found"

    call = fake.wait_for("chat.update", count=2)[0]
    assert call.token == "xoxb-test" and call.args["blocks"] == new_blocks


def test_other_documented_methods(fake: FakeSlack, client: WebClient) -> None:
    eph = client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    assert "message_ts" in eph
    link = client.chat_getPermalink(channel="C1", message_ts="1760000000.000100")
    assert link["permalink"] == "https://acme.slack.com/archives/C1/p1760000000000100"
    opened = client.conversations_open(users=["U9", "U8"])
    assert opened["channel"]["id"] == "DU9"
    assert fake.calls_to("conversations.open")[0].args["users"] == "U9,U8"

    view = {"type": "modal", "title": {"type": "plain_text", "text": "Route"}, "blocks": []}
    opened_view = client.views_open(trigger_id="123.456", view=view)
    assert opened_view["view"]["id"].startswith("V")
    assert opened_view["view"]["title"]["text"] == "Route"
    assert fake.calls_to("views.open")[0].args["view"] == view
    pushed = client.views_push(trigger_id="123.456", view=view)
    assert pushed["view"]["id"] != opened_view["view"]["id"]
    updated = client.views_update(view_id=opened_view["view"]["id"], view=view)
    assert updated["view"]["id"] == opened_view["view"]["id"]
    home = client.views_publish(user_id="U1", view={"type": "home", "blocks": []})
    assert home["view"]["type"] == "home"

    assert client.api_call("reactions.add", json={"name": "eyes"})["ok"] is True


def test_form_and_multipart_bodies(fake: FakeSlack, client: WebClient) -> None:
    form = {"channel": "C1", "text": "form", "blocks": json.dumps(BLOCKS), "unfurl_links": "0"}
    resp = client.api_call("chat.postMessage", data=form)
    stored = fake.messages[("C1", resp["ts"])]
    assert stored["blocks"] == BLOCKS and stored["unfurl_links"] == "0"

    client.api_call(
        "files.upload", data={"channels": "C1", "title": "log"}, files={"file": b"line1\n"}
    )
    (call,) = fake.calls_to("files.upload")
    assert call.args == {"channels": "C1", "title": "log", "file": b"line1\n"}
    assert call.token == "xoxb-test"


def test_rate_limit_with_retry_handler(fake: FakeSlack, client: WebClient) -> None:
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    resp = client.chat_postMessage(channel="C1", text="eventually")
    assert resp["ok"] is True
    calls = fake.calls_to("chat.postMessage")
    assert [c.failed for c in calls] == [True, False]
    assert len(fake.messages) == 1


def test_rate_limit_without_retry_handler(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=429)
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="C1", text="x")
    assert exc.value.response.status_code == 429
    assert exc.value.response["error"] == "ratelimited"
    assert exc.value.response.headers["retry-after"] in ("1", ["1"])
    assert fake.messages == {}
    # Only one call was failed; the next one goes through.
    assert client.chat_postMessage(channel="C1", text="x")["ok"] is True


def test_server_error(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.update", status=503, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as exc:
            client.chat_update(channel="C1", ts="1.0", text="x")
        assert exc.value.response.status_code == 503
    # Third call is not injected: it reaches the normal handler.
    with pytest.raises(SlackApiError) as exc:
        client.chat_update(channel="C1", ts="1.0", text="x")
    assert exc.value.response["error"] == "message_not_found"
    assert [c.failed for c in fake.calls_to("chat.update")] == [True, True, False]


def test_error_code_and_reset(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", error="not_in_channel")
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel="C1", text="x")
    assert exc.value.response.status_code == 200
    assert exc.value.response["error"] == "not_in_channel"
    assert fake.calls_to("chat.postMessage")[0].failed

    fake.fail_next("chat.postMessage", error="not_in_channel")
    fake.reset()
    assert fake.calls_to("chat.postMessage") == []
    assert client.chat_postMessage(channel="C1", text="x")["ok"] is True


def test_users_info_get(fake: FakeSlack, client: WebClient) -> None:
    fake.users["U1"] = {"id": "U1", "name": "ana", "tz": "Europe/Lisbon", "tz_offset": 0}
    assert client.users_info(user="U1")["user"]["tz"] == "Europe/Lisbon"
    default = client.users_info(user="UNKNOWN")["user"]
    assert default == {
        "id": "UNKNOWN",
        "name": "unknown",
        "tz": "America/New_York",
        "tz_offset": -18000,
        "is_bot": False,
    }
    # slack_sdk sends users.info as GET with a query string; the fake must see the args.
    via_get = client.api_call("users.info", http_verb="GET", params={"user": "U1"})
    assert via_get["user"]["name"] == "ana"
    assert [c.args["user"] for c in fake.calls_to("users.info")] == ["U1", "UNKNOWN", "U1"]


def test_conversations_members_pagination(fake: FakeSlack, client: WebClient) -> None:
    members = [f"U{i:04d}" for i in range(250)]
    fake.channel_members["C1"] = members
    seen: list[str] = []
    pages = 0
    for page in client.conversations_members(channel="C1", limit=100):
        seen.extend(page["members"])
        pages += 1
    assert pages == 3 and seen == members
    assert [len(c.args.get("cursor", "")) > 0 for c in fake.calls_to("conversations.members")] == [
        False,
        True,
        True,
    ]
    default_page = client.conversations_members(channel="C1")
    assert len(default_page["members"]) == 100
    with pytest.raises(SlackApiError) as exc:
        client.conversations_members(channel="C404")
    assert exc.value.response["error"] == "channel_not_found"


def test_response_url(fake: FakeSlack) -> None:
    url = fake.response_url("abc")
    assert url.startswith(fake.base + "/response/")
    body = json.dumps({"text": "Routed!", "response_type": "ephemeral"}).encode()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert resp.status == 200
    (call,) = fake.wait_for("response_url")
    assert call.args == {"text": "Routed!", "response_type": "ephemeral"}
    assert call.token == "abc"


def test_wait_for_polls_and_reports(fake: FakeSlack, client: WebClient) -> None:
    timer = threading.Timer(0.1, lambda: client.chat_postMessage(channel="C1", text="late"))
    timer.start()
    try:
        assert len(fake.wait_for("chat.postMessage", timeout=5)) == 1
    finally:
        timer.join()
    started = time.monotonic()
    with pytest.raises(AssertionError, match=r"chat\.postMessage x1"):
        fake.wait_for("chat.update", timeout=0.2)
    assert time.monotonic() - started < 2


def test_postgres_server() -> None:
    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found; set PG_BIN")
    import sqlalchemy

    server = PostgresServer(bin_dir).start()
    root = server.root
    try:
        url = server.create_database("harness_check")
        assert url.startswith("postgresql+psycopg://postgres@/harness_check?host=")
        engine = sqlalchemy.create_engine(url)
        try:
            with engine.connect() as conn:
                assert conn.execute(sqlalchemy.text("select 1")).scalar() == 1
        finally:
            engine.dispose()
        server.drop_database("harness_check")
    finally:
        server.stop()
    assert not root.exists()


def test_settle_waits_for_work_after_the_ack(tmp_path, config_file, fake_slack) -> None:
    """running.settle() is what tests use instead of sleeping: it must really wait."""
    from tests.support.app import start_app

    run = start_app(f"sqlite:///{tmp_path / 'settle.db'}", config_file, fake_slack)
    try:
        for submit in (
            run.frontline.after_ack,
            run.app.bolt.listener_runner.listener_executor.submit,
        ):
            release = threading.Event()
            finished: list[bool] = []
            submit(lambda r=release, f=finished: f.append(r.wait(5)))
            with pytest.raises(AssertionError, match="still running"):
                run.settle(timeout=0.1)
            release.set()
            run.settle()
            assert finished == [True]
        run.settle()  # nothing running: returns at once
    finally:
        run.stop()
