"""A throwaway PostgreSQL server for tests and benchmarks.

`PostgresServer` runs the PostgreSQL 15 server binaries of this machine
(/usr/lib/postgresql/15/bin by default, or SUBOPS_PG_BIN_DIR) on a cluster initialised
in a fresh temporary directory, on a free local TCP port with its unix socket in that
directory. When the caller is root, the cluster belongs to, and the server runs as, the
`postgres` OS user (PostgreSQL refuses to run as root). `stop()` shuts it down and
removes the directory; it is safe to call more than once and from a finaliser.

    with PostgresServer() as server:
        env = server.env()          # SUBOPS_PG_* for subops load and dbt --target postgres
        with server.connect() as con: ...
"""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PG_VERSION = 15
OS_USER = "postgres"  # who runs the server when we are root
SUPERUSER = "postgres"  # the cluster's bootstrap role

# A throwaway cluster trades durability for speed; the rest sizes it for a 2-core,
# 24 GiB machine. Callers may override any of these.
DEFAULT_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "4GB",
    "shared_buffers": "1GB",
    "work_mem": "256MB",
    "maintenance_work_mem": "512MB",
    "max_parallel_workers_per_gather": "2",
    "jit": "off",
    "timezone": "UTC",
    "log_min_messages": "warning",
}


class ServerUnavailable(RuntimeError):
    """The PostgreSQL server binaries are missing or the server would not start."""


def find_bin_dir(version: int = PG_VERSION) -> Path:
    """The directory with initdb, pg_ctl and postgres for `version`, or a clear error."""
    bin_dir = Path(os.environ.get("SUBOPS_PG_BIN_DIR") or f"/usr/lib/postgresql/{version}/bin")
    missing = [name for name in ("initdb", "pg_ctl", "postgres") if not (bin_dir / name).is_file()]
    if missing:
        raise ServerUnavailable(
            f"PostgreSQL {version} server binaries not found in {bin_dir} (missing: {', '.join(missing)}). "
            f"Install them (Debian/Ubuntu: apt-get install postgresql-{version}) or point "
            f"SUBOPS_PG_BIN_DIR at the directory that holds initdb, pg_ctl and postgres."
        )
    return bin_dir


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    """A private PostgreSQL cluster: initdb, start, connect, stop (and delete)."""

    version: int = PG_VERSION
    database: str = "subops"
    settings: dict[str, str] = field(default_factory=dict)
    base_dir: Path | None = None  # parent of the temporary directory (default: the system's)
    port: int = 0
    password: str = field(default_factory=lambda: secrets.token_hex(12))
    directory: Path | None = field(default=None, init=False)
    _started: bool = field(default=False, init=False)

    # -- paths ------------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.directory / "data"

    @property
    def socket_dir(self) -> Path:
        return self.directory / "socket"

    @property
    def log_file(self) -> Path:
        return self.directory / "server.log"

    # -- life cycle -------------------------------------------------------------------
    def start(self) -> "PostgresServer":
        bin_dir = find_bin_dir(self.version)
        self.directory = Path(tempfile.mkdtemp(prefix="subops-pg-", dir=self.base_dir))
        try:
            self.socket_dir.mkdir()
            pwfile = self.directory / "pwfile"
            pwfile.write_text(self.password + "\n")
            self._own(self.directory)
            self._as_server_user([
                str(bin_dir / "initdb"), "--pgdata", str(self.data_dir), "--username", SUPERUSER,
                "--pwfile", str(pwfile), "--auth-local", "trust", "--auth-host", "scram-sha-256",
                # Byte-order collation (as DuckDB compares strings, and fast: memcmp with
                # abbreviated keys), UTF-8-aware character classes for upper()/lower().
                "--encoding", "UTF8", "--locale", "C", "--lc-ctype", "C.UTF-8", "--no-instructions",
            ])
            pwfile.unlink()
            self.port = self.port or free_port()
            options = {
                "port": str(self.port), "listen_addresses": "127.0.0.1",
                "unix_socket_directories": str(self.socket_dir),
                **DEFAULT_SETTINGS, **self.settings,
            }
            with open(self.data_dir / "postgresql.conf", "a") as conf:
                conf.write("\n# subops throwaway server\n")
                for name, value in options.items():
                    conf.write(f"{name} = '{value}'\n")
            self._as_server_user([
                str(bin_dir / "pg_ctl"), "start", "--pgdata", str(self.data_dir), "--wait",
                "--timeout", "60", "--log", str(self.log_file), "--silent",
            ])
            self._started = True
            con = self.connect(dbname="postgres")
            try:
                con.autocommit = True
                with con.cursor() as cur:
                    cur.execute(f'create database "{self.database}"')
            finally:
                con.close()
        except BaseException as err:
            log = self.log_file.read_text()[-2000:] if self.directory and self.log_file.exists() else ""
            self.stop()
            if isinstance(err, subprocess.CalledProcessError):
                raise ServerUnavailable(
                    f"PostgreSQL {self.version} did not start: {err}\n{err.stderr or ''}{log}") from err
            raise
        return self

    def stop(self) -> None:
        """Stop the server (immediately: nothing in it is kept) and delete its directory."""
        if self.directory is None:
            return
        if self._started:
            try:
                self._as_server_user([
                    str(find_bin_dir(self.version) / "pg_ctl"), "stop", "--pgdata", str(self.data_dir),
                    "--mode", "immediate", "--wait", "--silent",
                ])
            except subprocess.CalledProcessError:
                self._kill_postmaster()
            self._started = False
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory = None

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- use --------------------------------------------------------------------------
    def env(self, user: str = SUPERUSER, password: str | None = None) -> dict[str, str]:
        """SUBOPS_PG_* variables that point subops and dbt (--target postgres) here."""
        return {
            "SUBOPS_PG_HOST": "127.0.0.1",
            "SUBOPS_PG_PORT": str(self.port),
            "SUBOPS_PG_USER": user,
            "SUBOPS_PG_PASSWORD": self.password if password is None else password,
            "SUBOPS_PG_DATABASE": self.database,
        }

    def connect(self, user: str = SUPERUSER, password: str | None = None, **overrides):
        import psycopg2

        params = dict(host="127.0.0.1", port=self.port, user=user, dbname=self.database,
                      password=self.password if password is None else password,
                      application_name="subops-test")
        params.update(overrides)
        return psycopg2.connect(**params)

    # -- helpers ----------------------------------------------------------------------
    @staticmethod
    def _is_root() -> bool:
        return hasattr(os, "geteuid") and os.geteuid() == 0

    def _own(self, path: Path) -> None:
        if self._is_root():
            shutil.chown(path, OS_USER, OS_USER)
            for child in path.rglob("*"):
                shutil.chown(child, OS_USER, OS_USER)

    def _as_server_user(self, command: list[str]) -> subprocess.CompletedProcess:
        if self._is_root():
            command = ["runuser", "-u", OS_USER, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True,
                              cwd=self.directory, env={**os.environ, "LC_ALL": "C.UTF-8"})

    def _kill_postmaster(self) -> None:
        pid_file = self.data_dir / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().splitlines()[0])
            os.kill(pid, 9)
            time.sleep(0.5)
        except (OSError, ValueError, IndexError):
            pass
