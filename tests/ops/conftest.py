"""Loopback feed server for the doctor tests (stdlib, in a thread, so sync and async tests can use it)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Loopback News</title><link>http://127.0.0.1/</link>
<item><title>First</title><link>http://127.0.0.1/a</link><guid>a</guid><description>One.</description></item>
<item><title>Second</title><link>http://127.0.0.1/b</link><guid>b</guid><description>Two.</description></item>
</channel></rss>"""
HTML = b"<!doctype html><html><head><title>Just a page</title></head><body><p>No feed here.</p></body></html>"
ROUTES = {"/feed.xml": ("application/rss+xml", RSS), "/page.html": ("text/html", HTML)}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        route = ROUTES.get(self.path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        ctype, body = route
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass


@pytest.fixture
def feed_server() -> Iterator[str]:
    """Base URL (http://127.0.0.1:PORT) serving /feed.xml (RSS, 2 items), /page.html and 404 elsewhere."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
