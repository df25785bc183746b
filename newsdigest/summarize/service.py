"""Briefs on demand: cached per (story, facts, language), shared by every chat, bounded in time, tokens and failures.

`brief()` is called from command and digest code, which runs in worker threads (never on the event loop). It
returns at once from the cache, or waits at most `wait` seconds for the model; a call that outlasts the wait goes
on in the background and fills the cache for the next ask. Any failure returns None: the caller shows the
extractive brief, which is always there.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from newsdigest.clock import Clock
from newsdigest.config import SummarizeConfig
from newsdigest.errors import SummarizeError
from newsdigest.ops.metrics import METRICS, Metrics
from newsdigest.summarize import prompt
from newsdigest.summarize.client import ChatClient, RateLimited
from newsdigest.summarize.facts import Brief, Fact, facts_version
from newsdigest.summarize.verify import check

log = logging.getLogger(__name__)

CACHE_ENTRIES = 1024
BREAKER_FAILURES = 3  # consecutive failures that open the circuit
BREAKER_SECONDS = 60.0  # how long it stays open before one trial call

CacheKey = tuple[str, str, str]


class _Breaker:
    """Open after N consecutive failures; one trial call after the pause; one log line per opening."""

    def __init__(self, failures: int, seconds: float) -> None:
        self.limit, self.seconds = failures, seconds
        self.failures = 0
        self.open_until: dt.datetime | None = None

    def blocked(self, now: dt.datetime) -> bool:
        return self.open_until is not None and now < self.open_until

    def success(self) -> None:
        self.failures, self.open_until = 0, None

    def failure(self, now: dt.datetime, why: str) -> None:
        self.failures += 1
        if self.failures >= self.limit and not self.blocked(now):
            self.open_until = now + dt.timedelta(seconds=self.seconds)
            log.warning("summarising endpoint failed %d times in a row (last: %s); briefs are extractive for %g s",
                        self.failures, why, self.seconds)


def build_briefs(config: SummarizeConfig, clock: Clock, *, one_shot: bool = False) -> BriefService | None:
    """The brief service when `[summarize] enabled`, else None (every brief is then extractive).

    `one_shot` (a CLI `ask`): no later ask can use a brief that lands after the wait, so a call lasts no longer
    than the command waits, and the process does not sit at exit for a slow model."""
    if not config.enabled:
        return None
    call = config.timeout_seconds if one_shot else config.digest_timeout_seconds
    return BriefService(config, ChatClient(config), clock, call_timeout=call)


class BriefService:
    def __init__(self, config: SummarizeConfig, client: ChatClient, clock: Clock, *, metrics: Metrics = METRICS,
                 workers: int = 2, sleep: Callable[[float], None] = time.sleep,
                 breaker_failures: int = BREAKER_FAILURES, breaker_seconds: float = BREAKER_SECONDS,
                 call_timeout: float | None = None) -> None:
        self.config, self.client, self.clock, self.metrics, self._sleep = config, client, clock, metrics, sleep
        # How long one model call may take; past a command's wait it goes on and fills the cache.
        self.call_timeout = config.digest_timeout_seconds if call_timeout is None else call_timeout
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="brief")
        self._lock = threading.Lock()
        self._cache: OrderedDict[CacheKey, Brief | None] = OrderedDict()
        self._inflight: dict[CacheKey, Future[Brief | None]] = {}
        self._breaker = _Breaker(breaker_failures, breaker_seconds)
        self._cooldown_until: dt.datetime | None = None
        self._tokens: tuple[dt.date, int] = (dt.date.min, 0)

    @property
    def command_wait(self) -> float:
        return self.config.timeout_seconds

    @property
    def digest_wait(self) -> float:
        return self.config.digest_timeout_seconds

    def brief(self, facts: Sequence[Fact], *, story_key: str, story_name: str, as_of: dt.date, lang: str,
              wait: float) -> Brief | None:
        """The cited brief for these facts, or None (answer extractively). Never raises for model trouble."""
        if not facts:
            return None
        key = (story_key, facts_version(facts, as_of, lang), lang)
        deadline = time.monotonic() + wait
        while True:
            with self._lock:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    return self._cache[key]
                refused = self._refusal()
                if refused:
                    self.metrics.brief_fallback(refused)
                    return None
                future = self._inflight.get(key)
                if future is None:
                    future = self._pool.submit(self._call, key, tuple(facts), story_name, as_of, lang)
                    self._inflight[key] = future
            try:
                return future.result(timeout=max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                # A model slower than the wait counts against the breaker, so a hung endpoint costs
                # at most a few waits before commands stop waiting at all.
                with self._lock:
                    self._breaker.failure(self.clock.now(), f"no answer within {wait:g} s")
                self.metrics.brief_fallback("slow")
                return None
            except RateLimited as exc:
                if exc.retry_after >= deadline - time.monotonic():
                    self.metrics.brief_fallback(exc.reason)
                    return None
                self._sleep(exc.retry_after)  # room to honour Retry-After inside this wait (digests)
            except SummarizeError as exc:
                self.metrics.brief_fallback(exc.reason)
                return None

    def cached(self, facts: Sequence[Fact], *, story_key: str, as_of: dt.date, lang: str) -> Brief | None:
        """The brief already in the cache for these facts, without calling the model."""
        key = (story_key, facts_version(facts, as_of, lang), lang)
        with self._lock:
            return self._cache.get(key)

    def _refusal(self) -> str | None:
        now = self.clock.now()
        if self._breaker.blocked(now):
            return "circuit_open"
        if self._cooldown_until and now < self._cooldown_until:
            return "rate_limited"
        budget = self.config.daily_token_budget
        day, used = self._tokens
        if budget and day == now.date() and used >= budget:
            return "budget"
        return None

    def _call(self, key: CacheKey, facts: tuple[Fact, ...], story: str, as_of: dt.date, lang: str) -> Brief | None:
        try:
            brief = self._complete(facts, story, as_of, lang)
        except BaseException:
            with self._lock:
                self._inflight.pop(key, None)
            raise
        # The brief enters the cache in the same step as its call leaves the in-flight table: an ask in
        # between would find neither and call the model a second time.
        with self._lock:
            self._cache[key] = brief
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
            self._inflight.pop(key, None)
        return brief

    def _complete(self, facts: tuple[Fact, ...], story: str, as_of: dt.date, lang: str) -> Brief | None:
        try:
            completion = self.client.complete(prompt.messages(facts, story=story, as_of=as_of, lang=lang),
                                              timeout=self.call_timeout)
        except RateLimited as exc:
            with self._lock:
                self._cooldown_until = self.clock.now() + dt.timedelta(seconds=exc.retry_after)
            self.metrics.brief_called(exc.reason)
            raise
        except SummarizeError as exc:
            with self._lock:
                self._breaker.failure(self.clock.now(), str(exc))
            self.metrics.brief_called(exc.reason)
            raise
        verdict = check(completion.text, {f.n: f for f in facts})
        for sentence, why in verdict.dropped:
            log.info("brief sentence dropped (%s): %.120s", why, sentence)
        brief = Brief(verdict.kept, self.config.model, lang) if verdict.kept else None
        self.metrics.brief_called("ok" if brief else "rejected", completion.prompt_tokens,
                                  completion.completion_tokens)
        with self._lock:
            self._breaker.success()
            self._count_tokens(completion.prompt_tokens + completion.completion_tokens)
        return brief

    def _count_tokens(self, tokens: int) -> None:
        today = self.clock.now().date()
        day, used = self._tokens
        self._tokens = (today, (used if day == today else 0) + tokens)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.client.close()
