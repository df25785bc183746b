"""Command line: run | ingest | extract | ask | digest | remind | feeds | migrate-store. Thin over the library."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.progress import Progress, TaskID

from newsdigest import __version__
from newsdigest.app import App, open_store, platform_sender, sender_for
from newsdigest.bot.console import ConsoleSender, render_console, respond_line
from newsdigest.cli_feeds import run_feeds_command
from newsdigest.clock import Clock, parse_date
from newsdigest.config import Config, load_config
from newsdigest.digests.ondemand import parse_chat, run_digest_now
from newsdigest.digests.reminders import ReminderResult, run_reminders_now
from newsdigest.doctor import doctor_main
from newsdigest.errors import NewsdigestError, NotADatabaseError, UserError
from newsdigest.extract import extract
from newsdigest.handlers import Core, all_commands
from newsdigest.handlers.feed_cmds import error_hint
from newsdigest.handlers.registry import parse_command
from newsdigest.ingest.feeds import FeedError
from newsdigest.ingest.fetch import FetchError
from newsdigest.ingest.files import ArticleFileError, read_article, read_manifest
from newsdigest.ingest.oneshot import ingest_url_sync
from newsdigest.ingest.pages import PageError
from newsdigest.ingest.pipeline import ingest_local
from newsdigest.logs import setup_logging
from newsdigest.models import ChatRef
from newsdigest.store.backend import mask_url
from newsdigest.store.store import Store
from newsdigest.store.transfer import BATCH_ROWS, migrate_store
from newsdigest.stories.export import stories_json
from newsdigest.summarize.service import build_briefs
from newsdigest.texts import articles, format_date
from newsdigest.texts import t as tr

EXIT_OK, EXIT_BAD_INPUT, EXIT_FAILED = 0, 2, 1
EXIT_SIGPIPE = 128 + 13  # what a shell reports for a tool killed by SIGPIPE


class CliError(UserError):
    """Bad command-line input; printed as one line, exit 2."""


def _date_arg(value: str) -> dt.date:
    try:
        day = parse_date(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if day is None:
        raise argparse.ArgumentTypeError("empty date (use YYYY-MM-DD)")
    return day


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsdigest", description="Follow developing news stories from chat.")
    parser.add_argument("--version", action="version", version=f"newsdigest {__version__}")
    sub = parser.add_subparsers(dest="cmd", metavar="COMMAND")

    def common(p: argparse.ArgumentParser, *, as_of: bool = True, db: bool = True) -> None:
        p.add_argument("--config", metavar="FILE", help="TOML config (default: $NEWSDIGEST_CONFIG or ./newsdigest.toml)")
        if db:
            p.add_argument("--db", metavar="FILE|URL",
                           help="SQLite file or postgresql://user@host/db URL (overrides [storage])")
        if as_of:
            p.add_argument("--as-of", type=_date_arg, metavar="DATE", help="replay the past: only articles up to DATE")

    p = sub.add_parser("run", help="run the bot (console chat when no platform token is configured)")
    common(p)
    p.add_argument("--console", action="store_true", help="chat on stdin/stdout even when platforms are configured")

    p = sub.add_parser("ingest", help="ingest article files, folders, feed URLs or page URLs")
    common(p, as_of=False)
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    p.add_argument("--published", type=_date_arg, metavar="DATE", help="publication date for files without one")

    p = sub.add_parser("extract", help="print one article's extraction")
    p.add_argument("file", type=Path)
    p.add_argument("--published", type=_date_arg, metavar="DATE")
    p.add_argument("--lang", choices=("de", "en"))
    p.add_argument("--title")
    p.add_argument("--json", action="store_true", help="JSON output (the stable interface)")

    p = sub.add_parser("ask", help='answer one chat command, e.g. newsdigest ask "/deadline"')
    common(p)
    p.add_argument("line", metavar='"/command args"')
    p.add_argument("--json", action="store_true", help="print the reply as one JSON object (the stable interface)")

    p = sub.add_parser("stories", help="list the stories with their articles")
    common(p)
    p.add_argument("--json", action="store_true", help="JSON output (the stable interface)")

    p = sub.add_parser("digest", help="compose (and send) the digest")
    common(p)
    p.add_argument("--chat", metavar="ID", help="one chat: console, telegram:ID or slack:CHANNEL (default: all due)")
    p.add_argument("--dry-run", action="store_true", help="print, do not send")

    p = sub.add_parser("remind", help="compose (and send) the deadline reminders due on a day")
    common(p)
    p.add_argument("--chat", metavar="ID", help="one chat: console, telegram:ID or slack:CHANNEL (default: console)")
    p.add_argument("--dry-run", action="store_true", help="print, do not send")

    p = sub.add_parser("feeds", help="list, add, remove, import or export feeds")
    common(p, as_of=False)
    p.add_argument("action", choices=("list", "add", "remove", "import", "export"))
    p.add_argument("arg", nargs="?", metavar="URL|FILE")

    p = sub.add_parser("migrate-store", help="copy an SQLite database into an empty PostgreSQL one, and check it")
    p.add_argument("--from", dest="source", required=True, type=Path, metavar="SQLITE_FILE")
    p.add_argument("--to", dest="target", required=True, metavar="URL", help="postgresql://user@host:5432/db")
    p.add_argument("--batch", type=_positive, default=BATCH_ROWS, metavar="ROWS", help="rows per batch")

    p = sub.add_parser("doctor", help="check configuration, database, platforms and feeds")
    common(p, as_of=False)
    return parser


def _config(args: argparse.Namespace) -> Config:
    cfg = load_config(getattr(args, "config", None))
    if getattr(args, "db", None):
        cfg = cfg.replace(storage=cfg.storage.with_db(args.db))
    as_of = getattr(args, "as_of", None) or cfg.bot.as_of
    if as_of != cfg.bot.as_of:
        cfg = cfg.replace(bot=dataclasses.replace(cfg.bot, as_of=as_of))
    return cfg


def _clock(cfg: Config) -> Clock:
    return Clock(as_of=cfg.bot.as_of)


def cmd_run(args: argparse.Namespace, cfg: Config) -> int:
    return asyncio.run(App(cfg, _clock(cfg), force_console=args.console).run())


def _command_name(line: str) -> str | None:
    """The command a line names, aliases resolved ('/frist' -> 'deadline'); None for none or an unknown one."""
    parsed = parse_command(line) if line.lstrip().startswith("/") else None  # as the console reads a line
    return parsed.name if parsed is not None and parsed.name in all_commands() else None


def cmd_ask(args: argparse.Namespace, cfg: Config) -> int:
    store = open_store(cfg)
    try:
        clock = _clock(cfg)
        core = Core(store=store, config=cfg, clock=clock, briefs=build_briefs(cfg.summarize, clock, one_shot=True))
        reply = asyncio.run(respond_line(core, args.line))
        if core.briefs is not None:
            core.briefs.close()
        if args.json:
            data = reply.as_dict(args.line)
            data.setdefault("command", _command_name(args.line))  # always there: null for no or an unknown command
            print(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            print(render_console(reply, Path.cwd()))
    finally:
        store.close()
    return EXIT_BAD_INPUT if reply.error else EXIT_OK


def cmd_stories(args: argparse.Namespace, cfg: Config) -> int:
    store = open_store(cfg)
    try:
        data = stories_json(store, as_of=cfg.bot.as_of)
    finally:
        store.close()
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    elif not data["stories"]:  # say so, instead of printing nothing
        as_of = cfg.bot.as_of
        print(tr("en", "no_stories", when=tr("en", "when_as_of", date=format_date(as_of, "en")) if as_of else ""))
    else:
        for s in data["stories"]:
            print(f"{s['slug']}\t{s['name']}\t{articles('en', len(s['articles']))}")
    return EXIT_OK


def cmd_extract(args: argparse.Namespace, cfg: Config | None = None) -> int:
    path: Path = args.file
    if path.is_dir():
        raise CliError(f"{path}: a folder; extract reads one article file (newsdigest ingest FOLDER stores a folder)")
    try:  # read as `ingest` reads it: the same checks, the folder's manifest, a saved page's main text
        article = read_article(path, entry=read_manifest(path.parent).get(path.name))
    except ArticleFileError as exc:
        raise CliError(str(exc)) from None
    result = extract(
        article.text,
        published=args.published or article.published,
        lang=args.lang or article.lang,
        title=args.title or article.title,
    )
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"language: {result.lang}  published: {result.published or '?'}")
    print("actors: " + (", ".join(result.actors) or "-"))
    for d in result.deadlines:
        extra = f" (replaces {d.supersedes})" if d.supersedes else ""
        extra += " (no longer holds)" if d.retired else ""
        print(f"{d.kind} {d.value}{extra}: {d.what}  «{d.text}»")
    for k in result.key_points:
        print(f"[{k.kind} {k.score:.2f}] {k.text}")
    return EXIT_OK


def cmd_ingest(args: argparse.Namespace, cfg: Config) -> int:
    store = open_store(cfg, seed=False)
    try:
        urls = [s for s in args.sources if s.startswith(("http://", "https://"))]
        paths = [_local_path(s) for s in args.sources if s not in urls]
        failed = False
        if paths:
            report = ingest_local(store, paths, published=args.published, progress=_ProgressBar())
            for line in report.lines():
                print(line, file=sys.stderr)
            print(f"files: {report.summary()}; {articles('en', store.article_count())} in {store.path}")
            failed |= bool(report.errors)
        for url in urls:
            failed |= not _ingest_url(store, cfg, url, args.published)
    finally:
        store.close()
    return EXIT_FAILED if failed else EXIT_OK


def _local_path(source: str) -> Path:
    if "://" in source:  # Path() would fold it into a file name that does not exist
        raise CliError(f"{source}: not an http:// or https:// URL; give a feed or page URL, a file or a folder")
    return Path(source)


def _ingest_url(store: Store, cfg: Config, url: str, published: dt.date | None) -> bool:
    try:
        report = ingest_url_sync(store, cfg, url, published=published)
    except (FetchError, FeedError, PageError) as exc:
        print(f"error: {url}: {exc}\n{error_hint(exc)}".rstrip(), file=sys.stderr)
        return False
    for line in report.lines():
        print(line, file=sys.stderr)
    print(f"{url}: {report}")
    return not report.errors  # an entry that was not stored is a failure, never an acknowledged write


class _ProgressBar:
    """A rich progress bar on a terminal when many files come in; silent otherwise."""

    def __init__(self) -> None:
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        if total < 20 or not sys.stderr.isatty():
            return
        if self.bar is None:
            self.bar = Progress(transient=True)
            self.bar.start()
            self.task = self.bar.add_task("ingesting", total=total)
        assert self.task is not None
        self.bar.update(self.task, completed=done)
        if done >= total:
            self.bar.stop()


def _target_chat(value: str | None) -> ChatRef:
    """`--chat telegram:ID|slack:CHANNEL|console` (default console) for digest and remind."""
    try:
        return parse_chat(value or "console")
    except ValueError as exc:
        raise CliError(str(exc)) from None


def cmd_digest(args: argparse.Namespace, cfg: Config) -> int:
    chat = _target_chat(args.chat)
    store = open_store(cfg)
    try:
        if args.dry_run or chat.platform == "console":
            sender = None if args.dry_run else ConsoleSender(sys.stdout)
            run = asyncio.run(run_digest_now(store, cfg, _clock(cfg), chat, sender=sender, dry_run=args.dry_run))
            if args.dry_run:
                print(render_console(run.reply))
            return EXIT_OK
        try:
            result = asyncio.run(platform_sender(store, cfg, _clock(cfg), chat))
        except ValueError as exc:
            raise CliError(str(exc)) from None
    finally:
        store.close()
    print(f"digest to {chat.key}: {result.outcome.value} {result.detail}".rstrip())
    return EXIT_OK if result.outcome.value == "sent" else EXIT_FAILED


def cmd_remind(args: argparse.Namespace, cfg: Config) -> int:
    chat = _target_chat(args.chat)
    store = open_store(cfg)
    clock = _clock(cfg)

    async def run() -> list[ReminderResult]:
        if args.dry_run or chat.platform == "console":
            sender = None if args.dry_run else ConsoleSender(sys.stdout)
            return await run_reminders_now(store, cfg, clock, chat, sender=sender, dry_run=args.dry_run)
        async with sender_for(store, cfg, clock, chat.platform) as platform:
            return await run_reminders_now(store, cfg, clock, chat, sender=platform)

    try:
        results = asyncio.run(run())
        rules = store.reminders_for(chat)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()
    lang = rules[0].lang if rules else cfg.bot.language
    if not rules:
        print(tr(lang, "remind_no_rules", chat=chat.key))
    elif not results:
        print(tr(lang, "remind_nothing", chat=chat.key, date=format_date(clock.as_of or clock.today(), lang)))
    for r in results:
        if args.dry_run and r.reply is not None:
            print(render_console(r.reply))
        elif chat.platform != "console":
            print(f"reminder {r.key} to {chat.key}: {r.status} {r.detail}".rstrip())
    failed = any(r.status in ("failed", "retry", "gone") for r in results)
    return EXIT_FAILED if failed else EXIT_OK


def cmd_migrate_store(args: argparse.Namespace, cfg: Config) -> int:
    """Copy, then one line per table (rows on both sides, the check) and a verdict; exit 1 when a check fails."""
    shown: set[str] = set()

    def progress(table: str, done: int, total: int) -> None:
        if done == total or table not in shown:
            print(f"copying {table}: {done:,} / {total:,} rows", file=sys.stderr, flush=True)
            shown.add(table)

    try:
        report = migrate_store(args.source, args.target, batch_rows=args.batch, progress=progress)
    except NotADatabaseError:  # the store's own advice names --db and [storage] path, which this command has not
        raise CliError(f"{args.source} is not a newsdigest SQLite database (not SQLite, or damaged); give --from "
                       "the bot's database file, e.g. data/newsdigest.db") from None
    width = max((len(t.name) for t in report.tables), default=5)
    print(f"{'table':<{width}}  {'SQLite':>9}  {'PostgreSQL':>10}  check")
    for t in report.tables:
        verdict = "ok" if t.ok else ("rows differ" if t.source_rows != t.target_rows else "checksums differ")
        print(f"{t.name:<{width}}  {t.source_rows:>9,}  {t.target_rows:>10,}  {verdict}")
    target = mask_url(args.target)
    if not report.ok:
        bad = ", ".join(t.name for t in report.tables if not t.ok)
        print(f"newsdigest: migrate-store check failed ({bad}): the copy was rolled back, {target} is as it was",
              file=sys.stderr)
        return EXIT_FAILED
    rows = sum(t.target_rows for t in report.tables)
    print(f"copied {rows:,} rows in {len(report.tables)} tables to {target}: row counts and checksums match")
    return EXIT_OK


def cmd_feeds(args: argparse.Namespace, cfg: Config) -> int:
    return int(run_feeds_command(cfg, args.action, args.arg))


def _platforms(cfg: Config) -> bool:
    return cfg.telegram_enabled or cfg.slack_enabled


COMMANDS = {"run": cmd_run, "ask": cmd_ask, "stories": cmd_stories, "ingest": cmd_ingest, "digest": cmd_digest,
            "remind": cmd_remind, "feeds": cmd_feeds, "migrate-store": cmd_migrate_store}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.cmd:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        if args.cmd == "extract":
            return cmd_extract(args)
        if args.cmd == "doctor":  # a broken config is one of the things it reports
            return doctor_main(args.config, args.db)
        cfg = _config(args)
        quiet = args.cmd in ("ask", "extract", "stories", "remind", "migrate-store") or (args.cmd == "run" and not _platforms(cfg))
        setup_logging(cfg, quiet=quiet)
        return COMMANDS[args.cmd](args, cfg)
    except NewsdigestError as exc:
        print(f"newsdigest: {_one_line(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return _closed_pipe()
    except KeyboardInterrupt:
        return 130


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _closed_pipe() -> int:
    """The reader went away (`ask … | head -1`): end quietly, as Unix tools do on SIGPIPE."""
    with contextlib.suppress(OSError):  # point stdout at /dev/null so the interpreter's final flush stays silent
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_SIGPIPE
