"""Salient terms of an article: what makes it about *this* story and not news in general.

A term's salience comes from how rare the word is in everyday language (wordfreq's Zipf scale), so
"ByteDance" or "Straßenbahn" weigh far more than "Regierung" or "September". Pure and deterministic.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_WORD = re.compile(r"[^\W\d_][\w'’.&]*[^\W_]|[^\W\d_]", re.UNICODE)
MAX_TERMS = 15  # terms kept per article profile
COMMON_ZIPF = 5.0  # words at least this frequent (per million: 100) never identify a story
MIN_LEN = 3
_STOP = frozenset(
    ["der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einem", "einen", "und", "oder", "aber", "doch", "auch", "noch", "nicht", "kein", "keine", "mit", "von", "vom", "zum", "zur", "für", "fuer", "auf", "aus", "bei", "bis", "durch", "gegen", "ohne", "über", "unter", "nach", "vor", "seit", "als", "wie", "wenn", "weil", "dass", "daß", "ist", "sind", "war", "waren", "wird", "werden", "wurde", "wurden", "hat", "haben", "hatte", "hatten", "sein", "seine", "ihre", "ihr", "sich", "man", "mehr", "sehr", "schon", "nur", "dieser", "diese", "dieses", "jetzt", "heute", "gestern", "morgen", "laut", "sagte", "sagt", "berichten", "zufolge", "bereits", "sowie", "etwa", "rund", "the", "a", "an", "and", "or", "but", "not", "no", "with", "from", "for", "on", "at", "by", "to", "of", "in", "into", "over", "under", "after", "before", "since", "as", "is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "could", "should", "its", "it", "this", "that", "these", "those", "he", "she", "they", "we", "you", "said", "says", "says", "according", "also", "more", "most", "new", "about", "than", "their", "there", "here", "which", "who", "what", "when", "where", "while"]
)


@functools.lru_cache(maxsize=65536)
def salience(word: str) -> float:
    """0 for everyday words, up to 6 for words rarely seen outside this story (names, rare compounds)."""
    from wordfreq import zipf_frequency  # lazy: loads its word lists on first use

    zipf = max(zipf_frequency(word, "de"), zipf_frequency(word, "en"))
    if zipf >= COMMON_ZIPF:
        return 0.0
    return min(6.0, COMMON_ZIPF + 1.0 - zipf)


def words(text: str) -> list[str]:
    """Word tokens; hyphenated compounds yield their parts ("TikTok-Übernahme" -> TikTok, Übernahme)."""
    out: list[str] = []
    for m in _WORD.finditer(text.replace("-", " ")):
        w = m.group().strip(".'’&")
        if len(w) >= MIN_LEN and w.lower() not in _STOP:
            out.append(w)
    return out


def norm(word: str) -> str:
    return word.lower().replace("’", "'").removesuffix("'s")


@dataclass
class TermProfile:
    """One article's salient terms: normalised term -> weight, plus the surface spelling seen most."""

    weights: dict[str, float] = field(default_factory=dict)
    surface: dict[str, str] = field(default_factory=dict)
    actors: tuple[str, ...] = ()


def profile(title: str, actors: Iterable[str], passages: Iterable[str], *, limit: int = MAX_TERMS) -> TermProfile:
    """Weigh terms by salience x where they occur: actors and the title count more than body passages."""
    score: dict[str, float] = {}
    spelled: dict[str, dict[str, int]] = {}

    def add(text: str, factor: float, cap: float) -> None:
        seen: dict[str, float] = {}
        for w in words(text):
            key = norm(w)
            sal = salience(key)
            if sal <= 0:
                continue
            spelled.setdefault(key, {}).setdefault(w, 0)
            spelled[key][w] += 1
            seen[key] = min(cap, seen.get(key, 0.0) + factor * sal)
        for key, value in seen.items():
            score[key] = score.get(key, 0.0) + value

    actor_list = tuple(a.strip() for a in actors if a and a.strip())
    for rank, actor in enumerate(actor_list[:10]):
        add(actor, 1.5 / (1 + 0.15 * rank), 9.0)
    add(title, 1.3, 8.0)
    for passage in passages:
        add(passage, 0.5, 6.0)
    top = sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return TermProfile(
        weights={k: round(v, 3) for k, v in top},
        surface={k: _best_spelling(spelled[k]) for k, _ in top},
        actors=actor_list,
    )


def _best_spelling(counts: dict[str, int]) -> str:
    # Prefer the most frequent spelling, then the one with capitals inside (TikTok over Tiktok).
    return sorted(counts.items(), key=lambda kv: (-kv[1], -sum(c.isupper() for c in kv[0]), kv[0]))[0][0]
