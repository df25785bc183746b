"""`newsdigest feeds list|add|remove|import|export` — thin over the feed library; exit codes 0 ok, 1 failed, 2 bad input."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TextIO

from newsdigest.app import open_store
from newsdigest.config import Config
from newsdigest.handlers.feed_cmds import error_hint, feeds_reply
from newsdigest.ingest.feeds import FeedError
from newsdigest.ingest.fetch import FetchError
from newsdigest.ingest.oneshot import add_feed_checked
from newsdigest.ingest.opml import OpmlError, export_opml, import_opml
from newsdigest.store.store import Store

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def run_feeds_command(
    cfg: Config, action: str, arg: str | None, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    needs_arg = action in ("add", "remove", "import")
    if needs_arg and not arg:
        what = "FILE.opml" if action == "import" else "URL"
        print(f"error: newsdigest feeds {action} needs {what}", file=err)
        return EXIT_BAD_INPUT
    store = open_store(cfg, seed=False)
    try:
        return _run(store, cfg, action, arg or "", out, err)
    finally:
        store.close()


def _run(store: Store, cfg: Config, action: str, arg: str, out: TextIO, err: TextIO) -> int:
    if action == "list":
        if not store.feed_health():  # the chat's "admins add one with /addfeed" is no help on the command line
            print("No feeds yet. Add one with: newsdigest feeds add URL (or import an OPML file: newsdigest feeds "
                  "import FILE.opml)", file=out)
            return EXIT_OK
        print(feeds_reply(store).plain_text(), file=out)
        return EXIT_OK
    if action == "export":
        out.write(export_opml(store))
        return EXIT_OK
    if action == "remove":
        if store.remove_feed(arg):
            print(f"removed {arg}", file=out)
            return EXIT_OK
        print(f"error: {arg} is not followed (see: newsdigest feeds list)", file=err)
        return EXIT_FAILED
    if action == "import":
        if not Path(arg).is_file():  # nothing to read: the OPML form would not help
            print(f"error: {arg}: no such file (give the OPML file your feed reader exported)", file=err)
            return EXIT_BAD_INPUT
        try:
            report = import_opml(store, arg)
        except OpmlError as exc:
            where = "" if str(exc).startswith(arg) else f"{arg}: "
            print(f"error: {where}{exc}\nAn OPML file is what a feed reader exports: <opml><body><outline "
                  'xmlUrl="https://…"/>…</body></opml>', file=err)
            return EXIT_BAD_INPUT
        for problem in report.invalid:
            print(f"skipped: {problem}", file=err)
        print(report.summary(), file=out)
        return EXIT_OK
    if action == "add":
        try:
            outcome = asyncio.run(add_feed_checked(store, cfg, arg, added_by="cli"))  # the CLI's one loop
        except (FetchError, FeedError) as exc:
            print(f"error: {arg}: {exc}\n{error_hint(exc)}", file=err)
            return EXIT_FAILED
        name = f"“{outcome.title}”" if outcome.title else arg
        for line in outcome.warnings:
            print(line, file=err)
        done = "added" if outcome.new else "already followed:"
        new = "1 new article" if outcome.created == 1 else f"{outcome.created} new articles"
        print(f"{done} {name}: {new}, {outcome.known} already known", file=out)
        return EXIT_OK
    print(f"error: unknown action {action!r} (list, add, remove, import, export)", file=err)
    return EXIT_BAD_INPUT
