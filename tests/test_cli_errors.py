"""Faults a new user meets first get one line on stderr saying what is wrong and what to do, exit 2, no traceback."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from newsdigest.cli import EXIT_BAD_INPUT, EXIT_SIGPIPE, main
from newsdigest.store.migrations import SCHEMA_VERSION


@pytest.fixture
def quiet_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSDIGEST_CONFIG", raising=False)
    return tmp_path


def _one_clear_line(capsys: pytest.CaptureFixture[str], *words: str) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("newsdigest: ")
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_a_database_from_a_newer_version_is_one_line(quiet_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = quiet_env / "newer.db"
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    assert main(["ask", "/status", "--db", str(db)]) == EXIT_BAD_INPUT
    _one_clear_line(capsys, "newer", "upgrade newsdigest")


def test_a_garbage_database_file_is_one_line_and_left_alone(quiet_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = quiet_env / "notes.db"
    garbage = b"these are my notes, not a database\n" * 40
    db.write_bytes(garbage)
    assert main(["ask", "/status", "--db", str(db)]) == EXIT_BAD_INPUT
    _one_clear_line(capsys, "not a newsdigest database", "--db")
    assert db.read_bytes() == garbage


def test_an_unwritable_db_path_is_one_line(quiet_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (quiet_env / "a-file").write_text("x")
    assert main(["ask", "/status", "--db", str(quiet_env / "a-file" / "x.db")]) == EXIT_BAD_INPUT
    _one_clear_line(capsys, "cannot create the folder", "--db")


def test_a_folder_as_db_path_is_one_line(quiet_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (quiet_env / "folder").mkdir()
    assert main(["ask", "/status", "--db", str(quiet_env / "folder")]) == EXIT_BAD_INPUT
    _one_clear_line(capsys, "cannot open database", "path")


def test_a_closed_stdout_pipe_ends_quietly(quiet_env: Path) -> None:
    """`ask … | true`: the reader is gone before the reply is written; no BrokenPipeError traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has exited before the first write, so every write fails with EPIPE
    try:
        done = subprocess.run(
            [sys.executable, "-m", "newsdigest", "ask", "/help", "--db", str(quiet_env / "pipe.db")],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60, check=False,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == EXIT_SIGPIPE
