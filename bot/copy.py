"""Every sentence Frontline says, in one place to review and translate.

Tone: the customer is the subject, colleagues are partners, nobody is blamed. Functions take
already-escaped mrkdwn fragments where they say `*_md`; everything else is plain data.
"""

from __future__ import annotations

KIND_LABELS = {
    "suggestion": "Suggestion",
    "problem": "Problem / pain point",
    "rigid_rule": "A rule that blocks customers",
    "praise": "Praise",
}
URGENCY_LABELS = {"normal": "Normal", "high": "High"}
OUTCOME_LABELS = {"done": "Done", "wont_do": "Won't do"}
STATUS_LABELS = {"open": "Open", "resolved": "Resolved"}

APP_NAME = "Frontline"

# --- capture -----------------------------------------------------------------------------------
CAPTURE_MODAL_TITLE = "Log feedback"
CAPTURE_SUBMIT = "Log it"
CANCEL = "Cancel"
CLOSE = "Close"
FIELD_SUMMARY = "What did the customer say?"
FIELD_SUMMARY_HINT = "One line the owning team can act on. Their words are best."
FIELD_DETAILS = "Details"
FIELD_DETAILS_HINT = "Context, steps, what they tried, what it costs them."
FIELD_CUSTOMER = "Customer / account"
FIELD_KIND = "Kind"
FIELD_URGENCY = "Urgency"
FIELD_TEAM = "Team (optional)"
FIELD_TEAM_HINT = "Leave empty and Frontline picks the team from the words used."
FIELD_SOURCE = "From the conversation"
ERR_SUMMARY_REQUIRED = "Tell the team what the customer said, in a line."
ERR_SUMMARY_TOO_LONG = "Keep the summary to 300 characters; put the rest in Details."
ERR_UNKNOWN_TEAM = "That team is no longer configured; pick another or leave it empty."
ERR_UNKNOWN_KIND = "Pick one of the listed kinds."
ERR_UNKNOWN_URGENCY = "Pick normal or high."
ERR_EMPTY_COMMAND = "There is nothing to log after the team tag. Try `/feedback Customer wants CSV invoices #billing`."


def capture_ack(item_ref: str, team_name: str, reason: str) -> str:
    return f"Logged *{item_ref}* for *{team_name}*. {reason}"


def capture_card_link(item_ref: str, team_name: str, link: str) -> str:
    return f"*{item_ref}* is on <{link}|{team_name}'s board>. You will hear from me when they close it."


def capture_card_posted(item_ref: str, team_name: str, channel: str) -> str:
    return f"*{item_ref}* is on {team_name}'s board in <#{channel}>. You will hear from me when they close it."


def capture_card_pending(item_ref: str, team_name: str) -> str:
    return (
        f"*{item_ref}* is saved, but Slack did not accept the card for {team_name} yet. "
        "I will keep trying and nothing you logged is lost."
    )


def capture_modal_done(item_ref: str, team_name: str) -> str:
    return f"Thanks. *{item_ref}* went to *{team_name}*. I sent you a link in our DM."


def unknown_tag(tag: str) -> str:
    return f"I don't know a team tagged `#{tag}`, so I routed by the words instead (see `/feedback teams`)."


def reason_explicit(tag: str) -> str:
    return f"You tagged it `#{tag}`."


def reason_keywords(terms: list[str], score: float) -> str:
    shown = ", ".join(f"“{t}”" for t in terms[:5])
    return f"Matched {shown} (score {score:.0f})."


def reason_triage(team_name: str) -> str:
    return f"No team's keywords matched, so it went to {team_name} for triage."


def reason_picked(team_name: str) -> str:
    return f"You picked {team_name}."


HELP = (
    "*Log what a customer told you, in seconds.*\n"
    "• `/feedback Customer wants invoices as CSV` logs it and routes it to the team that owns it.\n"
    "• Add `#team` (see `/feedback teams`) or mention the team's channel to pick the team yourself.\n"
    "• `/feedback` alone opens a form with details, customer, kind and urgency.\n"
    "• On any message: ⋮ → *Log as customer feedback*.\n"
    "• `/feedback tip` shows today's service tip; `/feedback digest on|off` chooses the morning DM.\n"
    "The owning team gets a card, and you get a DM when they close it so you can tell the customer."
)


def teams_list(lines: list[str]) -> str:
    return "*Teams and what routes to them*\n" + "\n".join(lines)


def team_line(key: str, name: str, channel: str, keywords: list[str], hours: str) -> str:
    kw = ", ".join(keywords) if keywords else "no keywords"
    return f"• `#{key}` *{name}* in <#{channel}>: {kw}. Customers hear back within {hours} business hours."


# --- card --------------------------------------------------------------------------------------
CARD_TAKE = "Take it"
CARD_TAKE_OVER = "Take over"
CARD_CUSTOMER_UPDATED = "Customer updated"
CARD_REASSIGN = "Reassign"
CARD_RESOLVE = "Resolve"
CARD_OPEN = "Open card"
NOBODY = "nobody yet"


def card_fallback(item_ref: str, summary: str) -> str:
    return f"{item_ref}: {summary}"


def card_title(item_ref: str, summary: str) -> str:
    return f"{item_ref} · {summary}"


def card_waiting(waited: str, due: str, overdue: bool) -> str:
    if overdue:
        return f"⏳ Customer waiting {waited} · update overdue by {due}"
    return f"⏳ Customer waiting {waited} · update due in {due}"


def card_resolved(outcome: str, who_md: str) -> str:
    return f"✅ Resolved ({outcome}) by {who_md}"


def card_moved(team_name: str, link: str | None) -> str:
    where = f"<{link}|{team_name}>" if link else team_name
    return f"➡️ Moved to {where}. Follow it there."


def card_from_conversation(link: str) -> str:
    return f"<{link}|Original conversation>"


# --- modals ------------------------------------------------------------------------------------
UPDATE_TITLE = "Customer updated"
UPDATE_SUBMIT = "Save"
UPDATE_NOTE = "What did you tell the customer?"
UPDATE_NOTE_HINT = "Saved on the item; the customer's clock starts again."
ERR_NOTE_REQUIRED = "A short note helps whoever picks this up next."
REASSIGN_TITLE = "Reassign"
REASSIGN_SUBMIT = "Move it"
REASSIGN_TEAM = "Which team owns this?"
REASSIGN_NOTE = "Why (optional)"
ERR_SAME_TEAM = "It is already with that team."
NO_OTHER_TEAM = (
    "There is no other team configured to move it to. An admin can add teams in frontline.yml."
)
RESOLVE_TITLE = "Resolve"
RESOLVE_SUBMIT = "Resolve"
RESOLVE_OUTCOME = "Outcome"
RESOLVE_NOTE = "Note for the agent who logged it"
RESOLVE_NOTE_HINT = "They will pass this on to the customer, so write it for them."
ERR_OUTCOME_REQUIRED = "Pick done or won't do."


# --- history -----------------------------------------------------------------------------------
def event_line(kind: str, actor_md: str, note_md: str = "", extra_md: str = "") -> str:
    texts = {
        "created": f"{actor_md} logged this{extra_md}.",
        "taken": f"{actor_md} took it{extra_md}.",
        "customer_updated": f"{actor_md} updated the customer.",
        "reassigned": f"{actor_md} moved it{extra_md}.",
        "arrived": f"Moved here from {extra_md} by {actor_md}.",
        "resolved": f"{actor_md} resolved it{extra_md}.",
        "snoozed": f"{actor_md} will update the customer by {extra_md}.",
        "escalated": f"Escalated to the team leads{extra_md}.",
    }
    line = texts.get(kind, f"{actor_md}: {kind}{extra_md}")
    if note_md:
        line += f"\n>{note_md}"
    return line


# --- leads and reporter ------------------------------------------------------------------------
def lead_high_urgency(item_ref: str, team_name: str, summary_md: str, link: str | None) -> str:
    where = f" <{link}|Open the card>." if link else ""
    return f"🔺 High-urgency feedback for {team_name}: *{item_ref}* {summary_md}.{where}"


def lead_high_urgency_fallback(item_ref: str, team_name: str) -> str:
    return f"High-urgency feedback {item_ref} for {team_name}"


def reporter_resolved(
    item_ref: str, summary_md: str, outcome: str, who_md: str, note_md: str
) -> str:
    lines = [f"*{item_ref}* ({summary_md}) is closed: *{outcome}*, by {who_md}."]
    if note_md:
        lines.append(f">{note_md}")
    lines.append("Thank you for listening to the customer. Now is a good moment to let them know.")
    return "\n".join(lines)


def reporter_resolved_fallback(item_ref: str, outcome: str) -> str:
    return f"{item_ref} closed: {outcome}"


def reporter_card_link(item_ref: str, team_name: str, link: str) -> str:
    return f"*{item_ref}* is with *{team_name}*: <{link}|open the card>. I will tell you when it is closed."


# --- refusals ----------------------------------------------------------------------------------
def not_allowed(item_ref: str, team_name: str, channel: str) -> str:
    return (
        f"Only members of <#{channel}> or {team_name}'s leads can change *{item_ref}*. "
        "Ask in the channel, or join it if you work on this."
    )


def cannot_see_members(item_ref: str, team_name: str, channel: str) -> str:
    return (
        f"I can't see who is in <#{channel}>, so only {team_name}'s leads can change *{item_ref}* "
        "for now. If it is a private channel, invite me there (`/invite @Frontline`)."
    )


def item_not_found(ref: str) -> str:
    return f"I can't find {ref}. It may belong to another workspace."


def already_resolved(item_ref: str) -> str:
    return f"*{item_ref}* is already resolved; nothing changed."


SOMETHING_WENT_WRONG = (
    "Something went wrong on our side and nothing was changed. Please try again in a minute."
)

# --- admin (CLI) -------------------------------------------------------------------------------
MISSING_BOT_TOKEN = "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page."
BAD_BOT_TOKEN = "SLACK_BOT_TOKEN must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)."
BAD_APP_TOKEN = "SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write), or unset for HTTP mode."
MISSING_SIGNING_SECRET = "SLACK_SIGNING_SECRET is not set: copy the Signing Secret from your Slack app's Basic Information page."
BAD_SIGNING_SECRET = (
    "SLACK_SIGNING_SECRET looks malformed: copy it again from Basic Information → App Credentials."
)

# --- App Home ----------------------------------------------------------------------------------
HOME_INTRO = (
    "Customers tell you what hurts and what would help. Log it here or with `/feedback`, "
    "and Frontline gets it to the team that can act, then tells you when they did."
)
HOME_LOG = "Log feedback"
HOME_OWNED = "*Yours to keep moving*"
HOME_LOGGED = "*What you logged lately*"
HOME_NOTHING_OWNED = "Nothing waiting on you."
HOME_NOTHING_LOGGED = "Nothing logged yet. The next customer idea you hear is a good start."

# --- nudges and escalation ---------------------------------------------------------------------
NUDGE_HEADER = "Customers waiting for news"
NUDGE_CHANNEL_INTRO = (
    "Nobody has taken these yet. Whoever picks one up gives a customer some peace of mind."
)
NUDGE_UPDATE = "Update the customer"
NUDGE_SNOOZE = "I'll update them by…"
SNOOZE_1H = "In an hour"
SNOOZE_TOMORROW = "Tomorrow 10:00"
SNOOZE_PICK = "Pick a time…"
SNOOZE_TITLE = "Update them by"
SNOOZE_SUBMIT = "Save"
SNOOZE_FIELD = "When will you update the customer?"
ERR_SNOOZE_PAST = "Pick a time in the future."
ERR_SNOOZE_FAR = "Pick a time within the next 30 days; a customer should not wait longer for news."
ERR_SNOOZE_REQUIRED = "Pick a date and time."


def who_waits(customer_md: str) -> str:
    return customer_md or "The customer"


def nudge_line(
    item_ref: str, customer_md: str, waited: str, summary_md: str, due: str, overdue: bool
) -> str:
    when = f"the update was due {due} ago" if overdue else f"an update is due in {due}"
    return (
        f"*{who_waits(customer_md)}* has waited {waited} for news on *{item_ref}* ({summary_md}); "
        f"{when}. A short update keeps their trust."
    )


def nudge_fallback(count: int) -> str:
    return f"{count} customer{'s' if count != 1 else ''} waiting for an update"


def more_items(count: int) -> str:
    return f"…and {count} more. Open App Home to see them all."


def escalation(
    item_ref: str,
    team_name: str,
    customer_md: str,
    waited: str,
    owner_md: str,
    summary_md: str,
    link: str | None,
) -> str:
    card = f" <{link}|Open the card>." if link else ""
    return (
        f"*{who_waits(customer_md)}* has waited {waited} for news on *{item_ref}* "
        f"({summary_md}), well past {team_name}'s promise. Owner: {owner_md}. "
        f"The owner was reminded already; a word from you may unblock it.{card}"
    )


def escalation_fallback(item_ref: str, waited: str) -> str:
    return f"{item_ref}: customer waiting {waited}, escalated to leads"


def snoozed(item_ref: str, when: str) -> str:
    return f"Noted: you will update the customer on *{item_ref}* by {when}. I'll hold the reminders until then."


# --- digest and tips ---------------------------------------------------------------------------
DIGEST_HEADER = "Your Frontline morning"
DIGEST_DUE_TODAY = "*Customers to update today*"
DIGEST_NOTHING_DUE = (
    "No customer update is due today on your items. Thank you for keeping them informed."
)
DIGEST_MOVED = "*What happened to feedback you logged*"
DIGEST_TEAM = "*Your teams today*"
TIP_HEADER = "Tip of the day"


def digest_fallback(due: int, moved: int) -> str:
    return f"Frontline: {due} customer updates due today, {moved} of your items moved"


def digest_moved(item_ref: str, summary_md: str, what: str) -> str:
    return f"*{item_ref}* {summary_md}: {what}"


def digest_team(team_name: str, open_count: int, overdue: int, median_wait: str) -> str:
    return (
        f"• *{team_name}*: {open_count} open, {overdue} overdue, median customer wait {median_wait}"
    )


def tip_text(title: str, body: str) -> str:
    return f"*{title}*\n{body}"


def tip_fallback(title: str) -> str:
    return f"Tip of the day: {title}"


def digest_set(on: bool) -> str:
    if on:
        return "You will get the morning digest with the tip of the day, even on quiet days."
    return "You will get the morning digest only when something needs you."


DIGEST_USAGE = "Use `/feedback digest on` or `/feedback digest off`."
