"""feedparser's own test corpus through `newsdigest ingest URL`, served on loopback: what is refused, what fails,
what yields nothing, how many problems are reported.

Usage: python bench/feed_corpus.py CORPUS_DIR [--limit N]
  CORPUS_DIR: the tests/ folder of feedparser's sdist
  (pip download --no-deps --no-binary :all: feedparser==6.0.14; tar xzf feedparser-6.0.14.tar.gz)

Each file is served with the Content-Type its leading comment names ("Header: Content-type: …", feedparser's
convention), else application/xml, and ingested into its own fresh database (page completion off: item links
point at hosts that do not exist here). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import dataclasses
import re
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsdigest.config import build_config
from newsdigest.ingest.oneshot import ingest_url_async
from newsdigest.store.store import Store

_HEADER = re.compile(rb"^Header:\s*([\w-]+):\s*(.+?)\s*$", re.M | re.I)


def served_headers(data: bytes) -> dict[str, str]:
    head = data[:2000]
    found = {k.decode().lower(): v.decode("latin-1") for k, v in _HEADER.findall(head)}
    return {k: v for k, v in found.items() if k in ("content-type", "content-encoding")} or {
        "content-type": "application/xml"}


def serve(root: Path) -> ThreadingHTTPServer:
    class H(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = root / self.path.lstrip("/").split("?")[0]
            if not path.is_file():
                self.send_response(404)
                self.end_headers()
                return
            data = path.read_bytes()
            self.send_response(200)
            for k, v in served_headers(data).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def classify(exc: BaseException) -> str:
    name = type(exc).__name__
    if name == "FeedRefused":
        return "refused (entity guard)"
    if name in ("FetchRefused", "FetchSchemeRefused"):
        return "refused (address guard)"
    return f"error: {name}"


async def run(root: Path, files: list[Path], port: int) -> tuple[collections.Counter[str], int, int, list[str]]:
    base = build_config({})
    config = dataclasses.replace(base, ingest=dataclasses.replace(
        base.ingest, allow_hosts=("127.0.0.1", f"127.0.0.1:{port}"), fetch_pages=False, timeout_seconds=10.0))
    outcomes: collections.Counter[str] = collections.Counter()
    problems = articles = 0
    refused: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, path in enumerate(files):
            store = Store(Path(tmp) / f"{i}.db")
            url = f"http://127.0.0.1:{port}/{path.relative_to(root).as_posix()}"
            try:
                report = await ingest_url_async(store, config, url)
            except Exception as exc:  # noqa: BLE001 (every kind of refusal and failure is counted, none stops the run)
                kind = classify(exc)
                outcomes[kind] += 1
                if kind.startswith("refused"):
                    refused.append(f"{path.relative_to(root)}: {exc}")
            else:
                updated = getattr(getattr(report, "report", None), "updated", 0)  # older reports have none
                stored = report.created + report.known + updated
                articles += report.created
                problems += len(getattr(report, "problems", [])) + len(report.errors)
                outcomes["ok, articles stored" if stored else "ok, nothing stored"] += 1
            finally:
                store.close()
    return outcomes, problems, articles, refused


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus_dir")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--show-refused", action="store_true")
    args = parser.parse_args()
    root = Path(args.corpus_dir)
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".xml", ".rdf", ".atom", ".rss", ".gz"))
    files = files[: args.limit] if args.limit else files
    httpd = serve(root)
    started = time.perf_counter()
    try:
        outcomes, problems, articles, refused = asyncio.run(run(root, files, httpd.server_address[1]))
    finally:
        httpd.shutdown()
    print(f"{len(files)} corpus files over loopback in {time.perf_counter() - started:.0f} s; "
          f"{articles} articles stored, {problems} problems/failures reported\n")
    print("| outcome | files |")
    print("|---|---:|")
    for kind, n in sorted(outcomes.items(), key=lambda kv: -kv[1]):
        print(f"| {kind} | {n} |")
    if args.show_refused:
        print("\nrefused:")
        for line in refused:
            print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
