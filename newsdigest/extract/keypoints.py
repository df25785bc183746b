"""Key points: article sentences ranked by how much news they carry.

Kinds: deadline (holds a deadline), quote (mostly a quotation), figure (numbers with a unit, currency, percent
or millions), event (past-tense action with an actor), fact (the rest). Score in 0..1 from position, actor
salience, dates and numbers, length sanity and kind. Headlines, questions and removed spans never become key points.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from newsdigest.extract.sentences import SpanSet, Unit
from newsdigest.extract.types import DeadlineRec, KeyPointRec, Timex
from newsdigest.models import KeyPointKind

__all__ = ["rank_key_points"]

MAX_KEY_POINTS = 12
MIN_WORDS = 5
MAX_WORDS = 70

_QUOTE = re.compile(r"„[^“”\"]{12,}[“”\"]|“[^”]{12,}”|\"[^\"]{12,}\"|«[^»]{12,}»|»[^«]{12,}«|”[^”]{12,}”")
_QUOTE_OPEN = re.compile(r"^\s*[„“\"«»”]")
_FIGURE = re.compile(
    r"\d[\d.,]*\s*(?:%|Prozent|percent|per\s+cent|Mio\.?|Millionen|Million|Mrd\.?|Milliarden|Milliarde|million|"
    r"billion|trillion|bn|m\b|Euro|EUR|€|Dollar|USD|US-Dollar|\$|Pfund|Franken|Yen|Yuan|Nutzer|users|Menschen|"
    r"people|Mitarbeiter|employees|Stellen|jobs|Tonnen|tons|Kilometer|km|Prozentpunkte)"
    r"|\b\d{1,3}(?:[.,]\d{3})+\b|[€$£]\s*\d|\b(?:eine|einer|zwei|drei|vier|fünf|zehn|hundert|one|two|three|ten|hundred)\s+(?:Millionen|Milliarden"
    r"|million|billion)",
    re.IGNORECASE,
)
# past-tense action, in three parts (the union is `_PAST`): perfect/passive with a participle ("hat ... gekauft",
# "wurde ... übernommen", "ist ... ausgestiegen": a separable prefix is just more letters before "ge"), a preterite
# of five or more letters with its separated particle ("kündigte ... an"; the look-behind after the literal "t" lets
# the engine skip to candidate letters), and a preterite from a list or an English "-ed" form
_PAST_AUX = re.compile(
    r"\b(?:hat|haben|hatte|hatten|ist|sind|war|waren|wurde|wurden)\b[^.;]{0,120}?\b(?:ge\w{3,}(?:t|en)|\w+iert|"
    r"\w{2,}ge\w{3,}(?:t|en))\b",
    re.IGNORECASE,
)
_PAST_PARTICLE = re.compile(
    r"t(?<=\w{4})en?\b\s+(?:\w+\s+){0,6}?(?:ab|an|auf|aus|ein|mit|vor|zu|zurück|bekannt|fest)\b", re.IGNORECASE
)
_PAST_VERBS = frozenset(
    "sagte gab zog kam traf erhielt unterzeichnete lehnte kündigte bestätigte gewann verlor kaufte verkaufte übernahm "
    "erklärte teilte warnte drohte forderte beschloss entschied stimmte wählte einigte verklagte schrieb nannte stellte "
    "meldete berichtete said told won lost bought sold took gave made signed announced rejected withdrew agreed chose "
    "filed sued ordered warned threatened".split()
)
_PAST_ED = re.compile(r"\wed\b", re.IGNORECASE)  # a word of three or more letters ending in "ed"
_PAST = re.compile(
    f"{_PAST_AUX.pattern}|{_PAST_PARTICLE.pattern}|\\b(?:{'|'.join(sorted(_PAST_VERBS))}|\\w+ed)\\b", re.IGNORECASE
)
_RUN = re.compile(r"\w+")
# characters whose regex case folding differs from str.lower() (Turkish i, long s): there the regex decides
_ODD_CASE = frozenset("ıİſ")
_DIGIT = re.compile(r"\d")
_ASCII = re.compile(r"[\x00-\x7f]+")


def rank_key_points(
    text: str,
    units: Sequence[Unit],
    *,
    actors: Sequence[str],
    deadlines: Sequence[DeadlineRec],
    timexes: Sequence[Timex],
    skip: SpanSet | Sequence[tuple[int, int]] = (),
    limit: int = MAX_KEY_POINTS,
) -> list[KeyPointRec]:
    removed = skip if isinstance(skip, SpanSet) else SpanSet(list(skip))
    sents = [u for u in units if u.kind == "sentence" and not removed.overlaps(u.start, u.end)]
    if not sents:
        return []
    actor_w = {a: 1.0 / (1 + i) for i, a in enumerate(actors)}
    actor_rx = _Actors(actors) if actors else None
    tx_starts = sorted(t.start for t in timexes)
    dl_spans = sorted((d.start, d.end) for d in deadlines)
    out: list[KeyPointRec] = []
    n = len(sents)
    for i, u in enumerate(sents):
        s = text[u.start : u.end]
        nw = s.count(" ") + 1  # word count is only a length check: spaces suffice
        if nw < MIN_WORDS or s.rstrip("\"“”»«'’)").endswith("?"):
            continue
        has_num = _DIGIT.search(s) is not None
        named = actor_rx.found(s) if actor_rx is not None else []
        kind = _kind(s, u, dl_spans, has_num, bool(named))
        score = _score(nw, i, n, kind, u, has_num, named, actor_w, tx_starts)
        out.append(KeyPointRec(u.start, u.end, s, kind, round(score, 4)))
    out.sort(key=lambda k: (-k.score, k.start))
    return out[:limit]


class _Actors:
    """Actor mentions by plain substring tests (a regex compiled per article costs more than the scan)."""

    def __init__(self, actors: Sequence[str]) -> None:
        # surname mentions count; the surname is a substring of the full name, so testing it alone suffices
        self.keys = [(a, a.split(" ")[-1]) for a in dict.fromkeys(actors)]

    def found(self, s: str) -> list[str]:
        return [a for a, key in self.keys if key in s]


def _has_digit(s: str, has_num: bool) -> bool:
    """Any str.isdigit() character (superscripts too); only non-ASCII ones need a look after the regex said no."""
    return has_num or any(map(str.isdigit, _ASCII.sub("", s)))


def _kind(s: str, u: Unit, dl_spans: list[tuple[int, int]], has_num: bool, has_actor: bool) -> KeyPointKind:
    k = bisect.bisect_left(dl_spans, (u.start, -1))
    if k < len(dl_spans) and dl_spans[k][0] < u.end:
        return KeyPointKind.DEADLINE
    quoted = sum(len(m.group()) for m in _QUOTE.finditer(s))
    if quoted >= 0.5 * len(s) or (_QUOTE_OPEN.match(s) and quoted > 0):
        return KeyPointKind.QUOTE
    if ("illi" in s or _has_digit(s, has_num)) and _FIGURE.search(s):
        return KeyPointKind.FIGURE
    if has_actor and _is_past(s):
        return KeyPointKind.EVENT
    return KeyPointKind.FACT


def _is_past(s: str) -> bool:
    """`_PAST.search(s)`, cheapest part first: whole words are looked up in a set instead of tried at every position."""
    if not _ODD_CASE.isdisjoint(s):
        return _PAST.search(s) is not None
    if _PAST_ED.search(s) is not None or not _PAST_VERBS.isdisjoint(_RUN.findall(s.lower())):
        return True
    return _PAST_PARTICLE.search(s) is not None or _PAST_AUX.search(s) is not None


_KIND_BONUS = {"deadline": 0.3, "event": 0.15, "figure": 0.12, "quote": 0.05, "fact": 0.0}


def _score(
    nw: int,
    i: int,
    n: int,
    kind: str,
    u: Unit,
    has_num: bool,
    named: list[str],
    actor_w: dict[str, float],
    tx_starts: list[int],
) -> float:
    position = 1.0 - i / max(n, 1)  # the lead carries the news
    salience = 0.0
    if named:
        for a in named:
            salience += actor_w[a]
        salience = min(salience, 1.5) / 1.5
    k = bisect.bisect_left(tx_starts, u.start)
    has_date = k < len(tx_starts) and tx_starts[k] < u.end
    length = 1.0 if 10 <= nw <= 40 else (0.6 if nw <= MAX_WORDS else 0.2)
    raw = 0.30 * position + 0.25 * salience + 0.10 * has_date + 0.05 * has_num + 0.10 * length + _KIND_BONUS[kind]
    return max(0.0, min(1.0, raw / 0.95))
