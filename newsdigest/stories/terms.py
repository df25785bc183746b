"""Salient terms of an article: what makes it about *this* story and not news in general.

A term's salience comes from how rare the word is in everyday language (wordfreq's Zipf scale, read
into a compact table of its own), so "ByteDance" or "Straßenbahn" weigh far more than "Regierung" or
"September". Words are lemmatised
(simplemma, in the article's language) so "Lockdowns"/"Lockdown" and "extended"/"extends" are one
term; hyphenated compounds count whole and by their parts ("Teil-Lockdown" -> teil-lockdown,
lockdown), closed German compounds also by their parts ("Kontaktbeschränkung" -> kontakt,
beschränkung; "Neuinfektion" and "Infektionszahl" share infektion), and English two-word phrases
("harbour strike") are terms of their own, since English writes as two words what German writes as
one. Pure and deterministic.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsdigest.extract.temporal.lexicon import MONTHS_DE, MONTHS_EN, WEEKDAYS_DE, WEEKDAYS_EN
from newsdigest.heap import settled

_WORD = re.compile(r"[^\W\d_][\w'’.&]*[^\W_]|[^\W\d_]", re.UNICODE)
MAX_TERMS = 25  # terms kept per article profile
TERM_CAP = 8.0  # most weight one term can carry in an article's profile
COMMON_ZIPF = 5.0  # words at least this frequent (per million: 100) never identify a story
MIN_LEN = 3
PART_FACTOR = 0.5  # a compound's part speaks for it at half its weight: "Hafenstreik" is more than "Streik"
COMPOUND_MIN = 9  # letters of the shortest closed compound worth splitting
KNOWN_ZIPF = 2.5  # a part must be at least this common a word on its own
SHORT_HEAD_ZIPF = 3.5  # a head under 5 letters must be common ("Bahn", "Zahl"), not a suffix ("-rung")
SPLIT_BELOW_ZIPF = 3.5  # a compound this common has statistics of its own ("Wirtschaft", "Bürgermeister")
_LINKS = ("s", "es", "n", "en", "e", "er")  # Fugen letters between the parts of a German compound
_SUFFIX_HEADS = frozenset(["schaft", "schaften", "heit", "keit", "ung", "ungen", "ling", "tum", "nis"])  # words
# that end many nouns as a suffix ("Mitgliedschaft"), not as their head
_STOP = frozenset(
    ["der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einem", "einen", "und", "oder", "aber", "doch", "auch", "noch", "nicht", "kein", "keine", "mit", "von", "vom", "zum", "zur", "für", "fuer", "auf", "aus", "bei", "bis", "durch", "gegen", "ohne", "über", "unter", "nach", "vor", "seit", "als", "wie", "wenn", "weil", "dass", "daß", "ist", "sind", "war", "waren", "wird", "werden", "wurde", "wurden", "hat", "haben", "hatte", "hatten", "sein", "seine", "ihre", "ihr", "sich", "man", "mehr", "sehr", "schon", "nur", "dieser", "diese", "dieses", "jetzt", "heute", "gestern", "morgen", "laut", "sagte", "sagt", "berichten", "zufolge", "bereits", "sowie", "etwa", "rund", "the", "a", "an", "and", "or", "but", "not", "no", "with", "from", "for", "on", "at", "by", "to", "of", "in", "into", "over", "under", "after", "before", "since", "as", "is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "could", "should", "its", "it", "this", "that", "these", "those", "he", "she", "they", "we", "you", "said", "says", "says", "according", "also", "more", "most", "new", "about", "than", "their", "there", "here", "which", "who", "what", "when", "where", "while"]
)


FLOOR_ZIPF = 1.5  # rarer words all count as rare: their exact frequency moves no weight much, and keeping
# them would double the tables (wordfreq's large de+en lists hold 955k words, 509k of them at Zipf >= 1.5)
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


@functools.cache
def _zipf_table(lang: str) -> dict[str, int]:
    """wordfreq's large list for `lang` as casefolded word -> centibels below 0, words at Zipf >= FLOOR_ZIPF
    only. Streamed from the list file wordfreq ships, one frequency bin at a time (the file is a header,
    then one list of words per centibel, most frequent first), so neither the whole list nor wordfreq's own
    caches of it (a list and a dict of every word, which `zipf_frequency` keeps for good) are ever in memory."""
    import gzip

    import msgpack  # wordfreq's file format
    from wordfreq import available_languages  # lazy: the tables load on first use

    last = round(900 - 100 * FLOOR_ZIPF)
    table: dict[str, int] = {}
    with gzip.open(available_languages("large")[lang], "rb") as f:
        unpacker = msgpack.Unpacker(f, raw=False)
        bins = unpacker.read_array_header() - 1
        header = unpacker.unpack()
        if not isinstance(header, dict) or header.get("format") != "cB":
            raise ValueError(f"unexpected wordfreq list header: {header!r}")
        for cb in range(min(bins, last + 1)):
            for w in unpacker.unpack():
                table[w] = cb
    return table


def zipf(word: str, lang: str) -> float:
    """Zipf frequency of a word (0 when rarer than FLOOR_ZIPF); words of several tokens ("teil-lockdown")
    combine as wordfreq does: 1/f = 1/f1 + 1/f2."""
    table = _zipf_table(lang)
    key = word.casefold().replace("’", "'").strip(".")
    cb = table.get(key)
    if cb is not None:
        return (900 - cb) / 100
    tokens = _TOKEN.findall(key)
    if len(tokens) < 2 or any(t not in table for t in tokens):
        return 0.0
    freq = 1.0 / sum(10 ** (table[t] / 100) for t in tokens)
    return max(0.0, round(9 + math.log10(freq), 2))


@functools.lru_cache(maxsize=65536)
def salience(word: str) -> float:
    """0 for everyday words, up to 6 for words rarely seen outside this story (names, rare compounds)."""
    zipf_ = max(zipf(word, "de"), zipf(word, "en"))
    settled("wordfreq-large")
    if zipf_ >= COMMON_ZIPF:
        return 0.0
    return min(6.0, COMMON_ZIPF + 1.0 - zipf_)


def words(text: str) -> list[str]:
    """Word tokens; hyphenated compounds yield their parts ("TikTok-Übernahme" -> TikTok, Übernahme)."""
    out: list[str] = []
    for m in _WORD.finditer(text.replace("-", " ")):
        w = m.group().strip(".'’&")
        if len(w) >= MIN_LEN and w.lower() not in _STOP:
            out.append(w)
    return out


_COMPOUND = re.compile(r"\b[^\W\d_]{2,}(?:-[^\W\d_]{2,})+\b", re.UNICODE)
_PHRASE_SPLIT = re.compile(r"[^\w\s'’-]+|\s{2,}", re.UNICODE)


def compounds(text: str) -> list[str]:
    """Hyphenated compounds as written ("Teil-Lockdown", "Corona-Maßnahmen")."""
    return [m.group() for m in _COMPOUND.finditer(text)]


def phrases(text: str, names: frozenset[str] = frozenset()) -> list[str]:
    """Adjacent pairs of content words within a clause ("harbour strike", "job support"); names are no part."""
    out: list[str] = []
    for chunk in _PHRASE_SPLIT.split(text):
        toks = chunk.split()
        for a, b in itertools.pairwise(toks):
            a, b = a.strip(".'’&"), b.strip(".'’&")
            if (len(a) >= MIN_LEN and len(b) >= MIN_LEN and a.isalpha() and b.isalpha()
                    and not {a.lower(), b.lower()} & (_STOP | names)):
                out.append(f"{a} {b}")
    return out


@functools.lru_cache(maxsize=65536)
def compound_parts(word: str) -> tuple[str, ...]:
    """The modifier and head of a rare closed German compound, lower case ("kontaktbeschränkung" -> kontakt,
    beschränkung; "infektionszahl" -> infektion, zahl); () when it is no compound of two known words or a
    common word in its own right.

    Of the splits into two words both known on their own (the modifier possibly with a linking s/n/en),
    the one whose rarer part is commonest wins, longer heads breaking ties: the head says what it is."""
    w = word.lower()
    if len(w) < COMPOUND_MIN or not w.isalpha() or zipf(w, "de") >= SPLIT_BELOW_ZIPF:
        return ()
    best: tuple[float, str, str] | None = None
    for i in range(3, len(w) - 3):
        left, head = w[:i], w[i:]
        zh = zipf(head, "de")
        if head in _SUFFIX_HEADS or zh < KNOWN_ZIPF or (len(head) < 5 and zh < SHORT_HEAD_ZIPF):
            continue
        for mod in {left, *(left[: -len(f)] for f in _LINKS if left.endswith(f) and len(left) - len(f) >= 3)}:
            zm = zipf(mod, "de")
            if zm >= KNOWN_ZIPF:
                score = min(zm, zh) + 0.1 * len(head)
                if best is None or (score, mod) > (best[0], best[1]):
                    best = (score, mod, head)
    return (best[1], best[2]) if best else ()


_CALENDAR = frozenset(k.rstrip(".") for d in (MONTHS_DE, MONTHS_EN, WEEKDAYS_DE, WEEKDAYS_EN) for k in d)
LEGAL_FORMS = frozenset(["corp", "inc", "co", "ltd", "llc", "plc", "group", "ag", "gmbh", "se", "kg", "kgaa"])


@functools.lru_cache(maxsize=65536)
def is_someone(actor: str) -> bool:
    """Whether an extracted actor names someone: a month or a weekday read as a name ("Dec", "Montag") does not,
    nor a legal form alone."""
    keys = [w.lower().strip(".") for w in actor.split()]
    return bool(keys) and not all(k in _CALENDAR or k in LEGAL_FORMS for k in keys)


def norm(word: str) -> str:
    return word.lower().replace("’", "'").removesuffix("'s")


@functools.lru_cache(maxsize=131072)
def lemma(word: str, lang: str | None) -> str:
    """The normalised lemma of a word ("Lockdowns" -> lockdown, "extended" -> extend); names stay as they are."""
    key = norm(word)
    if lang not in ("de", "en") or "-" in key:
        return key
    import simplemma  # lazy: loads its dictionaries on first use

    # low_memory: the same dictionaries read from their compressed streams instead of unpacked into a dict (the
    # same lemmas; ~100 MB less peak RSS for German, a little more CPU per distinct word, which lru_cache absorbs)
    out = str(simplemma.lemmatize(key if lang == "en" else word, lang=lang, low_memory=True)).lower()
    settled(f"simplemma-{lang}")
    return out


@dataclass
class TermProfile:
    """One article's salient terms: normalised term -> weight, plus the surface spelling seen most."""

    weights: dict[str, float] = field(default_factory=dict)
    surface: dict[str, str] = field(default_factory=dict)
    actors: tuple[str, ...] = ()
    names: frozenset[str] = frozenset()  # terms that are (parts of) names: who, not what the story is about


def _phrase_salience(key: str) -> float:
    parts = [salience(p) for p in key.replace("-", " ").split()]
    if not parts or max(parts) <= 0:
        return 0.0
    # a phrase is rarer than its rarest part; a bonus makes it outweigh that part alone
    return min(6.0, max(parts) + 0.5)


def profile(
    title: str, actors: Iterable[str], passages: Iterable[str], *, limit: int = MAX_TERMS, lang: str | None = None
) -> TermProfile:
    """Weigh terms by salience x where they occur: actors and the title count more than body passages."""
    score: dict[str, float] = {}
    spelled: dict[str, dict[str, int]] = {}

    def note(seen: dict[str, float], key: str, surface: str, value: float, cap: float) -> None:
        spelled.setdefault(key, {}).setdefault(surface, 0)
        spelled[key][surface] += 1
        seen[key] = min(cap, seen.get(key, 0.0) + value)

    def add(text: str, factor: float, cap: float, *, names: bool = False) -> None:
        seen: dict[str, float] = {}
        for w in words(text):
            # a word of a name stays as written: the lemmatiser takes "Seibert" for a verb ("seibern")
            key = norm(w) if names or norm(w) in actor_words else lemma(w, lang)
            if key.endswith("s") and key[:-1] in actor_words:  # "Sunaks" plan: a possessive of a name
                key = key[:-1]
            sal = salience(key)
            if sal > 0:
                note(seen, key, w, factor * sal, cap)
            # a name is no compound: no actor's word ("Mitterlehner" is not of "Lehner", "ByteDance" not of
            # "Byte" and "Dance"; name_words are actor words too), nor a camel-cased brand
            if lang == "de" and not names and w[:1].isupper() and w[1:].islower() and key not in actor_words:
                for part in compound_parts(key):
                    if (psal := salience(part)) > 0:
                        note(seen, part, part.capitalize(), PART_FACTOR * factor * psal, cap)
        for c in compounds(text):
            key = norm(c)
            if (sal := _phrase_salience(key)) > 0:
                note(seen, key, c, factor * sal, cap)
        if lang == "en" and not names:
            for ph in phrases(text, name_words):
                key = " ".join(lemma(w, lang) for w in ph.split())
                if (sal := _phrase_salience(key)) > 0:
                    note(seen, key, ph, 0.8 * factor * sal, cap)
        for key, value in seen.items():
            score[key] = score.get(key, 0.0) + value

    actor_list = tuple(a.strip() for a in actors if a and a.strip())
    # parts of personal and organisation names ("Angela Merkel", "CDU"); one-word actors may be topics
    # a hyphenated name's parts are the name too ("Mikl-Leitner" -> mikl, leitner): the text's words are split at
    # hyphens, and a part of a minister's name is no topic shared with every story she speaks in
    name_words = frozenset(k for a in actor_list for w in a.split() if len(a.split()) > 1 or a.isupper()
                           for k in _name_keys(w))
    actor_words = frozenset(k for a in actor_list for w in a.split() for k in _name_keys(w))
    for rank, actor in enumerate(actor_list[:10]):
        add(actor, 1.0 / (1 + 0.15 * rank), 6.0, names=True)
    add(title, 1.3, 8.0)
    for passage in passages:
        add(passage, 0.5, 6.0)
    # a term's weight saturates: a name in every paragraph says who, not more about what, than in three
    score = {k: min(TERM_CAP, v) for k, v in score.items()}
    top = sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return TermProfile(
        weights={k: round(v, 3) for k, v in top},
        surface={k: _best_spelling(spelled[k], k) for k, _ in top},
        actors=actor_list,
        names=frozenset(k for k, _ in top if k in name_words),
    )


def _name_keys(word: str) -> set[str]:
    low = word.lower()
    return {low, *(p for p in low.split("-") if len(p) >= MIN_LEN)}


def _best_spelling(counts: dict[str, int], key: str) -> str:
    # Prefer the lemma's own spelling (furlough, not furloughed), then the most frequent, then the one
    # with capitals inside (TikTok over Tiktok).
    return sorted(counts.items(),
                  key=lambda kv: (kv[0].lower() != key, -kv[1], -sum(c.isupper() for c in kv[0]), kv[0]))[0][0]
