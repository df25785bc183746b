"""A story's brief, as an editor would write it: each turn told once, in one short clause. Pure.

`compress` shortens a key sentence at clause boundaries — attributions ("a source familiar with the
talks told X", "sagte ein Sprecher"), parentheticals and reported-speech tails go first — and never
cuts inside a word. `same_turn` decides whether two developments tell the same turn in other words:
they share most of their salient (rare) words and state no different facts (other dates or numbers).
A contest's turn told from another party's side ("ByteDance rejected Microsoft" / "Microsoft withdrew", reported
the same day, naming the same parties) is the same turn too (stories/outcomes.py); one party ahead in one telling
and behind in the other never is. `fold` groups ranked developments by turn, so a turn's source count says how many
carried it.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsdigest.extract.entities import find_actors
from newsdigest.extract.lang import detect_lang
from newsdigest.extract.sentences import Unit
from newsdigest.extract.temporal.lexicon import MONTH_WORDS
from newsdigest.stories.cues import states_facts
from newsdigest.stories.merge import (
    APART_DAYS,
    conflicting,
    days_apart,
    facts,
    stem_weights,
    stems,
    turn_markers,
    weighted_overlap,
)
from newsdigest.stories.outcomes import Names, has_outcome_verb, one_turn, opposite, outcomes
from newsdigest.stories.status import Development, background, told_as
from newsdigest.stories.terms import norm, salience, words

MAX_CHARS = 240
SAME_TURN = 0.5  # shared salient weight / the smaller side's salient weight
SAME_WORDS = 0.6  # or this share of the stems' weight (stems the whole story uses weigh little)
APART_FACTOR = 1.5
SAME_DAY_TURN = 0.35  # the same, for two tellings reported the same day
ELLIPSIS = "…"
STEM = 6
HEADLINE_SHARED = 0.6  # idf-weighted salience of the rarest word two same-day headlines share
SHARED_PARTIES = 2  # named parties two tellings of a contest's outcome have in common ("the same actors")

# Clauses that say who said it, not what happened: dropped first.
_ATTRIBUTION = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r",?\s*(?:eine|ein|einer)\s+(?:mit\s+den\s+\w+\s+vertraute\s+)?Quelle[^,.;]*(?:,[^,.;]*)?(?=[.;]|$)",
        r",?\s*(?:a|one|two|three)\s+(?:\w+\s+)?sources?\s+(?:familiar|close|with\s+knowledge)[^.;]*(?=[.;]|$)",
        # ", said Mr Bailey." / ", Mr Bailey said." / ", told the Kiel Courier." at the end of a sentence
        r",\s*(?:said|says|told|according\s+to)\s+(?:the\s+)?(?:[A-Z][\w.'’-]*\s*){1,5}(?=[.;]|$)",
        r",\s*(?:he|she|they|(?:[A-Z][\w.'’-]*\s+){1,4})(?:said|says|added)\s*(?=[.;]|$)",
        r",?\s*(?:sagte|sagt|teilte|berichtete|berichtet|meldete|bestätigt|bestätigte|erklärte)\s+[^,.;]*(?=[.;]|$)",
        r",?\s*(?:wie|so)\s+(?:die|der|das)?\s*[A-Z][^,.;]*\s+(?:berichtet|berichtete|meldet|meldete)\w*",
        r"\s*Als\s+Quelle\s+wird[^.;]*(?=[.;]|$)",
        # "…, heißt es in einem Beschlussentwurf der Länder, der dpa vorliegt." / "…, it said in a statement."
        r",\s*(?:heißt|hieß)\s+es\b[^.;]*(?=[.;]|$)",
        r",\s*it\s+(?:said|says|added)\b[^.;]*(?=[.;]|$)",
        r",?\s*(?:Berichten|Medienberichten|Informationen\s+\w+)\s+zufolge",
        r",?\s*(?:reportedly|it\s+is\s+understood)",
    )
]
# a lead-in before a colon ("Was sie nicht sagte: Der Lockdown soll …", "The bottom line: …"): the sentence after
# it says the news
_LEAD_IN = re.compile(r"^(?:[^\W\d][^:;.!?\d]{2,60}):\s+(?=[A-ZÄÖÜ„\"“][^:]{40,}$)")
_PAREN = re.compile(r"\s*[(\[][^()\[\]]{0,200}[)\]]")
_DASHED = re.compile(r"\s+[–—]\s+[^–—]{1,120}\s+[–—]\s+")  # "Oracle – das Trump gut gefallen hat – der ..."
_CLAUSE_END = re.compile(r"[;:,–—](?=\s)|\s[–—]\s")


def _tidy(s: str) -> str:
    s = " ".join(s.split())
    s = re.sub(r"\s+([,.;:!?])", r"\1", s)
    s = re.sub(r",\s*([.;])", r"\1", s)
    return s.strip(" ,;:–—")


@functools.lru_cache(maxsize=16384)
def compress(sentence: str, limit: int = MAX_CHARS) -> str:
    """One clause of at most `limit` characters, cut only at clause or word boundaries.

    An aside that states a fact ("– vorerst auf vier Wochen beschränkter –", "(until 12 March)") is the
    sentence's substance: it stays while the sentence fits whole."""
    s = _tidy(sentence)
    if len(s) <= limit // 2:
        return s
    kept = _compress(s, limit, keep_facts=True)
    return kept if len(kept) <= limit and not kept.endswith(ELLIPSIS) else _compress(s, limit, keep_facts=False)


def _compress(s: str, limit: int, *, keep_facts: bool) -> str:
    for rx in (_LEAD_IN, _PAREN, *_ATTRIBUTION):
        shorter = _tidy(_drop(rx, s, keep_facts=keep_facts and rx is _PAREN, count=1 if rx is _LEAD_IN else 0))
        if len(shorter) >= 20:
            s = shorter
    s = _tidy(_drop(_DASHED, s, keep_facts=keep_facts, replace=" "))
    if len(s) <= limit:
        return s
    return _cut(s, limit)


def _drop(rx: re.Pattern[str], s: str, *, keep_facts: bool, count: int = 0, replace: str = "") -> str:
    if not keep_facts:
        return rx.sub(replace, s, count=count)
    return rx.sub(lambda m: m.group(0) if states_facts(m.group(0)) else replace, s, count=count)


# words that open a clause the sentence can do without: cutting before one leaves a whole clause, cutting
# after it leaves "…, um sicherzustellen…" hanging
_DETACHABLE = re.compile(
    r"\s*(?:um|dass|daß|damit|weil|da|ob|wenn|falls|nachdem|bevor|während|obwohl|sodass|wobei|aber|doch|"
    r"sondern|(?:in|an|auf|mit|bei|von|für)?\s*(?:der|die|das|dem|den|denen|deren|dessen)\s|"
    r"which|who|whom|whose|that|because|while|although|though|after|before|when|if|unless|as|so|but|and|"
    r"despite|amid|with|including)\b",
    re.IGNORECASE,
)


def _hanging(s: str, bounds: list[int], end: int) -> bool:
    """Would cutting at `end` leave a last clause of a few words that itself opens a clause ("…, um
    sicherzustellen" whose "dass …" is cut away)?"""
    start = max((b for b in bounds if b < end), default=-1) + 1
    last = s[start:end]
    return len(last.split()) <= 3 and _DETACHABLE.match(last) is not None


def _cut(s: str, limit: int) -> str:
    """At the last clause boundary within the limit before a detachable clause (a subordinate or relative
    clause, a conjunction); failing that, the last clause boundary; failing that, the last word boundary."""
    head = s[: limit - 1]
    bounds = [m.start() for m in _CLAUSE_END.finditer(head)]
    ends = [e for e in bounds if e >= limit // 3]
    detached = [e for e in ends if _DETACHABLE.match(s, e + 1) and not _hanging(s, bounds, e)]
    if detached or ends:
        return head[: (detached or ends)[-1]].rstrip(" ,;:–—") + ELLIPSIS
    space = head.rfind(" ")
    return (head[:space] if space > 0 else head).rstrip(" ,;:–—") + ELLIPSIS


@functools.lru_cache(maxsize=16384)
def salient_terms(text: str) -> dict[str, float]:
    """Salient words of a sentence by stem (inflections fold: "gewinnt"/"gewinnen"), each with its salience.

    Stems rather than lemmas: a command never waits for a lemmatiser's dictionaries to load."""
    out: dict[str, float] = {}
    for w in words(text):
        key = norm(w)
        if (sal := salience(key)) > 0:
            stem = key[:STEM]
            out[stem] = max(out.get(stem, 0.0), sal)
    return out


def same_turn(
    a: str, b: str, idf: dict[str, float] | None = None, *, same_day: bool = False,
    stem_idf: dict[str, float] | None = None, apart: bool = False,
) -> bool:
    """Do two sentences tell the same turn? Most salient weight shared, and no conflicting facts.

    `idf` down-weights words every development of the story uses (its main names); two headlines of
    one day sharing what is rare in the story report that day's turn (`same_day`)."""
    return _same(_Telling.of(a, idf), _Telling.of(b, idf), stem_idf or {}, _Parties((a, b)), same_day=same_day,
                 apart=apart)


class _Parties:
    """The named parties of a set of tellings (their actors), found only when a comparison needs them: most
    folds compare no two tellings with outcome verbs."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._texts = tuple(texts)

    @property
    def names(self) -> Names:
        return _story_names(self._texts)

    def opposed(self, a: _Telling, b: _Telling) -> bool:
        return a.outcome and b.outcome and opposite(a.text, b.text)

    def one_turn(self, a: _Telling, b: _Telling) -> bool:
        """The same contest's outcome from two sides (the same parties named, no other facts)."""
        if not (a.outcome and b.outcome) or conflicting(a.text, b.text) or opposite(a.text, b.text):
            return False
        na, nb = self.names.named(a.text), self.names.named(b.text)
        both = na & nb
        # the same parties; or one telling names only some of the other's, and they share a word besides the
        # names ("Microsofts Angebot wurde abgelehnt" / "ByteDance lehnt Microsoft-Angebot ab")
        if len(both) < SHARED_PARTIES and not (both and (na <= nb or nb <= na)
                                               and (a.stems & b.stems) - stems(" ".join(both))):
            return False
        return one_turn(outcomes(a.text, self.names), outcomes(b.text, self.names), na, nb)


@dataclass(frozen=True)
class _Telling:
    """What comparing a sentence needs, computed once per sentence (a fold compares each many times)."""

    text: str
    terms: dict[str, float]  # salient stems, idf-weighted
    weight: float
    stems: frozenset[str]
    published: dt.date | None = None
    headline: bool = False
    outcome: bool = False  # uses an outcome verb (won, rejected, zog … zurück)

    @classmethod
    def of(cls, text: str, idf: dict[str, float] | None, published: dt.date | None = None,
           headline: bool = False) -> _Telling:
        terms = _weighted(text, idf)
        return cls(text, terms, sum(terms.values()), stems(text), published, headline, has_outcome_verb(text))


@functools.lru_cache(maxsize=1024)
def _story_names(texts: tuple[str, ...]) -> Names:
    """The actors of a story's tellings, each telling one sentence of its own paragraph."""
    text, units, at = "\n\n".join(texts), [], 0
    for i, t in enumerate(texts):
        units.append(Unit(at, at + len(t), "sentence", i))
        at += len(t) + 2
    return Names.of(find_actors(text, units, detect_lang(text)))


def _same(a: _Telling, b: _Telling, stem_idf: dict[str, float], parties: _Parties, *, same_day: bool,
          apart: bool) -> bool:
    if not a.terms or not b.terms or conflicting(a.text, b.text) or parties.opposed(a, b):
        return False
    shared = sum(min(a.terms[t], b.terms[t]) for t in a.terms.keys() & b.terms.keys())
    strict = 1.0 if not apart else APART_FACTOR
    if shared / min(a.weight, b.weight) >= strict * (SAME_DAY_TURN if same_day else SAME_TURN):
        return True
    return bool(a.stems and b.stems) and weighted_overlap(a.stems, b.stems, stem_idf) >= min(0.95, strict * SAME_WORDS)


def _weighted(text: str, idf: dict[str, float] | None) -> dict[str, float]:
    terms = salient_terms(text)
    return {t: w * (idf or {}).get(t, 1.0) for t, w in terms.items()}


def story_idf(texts: Sequence[str]) -> dict[str, float]:
    """How rare each salient word is among a story's developments (1 for a word one of them uses)."""
    df: dict[str, int] = {}
    for t in texts:
        for term in salient_terms(t):
            df[term] = df.get(term, 0) + 1
    n = max(1, len(texts))
    return {t: math.log(1 + n / c) / math.log(1 + n) for t, c in df.items()}


@dataclass(frozen=True)
class Turn:
    """One development, told once: the best telling and every development that said the same."""

    lead: Development
    tellings: tuple[Development, ...]

    @property
    def article_ids(self) -> list[int]:
        return sorted({a for d in self.tellings for a in d.point.article_ids})

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for d in self.tellings for s in d.sources))

    @property
    def published(self) -> dt.date | None:
        """The day of its best telling (the outlet's report the brief quotes); a later article retelling
        an old turn does not make it new, an old aside does not make a new turn old."""
        return self.lead.point.mentions[0].published or self.lead.point.first_published

    @property
    def last_published(self) -> dt.date | None:
        """When it was last reported."""
        days = [day for d in self.tellings if (day := d.point.last_published)]
        return max(days) if days else None

    @property
    def text(self) -> str:
        return compress(self.lead.text)


def fold(devs: Sequence[Development]) -> list[Turn]:
    """Group developments (best first) into turns; a turn is led by its best-ranked concise telling."""
    idf = story_idf([d.text for d in devs])
    stem_idf = stem_weights(d.text for d in devs)
    told = {id(d): _Telling.of(d.text, idf, d.published, _headline(d)) for d in devs}
    parties = _Parties([d.text for d in devs])
    leads = _lead_sentences(devs)
    groups: list[list[Development]] = []
    for d in devs:
        # compared with each turn's first (best) telling and its headlines (each outlet's summary of it),
        # not with any member: no chains of near-misses
        home = next((g for g in groups if any(_together(d, x, told, stem_idf, parties) for x in g
                                              if x is g[0] or told[id(x)].headline)), None)
        if home is None and id(d) in leads:
            # an article's first sentence retells its own headline (the news lead)
            home = next((g for g in groups if any(told[id(x)].headline and leads[id(d)] in x.point.article_ids
                                                  and _headlines_meet(told[id(d)], told[id(x)], parties, 0.0)
                                                  for x in g)), None)
        if home is None:
            groups.append([d])
        else:
            home.append(d)
    return [Turn(_lead(g), tuple(g)) for g in groups]


def told_once(devs: Sequence[Development]) -> tuple[Development, ...]:
    """Each turn once: its lead telling, carried by every outlet that told the turn (a digest's items)."""
    return tuple(Development(t.lead.point, t.sources, t.lead.rank) for t in fold(devs))


def _headline(d: Development) -> bool:
    return any(m.ref_id < 0 for m in d.point.mentions)  # headlines are loaded with negative ids


def _together(a: Development, b: Development, told: dict[int, _Telling], stem_idf: dict[str, float],
              parties: _Parties) -> bool:
    ta, tb = told[id(a)], told[id(b)]
    same_day = ta.published is not None and ta.published == tb.published
    if (same_day and ta.headline and tb.headline and a.point.article_ids != b.point.article_ids
            and _headlines_meet(ta, tb, parties)):
        return True
    if _days(a) & _days(b) and (_same_dated_fact(ta.text, tb.text) or parties.one_turn(ta, tb)):
        return True  # reported on a common day: the same date of the same thing, or one outcome from two sides
    apart = days_apart(ta.published, tb.published) > APART_DAYS
    if apart and turn_markers(a.text) != turn_markers(b.text):
        return False  # days later, one says it was extended / called off / agreed and the other does not
    return _same(ta, tb, stem_idf, parties, same_day=same_day, apart=apart)


def _days(d: Development) -> set[dt.date]:
    return {m.published for m in d.point.mentions if m.published}


_NOUN = re.compile(r"[A-ZÄÖÜ][a-zäöüß]{5,}|[a-z]{6,}")
COMPOUND_TAIL = 10  # letters two nouns must end alike in to name one thing ("Einschränkungen" / "Beschränkungen")


def _same_dated_fact(a: str, b: str) -> bool:
    """Two tellings of one day that state the same date (and only it) about the same thing are one turn:
    "Die Einschränkungen sollen bis Anfang Januar verlängert werden" / "…, dass die Beschränkungen bis Anfang
    Januar gelten müssen"."""
    fa = facts(a)
    if not fa or fa != facts(b) or not fa & MONTH_WORDS:
        return False
    na, nb = set(_NOUN.findall(a)), set(_NOUN.findall(b))
    if not na or not nb:
        return False
    return any(x[-COMPOUND_TAIL:].lower() == y[-COMPOUND_TAIL:].lower() and len(x) >= COMPOUND_TAIL
               and len(y) >= COMPOUND_TAIL and x.lower() not in MONTH_WORDS for x in na for y in nb)


def same_day_headlines(a: str, b: str, idf: dict[str, float] | None = None) -> bool:
    """Two outlets' headlines of one day on one story name that day's turn when they share a salient
    word (a name or a rare word) that not every development of the story carries, unless their facts differ."""
    return _headlines_meet(_Telling.of(a, idf), _Telling.of(b, idf), _Parties((a, b)))


def _headlines_meet(a: _Telling, b: _Telling, parties: _Parties, least: float = HEADLINE_SHARED) -> bool:
    shared = max((min(a.terms[t], b.terms[t]) for t in a.terms.keys() & b.terms.keys()), default=0.0)
    return shared > least and not conflicting(a.text, b.text) and not parties.opposed(a, b)


def _lead_sentences(devs: Sequence[Development]) -> dict[int, int]:
    """Development (by id) -> its article, for the first body sentence of each article among `devs`."""
    first: dict[int, tuple[int, Development]] = {}
    for d in devs:
        for m in d.point.mentions:
            if m.ref_id >= 0 and m.start >= 0 and (m.article_id not in first or m.start < first[m.article_id][0]):
                first[m.article_id] = (m.start, d)
    return {id(d): aid for aid, (_, d) in first.items()}


def _lead(group: list[Development]) -> Development:
    # the best-ranked telling that fits whole; a short headline beats a long sentence cut short
    whole = [d for d in group if len(compress(d.text)) <= MAX_CHARS and not compress(d.text).endswith(ELLIPSIS)]
    return (whole or group)[0]


def brief(devs: Sequence[Development], earlier: int = 5) -> tuple[Turn | None, list[Turn]]:
    """(the latest turn, up to `earlier` other turns newest first) from ranked developments.

    The lead is the best-ranked turn reported on the newest day and new then (first reported within a
    couple of days), a headline before a body sentence: not an old turn some article retold. The earlier
    turns come from as many articles as possible (one each, then seconds), so the brief spans the
    story rather than retelling its newest article."""
    turns = fold(devs)
    if not turns:
        return None, []
    newest = max((t.last_published for t in turns if t.last_published), default=None)
    fresh = [t for t in turns if t.last_published == newest and days_apart(t.published, newest) <= APART_DAYS]
    lead = next((t for t in fresh if any(_headline(d) for d in t.tellings)), None) or (fresh[0] if fresh else None)
    lead = lead or next((t for t in turns if t.last_published == newest), turns[0])
    rest = [t for t in turns if t is not lead]
    used: set[int] = {_home(lead)}
    picked: list[Turn] = [t for t in (_substance(lead, rest),) if t is not None][:earlier]
    used.update(_home(t) for t in picked)
    for t in rest:  # rank order: each article's best turn first
        if len(picked) < earlier and _home(t) not in used and t not in picked:
            picked.append(t)
            used.add(_home(t))
    for t in rest:  # then the next best, when the story has few articles
        if len(picked) < earlier and t not in picked:
            picked.append(t)
    order = {id(t): i for i, t in enumerate(rest)}
    picked.sort(key=lambda t: (-(t.published or dt.date.min).toordinal(), order.get(id(t), -1)))
    return lead, picked


def _substance(lead: Turn, rest: Sequence[Turn]) -> Turn | None:
    """When the lead is told by a headline that states no facts ("Deutschland im Teil-Lockdown", "Ferry strike
    begins"), what the turn means from the lead's own articles: their best-ranked body sentence that states a
    date, a number or a duration (the measures, how long they last), and is no recap and no quotation. It is
    about the headline's news: an article's first sentence (the news lead that explains its headline), or a
    sentence that shares a salient word with the headline, not an aside of the article."""
    if not _headline(lead.lead) or states_facts(lead.text):
        return None
    own, topic = set(lead.article_ids), salient_terms(lead.text).keys()
    ledes = _lead_sentences([d for t in (lead, *rest) for d in t.tellings])
    told = [Turn(d, (d,)) for d in lead.tellings if d is not lead.lead]
    fits = [t for t in (*told, *rest)
            if _home(t) in own and not _headline(t.lead) and (id(t.lead) in ledes or topic & salient_terms(t.text).keys())
            and states_facts(t.text) and not _weak(t.lead)]  # the facts must survive compression
    return max(fits, key=lambda t: t.lead.rank, default=None)


def _weak(d: Development) -> bool:
    """Background (a recap, earlier years, reporting about reporting) or only a quotation."""
    return told_as(d.point) == "quote" or any(m.ref_id >= 0 and background(m.text, m.published)
                                             for m in d.point.mentions[:1])


def _home(turn: Turn) -> int:
    """The article a turn's best telling comes from."""
    return turn.lead.point.mentions[0].article_id
