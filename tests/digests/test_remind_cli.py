"""`newsdigest remind` over the samples: the done-when of the reminders, through the real command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsdigest.cli import main
from newsdigest.store.store import Store
from tests.conftest import StoreTarget


@pytest.fixture
def db(seeded_store: Store, store_target: StoreTarget, tmp_path: Path) -> str:
    if seeded_store.dialect == "postgres":  # this test's own copy of the seeded database
        seeded_store.close()
        return store_target("seeded")
    path = tmp_path / "remind.db"
    seeded_store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(seeded_store.path, path)
    return str(path)


def test_replaying_the_samples_with_a_console_reminder(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "/remind", "--db", db]) == 0
    capsys.readouterr()
    assert main(["remind", "--chat", "console", "--dry-run", "--as-of", "2020-11-09", "--db", db]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "12 November 2020" in out and "in 3 days" in out
    assert "(moved from 20 September 2020)" in out
    assert main(["remind", "--chat", "console", "--dry-run", "--as-of", "2020-09-17", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "20 September" not in out
    assert "No reminders due for console:console on 17 September 2020." in out


def test_sending_twice_sends_once_and_no_rule_is_explained(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["remind", "--as-of", "2020-11-09", "--db", db]) == 0
    assert "console:console has no reminders" in capsys.readouterr().out
    assert main(["ask", "/remind 3d,1d", "--db", db]) == 0
    capsys.readouterr()
    assert main(["remind", "--as-of", "2020-11-11", "--db", db]) == 0
    assert "12 November 2020" in capsys.readouterr().out
    assert main(["remind", "--as-of", "2020-11-11", "--db", db]) == 0
    assert "12 November 2020" not in capsys.readouterr().out  # the ledger has it as sent
