"""fetch.py against the loopback feed server: caps, deadlines, encodings, redirects, conditional GET."""

from __future__ import annotations

import gzip
import socket
import tracemalloc
import zlib
from collections.abc import Iterator

import pytest

from newsdigest.ingest.fetch import (
    Fetcher,
    FetchError,
    FetchHTTPError,
    FetchTimeout,
    FetchTooLarge,
    FetchUnreachable,
    fetch_sync,
    resolve_with,
)
from tests.fakes.feed_server import FeedServer, Item, http_date, make_gzip_bomb, rss
from tests.ingest.conftest import ingest_cfg

FEED = rss([Item("Hallo", "Welt " * 50, link="https://example.org/a", guid="a")])


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return make_gzip_bomb(256 << 20)  # ~1.1 MB on the wire, 256 MB inflated


@pytest.fixture
def srv(feed_server: FeedServer) -> Iterator[FeedServer]:
    feed_server.route("/feed.xml", FEED, etag='"v1"', last_modified=http_date())
    yield feed_server


async def test_plain_fetch_sends_user_agent_and_returns_validators(srv: FeedServer) -> None:
    async with Fetcher(ingest_cfg()) as f:
        r = await f.fetch(srv.url("/feed.xml"))
    assert r.status == 200 and r.content == FEED.encode()
    assert r.etag == '"v1"' and r.last_modified == http_date()
    assert r.media_type == "application/rss+xml"
    assert "newsdigest" in srv.requests[-1][1]["user-agent"]


async def test_conditional_get_returns_304_without_body(srv: FeedServer) -> None:
    async with Fetcher(ingest_cfg()) as f:
        by_etag = await f.fetch(srv.url("/feed.xml"), etag='"v1"')
        by_date = await f.fetch(srv.url("/feed.xml"), last_modified=http_date())
        changed = await f.fetch(srv.url("/feed.xml"), etag='"v0"')
    assert by_etag.not_modified and by_etag.content == b""
    assert by_date.not_modified
    assert not changed.not_modified and changed.content
    assert srv.requests[0][1]["if-none-match"] == '"v1"'
    assert srv.requests[1][1]["if-modified-since"] == http_date()


@pytest.mark.parametrize("encoding", ["gzip", "deflate-zlib", "deflate-raw", "gzip-members"])
async def test_compressed_bodies_are_decoded(srv: FeedServer, encoding: str) -> None:
    data = FEED.encode()
    if encoding == "gzip":
        body, header = gzip.compress(data), "gzip"
    elif encoding == "gzip-members":
        body, header = gzip.compress(data[:100]) + gzip.compress(data[100:]), "gzip"
    elif encoding == "deflate-zlib":
        body, header = zlib.compress(data), "deflate"
    else:
        c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        body, header = c.compress(data) + c.flush(), "deflate"
    srv.route("/z.xml", body, headers={"Content-Encoding": header})
    async with Fetcher(ingest_cfg()) as f:
        assert (await f.fetch(srv.url("/z.xml"))).content == data


async def test_gzip_bomb_stops_at_the_cap_with_bounded_memory(srv: FeedServer, bomb: bytes) -> None:
    cap = 2_000_000  # the compressed bomb (1.1 MB) fits under the cap; 256 MB inflated does not
    assert len(bomb) < cap
    srv.gzip_bomb("/bomb.xml", bomb)
    async with Fetcher(ingest_cfg(max_bytes=cap)) as f:
        tracemalloc.start()
        try:
            with pytest.raises(FetchTooLarge, match="decompressed body exceeds"):
                await f.fetch(srv.url("/bomb.xml"))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 6 * cap  # a naive decoder holds 256 MB here


async def test_raw_body_over_the_cap_is_cut_off(srv: FeedServer) -> None:
    srv.route("/big.xml", b"x" * 300_000, headers={})
    srv.handler("/chunked.xml", _chunked(b"y" * 300_000))
    async with Fetcher(ingest_cfg(max_bytes=100_000)) as f:
        with pytest.raises(FetchTooLarge, match="300000 bytes exceeds the 100000 byte limit"):
            await f.fetch(srv.url("/big.xml"))  # declared Content-Length: refused before reading
        with pytest.raises(FetchTooLarge, match="exceeds the 100000 byte limit"):
            await f.fetch(srv.url("/chunked.xml"))  # no length: counted while reading


def _chunked(body: bytes):  # type: ignore[no-untyped-def]
    def send(h):  # type: ignore[no-untyped-def]
        h.send_response(200)
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        for i in range(0, len(body), 8192):
            part = body[i : i + 8192]
            h.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        h.wfile.write(b"0\r\n\r\n")

    return send


async def test_slow_drip_hits_the_total_deadline(srv: FeedServer) -> None:
    srv.slow_drip("/slow.xml", every=0.05, for_seconds=5)
    async with Fetcher(ingest_cfg(timeout_seconds=0.6)) as f:
        # a byte every 50 ms: the read timeout alone would never fire, and the drip ends only after 5 s
        with pytest.raises(FetchTimeout, match=r"within 0\.6 s"):
            await f.fetch(srv.url("/slow.xml"))


async def test_redirects_are_followed_up_to_five(srv: FeedServer) -> None:
    for i in range(7):
        srv.redirect(f"/r{i}", f"/r{i + 1}" if i < 6 else "/feed.xml", status=301 if i % 2 else 302)
    async with Fetcher(ingest_cfg()) as f:
        ok = await f.fetch(srv.url("/r2"))
        assert ok.url.endswith("/feed.xml") and len(ok.redirects) == 5
        with pytest.raises(FetchError, match="more than 5 redirects"):
            await f.fetch(srv.url("/r0"))


async def test_http_errors_carry_status_and_retry_after(srv: FeedServer) -> None:
    srv.route("/busy", b"slow down", "text/plain", status=429, headers={"Retry-After": "120"})
    async with Fetcher(ingest_cfg()) as f:
        with pytest.raises(FetchHTTPError) as missing:
            await f.fetch(srv.url("/nothing-here"))
        with pytest.raises(FetchHTTPError) as busy:
            await f.fetch(srv.url("/busy"))
    assert missing.value.status == 404 and "404" in str(missing.value)
    assert busy.value.status == 429 and busy.value.retry_after == 120


async def test_unsupported_encoding_is_an_error(srv: FeedServer) -> None:
    srv.route("/br.xml", b"\x1b\x00", headers={"Content-Encoding": "br"})
    async with Fetcher(ingest_cfg()) as f:
        with pytest.raises(FetchError, match="unsupported content encoding 'br'"):
            await f.fetch(srv.url("/br.xml"))


async def test_connection_refused_is_an_unreachable_host() -> None:
    async with Fetcher(ingest_cfg()) as f:
        with pytest.raises(FetchUnreachable, match=r"^cannot connect to 127\.0\.0\.1$") as caught:
            await f.fetch("http://127.0.0.1:9/feed.xml")  # discard port: nothing listens
    assert caught.value.host == "127.0.0.1"


async def test_a_name_that_does_not_resolve_is_an_unreachable_host_without_the_errno() -> None:
    async def no_such_name(host: str, port: int, **_: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(FetchUnreachable) as caught:
        await resolve_with(no_such_name, "zeitung", 80)
    assert (str(caught.value), caught.value.host) == ("cannot resolve host 'zeitung'", "zeitung")


def test_fetch_sync_from_plain_code(srv: FeedServer) -> None:
    assert fetch_sync(srv.url("/feed.xml"), ingest_cfg()).content == FEED.encode()


async def test_sync_fetch_refuses_to_nest_an_event_loop(srv: FeedServer) -> None:
    """One event loop per process: sync helpers never start a second one inside a running loop."""
    with pytest.raises(RuntimeError, match="running event loop"):
        fetch_sync(srv.url("/feed.xml"), ingest_cfg())
