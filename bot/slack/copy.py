"""Every sentence Frontline says, in one place to review and translate.

Tone: the customer is the subject, colleagues are partners, nobody is blamed. Functions take
already-escaped mrkdwn fragments where they say `*_md`; everything else is plain data.
"""

from __future__ import annotations

from storage.values import ItemEventKind, ItemKind, ItemStatus, Outcome, Urgency

# Labels for stored values, keyed by their enum members; the order is the order in the forms.
KIND_LABELS = {
    ItemKind.SUGGESTION: "Suggestion",
    ItemKind.PROBLEM: "Problem / pain point",
    ItemKind.RIGID_RULE: "A rule that blocks customers",
    ItemKind.PRAISE: "Praise",
}
URGENCY_LABELS = {Urgency.NORMAL: "Normal", Urgency.HIGH: "High"}
OUTCOME_LABELS = {Outcome.DONE: "Done", Outcome.WONT_DO: "Won't do"}
STATUS_LABELS = {ItemStatus.OPEN: "Open", ItemStatus.RESOLVED: "Resolved"}

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
ERR_UNKNOWN_TEAM = "That team is no longer set up in Frontline; pick another or leave it empty."
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
        f"Sorry for the wait: Slack has not taken the card for {team_name} yet. "
        f"*{item_ref}* is saved, nothing you logged is lost, and I will keep trying."
    )


def capture_modal_done(item_ref: str, team_name: str) -> str:
    return f"Thanks. *{item_ref}* went to *{team_name}*. I sent you a link in our DM."


def unknown_tag(tag: str) -> str:
    return f"I don't know a team tagged `#{tag}`, so I routed by the words instead (see `/feedback teams`)."


def reason_explicit(tag: str) -> str:
    return f"You tagged it `#{tag}`."


def matched_word(word: str, term: str) -> str:
    """One piece of routing evidence in plain words: what the agent wrote and what it matched."""
    return f"“{word}”" if word == term else f"“{word}” (close to “{term}”)"


def reason_keywords(matched: list[str], team_name: str) -> str:
    shown = matched[:5]
    if not shown:
        return f"Your words match what {team_name} looks after."
    if len(shown) == 1:
        return f"Your word {shown[0]} matches what {team_name} looks after."
    return f"Your words {', '.join(shown[:-1])} and {shown[-1]} match what {team_name} looks after."


def reason_triage(team_name: str) -> str:
    return f"None of your words pointed to one team, so it went to {team_name}, who will find its owner."


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


TEAMS_HEADER = "*Teams and what routes to them*"


def teams_page(page: int, pages: int) -> str:
    if page < pages:
        return f"Page {page} of {pages}. Type `/feedback teams {page + 1}` for the next teams."
    return f"Page {page} of {pages}. Type `/feedback teams 1` to start from the top."


def team_hours(normal: float, high: float | None) -> str:
    if high:
        return f"{normal:g} (high urgency: {high:g})"
    return f"{normal:g}"


def team_line(
    key: str, name: str, channel: str, keywords: list[str], hours: str, more_keywords: int = 0
) -> str:
    kw = ", ".join(keywords) if keywords else "no keywords"
    if more_keywords:
        kw += f" and {more_keywords} more"
    return f"• `#{key}` *{name}* in <#{channel}>: {kw}. Customers hear back within {hours} business hours."


# --- card --------------------------------------------------------------------------------------
CARD_TAKE = "Take it"
CARD_TAKE_OVER = "Take over"
CARD_CUSTOMER_UPDATED = "Customer updated"
CARD_REASSIGN = "Reassign"
CARD_RESOLVE = "Resolve"
CARD_OPEN = "Open card"
NOBODY = "nobody yet"
CARD_FIELDS = {
    "customer": "Customer",
    "kind": "Kind",
    "urgency": "Urgency",
    "status": "Status",
    "reporter": "Reported by",
    "owner": "Owner",
    "age": "Age",
    "team": "Team",
}


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


CARD_FULL_TEXT_IN_THREAD = (
    "The text is long, so the card shows the start. All of it is in this card's thread."
)
FULL_TEXT_DETAILS = "*Details*"
FULL_TEXT_CUSTOMER = "*Customer / account*"


def full_text_intro(item_ref: str) -> str:
    return f"Everything logged on *{item_ref}*, word for word:"


def full_text_fallback(item_ref: str) -> str:
    return f"{item_ref}: the full text"


def whole_message_attached(chars: int) -> str:
    return (
        f"The message is long ({chars:,} characters), so it does not fit in this form. "
        "All of it will be saved with the item; use Details for anything you want to add."
    )


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
    "There is no other team to move it to yet. Ask your Frontline admin to add the team that "
    "should own it."
)
RESOLVE_TITLE = "Resolve"
RESOLVE_SUBMIT = "Resolve"
RESOLVE_OUTCOME = "Outcome"
RESOLVE_NOTE = "Note for the agent who logged it"
RESOLVE_NOTE_HINT = "They will pass this on to the customer, so write it for them."
ERR_OUTCOME_REQUIRED = "Pick done or won't do."


# --- history -----------------------------------------------------------------------------------
def event_line(kind: str, actor_md: str, note_md: str = "", extra_md: str = "") -> str:
    texts: dict[str, str] = {
        ItemEventKind.CREATED: f"{actor_md} logged this{extra_md}.",
        ItemEventKind.TAKEN: f"{actor_md} took it{extra_md}.",
        ItemEventKind.CUSTOMER_UPDATED: f"{actor_md} updated the customer.",
        ItemEventKind.REASSIGNED: f"{actor_md} moved it{extra_md}.",
        ItemEventKind.ARRIVED: f"Moved here from {extra_md} by {actor_md}.",
        ItemEventKind.RESOLVED: f"{actor_md} resolved it{extra_md}.",
        ItemEventKind.SNOOZED: f"{actor_md} will update the customer by {extra_md}.",
        ItemEventKind.ESCALATED: f"Escalated to the team leads{extra_md}.",
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
        f"*{item_ref}* is in the hands of the people in <#{channel}> and {team_name}'s leads, "
        "so I left it as it was. Ask in the channel, or join it if you work on this."
    )


def cannot_see_members(item_ref: str, team_name: str, channel: str) -> str:
    return (
        f"I can't see who is in <#{channel}> yet, so I left *{item_ref}* as it was; for now "
        f"{team_name}'s leads look after it. If it is a private channel, invite me there "
        "(`/invite @Frontline`)."
    )


def item_not_found(ref: str) -> str:
    return f"Sorry, I can't find {ref}. It may belong to another workspace."


def already_resolved(item_ref: str) -> str:
    return f"*{item_ref}* is already resolved; nothing changed."


DATABASE_UNAVAILABLE = (
    "Sorry, this was not saved: Frontline cannot reach its database right now. "
    "Please try again in a minute."
)
DATABASE_UNAVAILABLE_TITLE = "Not saved"
SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on our side and nothing was changed. Please try again in a minute."
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
HOME_WAITING = "*Free to pick up in your teams*"
HOME_NOTHING_WAITING = (
    "Open items still free to pick up in your teams' channels show up here. "
    "Right now there are none."
)


def home_more(count: int) -> str:
    return f"…and {count} more, each with a card in its team's channel."


# --- nudges and escalation ---------------------------------------------------------------------
NUDGE_HEADER = "Customers waiting for news"
NUDGE_CHANNEL_INTRO = (
    "These are still free to pick up. Whoever takes one gives a customer some peace of mind."
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
    return (
        f"…and {count} more. App Home lists what is waiting in your teams, the most urgent first."
    )


def more_owned(count: int) -> str:
    return f"…and {count} more. App Home lists yours, the most urgent first."


def more_due_today(count: int) -> str:
    return f"…and {count} more due today. App Home lists yours, the most urgent first."


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
        f"A check-in from you may help clear whatever is in the way.{card}"
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


def digest_what(kind: str, who_md: str, team_md: str = "", outcome: str = "") -> str:
    """What happened to an item the reader logged; `kind` is the event's kind."""
    texts: dict[str, str] = {
        ItemEventKind.TAKEN: f"{who_md} took it",
        ItemEventKind.CUSTOMER_UPDATED: f"{who_md} updated the customer",
        ItemEventKind.REASSIGNED: f"{who_md} moved it to {team_md}",
        ItemEventKind.RESOLVED: f"{who_md} resolved it ({outcome})",
    }
    return texts.get(kind, f"{who_md} set a new update time")


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


# --- operator: what `frontline` prints on stderr and in its logs ---------------------------------
# One line each, naming the variable or file and the fix (the CLI prefixes "frontline: ").
ALLOWED_PORT = "use a whole number from 1 to 65535, or unset it for 3000"
ALLOWED_HTTP_THREADS = "use a whole number from 1 to 256, or unset it for 32"
ALLOWED_SLACK_API_URL = (
    "use an http:// or https:// URL with a host name, e.g. https://slack.com/api/ "
    "(the default when it is unset)"
)
ALLOWED_LOG_FORMAT = "use text or json, or unset it for text"
ALLOWED_ANY = "check its spelling and value"
DATABASE_URL_FORMS = "sqlite:////path/to/frontline.db or postgresql://user:password@host:5432/name"


def env_not_allowed(var: str, shown: str, allowed: str) -> str:
    """`shown` is '=<value>' for plain settings and empty for secrets, which are never echoed."""
    return f"{var}{shown} is not allowed: {allowed}."


def database_url_unparseable() -> str:
    return f"DATABASE_URL is not a database URL: use {DATABASE_URL_FORMS}."


def database_url_unsupported(backend: str) -> str:
    return f"DATABASE_URL names {backend!r}, which Frontline does not support: use {DATABASE_URL_FORMS}."


def database_url_driver_missing(driver: str) -> str:
    return (
        f"DATABASE_URL asks for the driver {driver!r}, which is not installed: write "
        "postgresql:// (Frontline uses psycopg 3) or sqlite:///…."
    )


def database_dir_missing(path: str, directory: str) -> str:
    return (
        f"DATABASE_URL points at {path}, in a directory that does not exist ({directory}): "
        f"create it (mkdir -p {directory}) or change DATABASE_URL."
    )


def database_cannot_open(path: str, detail: str) -> str:
    return (
        f"DATABASE_URL points at {path}, which cannot be opened ({detail}): make the file and its "
        "directory writable for this user, or change DATABASE_URL."
    )


def database_unreachable(where: str, detail: str) -> str:
    return (
        f"DATABASE_URL: PostgreSQL at {where} did not answer ({detail}): check the host and port "
        "in DATABASE_URL, that the server is running, and that the firewall lets this machine in."
    )


def database_login_refused(where: str, detail: str) -> str:
    return (
        f"DATABASE_URL: PostgreSQL at {where} refused the login ({detail}): check the user name "
        "and password in DATABASE_URL."
    )


def database_missing(where: str, name: str) -> str:
    return (
        f"DATABASE_URL: PostgreSQL at {where} has no database {name!r}: create it "
        f"(createdb {name}) or correct the name in DATABASE_URL."
    )


def database_other(where: str, detail: str) -> str:
    return (
        f"DATABASE_URL: the database at {where} could not be used ({detail}): check DATABASE_URL."
    )


def config_is_directory(path: str) -> str:
    return (
        f"{path}: is a directory, not a file: set FRONTLINE_CONFIG to the YAML file itself, "
        f"e.g. {path.rstrip('/')}/frontline.yml."
    )


def config_unreadable(path: str, detail: str) -> str:
    return (
        f"{path}: cannot be read ({detail}): make it readable for this user, or set "
        "FRONTLINE_CONFIG to another file."
    )


def slack_unreachable(url: str, detail: str) -> str:
    return (
        f"Could not reach Slack at {url} ({detail}): check SLACK_API_URL (unset it for "
        "https://slack.com/api/), DNS, and that the firewall allows outbound HTTPS."
    )


def slack_not_slack(url: str, status: int) -> str:
    return (
        f"SLACK_API_URL {url} did not answer like Slack's Web API (HTTP {status}): unset it for "
        "https://slack.com/api/, or give the base URL that ends in /api/."
    )


def slack_refused_bot_token(code: str) -> str:
    return (
        f"Slack refused SLACK_BOT_TOKEN ({code}): copy the Bot User OAuth Token (xoxb-…) again "
        "from OAuth & Permissions, and reinstall the app if it was removed."
    )


def slack_refused_app_token(code: str) -> str:
    return (
        f"Slack refused SLACK_APP_TOKEN ({code}): generate an app-level token with the "
        "connections:write scope (Basic Information → App-Level Tokens), and check that Socket "
        "Mode is on in the app's settings."
    )


def slack_busy_at_start(detail: str) -> str:
    return f"Slack could not answer at start ({detail}); nothing was changed, start Frontline again in a minute."


def job_workspace_unknown(job: str, detail: str) -> str:
    return (
        f"{job}: could not ask Slack which workspace this is ({detail}); nothing was sent, "
        "run the job again later"
    )


def port_in_use(host: str, port: int) -> str:
    return (
        f"PORT {port}: {host}:{port} is already in use by another program: stop it, or set PORT "
        "(or --port) to a free port."
    )


def port_not_permitted(host: str, port: int) -> str:
    return (
        f"PORT {port}: this user may not listen on {host}:{port}: use a port from 1024 up "
        "(e.g. PORT=3000) behind the reverse proxy."
    )


def host_unusable(host: str, detail: str) -> str:
    return (
        f"HOST={host!r} is not an address of this machine ({detail}): use 0.0.0.0 for every "
        "interface, or 127.0.0.1 behind a local proxy."
    )


SOCKET_MODE_CHOSEN = "Socket Mode: SLACK_APP_TOKEN is set, so Frontline connects out to Slack and needs no public URL."


def http_mode_chosen(host: str, port: int) -> str:
    return f"HTTP mode: SLACK_APP_TOKEN is not set, so Frontline serves Slack on http://{host}:{port}/slack/events."
