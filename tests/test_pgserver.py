"""The PostgreSQL test server (tests/pgserver.py) and its fixtures: real connections, fresh databases, restarts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import REPO
from tests.pgserver import PgServer, PgUnavailable, find_bindir, remove_stale_dirs


def test_pg_url_is_a_fresh_empty_database_over_loopback(pg_url: str) -> None:
    assert "@127.0.0.1:" in pg_url
    with psycopg.connect(pg_url) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        encoding = conn.execute("SHOW server_encoding").fetchone()
    assert tables == (0,)
    assert encoding == ("UTF8",)


def test_databases_are_separate(pg_server: PgServer, pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE mine (x int)")
    with pg_server.database() as other, psycopg.connect(other) as conn:
        assert conn.execute("SELECT to_regclass('mine')").fetchone() == (None,)


def test_the_unix_socket_reaches_the_same_server(pg_server: PgServer, pg_url: str) -> None:
    name = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE marker (x int)")
    with psycopg.connect(pg_server.socket_url_for(name)) as conn:
        assert conn.execute("SELECT to_regclass('marker') IS NOT NULL").fetchone() == (True,)


def test_the_server_does_not_run_as_root(pg_server: PgServer) -> None:
    assert pg_server.server_pid is not None
    status = Path(f"/proc/{pg_server.server_pid}/status").read_text()
    real_uid = int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])
    assert real_uid != 0
    assert real_uid == os.getuid() or os.getuid() == 0


def test_restart_keeps_data_and_breaks_open_connections(pg_server: PgServer, pg_url: str) -> None:
    conn = psycopg.connect(pg_url, autocommit=True)
    conn.execute("CREATE TABLE kept (x int)")
    conn.execute("INSERT INTO kept VALUES (7)")
    old_pid = pg_server.server_pid
    pg_server.restart()
    assert pg_server.server_pid != old_pid
    with pytest.raises(psycopg.OperationalError):
        conn.execute("SELECT 1")
    conn.close()
    with psycopg.connect(pg_url) as again:
        assert again.execute("SELECT x FROM kept").fetchall() == [(7,)]


def test_immediate_stop_then_start_recovers(pg_server: PgServer, pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE crashed (x int)")
        conn.execute("INSERT INTO crashed VALUES (1)")
    pg_server.stop("immediate")
    assert not pg_server.running
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(pg_url, connect_timeout=2)
    pg_server.start()
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM crashed").fetchone() == (1,)


def test_terminate_connections_drops_clients_of_one_database(pg_server: PgServer, pg_url: str) -> None:
    victim = psycopg.connect(pg_url, autocommit=True)
    with pg_server.database() as other_url, psycopg.connect(other_url, autocommit=True) as bystander:
        assert pg_server.terminate_connections(pg_url.rsplit("/", 1)[1]) == 1
        with pytest.raises(psycopg.OperationalError):
            victim.execute("SELECT 1")
        assert bystander.execute("SELECT 1").fetchone() == (1,)
    victim.close()


@settings(max_examples=10)  # a database per example costs ~0.2 s
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=40))
def test_text_round_trips_with_a_database_per_example(pg_server: PgServer, text: str) -> None:
    with pg_server.database() as url, psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (v text)")
        conn.execute("INSERT INTO t VALUES (%s)", (text,))
        assert conn.execute("SELECT v, count(*) OVER () FROM t").fetchone() == (text, 1)


def test_lower_knows_umlauts(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT lower('ÄRGER ÜBER ÖL')").fetchone() == ("ärger über öl",)


def test_missing_binaries_raise_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSDIGEST_PG_BINDIR", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_config, no initdb on PATH
    monkeypatch.setattr(Path, "glob", lambda self, pattern: iter(()))
    with pytest.raises(PgUnavailable, match="postgresql"):
        find_bindir()


def test_an_explicit_bindir_without_binaries_is_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDIGEST_PG_BINDIR", str(tmp_path))
    with pytest.raises(PgUnavailable, match="NEWSDIGEST_PG_BINDIR"):
        find_bindir()


@pytest.mark.slow
@pytest.mark.parametrize("ci", [False, True])
def test_without_binaries_pg_tests_skip_locally_and_fail_in_ci(tmp_path: Path, ci: bool) -> None:
    env = {**os.environ, "NEWSDIGEST_PG_BINDIR": str(tmp_path), "CI": "true" if ci else "false"}
    test = "tests/test_pgserver.py::test_pg_url_is_a_fresh_empty_database_over_loopback"
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=300, check=False)
    if ci:
        assert run.returncode == 1 and "CI=true and PostgreSQL is unavailable" in run.stdout, run.stdout
    else:
        assert run.returncode == 0 and "1 skipped" in run.stdout, run.stdout


def test_stale_directories_of_dead_runs_are_removed(tmp_path: Path) -> None:
    dead, alive = tmp_path / "newsdigest-pg-dead", tmp_path / "newsdigest-pg-alive"
    for folder, pid in ((dead, 2**22 + 12345), (alive, os.getpid())):
        folder.mkdir()
        (folder / "owner.pid").write_text(str(pid))
    remove_stale_dirs(tmp_path)
    assert not dead.exists()
    assert alive.exists()


def _gone(pid: int) -> bool:
    """True once `pid` has exited (a zombie waiting for a reaper counts as exited)."""
    try:
        state = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("State:"))
    except (OSError, StopIteration):
        return True
    return state.split()[1] in ("Z", "X")


@pytest.mark.faults
def test_a_killed_test_run_leaves_no_server_behind(pg_server: PgServer) -> None:
    """kill -9 of the process that launched a server: atexit never runs, the parent-death signal stops it."""
    script = "import time; from tests.pgserver import PgServer; s = PgServer.launch(); print(s.server_pid, s.root, flush=True); time.sleep(120)"
    with subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        pid_text, root_text = child.stdout.readline().split()
        server_pid, root = int(pid_text), Path(root_text)
        assert not _gone(server_pid)
        child.send_signal(signal.SIGKILL)
    for _ in range(600):  # a bound, not a timing assertion: fast shutdown takes well under a second
        if _gone(server_pid):
            break
        time.sleep(0.05)
    assert _gone(server_pid)
    remove_stale_dirs(root.parent)  # as the next launch does
    assert not root.exists()
