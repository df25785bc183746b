"""Child process for the kill -9 digest test: one bot process delivering the due digests, then exiting.

argv: DB ACCEPTED_FILE CLOCK_ISO CONCURRENCY STALL_AFTER FUSE (0 = off). The "platform" is an append-only file: a message counts as
accepted once its line is written and fsync'd (as a chat platform's 200 OK would be). Between accepting and
returning there is no await; the ledger mark then goes to the store's writer thread, so up to CONCURRENCY messages
may be accepted-but-not-yet-marked at one instant.
STALL_AFTER=N freezes the process right after the platform accepted its Nth message, before the ledger mark (the
residual window, held open for the parent's kill; it prints STALLED then). FUSE=N prints FUSE after the Nth
acceptance and sends nothing new from then on (the sends already under way go on), so the parent's kill, however
late it lands, always interrupts the broadcast. Prints READY once it holds the instance lease, DONE at the end.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import random
import sys
import time

from newsdigest.clock import FakeClock
from newsdigest.config import build_config
from newsdigest.digests.delivery import Deliverer, acquire_instance_lease
from newsdigest.models import Platform
from newsdigest.reply import Reply
from newsdigest.sender import SendOutcome, SendResult
from newsdigest.store.store import Store

PLATFORM = Platform.TELEGRAM


class FileSender:
    """A platform that accepts a message by appending one fsync'd line "chat_id<TAB>pid"."""

    platform = PLATFORM

    def __init__(self, path: str, stall_after: int = 0, fuse: int = 0) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.rng = random.Random(os.getpid())
        self.stall_after, self.fuse, self.accepted = stall_after, fuse, 0

    async def send(self, chat_id: str, reply: Reply) -> SendResult:
        if self.fuse and self.accepted >= self.fuse:
            await asyncio.Event().wait()  # the fuse burns: wait for the parent's kill
        await asyncio.sleep(self.rng.uniform(0.002, 0.012))  # the request on its way to the platform
        assert reply.plain_text()
        os.write(self.fd, f"{chat_id}\t{os.getpid()}\n".encode())
        os.fsync(self.fd)  # accepted: from here on the message exists whatever happens to us
        self.accepted += 1
        if self.accepted == self.fuse:
            print("FUSE", flush=True)
        if self.accepted == self.stall_after:
            print("STALLED", flush=True)
            time.sleep(60)  # noqa: ASYNC251 (on purpose) blocks the loop: no ledger mark can happen until the parent kills us
        return SendResult(SendOutcome.SENT, messages=1)


async def main(db: str, accepted: str, now: dt.datetime, concurrency: int, stall_after: int, fuse: int) -> None:
    clock = FakeClock(now)
    store = Store(db, now=clock.now)
    lease = acquire_instance_lease(store)
    print("READY", flush=True)
    deliverer = Deliverer(store, build_config({}), clock, {PLATFORM: FileSender(accepted, stall_after, fuse)}, lease=lease,
                          concurrency=concurrency)
    results = await deliverer.catch_up()
    await lease.stop()
    store.close()
    statuses = sorted({r.status for r in results})
    print("DONE", len(results), ",".join(statuses), flush=True)


if __name__ == "__main__":
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(message)s")
    db_path, accepted_path, clock_iso, concurrency, stall_after, fuse = sys.argv[1:7]
    asyncio.run(main(db_path, accepted_path, dt.datetime.fromisoformat(clock_iso), int(concurrency), int(stall_after),
                     int(fuse)))
