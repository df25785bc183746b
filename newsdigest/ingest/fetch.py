"""The only HTTP client code: timeouts, a total deadline, a raw-byte body cap with bounded decompression,
conditional GET and an SSRF guard.

The guard sits in the connection layer: a custom httpcore network backend resolves the host once, checks
every address and connects to the checked address itself (TLS still uses the host name for SNI and
certificate checks), so there is no window between check and connect for DNS rebinding. Redirects are
followed by hand, each hop through the same backend.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import logging
import re
import socket
import ssl
import zlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx

from newsdigest import __version__
from newsdigest.config import IngestConfig
from newsdigest.errors import IngestError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
log = logging.getLogger("newsdigest.ingest.fetch")
Resolver = Callable[[str, int], Awaitable[list[str]]]

USER_AGENT = f"newsdigest/{__version__} (feed reader; +https://github.com/newsdigest/newsdigest)"
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
MAX_REDIRECTS = 5
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024


# -- errors -----------------------------------------------------------------------------------------------


class FetchError(IngestError):
    """A URL could not be fetched; `reason` says why in words an admin can act on."""

    def __init__(self, reason: str, url: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url


class FetchRefused(FetchError):
    """The URL or an address it resolves to is not allowed (scheme, SSRF guard)."""


class FetchSchemeRefused(FetchRefused):
    """The URL (or a redirect) is not http(s): no allowlist can open it."""


class FetchUnreachable(FetchError):
    """The host name does not resolve, or nothing accepts a connection at its addresses (DNS, refused, no route).
    `reason` names the host without the resolver's errno; chat replies use the catalog's `unreachable` text."""

    def __init__(self, reason: str, url: str | None = None, *, host: str) -> None:
        super().__init__(reason, url)
        self.host = host


class FetchTooLarge(FetchError):
    """The body (raw or decompressed) exceeds `[ingest] max_bytes`."""


class FetchTimeout(FetchError):
    """No complete answer within the total deadline (or a connect/read timeout)."""


class FetchHTTPError(FetchError):
    """The server answered with an error status."""

    def __init__(self, reason: str, url: str | None = None, *, status: int, retry_after: float | None = None) -> None:
        super().__init__(reason, url)
        self.status = status
        self.retry_after = retry_after


# -- the address guard (pure) -------------------------------------------------------------------------------

_V4_RULES: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "unspecified address"),
    ("127.0.0.0/8", "loopback address"),
    ("10.0.0.0/8", "private address {ip} (RFC 1918)"),
    ("172.16.0.0/12", "private address {ip} (RFC 1918)"),
    ("192.168.0.0/16", "private address {ip} (RFC 1918)"),
    ("169.254.169.254/32", "cloud metadata address"),
    ("169.254.0.0/16", "link-local address"),
    ("100.64.0.0/10", "carrier-grade NAT address {ip} (RFC 6598)"),
    ("224.0.0.0/4", "multicast address"),
    ("255.255.255.255/32", "broadcast address"),
    ("240.0.0.0/4", "reserved address"),
    ("192.0.0.0/24", "IETF protocol address"),
    ("192.0.2.0/24", "documentation address"),
    ("198.51.100.0/24", "documentation address"),
    ("203.0.113.0/24", "documentation address"),
    ("198.18.0.0/15", "benchmarking address"),
)
_V6_RULES: tuple[tuple[str, str], ...] = (
    ("::/128", "unspecified address"),
    ("::1/128", "loopback address"),
    ("64:ff9b:1::/48", "local-use NAT64 address"),
    ("2001::/32", "Teredo tunnel address"),
    ("2001:db8::/32", "documentation address"),
    ("100::/64", "discard-only address"),
    ("fc00::/7", "unique local address {ip} (fc00::/7)"),
    ("fe80::/10", "link-local address"),
    ("fec0::/10", "site-local address"),
    ("ff00::/8", "multicast address"),
)
_V4_NETS = tuple((ipaddress.IPv4Network(n), label) for n, label in _V4_RULES)
_V6_NETS = tuple((ipaddress.IPv6Network(n), label) for n, label in _V6_RULES)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_SIXTOFOUR = ipaddress.IPv6Network("2002::/16")
_V4_COMPAT = ipaddress.IPv6Network("::/96")


def address_refusal(ip: IPAddress) -> str | None:
    """Why connecting to `ip` is refused (e.g. "private address 10.0.0.5 (RFC 1918)"), or None when it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        return _v6_refusal(ip)
    for net, label in _V4_NETS:
        if ip in net:
            return _label(label, ip)
    if not ip.is_global:
        return f"non-public address {ip}"
    return None


def _v6_refusal(ip: ipaddress.IPv6Address) -> str | None:
    ip = ipaddress.IPv6Address(int(ip))  # drop any %scope so network membership works
    embedded = _embedded_v4(ip)
    if embedded is not None:
        kind, v4 = embedded
        inner = address_refusal(v4)
        return f"{kind} address {ip} embedding {inner}" if inner else None
    for net, label in _V6_NETS:
        if ip in net:
            return _label(label, ip)
    if not ip.is_global:
        return f"non-public address {ip}"
    return None


def _embedded_v4(ip: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    """IPv4 addresses hidden in IPv6 forms that route to the IPv4 address (mapped, compatible, NAT64, 6to4)."""
    if ip.ipv4_mapped is not None:
        return "IPv4-mapped", ip.ipv4_mapped
    if ip in _NAT64:
        return "NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _SIXTOFOUR:
        assert ip.sixtofour is not None
        return "6to4", ip.sixtofour
    if ip in _V4_COMPAT and int(ip) > 1:
        return "IPv4-compatible", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _label(template: str, ip: IPAddress) -> str:
    text = template.format(ip=ip)
    return text if str(ip) in text else f"{text} {ip}"


_NUM_PART = re.compile(r"^(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$", re.I)


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address a numeric host denotes, in every form the C resolver accepts: dotted quad, IPv6,
    and the inet_aton forms "2130706433", "0x7f.1", "0177.0.0.1". None for host names."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    parts = host.rstrip(".").split(".")
    if not parts or len(parts) > 4 or not all(_NUM_PART.match(p) for p in parts):
        return None
    values = [int(p, 16) if p.lower().startswith("0x") else int(p, 8) if len(p) > 1 and p[0] == "0" else int(p or "0")
              for p in parts]
    # The last part fills the remaining bytes (a.b.c.d, a.b.c16, a.b24, a32).
    head, last = values[:-1], values[-1]
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(values)):
        raise FetchRefused(f"malformed numeric host {host!r}")
    number = last
    for i, v in enumerate(head):
        number |= v << (8 * (3 - i))
    return ipaddress.IPv4Address(number)


ANY_PORT = -1
WEB_PORTS = (80, 443)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class HostRule:
    """One `[ingest] allow_hosts` entry: a host name or network, and the port it opens (None: 80 and 443)."""

    name: str | None = None
    network: Network | None = None
    port: int | None = None

    def opens(self, port: int) -> bool:
        return self.port == ANY_PORT or port == self.port or (self.port is None and port in WEB_PORTS)

    def __str__(self) -> str:
        where = self.name or str(self.network)
        return f"{where}:{'*' if self.port == ANY_PORT else self.port}" if self.port is not None else where


def parse_allow_entry(entry: str) -> HostRule:
    """"host", "host:8080", "host:*", "10.0.0.0/8:8080", "[::1]:8080", "::1" -> a rule; ValueError when malformed."""
    entry = entry.strip().lower()
    port: int | None = None
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        if rest:
            port = _port(rest.removeprefix(":"), entry)
    elif entry.count(":") == 1:
        host, _, text = entry.partition(":")
        port = _port(text, entry)
    else:
        host = entry
    if not host:
        raise ValueError(f"allow_hosts entry {entry!r} has no host")
    try:
        return HostRule(network=ipaddress.ip_network(host, strict=False), port=port)
    except ValueError:
        return HostRule(name=host.rstrip("."), port=port)


def _port(text: str, entry: str) -> int:
    if text == "*":
        return ANY_PORT
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"allow_hosts entry {entry!r}: the port must be 1-65535 or *")
    return int(text)


@dataclass(frozen=True)
class HostPolicy:
    """`[ingest] allow_hosts`: host names, addresses or networks (CIDR), each with a port, exempt from the
    address guard. A bare host opens ports 80 and 443 only; "host:8080" that port, "host:*" every port."""

    rules: tuple[HostRule, ...] = ()

    @classmethod
    def from_allow_hosts(cls, allow_hosts: Iterable[str]) -> HostPolicy:
        return cls(tuple(parse_allow_entry(e) for e in allow_hosts if e.strip()))

    def _name_rules(self, host: str) -> list[HostRule]:
        name = host.lower().rstrip(".").strip("[]")
        return [r for r in self.rules if r.name == name]

    def _ip_rules(self, ip: IPAddress) -> list[HostRule]:
        return [r for r in self.rules if r.network is not None and ip.version == r.network.version and ip in r.network]

    def allows_name(self, host: str, port: int) -> bool:
        return any(r.opens(port) for r in self._name_rules(host))

    def allows_ip(self, ip: IPAddress, port: int) -> bool:
        return any(r.opens(port) for r in self._ip_rules(ip))

    def refusal(self, ip: IPAddress, port: int, host: str | None = None) -> str | None:
        """Why `ip` may not be contacted on `port` under this policy, or None."""
        if self.allows_ip(ip, port):
            return None
        reason = address_refusal(ip)
        if reason is None:
            return None
        near = self._ip_rules(ip) + (self._name_rules(host) if host else [])
        if near:  # the host is allowed, only not on this port
            opened = ", ".join(str(r) for r in near)
            reason += f" port {port} (allow_hosts opens only {opened}; a bare host means ports 80 and 443)"
        return reason


AddrInfoLookup = Callable[..., Awaitable[list[Any]]]


async def system_resolver(host: str, port: int) -> list[str]:
    """The loop's getaddrinfo (asyncio runs the blocking call in its resolver thread); addresses in the resolver's
    order, without duplicates."""
    return await resolve_with(asyncio.get_running_loop().getaddrinfo, host, port)


async def resolve_with(getaddrinfo: AddrInfoLookup, host: str, port: int) -> list[str]:
    """`system_resolver` with the lookup given: FetchUnreachable when the name does not resolve."""
    try:
        infos = await getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        log.info("cannot resolve host=%r: %s", host, exc)
        raise FetchUnreachable(f"cannot resolve host {host!r}", host=host) from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _request_host(exc: httpx.RequestError, url: str) -> str:
    """The host the failed request went to (a redirect may have led away from `url`)."""
    try:
        return exc.request.url.host or url
    except RuntimeError:  # httpx raises when the error carries no request
        return httpx.URL(url).host or url


async def checked_addresses(host: str, port: int, policy: HostPolicy, resolver: Resolver) -> list[str]:
    """The addresses of `host` that may be contacted on `port`; FetchRefused naming the reason when there are none."""
    literal = parse_ip_literal(host)
    if literal is not None:
        reason = None if policy.allows_name(host, port) else policy.refusal(literal, port, host)
        if reason:
            written = f" (written as {host})" if str(literal) != host.strip("[]") else ""
            raise FetchRefused(f"{reason}{written}")
        return [str(literal)]
    addresses = await resolver(host, port)
    if policy.allows_name(host, port):
        return addresses
    allowed: list[str] = []
    reasons: list[str] = []
    for text in addresses:
        reason = policy.refusal(ipaddress.ip_address(text.split("%")[0]), port, host)
        if reason:
            reasons.append(reason)
        else:
            allowed.append(text)
    if not allowed:
        raise FetchRefused(f"{host} resolves to {reasons[0] if reasons else 'no address'}")
    return allowed  # only checked addresses are ever connected to


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, check, and connect to the checked address; TLS keeps the host name (SNI, certificate)."""

    def __init__(self, policy: HostPolicy, resolver: Resolver = system_resolver) -> None:
        self.policy = policy
        self.resolver = resolver
        self.inner = httpcore.AnyIOBackend()
        self.connected: list[tuple[str, str]] = []  # (host, address) pairs, newest last, for diagnostics

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's backend interface)
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await checked_addresses(host, port, self.policy, self.resolver)
        error: Exception | None = None
        for address in addresses:
            try:
                stream = await self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            self.connected = [*self.connected[-31:], (host, address)]
            return stream
        assert error is not None
        raise error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None  # noqa: ASYNC109
    ) -> httpcore.AsyncNetworkStream:
        raise FetchRefused("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying context for every client (loading the CA bundle takes ~0.15 s)."""
    return httpx.create_ssl_context()


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with its connection pool on the guarded backend (and no proxies from the environment)."""

    def __init__(self, backend: GuardedBackend, ssl_context: ssl.SSLContext, max_connections: int) -> None:
        super().__init__(verify=ssl_context, trust_env=False, http1=True, http2=False, retries=0)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=5.0,
            http1=True,
            http2=False,
            network_backend=backend,
        )


# -- bounded decompression -----------------------------------------------------------------------------------


class _Inflater:
    """One Content-Encoding stage (gzip or deflate) whose output never exceeds the budget."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._d: Any = None

    def _new(self, first: bytes) -> Any:
        if self.encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" is meant to be zlib-wrapped, but many servers send raw deflate.
        wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def feed(self, data: bytes, budget: int) -> bytes:
        out = bytearray()
        try:
            while data:
                if self._d is None:
                    self._d = self._new(data)
                piece = self._d.decompress(data, min(_CHUNK, budget + 1 - len(out)) or 1)
                out += piece
                if len(out) > budget:
                    raise FetchTooLarge("decompressed body exceeds the size limit")
                data = self._d.unconsumed_tail
                if self._d.eof:  # gzip may carry several members back to back
                    data, self._d = self._d.unused_data, None
        except zlib.error as exc:
            raise FetchError(f"corrupt {self.encoding} body: {exc}") from None
        return bytes(out)


def _decoders(content_encoding: str | None) -> list[_Inflater]:
    stages = [e.strip().lower() for e in (content_encoding or "").split(",") if e.strip()]
    decoders = []
    for enc in reversed(stages):  # applied in the order listed, so undone in reverse
        if enc == "identity":
            continue
        if enc not in ("gzip", "x-gzip", "deflate"):
            raise FetchError(f"unsupported content encoding {enc!r}")
        decoders.append(_Inflater(enc))
    return decoders


async def read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """The body, decompressed, counting raw and decoded bytes against `max_bytes`; stops as soon as either exceeds."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchTooLarge(f"body of {int(declared)} bytes exceeds the {max_bytes} byte limit")
    decoders = _decoders(response.headers.get("content-encoding"))
    raw_seen = 0
    body = bytearray()
    async for chunk in response.aiter_raw(_CHUNK):
        raw_seen += len(chunk)
        if raw_seen > max_bytes:
            raise FetchTooLarge(f"body exceeds the {max_bytes} byte limit")
        for decoder in decoders:
            chunk = decoder.feed(chunk, max_bytes - len(body))
        body += chunk
        if len(body) > max_bytes:
            raise FetchTooLarge(f"body exceeds the {max_bytes} byte limit")
    return bytes(body)


# -- fetching ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchResult:
    url: str  # after redirects
    status: int
    content: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    redirects: tuple[str, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def media_type(self) -> str:
        return (self.content_type or "").split(";")[0].strip().lower()


def check_url(url: str | httpx.URL) -> httpx.URL:
    """http/https with a host, or FetchRefused; numeric hosts in any spelling are checked later by the guard."""
    try:
        parsed = httpx.URL(url) if not isinstance(url, httpx.URL) else url
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchRefused(f"not a valid URL: {exc}", str(url)) from None
    if parsed.scheme not in ("http", "https"):
        raise FetchSchemeRefused(f"only http and https URLs are fetched, not {parsed.scheme or 'a relative URL'!r}",
                                 str(url))
    if not parsed.host:
        raise FetchRefused("the URL has no host", str(url))
    return parsed


def _redirect_target(url: httpx.URL, location: str) -> httpx.URL:
    """Where a redirect leads, checked like the first URL; a refusal names the hop."""
    try:
        return check_url(url.join(location))
    except FetchSchemeRefused as exc:
        raise FetchSchemeRefused(f"redirect from {url} to {location[:200]} refused: {exc.reason}", location) from None
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchRefused(f"redirect from {url} to an invalid address: {exc}", location) from None


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


class Fetcher:
    """An HTTP client for feeds and pages under `[ingest]` limits. Use as `async with Fetcher(cfg) as f`."""

    def __init__(
        self,
        cfg: IngestConfig,
        *,
        resolver: Resolver = system_resolver,
        user_agent: str = USER_AGENT,
        max_redirects: int = MAX_REDIRECTS,
    ) -> None:
        self.cfg = cfg
        self.max_redirects = max_redirects
        self.total = cfg.timeout_seconds
        self.backend = GuardedBackend(HostPolicy.from_allow_hosts(cfg.allow_hosts), resolver)
        step = min(10.0, self.total) if self.total > 0 else None
        transport = _GuardedTransport(self.backend, _ssl_context(), max_connections=max(4, cfg.concurrency * 2))
        self.client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(step, pool=self.total or None),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.client.aclose()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, accept: str = FEED_ACCEPT
    ) -> FetchResult:
        """GET `url` within the total deadline, following up to `max_redirects` redirects, each hop guarded."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            async with asyncio.timeout(self.total or None):
                return await self._follow(check_url(url), headers)
        except TimeoutError:
            raise FetchTimeout(f"no complete answer within {self.total:g} s", url) from None
        except httpx.TimeoutException as exc:
            raise FetchTimeout(f"timed out ({type(exc).__name__})", url) from None
        except httpx.ConnectError as exc:  # refused, reset or no route at every address
            log.info("cannot connect url=%s: %s", url, exc)
            host = _request_host(exc, url)
            raise FetchUnreachable(f"cannot connect to {host}", url, host=host) from None
        except httpx.HTTPError as exc:
            raise FetchError(f"network error: {exc or type(exc).__name__}", url) from None

    async def _follow(self, url: httpx.URL, headers: dict[str, str]) -> FetchResult:
        hops: list[str] = []
        for _ in range(self.max_redirects + 1):
            try:
                response = await self.client.send(self.client.build_request("GET", url, headers=headers), stream=True)
            except FetchRefused as exc:
                where = f"redirect to {url} refused" if hops else "refused"
                raise FetchRefused(f"{where}: {exc.reason}", str(url)) from None
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    hops.append(str(url))
                    url = _redirect_target(url, location)
                    continue
                return await self._result(url, response, tuple(hops))
            finally:
                await response.aclose()
        raise FetchError(f"more than {self.max_redirects} redirects", str(url))

    async def _result(self, url: httpx.URL, response: httpx.Response, hops: tuple[str, ...]) -> FetchResult:
        h = response.headers
        meta = {"url": str(url), "status": response.status_code, "redirects": hops,
                "etag": h.get("etag"), "last_modified": h.get("last-modified"), "content_type": h.get("content-type")}
        if response.status_code == 304:
            return FetchResult(**meta)
        if response.status_code >= 400:
            phrase = response.reason_phrase or ""
            raise FetchHTTPError(f"HTTP {response.status_code} {phrase}".strip(), str(url),
                                 status=response.status_code, retry_after=_retry_after(h.get("retry-after")))
        if response.status_code != 200:
            raise FetchError(f"unexpected HTTP status {response.status_code}", str(url))
        content = await read_capped(response, self.cfg.max_bytes)
        return FetchResult(content=content, headers=dict(h.items()), **meta)


def fetch_sync(url: str, cfg: IngestConfig, **kwargs: Any) -> FetchResult:
    """One guarded fetch from sync code with no event loop (scripts, tests); coroutines await Fetcher.fetch."""

    async def go() -> FetchResult:
        async with Fetcher(cfg) as fetcher:
            return await fetcher.fetch(url, **kwargs)

    no_running_loop("fetch_sync")
    return asyncio.run(go())


def no_running_loop(name: str) -> None:
    """Sync entry points start the process's one event loop; inside a running loop that would nest a second."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(f"{name}() cannot be called from a running event loop: await the coroutine instead")
