"""A second `newsdigest run` on the same database is refused at once, naming the running one; after it, one starts."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(60)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDIGEST_")}  # no tokens: the console chat
    return {**env, "PYTHONPATH": str(ROOT)}


def _run(db: Path, cwd: Path, **kw: object) -> subprocess.Popen[str]:
    proc: subprocess.Popen[str] = subprocess.Popen(  # type: ignore[call-overload]
        [sys.executable, "-m", "newsdigest", "run", "--db", str(db)], cwd=cwd, env=_env(),
        text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw,
    )
    return proc


def _wait_for(lines: list[str], needle: str, proc: subprocess.Popen[str], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not any(needle in line for line in lines) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert any(needle in line for line in lines), (lines, proc.poll())


def test_second_instance_is_refused_and_a_new_one_starts_after_the_first_exits(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    first = _run(db, tmp_path, stdin=subprocess.PIPE)
    out: list[str] = []
    reader = threading.Thread(target=lambda: out.extend(first.stdout or []), daemon=True)
    reader.start()
    try:
        assert first.stdin is not None
        first.stdin.write("/help\n")
        first.stdin.flush()
        _wait_for(out, "/subscribe", first)  # the console answered: the first instance runs and holds the lease

        started = time.monotonic()
        second = _run(db, tmp_path, stdin=subprocess.DEVNULL)
        _, err = second.communicate(timeout=30)
        took = time.monotonic() - started
        assert second.returncode != 0
        assert "another newsdigest" in err and "is running" in err, err
        assert f":{first.pid})" in err, f"the message does not name the running process {first.pid}: {err}"
        assert "Traceback" not in err
        assert took < 15, f"refusal took {took:.1f}s"
        assert first.poll() is None, "the refused start must not disturb the running instance"

        first.stdin.write("/status\n")
        first.stdin.close()  # EOF: the console instance stops and releases its lease
        assert first.wait(30) == 0, first.stderr.read() if first.stderr else ""
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(10)
    reader.join(5)

    third = _run(db, tmp_path, stdin=subprocess.PIPE)
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
