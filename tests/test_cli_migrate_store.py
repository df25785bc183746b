"""`newsdigest migrate-store` end to end: ingest into SQLite, copy to PostgreSQL, ask both the same question."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest

from newsdigest.cli import main
from newsdigest.store.store import Store
from tests.conftest import REPO


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSDIGEST_CONFIG", raising=False)
    return tmp_path


def _ask(capsys: pytest.CaptureFixture[str], db: str, line: str) -> str:
    assert main(["ask", line, "--as-of", "2020-09-14", "--db", db]) == 0
    return capsys.readouterr().out


def test_the_copy_answers_as_the_original(workdir: Path, pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    lite = str(workdir / "lite.db")
    assert main(["ingest", "seeds", "--db", lite]) == 0
    capsys.readouterr()
    before = {line: _ask(capsys, lite, line) for line in ("/deadline", "/status", "/stories")}
    assert main(["migrate-store", "--from", lite, "--to", pg_url, "--batch", "3"]) == 0
    captured = capsys.readouterr()
    assert "row counts and checksums match" in captured.out
    assert "copying articles: 5 / 5 rows" in captured.err
    for line, answer in before.items():
        assert _ask(capsys, pg_url, line) == answer, line


def test_a_non_empty_target_is_one_clear_line(workdir: Path, pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    lite = str(workdir / "lite.db")
    assert main(["ingest", "seeds", "--db", lite]) == 0
    assert main(["migrate-store", "--from", lite, "--to", pg_url]) == 0
    capsys.readouterr()
    assert main(["migrate-store", "--from", lite, "--to", pg_url]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "already holds data" in err


def test_a_failed_check_exits_1_and_keeps_nothing(workdir: Path, pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    lite = str(workdir / "lite.db")
    assert main(["ingest", "seeds", "--db", lite]) == 0
    Store(pg_url).close()  # the schema, to hang a trigger on
    with psycopg.connect(pg_url, autocommit=True) as pg:
        pg.execute("CREATE FUNCTION damp() RETURNS trigger AS $$ BEGIN NEW.score := NEW.score / 2; RETURN NEW; END"
                   " $$ LANGUAGE plpgsql")
        pg.execute("CREATE TRIGGER damp BEFORE INSERT ON key_points FOR EACH ROW EXECUTE FUNCTION damp()")
    capsys.readouterr()
    assert main(["migrate-store", "--from", lite, "--to", pg_url]) == 1
    captured = capsys.readouterr()
    last = captured.err.strip().splitlines()[-1]
    assert "check failed (key_points)" in last and "rolled back" in last
    assert "checksums differ" in captured.out
    with psycopg.connect(pg_url) as pg:
        assert pg.execute("SELECT count(*) FROM articles").fetchone() == (0,)


def test_the_to_argument_must_be_a_postgres_url(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "seeds", "--db", "lite.db"]) == 0
    capsys.readouterr()
    assert main(["migrate-store", "--from", "lite.db", "--to", "other.db"]) == 2
    assert "postgresql:// URL" in capsys.readouterr().err


def test_a_from_file_that_is_no_database_names_from(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "notes.db").write_text("Ein Text, keine Datenbank.\n" * 200)
    assert main(["migrate-store", "--from", "notes.db", "--to", "postgresql://nd@127.0.0.1:9/nd"]) == 2
    err = capsys.readouterr().err
    assert "notes.db is not a newsdigest SQLite database" in err and "give --from" in err and "--db" not in err
