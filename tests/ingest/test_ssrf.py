"""The SSRF guard: a pure address matrix, numeric host spellings, and guarded fetches on loopback only."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsdigest.config import IngestConfig
from newsdigest.ingest.fetch import (
    Fetcher,
    FetchRefused,
    HostPolicy,
    address_refusal,
    check_url,
    checked_addresses,
    parse_ip_literal,
)
from tests.fakes.feed_server import FeedServer, Item, rss
from tests.ingest.conftest import ingest_cfg

REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.255.0.9", "loopback"),
    ("10.0.0.5", "private address 10.0.0.5 (RFC 1918)"),
    ("172.16.3.4", "RFC 1918"),
    ("172.31.255.255", "RFC 1918"),
    ("192.168.1.1", "RFC 1918"),
    ("169.254.169.254", "metadata"),
    ("169.254.1.1", "link-local"),
    ("100.64.0.1", "carrier-grade NAT"),
    ("100.127.255.254", "carrier-grade NAT"),
    ("0.0.0.0", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "broadcast"),
    ("192.0.2.10", "documentation"),
    ("198.18.0.1", "benchmarking"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fc00::1", "unique local"),
    ("fd12:3456::1", "unique local"),
    ("fe80::1", "link-local"),
    ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "IPv4-mapped"),
    ("::ffff:10.1.2.3", "RFC 1918"),
    ("::ffff:169.254.169.254", "metadata"),
    ("64:ff9b::a00:5", "NAT64"),  # NAT64 of 10.0.0.5
    ("64:ff9b::7f00:1", "loopback"),
    ("2002:7f00:1::1", "6to4"),  # 6to4 of 127.0.0.1
    ("2002:c0a8:101::1", "RFC 1918"),  # 6to4 of 192.168.1.1
    ("::127.0.0.1", "IPv4-compatible"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
    ("2001:db8::1", "documentation"),
]
ALLOWED = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111",
           "::ffff:8.8.8.8", "2002:808:808::1"]


@pytest.mark.parametrize(("address", "words"), REFUSED)
def test_refused_addresses_name_the_reason(address: str, words: str) -> None:
    reason = address_refusal(ipaddress.ip_address(address))
    assert reason is not None and words in reason


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_pass(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    ("host", "expected"),
    [("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"),
     ("017700000001", "127.0.0.1"), ("127.1", "127.0.0.1"), ("10.1", "10.0.0.1"), ("167772165", "10.0.0.5"),
     ("0xA9.0xFE.0xA9.0xFE", "169.254.169.254"), ("[::1]", "::1"), ("example.org", None), ("1e100.net", None)],
)
def test_numeric_host_spellings(host: str, expected: str | None) -> None:
    ip = parse_ip_literal(host)
    assert (str(ip) if ip else None) == expected


@given(st.integers(0, 2**32 - 1), st.sampled_from(["dec", "hex", "oct", "dotted-hex", "two-part"]))
def test_numeric_hosts_agree_with_the_c_resolver(n: int, form: str) -> None:
    a, b, c, d = n.to_bytes(4, "big")
    host = {
        "dec": str(n), "hex": hex(n), "oct": "0" + oct(n)[2:],
        "dotted-hex": f"{a:#x}.{b:#x}.{c:#x}.{d:#x}", "two-part": f"{a}.{n & 0xFFFFFF}",
    }[form]
    assert parse_ip_literal(host) == ipaddress.IPv4Address(socket.inet_aton(host))


@given(st.ip_addresses(v=4, network="10.0.0.0/8") | st.ip_addresses(v=4, network="192.168.0.0/16")
       | st.ip_addresses(v=4, network="127.0.0.0/8") | st.ip_addresses(v=6, network="fc00::/7"))
def test_every_private_address_is_refused_in_every_wrapping(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    assert address_refusal(ip) is not None
    if ip.version == 4:
        assert address_refusal(ipaddress.IPv6Address(f"::ffff:{ip}")) is not None
        assert address_refusal(ipaddress.IPv6Address((0x2002 << 112) | (int(ip) << 80))) is not None


def test_malformed_numeric_host_is_refused() -> None:
    with pytest.raises(FetchRefused, match="malformed"):
        parse_ip_literal("1.2.3.256")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed", "gopher://x/", "/relative", "http://"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchRefused):
        check_url(url)


def _resolver(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    calls: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return table[host]

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


async def test_host_resolving_to_private_address_is_refused_before_connecting() -> None:
    resolver = _resolver({"intranet.example": ["10.0.0.5"]})
    with pytest.raises(FetchRefused, match=r"intranet.example resolves to private address 10.0.0.5 \(RFC 1918\)"):
        await checked_addresses("intranet.example", 80, HostPolicy(), resolver)


async def test_allow_hosts_by_name_address_and_network() -> None:
    resolver = _resolver({"intranet.example": ["10.0.0.5"]})
    assert await checked_addresses("intranet.example", 80, HostPolicy.from_allow_hosts(["Intranet.Example"]), resolver)
    assert await checked_addresses("intranet.example", 80, HostPolicy.from_allow_hosts(["10.0.0.0/8"]), resolver)
    assert await checked_addresses("10.0.0.5", 80, HostPolicy.from_allow_hosts(["10.0.0.5"]), resolver) == ["10.0.0.5"]
    with pytest.raises(FetchRefused):
        await checked_addresses("10.0.0.6", 80, HostPolicy.from_allow_hosts(["10.0.0.5"]), resolver)


async def test_only_checked_addresses_are_returned_for_mixed_answers() -> None:
    resolver = _resolver({"mixed.example": ["10.0.0.5", "127.0.0.1"]})
    policy = HostPolicy.from_allow_hosts(["127.0.0.1"])
    assert await checked_addresses("mixed.example", 80, policy, resolver) == ["127.0.0.1"]


async def test_loopback_feed_is_refused_by_default(feed_server: FeedServer) -> None:
    feed_server.route("/feed.xml", rss([Item("t", "x")]))
    async with Fetcher(IngestConfig(timeout_seconds=3)) as fetcher:
        with pytest.raises(FetchRefused, match=r"loopback address 127\.0\.0\.1"):
            await fetcher.fetch(feed_server.url("/feed.xml"))
    assert feed_server.hits == {}  # nothing was sent


async def test_decimal_and_hex_loopback_urls_are_refused(feed_server: FeedServer) -> None:
    async with Fetcher(IngestConfig(timeout_seconds=3)) as fetcher:
        for host in ("2130706433", "0x7f.1", "[::ffff:127.0.0.1]", "[::1]"):
            with pytest.raises(FetchRefused, match="loopback"):
                await fetcher.fetch(f"http://{host}:{feed_server.port}/feed.xml")
    assert feed_server.hits == {}


async def test_redirect_to_private_address_is_refused(feed_server: FeedServer) -> None:
    feed_server.redirect("/go", "http://10.0.0.5/feed.xml")
    feed_server.redirect("/meta", "http://169.254.169.254/latest/meta-data/")
    async with Fetcher(ingest_cfg()) as fetcher:
        with pytest.raises(FetchRefused, match=r"redirect to http://10.0.0.5/feed.xml refused: private address 10\.0\.0\.5"):
            await fetcher.fetch(feed_server.url("/go"))
        with pytest.raises(FetchRefused, match="metadata"):
            await fetcher.fetch(feed_server.url("/meta"))


async def test_redirect_to_loopback_is_refused_when_only_the_first_host_is_allowed(feed_server: FeedServer) -> None:
    """The allowlist names one host; a redirect to the same server under another name is checked afresh."""
    feed_server.route("/feed.xml", rss([Item("t", "x")]))
    feed_server.redirect("/go", f"http://localhost:{feed_server.port}/feed.xml")
    resolver = _resolver({"feeds.example": ["127.0.0.1"], "localhost": ["127.0.0.1"]})
    async with Fetcher(ingest_cfg(allow_hosts=("feeds.example",)), resolver=resolver) as fetcher:
        with pytest.raises(FetchRefused, match=r"redirect to .*localhost.* refused: localhost resolves to loopback"):
            await fetcher.fetch(f"http://feeds.example:{feed_server.port}/go")
    assert feed_server.hits == {"/go": 1}


async def test_redirect_to_file_scheme_is_refused(feed_server: FeedServer) -> None:
    feed_server.redirect("/go", "file:///etc/passwd")
    async with Fetcher(ingest_cfg()) as fetcher:
        with pytest.raises(FetchRefused, match="only http and https"):
            await fetcher.fetch(feed_server.url("/go"))


async def test_connects_to_the_checked_address_and_keeps_the_host_name(feed_server: FeedServer) -> None:
    """The guard's own resolution is what gets connected to (no second DNS lookup to rebind)."""
    feed_server.route("/feed.xml", rss([Item("t", "x")]))
    resolver = _resolver({"feeds.example": ["127.0.0.1"]})
    async with Fetcher(ingest_cfg(), resolver=resolver) as fetcher:
        result = await fetcher.fetch(f"http://feeds.example:{feed_server.port}/feed.xml")
        assert fetcher.backend.connected[-1] == ("feeds.example", "127.0.0.1")
    assert result.status == 200
    assert resolver.calls == ["feeds.example"]
    assert feed_server.requests[-1][1]["host"] == f"feeds.example:{feed_server.port}"


async def test_rebinding_resolver_cannot_switch_the_address(feed_server: FeedServer) -> None:
    """A resolver answering public first and loopback later: the connection uses the first, checked answer only."""
    answers = iter([["127.0.0.1"], ["10.0.0.9"]])

    async def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    feed_server.route("/feed.xml", rss([Item("t", "x")]))
    async with Fetcher(ingest_cfg(), resolver=rebinding) as fetcher:
        await fetcher.fetch(f"http://rebind.example:{feed_server.port}/feed.xml")
        assert fetcher.backend.connected == [("rebind.example", "127.0.0.1")]
