"""A loopback HTTP server for ingestion tests: feeds, pages, 304s, redirects and hostile answers.

Routes are registered per path; every request is counted and its headers kept, so tests can assert
what the client sent (conditional headers, User-Agent) and how often it came.
"""

from __future__ import annotations

import email.utils
import gzip
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Item:
    title: str
    text: str
    link: str | None = None
    guid: str | None = None
    published: str | None = "Mon, 14 Sep 2020 10:00:00 GMT"  # RFC 822 (RSS); Atom gets an ISO date


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    handler: Handler | None = None


class FeedServer:
    """`with FeedServer() as srv: srv.route("/feed.xml", rss(...)); srv.url("/feed.xml")`."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]  # clients hang up
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    # -- registering answers ------------------------------------------------------------------------------------

    def route(self, path: str, body: bytes | str = b"", content_type: str = "application/rss+xml; charset=utf-8",
              **kwargs: object) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(data, content_type, **kwargs)  # type: ignore[arg-type]

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.routes[path] = Route(status=status, headers={"Location": location})

    def gzip_bomb(self, path: str, bomb: bytes) -> None:
        self.routes[path] = Route(bomb, "application/rss+xml", headers={"Content-Encoding": "gzip"})

    def slow_drip(self, path: str, *, every: float = 0.1, for_seconds: float = 10.0) -> None:
        """Headers at once, then one byte every `every` seconds: no read timeout ever fires."""

        def drip(h: BaseHTTPRequestHandler) -> None:
            h.send_response(200)
            h.send_header("Content-Type", "application/rss+xml")
            h.end_headers()
            h.wfile.write(b"<?xml version='1.0'?>")
            h.wfile.flush()
            end = time.monotonic() + for_seconds
            while time.monotonic() < end:
                time.sleep(every)
                h.wfile.write(b" ")
                h.wfile.flush()

        self.routes[path] = Route(handler=drip)

    def handler(self, path: str, fn: Handler) -> None:
        self.routes[path] = Route(handler=fn)

    # -- serving ------------------------------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                with server._lock:
                    server.hits[path] = server.hits.get(path, 0) + 1
                    server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(path)
                try:
                    if route is None:
                        self._send(404, b"not found", "text/plain")
                    elif route.handler is not None:
                        route.handler(self)
                    else:
                        self._serve(route)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _serve(self, route: Route) -> None:
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    return self._send(304, b"", None, {"ETag": route.etag})
                if route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified:
                    return self._send(304, b"", None, {"Last-Modified": route.last_modified})
                headers = dict(route.headers)
                if route.etag:
                    headers["ETag"] = route.etag
                if route.last_modified:
                    headers["Last-Modified"] = route.last_modified
                self._send(route.status, route.body, route.content_type, headers)
                return None

            def _send(self, status: int, body: bytes, ctype: str | None, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

        return H


# -- documents ------------------------------------------------------------------------------------------------


def http_date(ts: float = 1600000000.0) -> str:
    return email.utils.formatdate(ts, usegmt=True)


def rss(items: list[Item], *, title: str = "Test Wire", lang: str = "de", version: str = "2.0") -> str:
    entries = "".join(
        "<item>"
        f"<title>{escape(i.title)}</title>"
        + (f"<link>{escape(i.link)}</link>" if i.link else "")
        + (f"<guid isPermaLink='false'>{escape(i.guid)}</guid>" if i.guid else "")
        + (f"<pubDate>{i.published}</pubDate>" if i.published else "")
        + f"<description>{escape(i.text)}</description>"
        "</item>"
        for i in items
    )
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='{version}'><channel><title>{escape(title)}</title>"
            f"<link>https://example.org/</link><language>{lang}</language>{entries}</channel></rss>")


def rss_full(items: list[Item], *, title: str = "Full Wire") -> str:
    """RSS 2.0 with content:encoded (HTML) bodies and a short description."""
    entries = "".join(
        "<item>"
        f"<title>{escape(i.title)}</title><link>{escape(i.link or '')}</link><guid>{escape(i.guid or i.link or i.title)}</guid>"
        f"<pubDate>{i.published}</pubDate><description>{escape(i.text[:80])}</description>"
        f"<content:encoded><![CDATA[{''.join(f'<p>{p}</p>' for p in i.text.split(chr(10)) if p)}]]></content:encoded>"
        "</item>"
        for i in items
    )
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0' "
            "xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel>"
            f"<title>{escape(title)}</title><link>https://full.example/</link>{entries}</channel></rss>")


def atom(items: list[Item], *, title: str = "Atom Wire", lang: str = "en") -> str:
    entries = "".join(
        "<entry>"
        f"<title>{escape(i.title)}</title><id>{escape(i.guid or i.link or i.title)}</id>"
        + (f"<link rel='alternate' href='{escape(i.link)}'/>" if i.link else "")
        + "<updated>2020-09-14T10:00:00Z</updated>"
        f"<content type='html'>{escape(i.text)}</content>"
        "</entry>"
        for i in items
    )
    return (f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom' xml:lang='{lang}'>"
            f"<title>{escape(title)}</title><id>urn:test:atom</id><updated>2020-09-14T10:00:00Z</updated>{entries}</feed>")


def rdf(items: list[Item], *, title: str = "RDF Wire") -> str:
    entries = "".join(
        f"<item rdf:about='{escape(i.link or '')}'><title>{escape(i.title)}</title><link>{escape(i.link or '')}</link>"
        f"<description>{escape(i.text)}</description><dc:date>2020-09-14T10:00:00Z</dc:date></item>"
        for i in items
    )
    return ("<?xml version='1.0' encoding='utf-8'?><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' "
            "xmlns='http://purl.org/rss/1.0/' xmlns:dc='http://purl.org/dc/elements/1.1/'>"
            f"<channel rdf:about='https://rdf.example/'><title>{escape(title)}</title><link>https://rdf.example/</link>"
            "<description>d</description></channel>" + entries + "</rdf:RDF>")


def malformed(items: list[Item]) -> str:
    """RSS with an undefined entity, an unescaped ampersand and no closing tags: bozo, but usable."""
    doc = rss(items).replace("</channel></rss>", "")
    return doc.replace("<title>Test Wire</title>", "<title>Test &nbsp; Wire & Co</title>")


def billion_laughs(levels: int = 10) -> str:
    lines = ['<!ENTITY lol0 "lol">']
    lines += [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, levels)]
    return (f"<?xml version='1.0'?><!DOCTYPE rss [{''.join(lines)}]><rss version='2.0'><channel><title>t</title>"
            f"<item><title>&lol{levels - 1};</title><description>x</description></item></channel></rss>")


def quadratic_blowup(entity_size: int = 50_000, refs: int = 5_000) -> str:
    refs_text = "&a;" * refs
    return (f"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY a \"{'x' * entity_size}\">]><rss version='2.0'><channel>"
            f"<title>t</title><item><title>q</title><description>{refs_text}</description></item></channel></rss>")


def html_page(title: str, paragraphs: list[str], *, date: str | None = "2020-09-14") -> str:
    meta = f'<meta property="article:published_time" content="{date}T08:00:00+02:00">' if date else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><title>{escape(title)}</title>{meta}"
            "<script>document.write('tracker')</script></head><body>"
            "<nav><a href='/'>Start</a> | <a href='/politik'>Politik</a></nav>"
            f"<article><h1>{escape(title)}</h1>{body}</article>"
            "<footer>© Test Verlag · Impressum · Datenschutz</footer></body></html>")


def make_gzip_bomb(decompressed: int = 256 << 20) -> bytes:
    """`decompressed` zero bytes in ~1/230 of that size (256 MB -> ~1.1 MB): level 1 is fast and still a bomb."""
    comp = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    parts = [comp.compress(zeros) for _ in range(decompressed >> 20)]
    parts.append(comp.flush())
    return b"".join(parts)


def gzipped(body: str | bytes) -> bytes:
    return gzip.compress(body.encode() if isinstance(body, str) else body)


def html_date_page(title: str, text: str, date: str) -> str:
    """An article page whose paragraphs are the sentences of `text`, dated by a meta tag."""
    sentences = [s.strip() + "." for s in text.split(". ") if s.strip()]
    return html_page(title, sentences, date=date)
