"""`frontline` as an admin runs it: the console script in a subprocess, with its environment."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support.world import BOT_TOKEN

FRONTLINE = shutil.which("frontline", path=str(Path(sys.executable).parent))
APP_TOKEN = "xapp-1-A0FRONT-1234-abcdef"  # Socket Mode's app-level token, as the fake accepts it


def env_for(tmp_path: Path, config_file: Path, **extra: str) -> dict[str, str]:
    """This process's environment without any SLACK_* variable, a SQLite file and the config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}", FRONTLINE_CONFIG=str(config_file))
    env.update(extra)
    return env


def socket_mode_env(
    tmp_path: Path, config_file: Path, api_url: str, **extra: str
) -> dict[str, str]:
    """`frontline run` in Socket Mode against the fake Slack: the bot and app tokens, and no
    signing secret (Socket Mode needs none)."""
    return env_for(
        tmp_path,
        config_file,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=api_url,
        **extra,
    )


def run_cli(
    args: list[str], env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    assert FRONTLINE, "the frontline console script is not installed (uv sync)"
    return subprocess.run(
        [FRONTLINE, *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def start_bot(env: dict[str, str]) -> subprocess.Popen[str]:
    """`frontline run` as an admin starts it, without the scheduler."""
    assert FRONTLINE, "the frontline console script is not installed (uv sync)"
    return subprocess.Popen(
        [FRONTLINE, "run", "--no-scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_bot(proc: subprocess.Popen[str]) -> int:
    """SIGTERM, as a service manager stops it; the exit status."""
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_until_serving(
    proc: subprocess.Popen[str], port: int, timeout: float = 30
) -> tuple[int, bytes]:
    """Poll /healthz until the bot answers; its status and body. Fails if the bot exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                return r.status, r.read()
        except OSError:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            time.sleep(0.1)
    raise AssertionError(f"the bot did not start serving on port {port} within {timeout}s")
