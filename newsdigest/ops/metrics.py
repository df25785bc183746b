"""A small Prometheus registry (text exposition format 0.0.4): counters, gauges and histograms with labels.

Written by hand because the needs are tiny and prometheus_client is not a dependency. Thread-safe: the
ingest pipeline and the store may run in worker threads while the event loop renders /metrics.

`METRICS` is the process-wide instance; other modules call its verbs (`METRICS.article_ingested()`,
`METRICS.send_retry("telegram")`, ...) and never touch the metric families directly.
"""

from __future__ import annotations

import bisect
import math
import threading
import time
from collections.abc import Callable, Iterable, Sequence

LabelValues = tuple[str, ...]
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def escape_label_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def format_value(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    return str(int(value)) if value == int(value) and abs(value) < 2**53 else repr(value)


def _labels(names: Sequence[str], values: Sequence[str], extra: tuple[str, str] | None = None) -> str:
    pairs = [f'{n}="{escape_label_value(v)}"' for n, v in zip(names, values, strict=True)]
    if extra:
        pairs.append(f'{extra[0]}="{extra[1]}"')
    return "{" + ",".join(pairs) + "}" if pairs else ""


class _Family:
    kind = "untyped"

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str], lock: threading.Lock) -> None:
        self.name, self.help, self.labelnames, self._lock = name, help_text, tuple(labelnames), lock

    def _key(self, labels: dict[str, str]) -> LabelValues:
        if set(labels) != set(self.labelnames):
            raise ValueError(f"{self.name} takes labels {self.labelnames}, got {tuple(labels)}")
        return tuple(str(labels[n]) for n in self.labelnames)

    def header(self) -> list[str]:
        help_text = self.help.replace("\\", "\\\\").replace("\n", "\\n")
        return [f"# HELP {self.name} {help_text}", f"# TYPE {self.name} {self.kind}"]

    def samples(self) -> list[str]:
        raise NotImplementedError


class Counter(_Family):
    kind = "counter"

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str], lock: threading.Lock) -> None:
        super().__init__(name, help_text, labelnames, lock)
        self._values: dict[LabelValues, float] = {} if self.labelnames else {(): 0.0}

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        if amount < 0:
            raise ValueError("a counter only goes up")
        key = self._key(labels)
        with self._lock:
            self._values[key] = self._values.get(key, 0.0) + amount

    def value(self, **labels: str) -> float:
        with self._lock:
            return self._values.get(self._key(labels), 0.0)

    def samples(self) -> list[str]:
        with self._lock:
            items = sorted(self._values.items())
        return [f"{self.name}{_labels(self.labelnames, k)} {format_value(v)}" for k, v in items]


class Gauge(Counter):
    kind = "gauge"

    def set(self, value: float, **labels: str) -> None:
        key = self._key(labels)
        with self._lock:
            self._values[key] = float(value)


class Histogram(_Family):
    kind = "histogram"

    def __init__(self, name: str, help_text: str, labelnames: Sequence[str], lock: threading.Lock,
                 buckets: Iterable[float] = LATENCY_BUCKETS) -> None:
        super().__init__(name, help_text, labelnames, lock)
        self.buckets = tuple(sorted(buckets))
        self._series: dict[LabelValues, tuple[list[int], list[float]]] = {}  # counts per bucket (+Inf last), [sum]

    def observe(self, value: float, **labels: str) -> None:
        key = self._key(labels)
        with self._lock:
            counts, total = self._series.setdefault(key, ([0] * (len(self.buckets) + 1), [0.0]))
            counts[bisect.bisect_left(self.buckets, value)] += 1  # le is inclusive: value == bound counts
            total[0] += value

    def count(self, **labels: str) -> int:
        with self._lock:
            series = self._series.get(self._key(labels))
            return sum(series[0]) if series else 0

    def samples(self) -> list[str]:
        with self._lock:
            items = sorted((k, (list(c), s[0])) for k, (c, s) in self._series.items())
        lines: list[str] = []
        for key, (counts, total) in items:
            running = 0
            for bound, n in zip((*self.buckets, math.inf), counts, strict=True):
                running += n
                le = ("le", format_value(bound) if math.isinf(bound) else repr(float(bound)))
                lines.append(f"{self.name}_bucket{_labels(self.labelnames, key, le)} {running}")
            lines.append(f"{self.name}_sum{_labels(self.labelnames, key)} {format_value(total)}")
            lines.append(f"{self.name}_count{_labels(self.labelnames, key)} {running}")
        return lines


class Registry:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._families: dict[str, _Family] = {}

    def _add(self, family: _Family) -> None:
        if family.name in self._families:
            raise ValueError(f"metric {family.name} registered twice")
        self._families[family.name] = family

    def counter(self, name: str, help_text: str, labelnames: Sequence[str] = ()) -> Counter:
        family = Counter(name, help_text, labelnames, self._lock)
        self._add(family)
        return family

    def gauge(self, name: str, help_text: str, labelnames: Sequence[str] = ()) -> Gauge:
        family = Gauge(name, help_text, labelnames, self._lock)
        self._add(family)
        return family

    def histogram(self, name: str, help_text: str, labelnames: Sequence[str] = (),
                  buckets: Iterable[float] = LATENCY_BUCKETS) -> Histogram:
        family = Histogram(name, help_text, labelnames, self._lock, buckets)
        self._add(family)
        return family

    def render(self) -> str:
        lines: list[str] = []
        for family in self._families.values():
            lines += family.header() + family.samples()
        return "\n".join(lines) + "\n"


class Metrics:
    """newsdigest's metrics and the verbs the rest of the program calls. Tests build their own instance."""

    def __init__(self, wall: Callable[[], float] = time.time) -> None:
        self.wall = wall
        r = self.registry = Registry()
        self.articles = r.counter("newsdigest_articles_ingested_total", "Articles stored (new, not duplicates).")
        self.feed_errors = r.counter("newsdigest_feed_errors_total", "Failed feed polls.", ("feed",))
        self.commands = r.counter("newsdigest_commands_total", "Chat commands answered.", ("platform", "command", "ok"))
        self.command_seconds = r.histogram(
            "newsdigest_command_seconds", "Time to answer a chat command.", ("platform", "command"))
        self.digests_sent = r.counter("newsdigest_digests_sent_total", "Digests delivered.", ("platform",))
        self.digests_failed = r.counter(
            "newsdigest_digests_failed_total", "Digests given up after retries.", ("platform",))
        self.send_retries = r.counter(
            "newsdigest_send_retries_total", "Sends retried (rate limit, server or network error).", ("platform",))
        self.last_poll = r.gauge(
            "newsdigest_last_poll_timestamp_seconds", "Unix time of the last successful feed poll round.")
        self.last_digest = r.gauge(
            "newsdigest_last_digest_timestamp_seconds", "Unix time of the last digest delivered.")
        self.brief_calls = r.counter(
            "newsdigest_brief_calls_total", "Calls to the summarising model, by outcome.", ("outcome",))
        self.brief_fallbacks = r.counter(
            "newsdigest_brief_fallbacks_total", "Briefs answered extractively instead, by reason.", ("reason",))
        self.brief_tokens = r.counter(
            "newsdigest_brief_tokens_total", "Tokens the summarising model reported, by kind.", ("kind",))

    # -- verbs ---------------------------------------------------------------------------------------------------

    def prepare(self, platforms: Iterable[str]) -> None:
        """Show the per-platform series at 0 from the start, so rate() and alerts see them before the first event."""
        for platform in platforms:
            for family in (self.digests_sent, self.digests_failed, self.send_retries):
                family.inc(0, platform=platform)

    def article_ingested(self, count: int = 1) -> None:
        if count:
            self.articles.inc(count)

    def feed_error(self, feed: str) -> None:
        self.feed_errors.inc(feed=feed)

    def command_answered(self, platform: str, command: str, seconds: float, ok: bool) -> None:
        """Signature of handlers.CommandObserver: pass `METRICS.command_answered` as `Core.observer`."""
        self.commands.inc(platform=platform, command=command, ok="true" if ok else "false")
        self.command_seconds.observe(seconds, platform=platform, command=command)

    def digest_sent(self, platform: str) -> None:
        self.digests_sent.inc(platform=platform)
        self.last_digest.set(self.wall())

    def digest_failed(self, platform: str) -> None:
        self.digests_failed.inc(platform=platform)

    def send_retry(self, platform: str) -> None:
        self.send_retries.inc(platform=platform)

    def brief_called(self, outcome: str, prompt_tokens: int = 0, completion_tokens: int = 0) -> None:
        self.brief_calls.inc(outcome=outcome)
        if prompt_tokens:
            self.brief_tokens.inc(prompt_tokens, kind="prompt")
        if completion_tokens:
            self.brief_tokens.inc(completion_tokens, kind="completion")

    def brief_fallback(self, reason: str) -> None:
        self.brief_fallbacks.inc(reason=reason)

    def poll_finished(self) -> None:
        """A poll round completed (individual feeds may have failed: those count in feed_errors)."""
        self.last_poll.set(self.wall())

    def last_poll_time(self) -> float | None:
        return self.last_poll.value() or None

    def last_digest_time(self) -> float | None:
        return self.last_digest.value() or None

    def render(self) -> str:
        return self.registry.render()


METRICS = Metrics()
