"""A throwaway PostgreSQL server from the machine's binaries, for tests and benchmarks.

`PgServer.launch()` runs initdb into a fresh temporary directory and starts `postgres` on 127.0.0.1 (a free port)
and on a Unix socket in that directory, with trust authentication and durability switched off for speed.
PostgreSQL refuses to run as root, so a root process (CI, containers) runs initdb and the server as an
unprivileged user (`nobody`, or NEWSDIGEST_PG_USER); any other user runs them as itself.

No stray servers: the postmaster gets a parent-death signal (`setpriv --pdeathsig`, so even a `kill -9` of the
test run stops it), `stop()` is registered with atexit, and a later launch removes directories whose owning
process is gone. Binaries are found through NEWSDIGEST_PG_BINDIR, `pg_config --bindir` or
/usr/lib/postgresql/*/bin; `find_bindir()` raises `PgUnavailable` when there are none.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import itertools
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import psycopg

SUPERUSER = "postgres"
DIR_PREFIX = "newsdigest-pg-"
OWNER_FILE = "owner.pid"  # the pid of the process that launched the server in this directory

# No fsync (a test database is thrown away; only an OS crash could lose data), small memory (the machine is shared),
# no JIT start-up cost. synchronous_commit stays on: with fsync off it costs nothing measurable (0.11 ms a commit
# either way here), and off would lose the last commits at an immediate stop, which fault tests use as a crash.
SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "on",
    "full_page_writes": "off",
    "shared_buffers": "32MB",
    "max_connections": "200",
    "jit": "off",
    "logging_collector": "off",
    "log_min_messages": "warning",
    "log_connections": "off",
}
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0


class PgUnavailable(Exception):
    """The machine has no PostgreSQL server binaries (or cannot run them): skip locally, fail in CI."""


class PgStartError(RuntimeError):
    """initdb or postgres failed; the message carries the end of the server's log."""


# ------------------------------------------------------------------ finding binaries and a user


def find_bindir() -> Path:
    """The directory holding initdb and postgres."""
    if env := os.environ.get("NEWSDIGEST_PG_BINDIR"):  # named explicitly: that one or none
        if (Path(env) / "initdb").is_file() and (Path(env) / "postgres").is_file():
            return Path(env)
        raise PgUnavailable(f"NEWSDIGEST_PG_BINDIR={env} holds no initdb and postgres")
    candidates: list[Path] = []
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True)
            candidates.append(Path(out.stdout.strip()))
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: _version_key(p.parent.name))
    candidates.extend(reversed(versions))
    for initdb in filter(None, [shutil.which("initdb")]):
        candidates.append(Path(initdb).parent)
    for cand in candidates:
        if (cand / "initdb").is_file() and (cand / "postgres").is_file():
            return cand
    raise PgUnavailable(
        "no PostgreSQL server binaries (initdb, postgres) found via NEWSDIGEST_PG_BINDIR, pg_config --bindir or "
        "/usr/lib/postgresql/*/bin; install the Debian package `postgresql` (.ci/run does)"
    )


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _run_as() -> pwd.struct_passwd | None:
    """The unprivileged account to run PostgreSQL as, or None to run it as ourselves (we are not root)."""
    if os.geteuid() != 0:
        return None
    name = os.environ.get("NEWSDIGEST_PG_USER", "nobody")
    try:
        return pwd.getpwnam(name)
    except KeyError as exc:
        raise PgUnavailable(f"running as root and there is no user {name!r} to run PostgreSQL as") from exc


def _world_traversable(path: Path) -> bool:
    """True if every directory up to `path` lets other users pass (an unprivileged server must reach its data)."""
    for part in [path, *path.parents]:
        try:
            if not part.stat().st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_dirs(parent: Path) -> None:
    """Delete server directories left by runs that were killed before they could clean up."""
    for old in parent.glob(f"{DIR_PREFIX}*"):
        try:
            owner = int((old / OWNER_FILE).read_text())
            postmaster = old / "data" / "postmaster.pid"
            server = int(postmaster.read_text().split()[0]) if postmaster.exists() else 0
        except (OSError, ValueError, IndexError):
            continue
        if not _pid_alive(owner) and not (server and _pid_alive(server)):
            shutil.rmtree(old, ignore_errors=True)


# The postmaster's parent-death signal fires when the *thread* that forked it ends, so every server is forked
# from this one long-lived thread, whichever thread calls start() or restart().
_SPAWNER = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="pgserver-spawn")


# ------------------------------------------------------------------ the server


class PgServer:
    """One PostgreSQL cluster in a temporary directory. Use `launch()`; `close()` stops it and deletes the files."""

    def __init__(
        self, bindir: Path, root: Path, port: int, account: pwd.struct_passwd | None, settings: dict[str, str]
    ) -> None:
        self.bindir = bindir
        self.settings = settings
        self.root = root
        self.data = root / "data"
        self.socket_dir = root
        self.log_path = root / "postgres.log"
        self.port = port
        self.account = account
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._admin: psycopg.Connection[Any] | None = None
        self._admin_lock = threading.RLock()  # a fault test may drop connections from another thread
        self._names = itertools.count(1)

    # ---------------------------------------------------------- lifecycle

    @classmethod
    def launch(cls, bindir: Path | None = None, settings: dict[str, str] | None = None) -> PgServer:
        """initdb and start; `settings` override SETTINGS (a benchmark wants fsync on, as a deployment has it)."""
        bindir = bindir or find_bindir()
        account = _run_as()
        parent = Path(tempfile.gettempdir())
        if account is not None and not _world_traversable(parent):
            parent = Path("/tmp")  # TMPDIR is private to root; the server's user could not reach its files
        remove_stale_dirs(parent)
        root = Path(tempfile.mkdtemp(prefix=DIR_PREFIX, dir=parent))
        (root / OWNER_FILE).write_text(str(os.getpid()))
        server = cls(bindir, root, _free_port(), account, {**SETTINGS, **(settings or {})})
        atexit.register(server.close)
        try:
            server._initdb()
            server.start()
        except BaseException:
            server.close()
            raise
        return server

    def _initdb(self) -> None:
        if self.account is not None:
            os.chown(self.root, self.account.pw_uid, self.account.pw_gid)
        cmd = [str(self.bindir / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
               "--encoding=UTF8", "--no-sync", *self._locale_args()]
        proc = subprocess.run(self._as_user(cmd), capture_output=True, text=True, cwd=self.root, timeout=120,
                              check=False, env=self._env())
        if proc.returncode != 0:
            raise PgStartError(f"initdb failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# tests/pgserver.py\n")
            for key, value in {**self.settings, "listen_addresses": "'127.0.0.1'", "port": str(self.port),
                               "unix_socket_directories": f"'{self.socket_dir}'"}.items():
                conf.write(f"{key} = {value}\n")

    @staticmethod
    def _locale_args() -> list[str]:
        # C.UTF-8 knows the case of non-ASCII letters (lower('Ä')); plain C does not.
        out = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False) if shutil.which(
            "locale") else None
        names = {line.strip().lower().replace("-", "") for line in (out.stdout if out else "").splitlines()}
        return ["--locale=C.UTF-8"] if "c.utf8" in names else ["--no-locale"]

    def start(self) -> None:
        """Start the server (after `stop()`); returns once it accepts connections."""
        if self.running:
            return
        self._log = self.log_path.open("ab")
        cmd = self._as_user([str(self.bindir / "postgres"), "-D", str(self.data)], pdeathsig=True)
        self.process = _SPAWNER.submit(
            subprocess.Popen, cmd, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            cwd=self.root, env=self._env(), start_new_session=True,
        ).result()
        self._wait_ready()

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: "fast" (disconnect clients, clean shutdown) or "immediate" (as after a crash)."""
        with self._admin_lock:
            self._close_admin()
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGQUIT if mode == "immediate" else signal.SIGINT)
            try:
                proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def restart(self, mode: str = "fast") -> None:
        """Stop and start again on the same port and data; open connections break, data stays."""
        self.stop(mode)
        self.start()

    def close(self) -> None:
        """Stop the server and delete its directory. Safe to call twice (atexit calls it again)."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                self.process = None
                raise PgStartError(f"postgres exited with {code} while starting; log:\n{self.log_tail()}")
            try:
                with psycopg.connect(self.url_for("postgres"), connect_timeout=2, autocommit=True) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    self.stop("immediate")
                    raise PgStartError(f"postgres did not accept connections in {START_TIMEOUT_S:.0f} s; log:\n"
                                       f"{self.log_tail()}") from None
                time.sleep(0.05)

    def _as_user(self, cmd: list[str], pdeathsig: bool = False) -> list[str]:
        setpriv = shutil.which("setpriv")
        prefix: list[str] = []
        if self.account is not None:
            if setpriv is None:
                runuser = shutil.which("runuser")
                if runuser is None:
                    raise PgUnavailable("running as root, but neither setpriv nor runuser is there to drop to "
                                        f"{self.account.pw_name!r}")
                return [runuser, "-u", self.account.pw_name, "--", *cmd]
            prefix = [setpriv, f"--reuid={self.account.pw_uid}", f"--regid={self.account.pw_gid}", "--clear-groups"]
        if pdeathsig and setpriv is not None:
            prefix = prefix or [setpriv]
            prefix.append("--pdeathsig=INT")  # set after the uid change, which would clear it
        return [*prefix, *cmd]

    def _env(self) -> dict[str, str]:
        keep = ("PATH", "TZ", "LANG", "LC_ALL")
        env = {key: os.environ[key] for key in keep if key in os.environ}
        env["HOME"] = str(self.root)
        return env

    # ---------------------------------------------------------- databases and connections

    def url_for(self, dbname: str) -> str:
        """A URL over TCP on 127.0.0.1 (what a deployment uses)."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def socket_url_for(self, dbname: str) -> str:
        """A URL over the Unix socket in the server's directory."""
        return f"postgresql://{SUPERUSER}@/{dbname}?host={self.socket_dir}&port={self.port}"

    @property
    def url(self) -> str:
        """The maintenance database `postgres`; tests use `create_database()` (the `pg_url` fixture) instead."""
        return self.url_for("postgres")

    def admin(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run one statement as superuser in the maintenance database (autocommit); rows if it returns any."""
        with self._admin_lock:
            return self._admin_locked(sql, params)

    def _admin_locked(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        for attempt in (1, 2):
            try:
                if self._admin is None or self._admin.closed:
                    self._admin = psycopg.connect(self.url, autocommit=True, connect_timeout=5)
                cur = self._admin.execute(sql, params)
                return cur.fetchall() if cur.description else []
            except psycopg.OperationalError:
                self._close_admin()  # the server restarted or dropped us: one fresh connection, then give up
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _close_admin(self) -> None:
        conn, self._admin = self._admin, None
        if conn is not None:
            with contextlib.suppress(psycopg.Error):
                conn.close()

    def create_database(self, template: str = "template1") -> str:
        """A new empty database (a copy of `template`); returns its name."""
        name = f"t{os.getpid()}_{next(self._names)}"
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return name

    def drop_database(self, name: str) -> None:
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @contextlib.contextmanager
    def database(self, template: str = "template1") -> Iterator[str]:
        """A fresh database for one block (one hypothesis example); yields its URL, drops it after."""
        name = self.create_database(template)
        try:
            yield self.url_for(name)
        finally:
            self.drop_database(name)

    def terminate_connections(self, dbname: str | None = None) -> int:
        """Drop every client connection (to `dbname`, or to all databases) as a network failure would.

        Returns how many were terminated; the admin connection this uses is spared."""
        rows = self.admin(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND (%s::text IS NULL OR datname = %s)",
            (dbname, dbname),
        )
        return int(rows[0][0])

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    @property
    def server_pid(self) -> int | None:
        return None if self.process is None else self.process.pid
