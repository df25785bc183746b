"""Article identity: content hash, canonical URL (tracking parameters stripped) and near-duplicate SimHash."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_WS = re.compile(r"\s+")
_TRACKING = re.compile(r"^(utm_[a-z]+|fbclid|gclid|dclid|mc_cid|mc_eid|igshid|ref|ref_src|cmpid|wt_mc|_ga|yclid|spm)$", re.I)


def normalize_text(text: str) -> str:
    """Case-, whitespace- and Unicode-form-insensitive text for hashing."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


def canonical_url(url: str | None) -> str | None:
    """Lower-case scheme/host, no fragment, no default port, tracking parameters removed, sorted query."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    port = parts.port if parts.port not in (None, 80, 443) else None
    netloc = f"{host}:{port}" if port else host
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)))
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    return urlunsplit((parts.scheme.lower(), netloc, path, query, ""))


# -- near duplicates: SimHash over word shingles --------------------------------------------------------------

SIMHASH_BITS = 64
SHINGLE = 3  # words per shingle
# Candidates within this Hamming distance are checked by shingle overlap (is_copy). Unrelated German news
# articles were >= 14 apart in 520k pairs; short copies with a byline and one edit reach 7-10.
NEAR_DUP_DISTANCE = 10
BANDS = 8  # 8 bands of 8 bits: within distance 7 two hashes share a band for sure, at 8-10 nearly always
BAND_BITS = SIMHASH_BITS // BANDS
MIN_SHINGLES = 24  # shorter texts (teasers) collide too easily to be called copies
_WORD = re.compile(r"\w+")
_MASK = (1 << SIMHASH_BITS) - 1


def shingles(text: str, size: int = SHINGLE) -> list[str]:
    words = _WORD.findall(normalize_text(text))
    if len(words) <= size:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


def simhash(text: str) -> int | None:
    """64-bit SimHash of the text's word 3-shingles, as a signed integer (SQLite INTEGER); None for short texts."""
    grams = set(shingles(text))
    if len(grams) < MIN_SHINGLES:
        return None
    # Per bit position, count the shingle hashes with the bit set: transposing the bit strings keeps this in C.
    rows = [format(int.from_bytes(hashlib.blake2b(g.encode("utf-8"), digest_size=8).digest(), "big"), "064b")
            for g in grams]
    half = len(rows) / 2
    bits = "".join("1" if column.count("1") > half else "0" for column in map("".join, zip(*rows, strict=True)))
    return to_signed(int(bits, 2))


def to_signed(value: int) -> int:
    value &= _MASK
    return value - (1 << SIMHASH_BITS) if value >> (SIMHASH_BITS - 1) else value


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & _MASK).bit_count()


def bands(value: int) -> tuple[int, ...]:
    """The bands of a SimHash, high to low (as SQLite computes `(simhash >> shift) & mask`)."""
    unsigned = value & _MASK
    return tuple((unsigned >> (BAND_BITS * (BANDS - 1 - i))) & ((1 << BAND_BITS) - 1) for i in range(BANDS))


def nearest(value: int, candidates: list[tuple[int, int]], max_distance: int = NEAR_DUP_DISTANCE) -> int | None:
    """The id of the closest (id, simhash) candidate within `max_distance`, ties to the oldest id."""
    best: tuple[int, int] | None = None
    for article_id, other in candidates:
        d = hamming(value, other)
        if d <= max_distance and (best is None or (d, article_id) < best):
            best = (d, article_id)
    return best[1] if best else None


MIN_JACCARD = 0.5  # shingle overlap a copy must keep with the original
RECENT_WINDOW = 5000  # articles searched for near duplicates (syndicated copies arrive close together)
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")


def is_copy(new_text: str, old_text: str) -> bool:
    """Is `new_text` another outlet's copy of `old_text`? Most shingles shared and no new figures or dates:
    an update that changes a number (a deadline moved, a new figure) is a new article, not a copy."""
    new, old = set(shingles(new_text)), set(shingles(old_text))
    if not new or not old or len(new & old) / len(new | old) < MIN_JACCARD:
        return False
    return set(_NUMBER.findall(new_text)) <= set(_NUMBER.findall(old_text))


class NearDuplicateIndex(Protocol):
    """What near-duplicate lookup needs from the store."""

    def simhash_candidates(self, band_values: tuple[int, ...], *, band_bits: int, window: int) -> list[tuple[int, int]]: ...

    def article_text(self, article_id: int) -> str | None: ...


def find_near_duplicate(index: NearDuplicateIndex, text: str, value: int | None) -> int | None:
    """The stored article `text` is a copy of, among the recent ones sharing a SimHash band; None if there is none."""
    if value is None:
        return None
    candidates = index.simhash_candidates(bands(value), band_bits=BAND_BITS, window=RECENT_WINDOW)
    for _ in range(3):  # a few closest candidates; each check reads one article text
        best = nearest(value, candidates)
        if best is None:
            return None
        old = index.article_text(best)
        if old is not None and is_copy(text, old):
            return best
        candidates = [c for c in candidates if c[0] != best]
    return None
