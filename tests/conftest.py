"""Shared fixtures: a real SQLite file per test, a real PostgreSQL server, the sample articles, a Core to ask;
the loopback guard."""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, settings

from newsdigest.clock import Clock
from newsdigest.config import Config, build_config
from newsdigest.handlers import Core
from newsdigest.ingest.pipeline import ingest_local
from newsdigest.store.store import Store
from tests.pgserver import PgServer, PgUnavailable

# Machines are shared and slow: no per-example deadline, no "too slow" health check. "ci" (the default, and
# what CI=true selects) is derandomised, so a run fails or passes the same way every time; HYPOTHESIS_PROFILE=dev
# explores new random examples on a developer's machine.
settings.register_profile(
    "ci", deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") == "true" else os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEEDS_AS_OF = dt.date(2020, 9, 14)


@pytest.fixture
def config() -> Config:
    return build_config({})


# ------------------------------------------------------------ the store, on SQLite or PostgreSQL

# tests/store and tests/stories run on both (their conftest overrides `backend` with these params);
# elsewhere the store fixtures open SQLite. `-m "not postgres"` leaves PostgreSQL out.
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"])  # for tests of SQLite's own files and pragmas


@pytest.fixture
def backend() -> str:
    """The database behind `store`, `seeded_store` and `store_target`: SQLite, or what NEWSDIGEST_TEST_BACKEND
    says ("postgres": the whole suite's store fixtures on PostgreSQL, as CI's second pass runs it)."""
    return os.environ.get("NEWSDIGEST_TEST_BACKEND", "sqlite")


StoreTarget = Callable[..., str]


@pytest.fixture
def store_target(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[StoreTarget]:
    """`store_target(name="newsdigest", template=None)`: what `Store()` opens for this test on its backend — a
    file in tmp_path, or a fresh PostgreSQL database (a copy of `template`) dropped afterwards. The same name
    gives the same database, so a test can reopen it."""
    made: dict[str, str] = {}
    with contextlib.ExitStack() as drop:

        def target(name: str = "newsdigest", *, template: str | None = None) -> str:
            if name not in made:
                if backend == "sqlite":
                    made[name] = str(tmp_path / f"{name}.db")
                else:
                    server: PgServer = request.getfixturevalue("pg_server")
                    template = template or request.getfixturevalue("_empty_pg_template")
                    made[name] = drop.enter_context(server.database(template))
            return made[name]

        yield target


@contextlib.contextmanager
def fresh_target(backend: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database for one block (one hypothesis example): a new SQLite file, removed after it, or this
    test's PostgreSQL database with every table emptied."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield str(Path(folder) / "newsdigest.db")
        return
    url: str = request.getfixturevalue("store_target")("fresh")  # one database per test, emptied per block
    with psycopg.connect(url, autocommit=True) as conn:  # (much faster than a new database each time)
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                                             " AND tablename <> 'schema_version'")]
        conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    yield url


@pytest.fixture(scope="session")
def _empty_pg_template(pg_server: PgServer) -> str:
    """A migrated, empty PostgreSQL database that store tests copy (faster than migrating each one)."""
    name = pg_server.create_database()
    Store(pg_server.url_for(name)).close()  # a template takes no connections
    return name


@pytest.fixture
def store(store_target: StoreTarget) -> Iterator[Store]:
    s = Store(store_target())
    yield s
    s.close()


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ingest the seeds once per session; tests get a copy of the file."""
    path = tmp_path_factory.mktemp("seeded") / "seeded.db"
    s = Store(path)
    report = ingest_local(s, [SEEDS])
    assert report.created == 5, report
    s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    return path


@pytest.fixture(scope="session")
def _seeded_pg_template(pg_server: PgServer, _empty_pg_template: str) -> str:
    """The seeds ingested once per session into a PostgreSQL database that tests copy (CREATE DATABASE ... TEMPLATE)."""
    name = pg_server.create_database(_empty_pg_template)
    s = Store(pg_server.url_for(name))
    report = ingest_local(s, [SEEDS])
    assert report.created == 5, report
    s.close()  # a template takes no connections
    return name


@pytest.fixture
def seeded_store(backend: str, store_target: StoreTarget, tmp_path: Path, request: pytest.FixtureRequest
                 ) -> Iterator[Store]:
    if backend == "sqlite":
        path = tmp_path / "seeded.db"
        shutil.copy(request.getfixturevalue("_seeded_template"), path)
        s = Store(path)
    else:
        s = Store(store_target("seeded", template=request.getfixturevalue("_seeded_pg_template")))
    yield s
    s.close()


@pytest.fixture
def seeded_core(seeded_store: Store, config: Config) -> Core:
    """A Core over the seeds, the clock standing on 2020-09-14 (the day of the last sample article)."""
    return Core(store=seeded_store, config=config, clock=Clock(as_of=SEEDS_AS_OF))


# ------------------------------------------------------------ PostgreSQL


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One real PostgreSQL server for the session (tests/pgserver.py), stopped and deleted at the end.

    Without server binaries the tests that need it are skipped, except in CI (CI=true), where that fails:
    CI must never pass by silently leaving PostgreSQL out."""
    try:
        server = PgServer.launch()
    except PgUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and PostgreSQL is unavailable: {exc}")
        pytest.skip(f"PostgreSQL is unavailable: {exc}")
    _PG_SERVERS.append(server)
    yield server
    _PG_SERVERS.remove(server)
    server.close()


_PG_SERVERS: list[PgServer] = []  # the running one, for the log shown beside a failed test


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed test that used the PostgreSQL server gets the end of the server's log in its report."""
    report: pytest.TestReport = yield
    if report.failed and _PG_SERVERS and "pg_server" in getattr(item, "fixturenames", ()):
        report.sections.append(("PostgreSQL server log (end)", _PG_SERVERS[-1].log_tail()))
    return report


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """The URL of a fresh, empty database of its own for this test, dropped afterwards.

    Under hypothesis (one function-scoped fixture for all examples) use `with pg_server.database() as url:`
    inside the test for a fresh database per example."""
    if not pg_server.running:  # an earlier test stopped it and failed before starting it again
        pg_server.start()
    with pg_server.database() as url:
        yield url


# ------------------------------------------------------------ nothing leaves the machine


def _loopback(host: object) -> bool:
    """True for loopback addresses and names (127.0.0.0/8, ::1, localhost)."""
    text = host.decode() if isinstance(host, bytes) else str(host)
    if text == "localhost" or text.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(text.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse every connection and name lookup that is not loopback, and fail the test that tried one.

    Patched per test (monkeypatch undoes it), in this process and its threads; Unix sockets pass."""
    refused: list[str] = []
    connect, connect_ex, getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
            refused.append(f"connect {address!r}")
            raise ConnectionRefusedError(f"test guard: only loopback connections are allowed, not {address!r}")

    def guarded_connect(sock: socket.socket, address: Any) -> None:
        check(sock, address)
        connect(sock, address)

    def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
        check(sock, address)
        return connect_ex(sock, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _loopback(host):
            refused.append(f"getaddrinfo {host!r}")
            raise socket.gaierror(socket.EAI_NONAME, f"test guard: no name lookups but loopback ({host!r})")
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    yield refused
    if refused:
        pytest.fail(f"the test reached for the network beyond loopback: {refused}")
