"""Near-duplicate detection: SimHash properties, bands, the copy check and the store lookup."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsdigest.extract import extract
from newsdigest.ingest.dedupe import (
    BANDS,
    NEAR_DUP_DISTANCE,
    bands,
    canonical_url,
    find_near_duplicate,
    hamming,
    is_copy,
    simhash,
    to_signed,
)
from newsdigest.models import ArticleInput
from newsdigest.store.store import Store
from tests.ingest.conftest import TEXTS


def test_simhash_is_stable_and_case_and_space_insensitive() -> None:
    text = TEXTS["bahn"]
    assert simhash(text) == simhash(text) == simhash("  " + text.upper().replace(" ", "  \n"))


def test_short_texts_get_no_simhash() -> None:
    assert simhash("Kurzer Anriss mit wenigen Wörtern.") is None


def test_unrelated_texts_are_far_apart_and_copies_close() -> None:
    hashes = {k: simhash(v) for k, v in TEXTS.items()}
    values = [h for h in hashes.values() if h is not None]
    assert len(values) == len(TEXTS)
    assert min(hamming(a, b) for i, a in enumerate(values) for b in values[i + 1 :]) > NEAR_DUP_DISTANCE
    copy = simhash("Wien (APA) – " + TEXTS["klima"] + " Mehr dazu morgen.")
    assert copy is not None and hamming(copy, hashes["klima"] or 0) <= NEAR_DUP_DISTANCE


@given(st.integers(-(2**63), 2**63 - 1))
def test_signed_storage_round_trip_and_bands(value: int) -> None:
    assert to_signed(value) == value
    assert len(bands(value)) == BANDS and all(0 <= b < 256 for b in bands(value))
    assert int("".join(f"{b:08b}" for b in bands(value)), 2) == value & (2**64 - 1)


@given(st.integers(-(2**63), 2**63 - 1), st.sets(st.integers(0, 63), max_size=7))
def test_within_seven_bits_some_band_agrees(value: int, flips: set[int]) -> None:
    other = to_signed(value ^ sum(1 << b for b in flips))
    assert hamming(value, other) == len(flips)
    assert any(x == y for x, y in zip(bands(value), bands(other), strict=True))


def test_is_copy_rejects_changed_figures_and_different_texts() -> None:
    text = TEXTS["tiktok"]
    assert is_copy(text + " (dpa)", text)
    assert not is_copy(text.replace("15. September", "20. September"), text)
    assert not is_copy(TEXTS["bahn"], text)


def _add(store: Store, text: str, url: str) -> int:
    result = store.add_article(ArticleInput(text=text, url=url, source=url), extract(text), content_hash=url,
                               canonical_url=canonical_url(url), simhash=simhash(text))
    return result.article_id


@settings(deadline=None, max_examples=20)
@given(st.integers(-(2**63), 2**63 - 1))
def test_sqlite_bands_match_python_bands(value: int) -> None:
    store = Store(":memory:")
    try:
        store.conn.execute(
            "INSERT INTO articles (title, text, lang, published, content_hash, simhash, ingested_at, extraction)"
            " VALUES ('t', 'x', 'de', '2020-01-01', 'h', ?, 'now', '{}')", (value,))
        assert store.simhash_candidates(bands(value), band_bits=8, window=10) == [(1, value)]
        shifted = tuple((b + 1) % 256 for b in bands(value))
        assert store.simhash_candidates(shifted, band_bits=8, window=10) == []
    finally:
        store.close()


def test_store_lookup_finds_the_copy_within_the_window(store: Store) -> None:
    ids = {k: _add(store, v, f"https://a.example/{k}") for k, v in TEXTS.items()}
    copy = "Hamburg (dpa) - " + TEXTS["wahl"].replace("Die Wahlbeteiligung", "Die Beteiligung")
    assert find_near_duplicate(store, copy, simhash(copy)) == ids["wahl"]
    assert find_near_duplicate(store, TEXTS["wahl"].replace("vierzig", "fünfzig") + " 2021", None) is None
    changed = TEXTS["wahl"] + " Gewählt wird von 8 bis 18 Uhr."
    assert find_near_duplicate(store, changed, simhash(changed)) is None  # new figures: not a copy
