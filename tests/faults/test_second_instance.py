"""A second `newsdigest run` on the same database is refused at once, naming the running one; after it, one starts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.timeout(60), pytest.mark.faults]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDIGEST_")}  # no tokens: the console chat
    return {**env, "PYTHONPATH": str(ROOT)}


def _run(db: Path, cwd: Path, **kw: object) -> subprocess.Popen[str]:
    kw.setdefault("stderr", subprocess.PIPE)
    proc: subprocess.Popen[str] = subprocess.Popen(  # type: ignore[call-overload]
        [sys.executable, "-m", "newsdigest", "run", "--db", str(db)], cwd=cwd, env=_env(), text=True,
        stdout=subprocess.PIPE, **kw,
    )
    return proc


def _read_until(proc: subprocess.Popen[str], needle: str) -> list[str]:
    """The process's stdout lines up to the first one holding `needle` (or to its end)."""
    assert proc.stdout is not None
    lines: list[str] = []
    while not any(needle in line for line in lines) and (line := proc.stdout.readline()):
        lines.append(line)
    assert any(needle in line for line in lines), (lines, proc.poll())
    return lines


def test_second_instance_is_refused_and_a_new_one_starts_after_the_first_exits(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    with (tmp_path / "first.stderr").open("w+") as first_err, _run(db, tmp_path, stdin=subprocess.PIPE,
                                                                   stderr=first_err) as first:
        try:
            assert first.stdin is not None
            first.stdin.write("/help\n")
            first.stdin.flush()
            _read_until(first, "/subscribe")  # the console answered: the first instance runs and holds the lease

            with _run(db, tmp_path, stdin=subprocess.DEVNULL) as second:
                _, err = second.communicate(timeout=30)  # refused while the first still runs, not after it
            assert second.returncode != 0
            assert "another newsdigest" in err and "is running" in err, err
            assert f":{first.pid})" in err, f"the message does not name the running process {first.pid}: {err}"
            assert "Traceback" not in err
            assert first.poll() is None, "the refused start must not disturb the running instance"

            first.communicate("/status\n", timeout=30)  # then EOF: the console stops and releases its lease
            first_err.seek(0)
            assert first.returncode == 0, first_err.read()
        finally:
            if first.poll() is None:
                first.kill()
                first.wait(10)

    with _run(db, tmp_path, stdin=subprocess.PIPE) as third:
        got, err = third.communicate("/help\n", timeout=30)
    assert third.returncode == 0, err
    assert "/subscribe" in got and "another newsdigest" not in err


def test_a_crashed_holder_on_this_host_does_not_block_a_restart(tmp_path: Path) -> None:
    import socket

    from newsdigest.digests.delivery import acquire_instance_lease
    from newsdigest.store.store import Store

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(10)
    store = Store(tmp_path / "crashed.db")
    try:
        acquire_instance_lease(store, f"{socket.gethostname()}:{dead.pid}")  # held by a process now gone
        acquire_instance_lease(store)
    finally:
        store.close()
