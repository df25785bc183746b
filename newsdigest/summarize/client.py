"""The only code that talks to the summarising model: OpenAI-compatible Chat Completions over httpx.

Synchronous on purpose: it runs in the brief service's worker threads, never on the event loop. It makes one
attempt per call and reports what went wrong as a typed error; retrying and backing off is the service's job,
because a command waiting 2 s has no room for retries and a digest waiting 30 s does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from newsdigest.config import SummarizeConfig
from newsdigest.errors import SummarizeError

USER_AGENT = "newsdigest-brief/1"


class RateLimited(SummarizeError):
    reason = "rate_limited"

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"the summarising endpoint asked to wait {retry_after:g} s (429)")
        self.retry_after = retry_after


class Unavailable(SummarizeError):
    """Server error, time-out, refused connection."""

    reason = "unavailable"


class BadAnswer(SummarizeError):
    """The endpoint answered, but not with a Chat Completion holding text."""

    reason = "malformed"


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, min(float(response.headers.get("retry-after", "1")), 3600.0))
    except ValueError:
        return 1.0


def parse_completion(body: Any) -> Completion:
    """A Chat Completions response body -> Completion; raises BadAnswer on any other shape."""
    try:
        choice = body["choices"][0]
        text = choice["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise BadAnswer("the endpoint's answer has no choices[0].message.content") from exc
    if not isinstance(text, str) or not text.strip():
        raise BadAnswer("the endpoint answered with an empty message")
    usage = body.get("usage") if isinstance(body.get("usage"), dict) else {}
    return Completion(text, int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0))


def parse_models(body: Any) -> list[str]:
    """A `GET /models` body -> the model ids; raises BadAnswer on any other shape."""
    try:
        return [str(m["id"]) for m in body["data"]]
    except (KeyError, TypeError) as exc:
        raise BadAnswer("GET /models did not answer with a model list") from exc


class ChatClient:
    def __init__(self, config: SummarizeConfig, *, transport: httpx.BaseTransport | None = None) -> None:
        headers = {"User-Agent": USER_AGENT}
        if config.api_key:
            headers["Authorization"] = f"Bearer {config.api_key}"
        self.config = config
        self._http = httpx.Client(base_url=config.base_url.rstrip("/") + "/", headers=headers,
                                  transport=transport, follow_redirects=False)

    def complete(self, messages: list[dict[str, str]], *, timeout: float) -> Completion:
        payload = {"model": self.config.model, "messages": messages, "max_tokens": self.config.max_tokens,
                   "temperature": 0.2, "stream": False}
        response = self._send("POST", "chat/completions", timeout, json=payload)
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BadAnswer("the endpoint's answer is not JSON") from exc
        return parse_completion(body)

    def _send(self, method: str, path: str, timeout: float, **kwargs: Any) -> httpx.Response:
        # Per-phase limits here; the service bounds the total wait, so a trickling server cannot stall a reply.
        limit = httpx.Timeout(timeout)
        try:
            response = self._http.request(method, path, timeout=limit, **kwargs)
        except httpx.TimeoutException as exc:
            raise Unavailable(f"the summarising endpoint did not answer within {timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise Unavailable(f"cannot reach the summarising endpoint: {exc}") from exc
        if response.status_code == 429:
            raise RateLimited(_retry_after(response))
        if response.status_code in (401, 403):
            raise Unavailable(f"the summarising endpoint refused the API key ({response.status_code}); "
                              "set NEWSDIGEST_SUMMARIZE_API_KEY")
        if response.status_code == 404:
            raise Unavailable(f"{method} {path} answered 404: check [summarize] base_url (it should end in /v1) "
                              "and model")
        if response.status_code >= 400:
            raise Unavailable(f"the summarising endpoint answered {response.status_code}")
        return response

    def close(self) -> None:
        self._http.close()
