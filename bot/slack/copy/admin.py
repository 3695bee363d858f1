"""What whoever runs Frontline reads: settings checks, preflight and CLI lines.

Names under `# --- admin …` and `# --- operator …` may name files, variables and hard
requirements; tests/unit/test_copy_tone.py holds them to the apology rule only.
"""

from __future__ import annotations

# --- admin (CLI) -------------------------------------------------------------------------------
MISSING_BOT_TOKEN = "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page."
BAD_BOT_TOKEN = "SLACK_BOT_TOKEN must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)."
BAD_APP_TOKEN = "SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write), or unset for HTTP mode."
MISSING_SIGNING_SECRET = "SLACK_SIGNING_SECRET is not set: copy the Signing Secret from your Slack app's Basic Information page."
BAD_SIGNING_SECRET = (
    "SLACK_SIGNING_SECRET looks malformed: copy it again from Basic Information → App Credentials."
)


# --- operator: what `frontline` prints on stderr and in its logs ---------------------------------
# One line each, naming the variable or file and the fix (the CLI prefixes "frontline: ").
ALLOWED_PORT = "use a whole number from 1 to 65535, or unset it for 3000"
ALLOWED_HTTP_THREADS = "use a whole number from 1 to 256, or unset it for 32"
ALLOWED_METRICS_PORT = "use a whole number from 1 to 65535, or unset it for no metrics port"
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
