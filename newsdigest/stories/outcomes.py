"""Who came out of a turn ahead and who behind: the outcome a sentence gives each named party. Pure.

A contest's turn is told from each side: "ByteDance lehnt Microsofts Angebot ab", "Microsoft zog sein Interesse
zurück", "Oracle gewinnt das Bietergefecht". The verbs differ (rejected / withdrew / won) but give the parties the
same outcomes (Microsoft out, Oracle in), so `one_turn` finds them one development; "Oracle won" beside "Oracle
lost" gives one party opposite outcomes (`opposed`), and such tellings are never one.

Roles are read from word order within a clause, for German and English: who a verb acts on (picks, rejects) is
the party after it ("lehnt Microsofts Angebot ab", "rejected Microsoft's bid"), or with the verb at the clause's
end ("hat Oracle ausgewählt") the party before it after the subject; a passive clause ("Microsofts Angebot wurde
abgelehnt", "was rejected") gives the outcome to the party before the verb. Who wins or loses on their own
(won, withdrew) is the clause's first party ("Am Sonntag zog Microsoft … zurück" too).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from newsdigest.extract.temporal.lexicon import MONTH_WORDS, WEEKDAY_WORDS

WIN, LOSE = 1, -1

# Verb forms by what they do to whom (casefolded; "a … b": a separable verb or phrasal whose particle `b` follows
# later in the clause). Data, German and English.
PICKS = (  # the party acted on comes out ahead
    "chose chooses chosen selected selects picked picks accepted accepts preferred prefers "
    "favoured favored backed endorsed awarded "
    "wählte wählt gewählt ausgewählt auserkoren akzeptierte akzeptiert bevorzugte bevorzugt "
    "nahm…an nimmt…an angenommen entschied…für entscheidet…für opted…for opts…for went…with sided…with"
)
REJECTS = (  # the party acted on comes out behind
    "rejected rejects spurned spurns snubbed snubs dismissed ousted excluded "
    "turned…down turns…down passed…over "
    "lehnte…ab lehnt…ab lehnten…ab abgelehnt wies…zurück weist…zurück zurückgewiesen verschmähte "
    "verschmäht ausgeschlossen ausgebootet"
)
WINS = (  # the acting party comes out ahead
    "won wins prevailed prevails secured secures clinched clinches triumphed "
    "gewann gewinnt gewonnen siegte siegt gesiegt setzte…durch setzt…durch durchgesetzt "
    "erhielt…zuschlag erhält…zuschlag bekam…zuschlag bekommt…zuschlag"
)
LOSES = (  # the acting party comes out behind
    "lost loses withdrew withdraws withdrawn forfeited conceded "
    "pulled…out pulls…out dropped…out drops…out bowed…out bows…out walked…away walks…away gave…up gives…up "
    "missed…out lost…out backed…out "
    "verlor verliert verloren unterlag unterliegt unterlegen scheiterte scheitert gescheitert zog…zurück "
    "zieht…zurück zurückgezogen stieg…aus steigt…aus ausgestiegen gab…auf gibt…auf aufgegeben"
)
BEATS = (  # the acting party ahead, the party acted on behind
    "beat beats defeated defeats outbid outbids outplayed edged…out "
    "besiegte besiegt schlug schlägt überbot überbietet ausgestochen stach…aus sticht…aus"
)
# auxiliaries that make the clause passive: the party before the verb is the one acted on
PASSIVE = frozenset("wurde wurden worden wird was were been being is are get gets got".split())
# words after which a name is the one acting in a passive clause ("rejected by ByteDance"), not the one acted on
AGENT_MARKERS = frozenset("by durch".split())
# words that open a new clause ("… zurück und es scheint …", "… rejected Microsoft and chose Oracle")
CLAUSE_WORDS = frozenset("und and aber but sondern oder or while whereas während doch".split())

# capitalised words that name no party (sentence openers, articles, pronouns)
STOP = frozenset(
    "der die das den dem des ein eine einen einem einer am im vom zum zur es er sie wir ihr sein seine "
    "the a an it its he she they we this that these those on in at after before".split()
) | MONTH_WORDS | WEEKDAY_WORDS

_OBJECT, _SUBJECT = "object", "subject"


def _forms(spec: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(f.split("…")) for f in spec.split())


# verb form -> (whose outcome, which outcome) for each part of the entry
_VERBS: dict[tuple[str, ...], tuple[tuple[str, int], ...]] = {
    **dict.fromkeys(_forms(PICKS), ((_OBJECT, WIN),)),
    **dict.fromkeys(_forms(REJECTS), ((_OBJECT, LOSE),)),
    **dict.fromkeys(_forms(WINS), ((_SUBJECT, WIN),)),
    **dict.fromkeys(_forms(LOSES), ((_SUBJECT, LOSE),)),
    **dict.fromkeys(_forms(BEATS), ((_SUBJECT, WIN), (_OBJECT, LOSE))),
}
_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _form in _VERBS:
    _BY_FIRST.setdefault(_form[0], []).append(_form)
_FIRST_WORDS = frozenset(_BY_FIRST)
_TOKEN = re.compile(r"[^\W\d_]+(?:[.'’][^\W\d_]+)*|[,;:()–—]", re.UNICODE)
_PUNCT = frozenset(",;:()–—")


def has_outcome_verb(text: str) -> bool:
    """Cheap test before any role reading: does the sentence use an outcome verb at all?"""
    return not _FIRST_WORDS.isdisjoint(w.casefold() for w in _TOKEN.findall(text))


@dataclass(frozen=True)
class Names:
    """A story's actors, found by word: "Donald Trump" is named by "Trump", "Microsofts" by "Microsoft"."""

    by_word: dict[str, str]

    @classmethod
    def of(cls, actors: Iterable[str]) -> Names:
        out: dict[str, str] = {}
        for actor in actors:
            for part in re.split(r"[\s-]+", actor):
                if len(part) >= 3 and part[:1].isupper():
                    out.setdefault(part.casefold(), actor)
        return cls(out)

    def name(self, token: str) -> str | None:
        low = token.casefold()
        hit = self.by_word.get(low)
        if hit is None and low.endswith(("s", "'s", "’s")):  # genitive: "Microsofts Angebot", "Microsoft's bid"
            hit = self.by_word.get(low.removesuffix("s").rstrip("'’"))
        return hit

    def named(self, text: str) -> frozenset[str]:
        return frozenset(a for t in _words(text) if (a := self.name(t)) is not None)


def _words(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.replace("-", " ")) if t not in _PUNCT]


def _clauses(text: str) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for t in _TOKEN.findall(text.replace("-", " ")):
        if t in _PUNCT or t.casefold() in CLAUSE_WORDS:
            if out[-1]:
                out.append([])
        else:
            out[-1].append(t)
    return [c for c in out if c]


def outcomes(text: str, names: Names) -> dict[str, int]:
    """Named party -> WIN or LOSE, as far as the sentence's outcome verbs and word order say; a party the
    sentence gives both is left out."""
    return dict(_outcomes(text, names))


@functools.lru_cache(maxsize=8192)
def _cached(text: str, names: tuple[tuple[str, str], ...]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(_read(text, Names(dict(names))).items()))


def _outcomes(text: str, names: Names) -> tuple[tuple[str, int], ...]:
    return _cached(text, tuple(sorted(names.by_word.items())))


def _read(text: str, names: Names) -> dict[str, int]:
    found: dict[str, set[int]] = {}
    earlier: list[str] = []  # parties of the sentence's earlier clauses, nearest last
    for clause in _clauses(text):
        low = [w.casefold() for w in clause]
        parties = [(i, a) for i, w in enumerate(clause) if (a := names.name(w)) is not None]
        passive = not PASSIVE.isdisjoint(low)
        for i, form in _verbs_in(low):
            for role, result in _VERBS[form]:
                party = _party(role, i, parties, low, passive, earlier)
                if party is not None:
                    found.setdefault(party, set()).add(result)
        earlier += [a for _, a in parties]
    return {p: next(iter(r)) for p, r in found.items() if len(r) == 1}


def _verbs_in(low: list[str]) -> list[tuple[int, tuple[str, ...]]]:
    hits = []
    for i, w in enumerate(low):
        for form in _BY_FIRST.get(w, ()):
            if all(p in low[i + 1:] for p in form[1:]):
                hits.append((i, form))
    return hits


def _party(role: str, i: int, parties: list[tuple[int, str]], low: list[str], passive: bool,
           earlier: list[str]) -> str | None:
    before = [a for j, a in parties if j < i and not (j > 0 and low[j - 1] in AGENT_MARKERS)]
    after = [a for j, a in parties if j > i and not (j > 0 and low[j - 1] in AGENT_MARKERS)]
    if role == _SUBJECT:
        if before:
            return before[0]
        # inverted order puts the subject right behind the verb ("Am Sonntag zog Microsoft …"), not further on
        right_after = [a for j, a in parties if i < j <= i + 2 and all(w in STOP for w in low[i + 1:j])]
        return right_after[0] if right_after else None
    if passive:  # "Microsofts Angebot wurde abgelehnt"; "…, dass sein Angebot abgelehnt wurde" speaks of the one before
        return before[-1] if before else (earlier[-1] if earlier else None)
    if after:
        return after[0]
    return before[-1] if len(before) >= 2 else None  # verb last: "ByteDance hat Oracle … ausgewählt"


@functools.lru_cache(maxsize=16384)
def opposite(a: str, b: str) -> bool:
    """Do two sentences tell different outcomes: one party ahead in one and behind in the other ("Kvaerna won the
    contract" / "Kvaerna lost the contract"), or each a winner the other does not name ("Kvaerna won …" /
    "Baltic Yards won …")? Without a story's actors any capitalised word counts as a party: a veto errs on the side
    of two items."""
    if not (has_outcome_verb(a) and has_outcome_verb(b)):
        return False
    in_a, in_b = _capitalised(a), _capitalised(b)
    names = Names({w.casefold(): w for w in in_a | in_b})
    oa, ob = outcomes(a, names), outcomes(b, names)
    if opposed(oa, ob):
        return True
    won_a, won_b = {p for p, r in oa.items() if r == WIN}, {p for p, r in ob.items() if r == WIN}
    return bool(won_a and won_b) and not won_a & in_b and not won_b & in_a


def _capitalised(text: str) -> set[str]:
    return {w for w in _words(text) if w[:1].isupper() and len(w) >= 3 and w.casefold() not in STOP}


def opposed(a: dict[str, int], b: dict[str, int]) -> bool:
    """One party ahead in one telling and behind in the other: opposite outcomes, two developments."""
    return any(b.get(p) == -r for p, r in a.items())


def one_turn(a: dict[str, int], b: dict[str, int], named_a: frozenset[str], named_b: frozenset[str]) -> bool:
    """The same outcome told from two sides: a party both give the same outcome, or the winner of one and the
    loser of the other, both tellings naming both; never opposite outcomes."""
    if not a or not b or opposed(a, b):
        return False
    if any(b.get(p) == r for p, r in a.items()):
        return True
    both = named_a & named_b
    return any(ra != rb and pa != pb and {pa, pb} <= both for pa, ra in a.items() for pb, rb in b.items())
