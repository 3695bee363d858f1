"""A throwaway, socket-only PostgreSQL server for tests.

Why a real server: SQLite hides Postgres-specific behaviour (locking, types,
``ON CONFLICT``, transactional DDL), so storage tests run against the same engine
as production. Durability is switched off and there is no TCP listener, so a
server starts in about a second and cannot collide with anything else running.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

__all__ = ["PostgresServer", "find_pg_bin", "scratch_database"]

_SUPERUSER = "postgres"
_RUN_AS = "postgres"  # OS account used when the tests run as root


def _has_tools(bin_dir: Path) -> bool:
    return (bin_dir / "initdb").is_file() and (bin_dir / "pg_ctl").is_file()


def find_pg_bin() -> Path | None:
    """Locate initdb/pg_ctl: $PG_BIN, else Debian's 15, else the newest installed."""
    env = os.environ.get("PG_BIN")
    if env:
        path = Path(env)
        return path if _has_tools(path) else None
    preferred = Path("/usr/lib/postgresql/15/bin")
    if _has_tools(preferred):
        return preferred
    root = Path("/usr/lib/postgresql")
    if not root.is_dir():
        return None

    def version_key(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in re.findall(r"\d+", p.name)) or (0,)

    for version_dir in sorted(root.iterdir(), key=version_key, reverse=True):
        if _has_tools(version_dir / "bin"):
            return version_dir / "bin"
    return None


class PostgresServer:
    """One private PostgreSQL instance in a temp dir, reachable only by Unix socket."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = Path(bin_dir)
        self.user = _SUPERUSER
        self._as_root = os.geteuid() == 0
        self._tmp: Path | None = None
        self._running = False

    # -- paths -------------------------------------------------------------------

    @property
    def root(self) -> Path:
        """The temp directory holding data, socket and log."""
        if self._tmp is None:
            raise RuntimeError("PostgresServer is not started")
        return self._tmp

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        """Directory holding .s.PGSQL.5432; pass as libpq's `host`."""
        return self.root / "sock"

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> PostgresServer:
        """initdb into a fresh temp dir and start the server, waiting until it accepts."""
        if self._running:
            return self
        if not _has_tools(self.bin_dir):
            raise RuntimeError(f"no initdb/pg_ctl in {self.bin_dir}")
        self._tmp = Path(tempfile.mkdtemp(prefix="frontline-pg-"))
        try:
            self.socket_dir.mkdir()
            # The server user must own its dirs; the test process (root or the same
            # user) must still be able to reach the socket.
            os.chmod(self._tmp, 0o755)
            os.chmod(self.socket_dir, 0o755)
            if self._as_root:
                for path in (self._tmp, self.socket_dir):
                    shutil.chown(path, user=_RUN_AS, group=None)
            self._run(
                "initdb",
                "-D",
                str(self.data_dir),
                "-A",
                "trust",
                "-U",
                self.user,
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
                what="initdb",
            )
            options = (
                f"-k {self.socket_dir} -c listen_addresses='' -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off"
            )
            self._run(
                "pg_ctl",
                "start",
                "-w",
                "-t",
                "30",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-o",
                options,
                what="pg_ctl start",
            )
            self._running = True
        except BaseException:
            self._cleanup()
            raise
        return self

    def stop(self) -> None:
        """Kill the server without a checkpoint (nothing is worth keeping) and delete it."""
        if self._tmp is None:
            return
        try:
            if self._running:
                self._run(
                    "pg_ctl",
                    "stop",
                    "-m",
                    "immediate",
                    "-w",
                    "-D",
                    str(self.data_dir),
                    what="pg_ctl stop",
                )
        finally:
            self._running = False
            self._cleanup()

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- databases -----------------------------------------------------------------

    def connect_kwargs(self, dbname: str = "postgres") -> dict[str, str]:
        """Keyword arguments for psycopg.connect() to reach this server."""
        return {"host": str(self.socket_dir), "user": self.user, "dbname": dbname}

    def url(self, name: str) -> str:
        """SQLAlchemy URL (psycopg 3 driver) for database `name` on this server."""
        host = quote(str(self.socket_dir), safe="/")
        return f"postgresql+psycopg://{self.user}@/{quote(name, safe='')}?host={host}"

    def create_database(self, name: str) -> str:
        """CREATE DATABASE `name` and return its SQLAlchemy URL."""
        self._admin("CREATE DATABASE {}", name)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """DROP DATABASE `name`, kicking out lingering connections (pool leftovers)."""
        self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)

    # -- internals -----------------------------------------------------------------

    def _admin(self, statement: str, name: str) -> None:
        import psycopg
        from psycopg import sql

        if not self._running:
            raise RuntimeError("PostgresServer is not started")
        with psycopg.connect(**self.connect_kwargs(), autocommit=True) as conn:
            conn.execute(sql.SQL(statement).format(sql.Identifier(name)))

    def _run(self, tool: str, *args: str, what: str) -> None:
        """Run a PostgreSQL binary, as the postgres account when we are root."""
        cmd = [str(self.bin_dir / tool), *args]
        if self._as_root:
            cmd = ["runuser", "-u", _RUN_AS, "--", *cmd]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", LANG="C")
        # cwd inside our temp dir: the postgres account may not be able to read the
        # caller's cwd, and pg_ctl refuses to start from an unreadable directory.
        proc = subprocess.run(
            cmd,
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if proc.returncode != 0:
            output = (proc.stdout + proc.stderr).strip()
            raise RuntimeError(
                f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n"
                f"{output[-2000:]}\n--- server log tail ---\n{self._log_tail()}"
            )

    def _log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_file.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:]) or "(server log empty)"

    def _cleanup(self) -> None:
        tmp, self._tmp = self._tmp, None
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def scratch_database(kind: str, tmp: Path, name: str) -> Iterator[str]:
    """A fresh database for a benchmark: a SQLite file in `tmp`, or a private PostgreSQL."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / f'{name}.db'}"
        return
    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL server binaries (initdb/pg_ctl); set PG_BIN")
    server = PostgresServer(bin_dir).start()
    try:
        yield server.create_database(name)
    finally:
        server.stop()
