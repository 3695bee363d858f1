"""The container files say what the README says, and ask for nothing the settings do not read.

No Docker daemon is needed: the Dockerfile is parsed line by line, compose.yaml with PyYAML, and
.env.example as the KEY=value file it is. The image must install as the README installs
(`uv sync --frozen`, without the test tools), start the README's entry point (`frontline run`),
run as a non-root user, keep the config and the SQLite database on a volume, and check
itself on /healthz. Compose runs Frontline on PostgreSQL 16 with its secrets in .env. When the
`docker compose` plugin is installed, `docker compose config` (client only) validates the file.
"""

from __future__ import annotations

import http.server
import json
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest
import yaml

from bot.server import HEALTH_PATH
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE = ROOT / "compose.yaml"
ENV_EXAMPLE = ROOT / ".env.example"
README = ROOT / "README.md"

SETTINGS = {name.upper() for name in Settings.model_fields}
# Frontline refuses to start without these (compose runs it in HTTP mode: the secret is needed).
REQUIRED = {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"}
# Flags only an image build adds to the README's install: no test tools, dependencies first.
IMAGE_ONLY_FLAGS = {"--no-dev", "--no-install-project"}


# --- reading the files ------------------------------------------------------------------------


@dataclass
class Instruction:
    name: str  # upper case, e.g. "RUN"
    args: str  # the rest, continuation lines joined


def dockerfile() -> list[list[Instruction]]:
    """The Dockerfile's stages (a list of instructions each), comments and blank lines dropped."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    stages: list[list[Instruction]] = [[]]
    for line in joined.splitlines():
        if not line.strip():
            continue
        name, _, args = line.strip().partition(" ")
        instruction = Instruction(name.upper(), " ".join(args.split()))
        if instruction.name == "FROM":
            stages.append([])
        stages[-1].append(instruction)
    return stages[1:]  # stages[0] holds what comes before the first FROM (ARGs)


def final_stage() -> list[Instruction]:
    return dockerfile()[-1]


def exec_form(args: str) -> list[str]:
    """ENTRYPOINT/CMD/HEALTHCHECK CMD in exec form: a JSON array (shell form is not allowed)."""
    value = json.loads(args)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), args
    return value


def last(stage: list[Instruction], name: str) -> Instruction:
    found = [i for i in stage if i.name == name]
    assert found, f"the Dockerfile's final stage has no {name}"
    return found[-1]


def image_env(stage: list[Instruction]) -> dict[str, str]:
    env: dict[str, str] = {}
    for i in stage:
        if i.name == "ENV":
            for pair in shlex.split(i.args):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


def uv_syncs(text: str) -> list[list[str]]:
    """Every `uv sync …` command in the text, as its words (up to a shell operator or quote)."""
    return [m.split() for m in re.findall(r"\buv sync(?: --[a-z-]+)*", text)]


def compose() -> dict:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and "services" in data
    return data


def env_names(environment: dict | list | None) -> set[str]:
    if isinstance(environment, dict):
        return set(environment)
    return {entry.partition("=")[0] for entry in environment or []}


def env_example() -> tuple[dict[str, str], set[str]]:
    """.env.example's set variables (name -> placeholder) and the ones shown commented out."""
    live: dict[str, str] = {}
    commented: set[str] = set()
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line):
            live[m[1]] = m[2]
        elif m := re.match(r"^#\s*([A-Z][A-Z0-9_]*)=", line):
            commented.add(m[1])
    return live, commented


def interpolated() -> set[str]:
    """The variables compose.yaml takes from .env or the shell (`${NAME…}`)."""
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE.read_text(encoding="utf-8")))


# --- Dockerfile: the README's install and entry point ------------------------------------------


def test_the_image_installs_the_lock_file_without_the_test_tools():
    runs = " && ".join(i.args for i in dockerfile()[0] if i.name == "RUN")
    syncs = uv_syncs(runs)
    assert syncs, "the build stage never runs uv sync"
    for words in syncs:
        assert "--frozen" in words, f"{' '.join(words)}: install exactly uv.lock (--frozen)"
        assert "--no-dev" in words, f"{' '.join(words)}: no test tools in the image (--no-dev)"
    assert syncs[-1] == ["uv", "sync", "--frozen", "--no-dev"], "the last sync installs the project"


def test_the_image_installs_as_the_readme_does():
    readme = README.read_text(encoding="utf-8")
    if "docker compose up" not in readme:
        pytest.skip("README.md does not document the container yet (its install line to compare)")
    runs = " && ".join(i.args for i in dockerfile()[0] if i.name == "RUN")
    image = [w for w in uv_syncs(runs)[-1] if w not in IMAGE_ONLY_FLAGS]
    assert image in uv_syncs(readme), (
        f"the image installs with `{' '.join(image)}` (plus {sorted(IMAGE_ONLY_FLAGS)}); "
        "README.md gives another install command"
    )


def test_the_image_starts_the_readmes_entry_point():
    stage = final_stage()
    command = exec_form(last(stage, "ENTRYPOINT").args) + exec_form(last(stage, "CMD").args)
    assert command == ["frontline", "run"]
    assert "uv run frontline run" in README.read_text(encoding="utf-8")
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    assert scripts["frontline"] == "bot.cli:main"
    # the console script is the venv's: on PATH in the image
    assert image_env(stage)["PATH"].startswith("/app/.venv/bin:")


def test_the_image_has_no_uv_and_runs_as_a_user_who_is_not_root():
    stages = dockerfile()
    assert len(stages) >= 2, "multi-stage: uv and the build stay in the first stage"
    stage = final_stage()
    assert not any("astral-sh/uv" in i.args for i in stage), "uv is not copied into the runtime"
    user = last(stage, "USER").args.split(":")[0]
    assert user not in ("root", "0"), "the process runs as root"
    created = " ".join(i.args for i in stage if i.name == "RUN")
    assert "useradd" in created and user in created, f"the final stage never creates {user}"
    # nothing after USER switches back, and the entry point comes after it
    names = [i.name for i in stage]
    assert names.index("ENTRYPOINT") > max(n for n, name in enumerate(names) if name == "USER")


def test_config_and_sqlite_database_live_on_the_volume():
    stage = final_stage()
    volumes = exec_form(last(stage, "VOLUME").args)
    env = image_env(stage)
    config = env["FRONTLINE_CONFIG"]
    database = Settings(database_url=env["DATABASE_URL"]).database_url
    assert database.startswith("sqlite:////")
    sqlite_file = database.removeprefix("sqlite:///")
    for path in (config, sqlite_file):
        assert any(Path(path).parent == Path(v) for v in volumes), f"{path} is not on {volumes}"
    # the user can write the database (and its -wal and -shm files) there
    user = last(stage, "USER").args.split(":")[0]
    created = " ".join(i.args for i in stage if i.name == "RUN")
    assert re.search(rf"chown {user}:{user} {re.escape(volumes[0])}\b", created), created


def test_the_image_exposes_the_port_it_listens_on():
    stage = final_stage()
    port = image_env(stage)["PORT"]
    assert last(stage, "EXPOSE").args == port == str(Settings().port)


# --- Dockerfile: the health check, run for real against a stand-in server --------------------


class _Health(http.server.BaseHTTPRequestHandler):
    status: ClassVar[int] = 200
    paths: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
        self.send_response(type(self).status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[tuple[int, type[_Health]]]:
    handler = type("Health", (_Health,), {"status": 200, "paths": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.server_address[1], handler
    server.shutdown()
    server.server_close()


def healthcheck_command() -> list[str]:
    check = last(final_stage(), "HEALTHCHECK").args
    options, _, command = check.partition("CMD ")
    assert "--interval" in options and "--timeout" in options, check
    words = exec_form(command)
    assert words[0] == "python", "the check needs no curl: the image's own Python"
    return [sys.executable, *words[1:]]


def run_check(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        healthcheck_command(), env=env, capture_output=True, text=True, timeout=20
    )


def closed_port() -> int:
    """A port nothing listens on: connections to it are refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_the_health_check_polls_healthz_on_the_http_port(health_server):
    port, handler = health_server
    assert run_check(PORT=str(port)).returncode == 0
    assert handler.paths == [HEALTH_PATH] == ["/healthz"]


def test_in_socket_mode_the_health_check_polls_the_metrics_port(health_server):
    port, handler = health_server
    ran = run_check(SLACK_APP_TOKEN="xapp-1", METRICS_PORT=str(port), PORT=str(closed_port()))
    assert ran.returncode == 0, ran.stderr
    assert handler.paths == ["/healthz"]


def test_in_socket_mode_without_a_metrics_port_the_check_fails_and_says_why():
    ran = run_check(SLACK_APP_TOKEN="xapp-1")
    assert ran.returncode != 0 and "METRICS_PORT" in ran.stderr


def test_the_health_check_fails_when_healthz_says_the_database_is_down(health_server):
    port, handler = health_server
    handler.status = 503  # what /healthz answers when the database does not
    assert run_check(PORT=str(port)).returncode != 0


def test_the_health_check_fails_when_nothing_listens():
    assert run_check(PORT=str(closed_port())).returncode != 0


# --- .dockerignore ----------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", [".env", ".venv", ".git", "*.db", "frontline.yml", "tests"])
def test_secrets_and_local_state_stay_out_of_the_image(pattern):
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    assert pattern in lines, f".dockerignore does not exclude {pattern}"


def test_files_the_build_needs_are_not_ignored():
    lines = {line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()}
    # hatchling reads the readme named in pyproject.toml when uv installs the project
    for needed in ("README.md", "pyproject.toml", "uv.lock", "bot", "handlers", "storage"):
        assert needed not in lines


def test_env_files_are_not_committed():
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


# --- compose.yaml -----------------------------------------------------------------------------


def test_compose_runs_postgresql_16_with_a_named_volume_and_a_health_check():
    data = compose()
    postgres = data["services"]["postgres"]
    image, _, tag = postgres["image"].partition(":")
    assert image == "postgres" and tag.split(".")[0].split("-")[0] == "16", postgres["image"]
    test = postgres["healthcheck"]["test"]
    assert "pg_isready" in (test if isinstance(test, str) else " ".join(test))
    mounts = [str(v).split(":") for v in postgres["volumes"]]
    named = [m[0] for m in mounts if not m[0].startswith((".", "/"))]
    assert named and set(named) <= set(data.get("volumes") or {}), "a named volume, declared"
    assert any(m[1] == "/var/lib/postgresql/data" for m in mounts)


def test_frontline_waits_for_a_healthy_database_and_reads_secrets_from_env_file():
    frontline = compose()["services"]["frontline"]
    assert frontline["depends_on"]["postgres"]["condition"] == "service_healthy"
    env_file = frontline["env_file"]
    assert env_file == ".env" or env_file == [".env"], env_file
    environment = frontline.get("environment") or {}
    for name in env_names(environment):
        assert name in SETTINGS, f"compose.yaml sets {name}, which Frontline does not read"
    assert not REQUIRED & env_names(environment), "secrets belong in .env, not compose.yaml"


def test_compose_database_url_names_the_postgres_service():
    data = compose()
    frontline, postgres = data["services"]["frontline"], data["services"]["postgres"]
    url = re.sub(r"\$\{[^}]*\}", "secret", frontline["environment"]["DATABASE_URL"])
    assert Settings(database_url=url).database_url.startswith("postgresql")
    pg = postgres["environment"]
    assert url == f"postgresql://{pg['POSTGRES_USER']}:secret@postgres:5432/{pg['POSTGRES_DB']}"


def test_compose_publishes_the_port_frontline_listens_on():
    frontline = compose()["services"]["frontline"]
    port = str(frontline["environment"].get("PORT", Settings().port))
    assert any(str(p).rpartition(":")[2] == port for p in frontline["ports"])
    config = frontline["environment"]["FRONTLINE_CONFIG"]
    assert any(str(v).split(":")[1] == config for v in frontline["volumes"]), "config mounted"


# --- .env.example -----------------------------------------------------------------------------


def test_env_example_lists_every_setting_and_only_those():
    live, commented = env_example()
    listed = set(live) | commented
    missing = SETTINGS - listed
    assert not missing, f".env.example does not list {sorted(missing)}"
    unknown = listed - SETTINGS - interpolated()
    assert not unknown, f".env.example lists {sorted(unknown)}: neither a setting nor compose's"


def test_env_example_sets_the_required_secrets_and_what_compose_needs():
    live, _ = env_example()
    needed = REQUIRED | interpolated()
    assert needed <= set(live), f".env.example must set {sorted(needed - set(live))}"
    for name in needed:
        assert "replace" in live[name], f"{name} in .env.example is a placeholder, not a value"


# --- docker compose config, when the plugin is installed (it needs no daemon) -----------------


def _compose_plugin() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    found = subprocess.run([docker, "compose", "version"], capture_output=True, timeout=20)
    return found.returncode == 0


@pytest.mark.skipif(not _compose_plugin(), reason="no `docker compose` plugin on this machine")
def test_docker_compose_accepts_the_file(tmp_path):
    for name in ("compose.yaml", ".env.example"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    (tmp_path / "frontline.yml").write_text("{}", encoding="utf-8")
    result = subprocess.run(
        ["docker", "compose", "config", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    resolved = json.loads(result.stdout)["services"]["frontline"]["environment"]
    assert resolved["SLACK_BOT_TOKEN"] == "xoxb-replace-me"
    assert resolved["DATABASE_URL"].startswith("postgresql://frontline:replace-me")
