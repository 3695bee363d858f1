"""Capture by slash command: stored, routed, acked, card posted, agent told where it went."""

from __future__ import annotations

from tests.support.helpers import block_text, events, eventually, items, mrkdwn_texts, outbox_rows


def test_feedback_command_stores_routes_and_posts_card(running, fake_slack):
    resp = running.slack.command("Customer wants invoices as CSV #billing")
    assert resp.status == 200
    ack = resp.json()
    assert ack["response_type"] == "ephemeral"
    assert "FB-1" in ack["text"] and "Billing" in ack["text"] and "#billing" in ack["text"]

    [item] = items(running.engine)
    assert (item.id, item.team_key, item.reporter_id, item.status) == (
        1,
        "billing",
        "UAGENT",
        "open",
    )
    assert item.summary == "Customer wants invoices as CSV"
    assert item.slack_team_id == "T0ACME"

    [post] = fake_slack.wait_for("chat.postMessage")
    assert post.args["channel"] == "C0BILLING"
    card = block_text(post.args["blocks"])
    assert "FB-1 · Customer wants invoices as CSV" in card
    assert "<@UAGENT>" in card and "Customer waiting" in card
    actions = next(b for b in post.args["blocks"] if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == [
        "feedback_take",
        "feedback_customer_updated",
        "feedback_reassign",
        "feedback_resolve",
        "feedback_merge",
    ]
    assert {e["value"] for e in actions["elements"]} == {"FB-1"}

    [reply] = fake_slack.wait_for("response_url")
    assert reply.args["replace_original"] is True
    assert "https://acme.slack.com/archives/C0BILLING/p" in reply.args["text"]
    item = eventually(lambda: items(running.engine)[0].card_ts and items(running.engine)[0])
    assert item.card_channel == "C0BILLING"
    assert [e.kind for e in events(running.engine, 1)] == ["created"]


def test_keyword_routing_reason_is_shown(running, fake_slack):
    ack = running.slack.command("Asked twice for a refnd on the annual plan").json()
    assert "Billing" in ack["text"] and "refund" in ack["text"]
    assert items(running.engine)[0].team_key == "billing"


def test_unknown_tag_routes_by_text_and_says_so(running, fake_slack):
    ack = running.slack.command("Dashboard export to PDF please #nosuchteam").json()
    assert "#nosuchteam" in ack["text"]
    [item] = items(running.engine)
    assert item.team_key == "product"
    assert "#nosuchteam" in item.summary  # nothing the agent typed is dropped


def test_nothing_matches_goes_to_triage(running, fake_slack):
    ack = running.slack.command("The hold music is too loud").json()
    assert "Support Ops" in ack["text"]
    assert items(running.engine)[0].team_key == "support-ops"


def test_same_request_twice_stores_one_item_and_one_card(running, fake_slack):
    fields = running.slack.command_fields("Wants refunds faster", trigger_id="trig-dup-1")
    first = running.slack.form(fields)
    second = running.slack.form(fields)
    assert first.status == second.status == 200
    assert "FB-1" in first.json()["text"] and "FB-1" in second.json()["text"]
    fake_slack.wait_for("chat.postMessage")
    eventually(lambda: len(fake_slack.calls_to("response_url")) == 2)
    assert len(items(running.engine)) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert len(events(running.engine, 1)) == 1


def test_help_and_teams(running, fake_slack):
    help_text = running.slack.command("help").json()["text"]
    assert "/feedback" in help_text and "#team" in help_text
    teams = block_text(running.slack.command("teams").json()["blocks"])
    assert "`#billing`" in teams and "refund" in teams and "<#C0BILLING>" in teams
    assert items(running.engine) == []


def test_empty_after_tag_is_refused_and_nothing_stored(running, fake_slack):
    ack = running.slack.command("#billing").json()
    assert "nothing to log" in ack["text"].lower()
    assert items(running.engine) == []
    assert fake_slack.calls_to("chat.postMessage") == []


def test_no_text_opens_modal(running, fake_slack):
    resp = running.slack.command("")
    assert resp.status == 200
    [call] = fake_slack.wait_for("views.open")
    assert call.args["view"]["callback_id"] == "feedback_capture"
    block_ids = [b["block_id"] for b in call.args["view"]["blocks"]]
    assert block_ids == [
        "fb_summary",
        "fb_details",
        "fb_customer",
        "fb_kind",
        "fb_urgency",
        "fb_team",
    ]


def test_bad_signature_is_401_and_nothing_stored(running, fake_slack):
    assert running.slack.command("Refund please", secret="wrong-secret-000000000").status == 401
    assert running.slack.command("Refund please", timestamp=1_600_000_000).status == 401
    assert items(running.engine) == []
    assert fake_slack.calls_to("chat.postMessage") == []


def test_card_post_failure_keeps_item_pending_and_retries(running, fake_slack, clock):
    fake_slack.fail_next("chat.postMessage", error="not_in_channel")
    ack = running.slack.command("Invoice PDF is blank").json()
    assert "FB-1" in ack["text"]
    [reply] = fake_slack.wait_for("response_url")
    assert (
        "Slack has not taken the card for Billing yet" in reply.args["text"]
        and "nothing you logged is lost" in reply.args["text"]
    )
    [row] = [r for r in outbox_rows(running.engine) if r.kind == "card"]
    assert row.status == "pending" and "not_in_channel" in row.last_error and row.attempts == 1
    assert items(running.engine)[0].card_ts is None

    # not before the backoff has passed; then the deliveries job posts it
    assert running.frontline.delivery.drain().sent == 0
    clock.set(row.next_attempt_at)
    report = running.frontline.delivery.drain()
    assert report.sent == 1
    assert items(running.engine)[0].card_ts is not None
    assert len([c for c in fake_slack.calls_to("chat.postMessage") if not c.failed]) == 1


def test_user_text_is_inert_in_the_card(running, fake_slack):
    running.slack.command("<!channel> <@U999> see <https://evil.example|bank> refund now")
    [post] = fake_slack.wait_for("chat.postMessage")
    parsed = mrkdwn_texts(post.args["blocks"]) + "\n" + post.args["text"]
    assert "<!channel>" not in parsed and "<@U999>" not in parsed and "<https://evil" not in parsed
    assert "@channel @U999 see bank (https://evil.example) refund now" in post.args["text"]
    assert (
        items(running.engine)[0].summary
        == "@channel @U999 see bank (https://evil.example) refund now"
    )
    header = post.args["blocks"][0]
    assert header["type"] == "header" and header["text"]["type"] == "plain_text"
    assert post.args.get("unfurl_links") in (False, "0", "false")
    assert "link_names" not in post.args and post.args.get("parse") != "full"


def test_rate_limited_card_post_waits_for_retry_after_and_posts_once(running, fake_slack):
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    running.slack.command("Receipt emails go to spam #billing")
    [reply] = fake_slack.wait_for("response_url", timeout=10)
    assert "https://acme.slack.com/archives/C0BILLING/p" in reply.args["text"]
    posts = fake_slack.calls_to("chat.postMessage")
    assert [c.failed for c in posts] == [True, False]
    assert posts[1].at - posts[0].at >= 0.9  # Retry-After honoured
    assert items(running.engine)[0].card_ts is not None


def test_home_tab_lists_what_i_logged(running, fake_slack):
    running.slack.command("Invoices should show PO numbers #billing")
    fake_slack.wait_for("response_url")
    assert (
        running.slack.event(
            {
                "type": "app_home_opened",
                "user": "UAGENT",
                "channel": "D0AGENT",
                "tab": "home",
                "event_ts": "1760000000.1",
            }
        ).status
        == 200
    )
    [publish] = fake_slack.wait_for("views.publish")
    assert publish.args["user_id"] == "UAGENT"
    home = block_text(publish.args["view"]["blocks"])
    assert "FB-1" in home and "Invoices should show PO numbers" in home


def test_card_link_is_built_from_the_workspace_url_without_asking_slack(running, fake_slack):
    running.slack.command("Invoice totals are rounded wrongly #billing")
    [reply] = fake_slack.wait_for("response_url", timeout=10)
    [item] = items(running.engine)
    assert item.card_channel == "C0BILLING" and item.card_ts
    link = f"https://acme.slack.com/archives/C0BILLING/p{item.card_ts.replace('.', '')}"
    assert item.card_permalink == link
    assert f"<{link}|Billing's board>" in reply.args["text"]
    assert fake_slack.calls_to("chat.getPermalink") == []  # one Web API call per card


def test_card_posted_but_permalink_failing_is_not_posted_twice(running, fake_slack):
    # the workspace URL is unknown (auth.test fails), so the link is asked of Slack, which fails
    fake_slack.fail_next("auth.test", status=500, times=20)
    fake_slack.fail_next("chat.getPermalink", status=500, times=2)
    running.slack.command("Invoice totals are rounded wrongly #billing")
    [reply] = fake_slack.wait_for("response_url", timeout=10)
    assert "is on Billing's board in <#C0BILLING>" in reply.args["text"]
    assert "has not taken the card" not in reply.args["text"]
    running.frontline.delivery.drain()
    assert len([c for c in fake_slack.calls_to("chat.postMessage") if not c.failed]) == 1
    item = items(running.engine)[0]
    assert item.card_ts and item.card_permalink is None
    assert {r.status for r in outbox_rows(running.engine)} == {"done"}


def test_subcommand_words_at_the_start_of_feedback_are_still_feedback(running, fake_slack):
    ack = running.slack.command("digest emails go to spam for Acme").json()
    assert "FB-1" in ack["text"]
    ack = running.slack.command("help center search finds nothing about refunds").json()
    assert "FB-2" in ack["text"]
    assert running.slack.command("digest").json()["text"].startswith("Use `/feedback digest on`")
    assert len(items(running.engine)) == 2
