"""Which temporal expressions are key dates (DESIGN.md "What counts as a key date"), and of which kind.

- `deadline`: someone must act by then (a limit with an obligation, a deadline noun, an ultimatum, an
  application window, a duration that sets a limit: "binnen 30 Tagen", "hat zehn Tage Zeit");
- `expiry`: something in force ends then (a measure, ban, programme, offer that "gilt bis", "läuft aus",
  "stays in place until", "expires", "zunächst für zwei Wochen").

The judgement is an ordered decision list (RULES): each rule names the cues that must hold (and those that
must not); the first rule that fits decides, and its reason travels with the key date ("deadline: 'bis zum' +
obligation 'muss'"). The cue words are data, in deadline_cues.py.

Replacements: a date in an extension ("verlängert bis", "extended to", "pushed back to") supersedes the
earlier date of the same thing in the article, found by what it is about (shared content words), not by
position; a date the text retires ("no longer applies", "ursprünglich", "nicht mehr … sondern") is marked
`retired` so the ledger never counts it as a source for that date.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from newsdigest.extract import deadline_cues as cue
from newsdigest.extract.keydate_what import nominative, noun_phrase
from newsdigest.extract.sentences import Unit
from newsdigest.extract.temporal.workdays import add_business_days
from newsdigest.extract.types import DeadlineRec, Timex

__all__ = ["RULES", "find_deadlines", "resolve_value"]

MAX_JUDGED = 2000  # time expressions judged per article: real articles have dozens; bounds pathological input
_CONTEXT = 200  # chars of a sentence on each side of a time expression that are read to judge it
_WINDOW = 45  # chars around a time expression in which a deadline noun binds to it
WHAT_MAX_WORDS = 8
LINK_MIN_SHARED = 2  # content words an extension's sentence must share with the date it replaces


def _rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


# lowercase cues are matched against lowercased text (no IGNORECASE: 3x faster in CPython)
_LIMIT_LEFT = _rx(cue.LIMIT_LEFT, re.IGNORECASE)
_EXTEND_LEFT = _rx(cue.EXTEND_LEFT, re.IGNORECASE)
_EXTEND = _rx(cue.EXTEND)
_RETIRE = _rx(cue.RETIRE)
_BUT_NEW = _rx(cue.BUT_NEW)
_DEADLINE_NOUN = _rx(cue.DEADLINE_NOUN)
_OBLIGATION = _rx(cue.OBLIGATION)
_ACTION = _rx(cue.ACTION)
_PLAN = _rx(cue.PLAN)
_STATE = _rx(cue.STATE)
_PERMIT = _rx(cue.PERMIT)
_MEASURE = _rx(cue.MEASURE)
_EXPIRY = _rx(cue.EXPIRY_STRONG)
_ENDS_AT = _rx(cue.ENDS_AT)
_REQUEST = _rx(cue.REQUEST)
_HEDGE = _rx(cue.HEDGE)
_CAPTION = _rx(cue.CAPTION, re.IGNORECASE)
_IDIOM = _rx(cue.IDIOM, re.IGNORECASE)
_ENDS_AFTER = _rx(cue.ENDS_AFTER)
_UNLESS = _rx(cue.UNLESS)
_SOFT = _rx(cue.SOFT_MODAL)
_EFFECTIVE = _rx(cue.EFFECTIVE)
_START_VERB = _rx(cue.START_VERB, re.IGNORECASE)
_STATS = _rx(cue.STATS)
_DUE_EVENT = _rx(cue.DUE_EVENT)
_MATURITY = _rx(cue.MATURITY)
_COURT = _rx(cue.COURT)
_WINDOW_RX = _rx(cue.WINDOW)
_ZU_INF = _rx(cue.ZU_INF)
_TO_INF = _rx(cue.TO_INF, re.IGNORECASE)
_INITIALLY = _rx(cue.INITIALLY)
_WITHIN = _rx(cue.WITHIN, re.IGNORECASE)
_DURATION_RIGHT = _rx(cue.DURATION_RIGHT, re.IGNORECASE)
_DURATION_WORD = _rx(cue.DURATION_WORD, re.IGNORECASE)
_RANGE_LEFT = _rx(cue.RANGE_LEFT, re.IGNORECASE)
_EVENT_LEFT = _rx(cue.EVENT_LEFT, re.IGNORECASE)
_START_LEFT = _rx(cue.START_LEFT, re.IGNORECASE)
_MODAL_NEXT = _rx(cue.MODAL_NEXT, re.IGNORECASE)
_DRAFT = _rx(cue.DRAFT)
_EXPECT = _rx(cue.EXPECT, re.IGNORECASE)
_CONDITIONAL = _rx(cue.CONDITIONAL)
_CONDITION_OUTCOME = _rx(cue.CONDITION_OUTCOME)
_CONDITIONAL_V1 = _rx(cue.CONDITIONAL_V1)
_COMPLETION = _rx(cue.COMPLETION)
_WHOEVER = _rx(cue.WHOEVER)
_WHOEVER_ACT = _rx(cue.WHOEVER_ACT)
_RECUR_LEFT = _rx(cue.RECUR_LEFT, re.IGNORECASE)
_RECUR = _rx(cue.RECUR)
_TENDER = _rx(cue.TENDER)
_DECISION = _rx(cue.DECISION)
_OBLIGED_TO = _rx(cue.OBLIGED_TO, re.IGNORECASE)
_ACT_ANAPHOR = _rx(cue.ACT_ANAPHOR)
_EVENT_NOUN = _rx(cue.EVENT_NOUN)
_STILL = _rx(cue.STILL, re.IGNORECASE)
_START_AFTER = _rx(cue.START_AFTER, re.IGNORECASE)
_FUTURE_STATE = _rx(cue.FUTURE_STATE)
_TIME_OF_DAY = re.compile(r"T\d|T[A-Z]{2}$")
DRAFT_NOTE = " · planned in a draft"  # ends the reason of a soft-modal key date in an article about a draft
_GRANT = _rx(cue.DURATION_GRANT, re.IGNORECASE)
_WEEKDAY_WORD = re.compile(
    r"\b(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday)", re.IGNORECASE)
# what may stand beside a bare weekday: clock times, parts of the day, a time zone ("9 a.m. EST Tuesday")
_WEEKDAY_REST = re.compile(
    r"(?i)(?:\d{1,2}(?:[:.]\d\d)?|a\.m\.|p\.m\.|am|pm|uhr|[A-Z]{3}|e[sd]t|noon|midnight|morning|evening|night|"
    r"afternoon|früh|abend|nacht|morgen|mittag|vormittag|nachmittag|at|on|am|um|,)"
)
_NUMBER = re.compile(r"\d")
_CLAUSE_SEP = re.compile(r"[,;:–—]|\s-\s")
_QUOTES = re.compile(r"[\"“”„«»‚‘]|(?<!\w)['’]|['’](?!\w)")
_PERIOD = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_CALENDAR_DAY = re.compile(r"^(?:\d{4}|XXXX)-\d{2}-\d{2}")  # a day of the calendar, its year known or not
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_ISO_YEAR = re.compile(r"^(\d{4})$")
_COPULA = re.compile(
    r"\s*(?:is|was|were|are|ist|war|sei|wäre|lautet|liegt)\s+(?:(?:now|previously|originally|initially|nun|jetzt|"
    r"bisher|ursprünglich|zunächst|der|die|das|the|on|am)\s+)*", re.IGNORECASE)
_AHEAD = re.compile(
    r"\b(?:has|have|must|will|muss|müssen|haben|hat|soll|sollen|wird|werden|needs?|is\s+to|are\s+to|zeit|"
    r"faces?|facing|looms?|looming|approach\w*|droht|drohen|rückt\s+näher|closes?|ends?|expires?|endet|enden)\b")
_PAST = re.compile(r"\b(?:had|was|were|did|set|passed|expired|lapsed|missed|hatte|hatten|war|waren|wurde|wurden|"
                   r"musste|mussten|gab|verstrich|verstrichen|abgelaufen|verpasst)\b")
_GENERIC = re.compile(r"(?i)(?:die\s+|the\s+)?(?:frist|deadline|ultimatum|stichtag)")
_EARLIER = re.compile(r"forward|vorgezogen|vorzuziehen|moved up")
_FOR = re.compile(r"(?i)f(?:or|ür)\b")
_FUSE_GAP = re.compile(r"^\s*(?:,\s*)?(?:(?:[A-Z]{2,4}|on|am|at|um)\s*,?\s*)?$")


# -- the context of one time expression: each cue is computed once, on demand ----------------------------------


class Ctx:
    """One time expression in its sentence. Cue properties return the matched words ("" when absent)."""

    def __init__(self, text: str, unit: Unit, tx: Timex, local: Sequence[Timex],
                 actors: Sequence[str] = (), before: Sequence[Timex] = ()) -> None:
        self.text, self.tx, self.unit, self.local, self.actors = text, tx, unit, local, actors
        self.before = before  # the time expressions of the sentence before
        self.sent = text[unit.start : unit.end]
        self.a, self.b = tx.start - unit.start, tx.end - unit.start
        self.left, self.right = self.sent[: self.a], self.sent[self.b :]

    @cached_property
    def low(self) -> str:
        """The sentence lowercased with the time expressions blanked ("May 1" is no modal "may")."""
        chars = list(self.sent.lower())
        for t in self.local:
            for k in range(max(0, t.start - self.unit.start), min(len(chars), t.end - self.unit.start)):
                chars[k] = " "
        return "".join(chars)

    @cached_property
    def bounds(self) -> tuple[int, int]:
        lo = 0
        for m in _CLAUSE_SEP.finditer(self.sent, 0, self.a):
            lo = m.end()
        m2 = _CLAUSE_SEP.search(self.sent, self.b)
        return lo, (m2.start() if m2 else len(self.sent))

    @cached_property
    def clause(self) -> str:
        lo, hi = self.bounds
        return self.low[lo:hi]

    def _find(self, rx: re.Pattern[str], s: str) -> str:
        m = rx.search(s)
        return m.group().strip() if m else ""

    # cues ----------------------------------------------------------------------------------------------------
    @cached_property
    def limit(self) -> str:
        m = _LIMIT_LEFT.search(self.left[-45:])
        return " ".join(m.group().split()) if m else ""

    @cached_property
    def noun(self) -> str:
        """A deadline noun bound to this expression (not across a sentence break, not to a cued neighbour)."""
        lo, hi = max(0, self.a - _WINDOW), min(len(self.sent), self.b + _WINDOW)
        for m in _DEADLINE_NOUN.finditer(self.sent, lo, hi):
            between = self.sent[m.end() : self.a] if m.end() <= self.a else self.sent[self.b : m.start()]
            if re.search(r"[.;]", between):
                continue
            if m.start() >= self.b and self._between(m.start()):
                continue
            if m.end() <= self.a and _COPULA.fullmatch(between):
                return m.group()  # "the deadline was previously November 4", "die Frist ist der 5. Mai"
            if self._cued_neighbour_after():
                continue  # "die Frist diese Woche auf den 12. November verlängert": the noun binds to the cued date
            return m.group()
        return ""

    def _cued_neighbour_after(self) -> bool:
        for t in self.local:
            rel = t.start - self.unit.start
            if t is self.tx or not self.b <= rel <= self.b + 60:
                continue
            before = self.sent[max(0, rel - 25) : rel]
            if _LIMIT_LEFT.search(before) or _EXTEND_LEFT.search(before):
                return not self.limit
        return False

    def _between(self, pos: int) -> bool:
        return any(self.b < t.start - self.unit.start < pos for t in self.local if t is not self.tx)

    @cached_property
    def extension(self) -> str:
        """An extension verb whose new date this is ("extended the availability of … until November 30",
        "bis zum 20. Dezember verlängert"), not a date before the new one ("soll spätestens am 15. Dezember
        bis Januar verlängert werden")."""
        left = _EXTEND_LEFT.search(self.left[-20:])
        if left is not None and not self.duration and _FOR.match(left.group()):
            left = None  # "the figures for January extended a surge": "for" a date says what it is of, no new end
        if not (left or self.limit):
            return ""
        if self._next_is_new():
            return ""
        before = self.low[max(0, self.a - _CONTEXT) : self.a]
        cut = before.rfind("; ")  # the window is one sentence already
        after = self.low[self.a : self.b + 40]
        sep = _CLAUSE_SEP.search(after, self.b - self.a)
        m = _EXTEND.search(after[: sep.start()] if sep else after)
        if m is None:
            for m2 in _EXTEND.finditer(before[cut + 1 :]):
                m = m2
        return m.group().strip() if m else ""

    def _next_is_new(self) -> bool:
        """Another date follows with its own "bis/to" before the extension verb after this one."""
        for t in self.local:
            rel = t.start - self.unit.start
            if t is self.tx or not self.b <= rel <= self.b + 40:
                continue
            if _EXTEND_LEFT.search(self.sent[max(0, rel - 20) : rel]):
                return True
        return False

    @cached_property
    def caption(self) -> str:
        m = _CAPTION.search(self.sent)
        return m.group().strip() if m else ""

    @cached_property
    def expects(self) -> str:
        """An expectation opening the sentence part before the date ("gehe … davon aus, dass …")."""
        return self._find(_EXPECT, self.sent[: self.a])

    @cached_property
    def conditional(self) -> str:
        """A condition opening the clause before the date ("Wenn bis zum …", "if … by Nov. 22", "Sollte bis …")."""
        lo, _ = self.bounds
        v = self.tx.value or ""
        day = _CALENDAR_DAY.match(v) or (self.tx.mod == "END" and re.fullmatch(r"(?:\d{4}|XXXX)-\d{2}", v))
        if not day or not _CONDITION_OUTCOME.search(self.low):
            return ""  # a shop's daily cut-off ("sofern bis 16 Uhr bestellt"), the weather holding: no limit
        if lo == 0 and (m := _CONDITIONAL_V1.match(self.low[: self.a])):
            return m.group().strip(" \"„“»«")
        return self._find(_CONDITIONAL, self.low[lo : self.a])

    @cached_property
    def whoever(self) -> str:
        """ "Wer bis Ende Juli … umsteigen möchte": who acts by a calendar date (not a shop's hour: "Wer bis 17 Uhr
        bestellt")."""
        v = self.tx.value or ""
        if self.duration or _TIME_OF_DAY.search(v) or not re.match(r"^(?:\d{4}|XXXX)-\d{2}", v):
            return ""
        lo, hi = self.bounds
        who = _WHOEVER.search(self.low, lo, self.a)
        if who is None or not _WHOEVER_ACT.search(self.low, who.end(), hi):
            return ""
        return who.group()

    @cached_property
    def recurs(self) -> str:
        """ "nach zwei Jahren wieder erforderlich": a duration after which an obligation comes round again."""
        if not self.duration or not _RECUR_LEFT.search(self.left[-20:]):
            return ""
        return self._find(_RECUR, self.clause)

    @cached_property
    def tender(self) -> str:
        return self._find(_TENDER, self.clause) or self._find(_TENDER, self.low[max(0, self.a - 120) : self.a])

    @cached_property
    def decision(self) -> str:
        return self._find(_DECISION, self.low[max(0, self.a - 60) : self.b + 40])

    @cached_property
    def obliged_on(self) -> str:
        """ "requires the company to begin an auction process in June 1994": a date the obliged act is done on."""
        if not self.event or self.duration:
            return ""
        head = self.left.rstrip()[: -len(self.event)]
        m = _OBLIGED_TO.search(head[-100:])
        return " ".join(m.group().split()[:3]) if m else ""

    @cached_property
    def event_noun(self) -> str:
        return self._find(_EVENT_NOUN, self.low[max(0, self.a - 100) : self.b + 40])

    @cached_property
    def completion(self) -> str:
        return self._find(_COMPLETION, self.clause)

    @cached_property
    def foreign(self) -> str:
        """A country the sentence names, when it names only countries other than the one the article is about."""
        named = countries_in(self.sent)
        home = home_country(self.text)
        if not named or home is None or home in named:
            return ""
        return next(iter(named.values()))

    @cached_property
    def idiom(self) -> str:
        m = _IDIOM.search(self.sent[max(0, self.a - 15) : self.b + 15])
        return m.group() if m else ""

    @cached_property
    def hedge(self) -> str:
        return self._find(_HEDGE, self.low[max(0, self.a - 150) : self.b + 60])

    @cached_property
    def request(self) -> str:
        return self._find(_REQUEST, self.low[max(0, self.a - 120) : self.b + 60])

    @cached_property
    def ends_at(self) -> str:
        m = _ENDS_AT.search(self.low[max(0, self.a - 60) : self.a])
        if m is None:
            after = _ENDS_AFTER.match(self.low[self.b : self.b + 40])
            return after.group().strip() if after else ""
        head = m.group().lstrip()
        tail = self.low[self.b : self.b + 20]
        if head.startswith(("läuft", "laufen", "lief")) and not re.match(r"^\s*(?:\w+\s+)?(?:aus|ab)\b", tail):
            return ""  # "läuft bis" is a duration, "läuft … aus" / "läuft … ab" an end
        if head.startswith(("fällt", "fallen", "fiel")) and not re.match(r"^\s*(?:\w+\s+)?weg\b", tail):
            return ""  # "fällt … weg" ends something; "fällt am Montag" is an event
        return m.group().strip()

    @cached_property
    def retired(self) -> str:
        """A cue that this date is no longer in force: in its clause before it, or a "no longer" right after."""
        lo, _ = self.bounds
        before = self.sent[max(lo, self.a - 60) : self.a].lower()  # unmasked: "previously" is a time word too
        m = _RETIRE.search(before)
        if m and not _BUT_NEW.search(before[m.end() :]):
            return m.group()
        after = self.low[self.b : self.b + 50]
        m2 = re.search(r"\b(?:no\s+longer|nicht\s+mehr|gilt\s+nicht|hinfällig)\b", after)
        if m2 and not _CLAUSE_SEP.search(after[: m2.start()]):
            return m2.group()
        return ""

    @cached_property
    def replacement_pair(self) -> str:
        """ "nicht mehr am 5. Mai, sondern am 9. Mai" / "no longer X but Y": this date comes after the 'but'."""
        before = self.low[max(0, self.a - 90) : self.a]
        m = re.search(r"\b(?:nicht\s+mehr|no\s+longer|nicht)\b.{0,60}\b(sondern|but)\b[^.;]{0,20}$", before)
        return m.group(1) if m else ""

    @cached_property
    def obligation(self) -> str:
        return self._find(_OBLIGATION, self.low)

    @cached_property
    def action(self) -> str:
        return self._find(_ACTION, self.low)

    @cached_property
    def noun_any(self) -> str:
        """A deadline noun anywhere in the clause ("Die Ausschreibungsfrist für … lief Ende November aus"), or
        between an extension verb and this date ("extended the application deadline for A, B - … - until")."""
        lo, hi = self.bounds
        m = _DEADLINE_NOUN.search(self.sent, lo, hi)
        if m is None and self.extension:
            k = self.low.rfind(self.extension, 0, self.a)
            m = _DEADLINE_NOUN.search(self.sent, k, self.a) if k >= 0 else None
        return m.group() if m else ""

    @cached_property
    def obligation_clause(self) -> str:
        return self._find(_OBLIGATION, self.clause)

    @cached_property
    def date_follows(self) -> str:
        """ "die einjährige Frist mit 29. Juli": a length whose end date is given next to it."""
        if not self.duration:
            return ""
        m = re.match(r"\s*(?:-?\s*\w+\s+)?(?:frist|deadline|ultimatum)?\s*(?:mit|am|zum|bis|on|of|until|ending)\s+"
                     r"(?:dem\s+|the\s+)?\d", self.right, re.IGNORECASE)
        return m.group().strip() if m else ""

    @cached_property
    def expires_at(self) -> str:
        """ "which expire Nov. 21", "due to expire at midnight Friday": the ending verb governs this date."""
        m = re.search(r"\b(?:expir\w*|lapses?|terminat\w*|runs?\s+out|ausläuft|verfällt|erlischt)\s+"
                      r"(?:at\s+|on\s+|am\s+|in\s+|with\s+)?(?:the\s+)?$", self.left[-40:], re.IGNORECASE)
        return m.group().strip() if m else ""

    @cached_property
    def wait(self) -> str:
        m = re.search(r"\b(?:wait|warten|waited|gewartet)\s+(?:\w+\s+)?$", self.left[-20:], re.IGNORECASE)
        return m.group().strip() if m else ""

    @cached_property
    def strict_limit(self) -> str:
        """ "spätestens", "no later than": a limit that is no span of time."""
        return self.limit if re.match(r"(?i)(?:spätestens|no\s+later|not\s+later)", self.limit) else ""

    @cached_property
    def plan(self) -> str:
        return self._find(_PLAN, self.clause) or self._find(_PLAN, self.low[: self.a])

    @cached_property
    def target(self) -> str:
        """A plan word other than the plain future ("will terminate on Nov. 30" is no plan)."""
        found = self.plan
        return "" if found in ("will", "wird", "werden") else found

    @cached_property
    def start(self) -> str:
        m = _START_LEFT.search(self.left[-30:])
        return m.group().strip() if m else ""

    @cached_property
    def modal_next(self) -> str:
        m = _MODAL_NEXT.search(self.right)
        return m.group().strip() if m else ""

    @cached_property
    def state(self) -> str:
        return self._find(_STATE, self.clause)

    @cached_property
    def future_state(self) -> str:
        """ "will remain in force until": the English future of a lasting state, no actor's plan (German "will …
        bleiben" is a wish, and stays a plan)."""
        return self._find(_FUTURE_STATE, self.clause)

    @cached_property
    def permit(self) -> str:
        return self._find(_PERMIT, self.clause)

    @cached_property
    def measure(self) -> str:
        m = _best_measure(self.low, self.a, self.b)
        return m.group() if m else ""

    @cached_property
    def vague_year(self) -> str:
        """ "next year", "this year", "bis Mitte 2021" at year precision: no key date a reader can act on."""
        v = self.tx.value or ""
        relative = not re.search(r"\d{4}", self.tx.text)
        vague = relative or self.tx.mod in ("MID", "START")  # "Mitte 2021"
        return self.tx.text if vague and re.fullmatch(r"\d{4}", v) and self.tx.mod != "END" else ""

    @cached_property
    def expiry(self) -> str:
        return self._find(_EXPIRY, self.low[max(0, self.a - 80) : self.b + 80])

    @cached_property
    def unless(self) -> str:
        return self._find(_UNLESS, self.low)

    @cached_property
    def soft(self) -> str:
        return self._find(_SOFT, self.low)

    @cached_property
    def effective(self) -> str:
        m = _START_VERB.search(self.left[-40:])
        return m.group().strip() if m else self._find(_EFFECTIVE, self.clause)

    @cached_property
    def starts_after(self) -> str:
        """ "Am Montag beginnt die Anmeldefrist": the date a window or measure begins, named before its verb."""
        if self.limit:
            return ""
        m = _START_AFTER.match(self.right)
        return m.group().strip(" ,") if m else ""

    @cached_property
    def stats(self) -> str:
        found = self._find(_STATS, self.low)
        return found if found and _NUMBER.search(self.low) else ""

    @cached_property
    def due_event(self) -> str:
        return self._find(_DUE_EVENT, self.low[max(0, self.a - 60) : self.a])

    @cached_property
    def maturity(self) -> str:
        return self._find(_MATURITY, self.low[max(0, self.a - 60) : self.a])

    @cached_property
    def court(self) -> str:
        return self._find(_COURT, self.clause)

    @cached_property
    def window(self) -> str:
        return self._find(_WINDOW_RX, self.clause)

    @cached_property
    def zu_inf(self) -> str:
        m = _ZU_INF.search(self.right[:160].split(".")[0])
        if m:
            return m.group()
        m2 = _TO_INF.search(self.right)
        return m2.group().strip(" ,") if m2 else ""

    @cached_property
    def duration(self) -> str:
        return self.tx.text if self.tx.type == "DURATION" else ""

    @cached_property
    def within(self) -> str:
        m = _WITHIN.search(self.left[-30:])
        return m.group().strip() if m and self.duration else ""

    @cached_property
    def duration_limit(self) -> str:
        if not self.duration:
            return ""
        m = _DURATION_RIGHT.search(self.right) or _DURATION_WORD.search(self.sent[self.a : self.b + 30])
        if m is None:
            return ""
        if m.group().strip(" ,").lower().startswith(("to ", "um ")) and not _GRANT.search(self.left[-40:]):
            return ""  # "for one minute to get him", "brauchte sieben Minuten, um …": no time granted
        return m.group().strip()

    @cached_property
    def initially(self) -> str:
        if not self.duration:
            return ""
        m = re.search(r"\b(?:für|for)\s+(?:(?:the|die|den)\s+)?$", self.left[-12:], re.IGNORECASE)
        return self._find(_INITIALLY, self.low[max(0, self.a - 40) : self.a]) if m else ""

    @cached_property
    def range_end(self) -> str:
        m = _RANGE_LEFT.search(self.left[-40:])
        return m.group().strip() if m else ""

    @cached_property
    def event(self) -> str:
        m = _EVENT_LEFT.search(self.left[-20:])
        return m.group().strip() if m else ""

    @cached_property
    def any_cue(self) -> str:
        """Cheap first look: without any of these the expression is an event date (the common case)."""
        if self.limit or self.duration or _EXTEND_LEFT.search(self.left[-20:]) or self.modal_next or self.obliged_on:
            return "cue"
        near = self.sent[max(0, self.a - _WINDOW) : self.b + _WINDOW]
        if _DEADLINE_NOUN.search(near):
            return "noun"
        low = near.lower()
        if _EXPIRY.search(low):
            return "expiry"
        if self.ends_at and self.window:  # "Applications close on May 3"
            return "window"
        return "retired" if ("mehr" in low or "longer" in low) else ""


_COUNTRY = re.compile(
    "|".join(f"(?P<{code}>(?<![\\w-])(?:{words})(?:['’]s)?(?![\\w]))" for code, words in cue.COUNTRIES.items())
)
_NOT_OWNER_LEFT = re.compile(cue.COUNTRY_NOT_OWNER_LEFT)
_NOT_OWNER_RIGHT = re.compile(cue.COUNTRY_NOT_OWNER_RIGHT)
HOME_MIN_MENTIONS = 2


def countries_in(s: str) -> dict[str, str]:
    """Country code -> the first word naming it, for the countries `s` names as owners (not "flights from
    Spain", not "a German-style scheme")."""
    out: dict[str, str] = {}
    for m in _COUNTRY.finditer(s):
        possessive = m.group()[-1:] == "s" and m.group()[-2:-1] in "'’"  # "similar to Germany's scheme"
        travel = not possessive and _NOT_OWNER_LEFT.search(s[max(0, m.start() - 40) : m.start()])
        if travel or _NOT_OWNER_RIGHT.match(s[m.end() :]):
            continue
        code = m.lastgroup or ""
        out.setdefault(code, m.group())
    return out


@functools.lru_cache(maxsize=8)
def _draft_word(text: str) -> str:
    """The word by which an article reports a draft or proposal ("laut dem Papier"), "" when it does not."""
    m = _DRAFT.search(text)
    return m.group() if m else ""


@functools.lru_cache(maxsize=8)
def home_country(text: str) -> str | None:
    """The country an article is about: the one it names most (at least twice, and more than any other)."""
    counts = Counter(m.lastgroup for m in _COUNTRY.finditer(text))
    top = counts.most_common(2)
    if not top or top[0][1] < HOME_MIN_MENTIONS or (len(top) > 1 and top[1][1] == top[0][1]):
        return None
    return top[0][0]


def _best_measure(low: str, a: int, b: int, rx: re.Pattern[str] = _MEASURE) -> re.Match[str] | None:
    """The measure noun nearest to [a, b), preferring one before it in the same sentence (the subject)."""
    best: tuple[int, re.Match[str]] | None = None
    for m in rx.finditer(low):
        dist = a - m.end() if m.end() <= a else (m.start() - b) * 2
        if dist < 0 or dist > 160:
            continue
        if best is None or dist < best[0]:
            best = (dist, m)
    return best[1] if best else None


# -- the decision list ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """If every cue in `when` is present and none in `unless`, the expression is a key date of `kind`
    (None: it is not one). `name` says why; the cue words found go into the reason."""

    name: str
    kind: str | None
    when: tuple[str, ...]
    unless: tuple[str, ...] = ()
    undated: bool = False  # the value stays the length: the text does not date its start (a recurring obligation)

    def fits(self, c: Ctx) -> bool:
        return all(getattr(c, w) for w in self.when) and not any(getattr(c, u) for u in self.unless)

    def reason(self, c: Ctx) -> str:
        cues = " + ".join(f"{_CUE_LABEL.get(w, w)} '{getattr(c, w)}'" for w in self.when)
        return f"{self.kind or 'not a key date'}: {self.name}" + (f" ({cues})" if cues else "")


_CUE_LABEL = {
    "limit": "limit", "noun": "deadline noun", "extension": "extension", "obligation": "obligation verb",
    "zu_inf": "infinitive", "state": "lasting state", "measure": "measure", "expiry": "ending verb",
    "unless": "unless", "window": "application word", "duration": "duration", "within": "within",
    "duration_limit": "limit word", "initially": "initial term", "soft": "modal", "plan": "plan word",
    "effective": "start word", "stats": "count", "due_event": "due to", "maturity": "maturity", "court": "court word",
    "range_end": "range", "retired": "retired", "replacement_pair": "replacement", "start": "start",
    "modal_next": "obligation verb", "target": "plan word", "action": "action verb", "noun_any": "deadline noun",
    "ends_at": "ending verb", "request": "request", "vague_year": "year only", "permit": "permission", "hedge": "hedge", "caption": "caption",
    "idiom": "idiom", "strict_limit": "limit", "foreign": "country", "conditional": "condition",
    "completion": "to be done", "expects": "expectation", "whoever": "whoever acts", "recurs": "again", "tender": "tender word",
    "decision": "decision", "obliged_on": "obligation verb", "event_noun": "event", "starts_after": "start word", "future_state": "lasting state",
    "obligation_clause": "obligation verb",
    "date_follows": "date given", "wait": "waiting", "expires_at": "ending verb",
}

RULES: tuple[Rule, ...] = (
    Rule("no cue", None, (), unless=("any_cue",)),
    Rule("photo caption", None, ("caption",)),
    Rule("another country's measure", None, ("foreign",)),
    Rule("idiom, no time", None, ("idiom",)),
    Rule("maturity in a security's name", None, ("maturity",)),
    Rule("effective date", None, ("effective",), unless=("noun", "expiry")),
    Rule("start date", None, ("starts_after",)),
    Rule("start date", None, ("start",), unless=("limit", "extension")),
    Rule("length of a dated limit", None, ("duration", "date_follows")),
    Rule("waiting time", None, ("duration", "wait")),
    Rule("scheduled to happen", None, ("due_event",), unless=("obligation",)),
    Rule("statistics reference date", None, ("stats",), unless=("obligation", "extension")),
    Rule("year only", None, ("vague_year",), unless=("noun",)),
    Rule("hedged", None, ("hedge",), unless=("noun", "obligation_clause")),
    Rule("hedged", None, ("hedge", "extension"), unless=("noun",)),
    Rule("expected, not decided", None, ("expects",), unless=("noun",)),
    Rule("new length of a term", None, ("extension", "duration"), unless=("initially",)),
    Rule("extension asked for, not decided", None, ("extension", "request"), unless=("noun",)),
    Rule("extension planned, not decided", None, ("extension", "plan"), unless=("obligation", "noun_any")),
    Rule("replacement", "deadline", ("replacement_pair", "noun")),
    Rule("replacement", "expiry", ("replacement_pair",)),
    Rule("extension of a deadline", "deadline", ("extension", "noun")),
    Rule("extension of a deadline", "deadline", ("extension", "noun_any")),
    Rule("decision put off", "deadline", ("extension", "decision"), unless=("measure",)),
    Rule("extension of a measure", "expiry", ("extension", "measure")),
    Rule("extension of an obligation", "deadline", ("extension", "obligation")),
    Rule("event moved", None, ("extension", "event_noun"), unless=("measure",)),
    Rule("extension", "expiry", ("extension",)),
    Rule("tender window", "deadline", ("limit", "tender"), unless=("hedge", "effective", "duration")),
    Rule("window set by an obligation", "deadline", ("range_end", "window", "obligation_clause"), unless=("plan",)),
    Rule("end of a span", None, ("range_end",), unless=("noun", "obligation")),
    Rule("court date", None, ("court",), unless=("noun", "obligation")),
    Rule("deadline noun", "deadline", ("noun",), unless=("plan",)),
    Rule("deadline noun", "deadline", ("noun", "obligation")),
    Rule("lapses unless renewed", "expiry", ("expiry", "unless")),
    Rule("deadline runs out", "deadline", ("expiry", "noun_any"), unless=("target",)),
    Rule("application window closes", "deadline", ("ends_at", "window"), unless=("target", "duration", "measure")),
    Rule("expires", "expiry", ("expires_at",), unless=("target", "duration")),
    Rule("ends", "expiry", ("ends_at", "measure"), unless=("target", "duration")),
    Rule("ends", "expiry", ("ends_at", "limit"), unless=("target", "duration")),
    Rule("date + obligation verb", "deadline", ("modal_next",), unless=("plan", "event", "duration")),
    Rule("obliged to act on a date", "deadline", ("obliged_on",), unless=("target", "hedge", "request", "court")),
    Rule("recurring obligation", "deadline", ("recurs", "obligation_clause"), unless=("plan", "hedge"), undated=True),
    Rule("actor's own target", None, ("duration", "plan"), unless=("obligation",)),
    Rule("limit set by a duration", "deadline", ("within", "obligation")),
    Rule("limit set by a duration", "deadline", ("within", "action"), unless=("plan",)),
    Rule("limit set by a duration", "deadline", ("duration_limit",)),
    Rule("initial term of a measure", "expiry", ("initially",)),
    Rule("limit set by a duration", "deadline", ("within", "soft")),
    Rule("window for whoever acts", "deadline", ("limit", "whoever"), unless=("hedge", "effective")),
    Rule("measure in force until", "expiry", ("limit", "future_state", "measure")),
    Rule("actor's own target", None, ("limit", "plan"), unless=("obligation_clause",)),
    Rule("application window", "deadline", ("limit", "window")),
    Rule("permission until", None, ("limit", "permit"), unless=("obligation",)),
    Rule("measure in force until", "expiry", ("limit", "state", "measure")),
    Rule("term set until", "expiry", ("limit", "state", "soft")),
    Rule("measure in force until", "expiry", ("limit", "state", "obligation")),
    Rule("lasting state", None, ("limit", "state")),
    Rule("limit + obligation", "deadline", ("limit", "obligation"), unless=("duration",)),
    Rule("strict limit", "deadline", ("strict_limit",), unless=("duration", "plan", "soft", "hedge")),
    Rule("limit + action", "deadline", ("limit", "action"), unless=("duration", "plan")),
    Rule("limit + infinitive", "deadline", ("limit", "zu_inf"), unless=("duration",)),
    Rule("limit in a condition", "deadline", ("limit", "conditional"), unless=("duration", "plan", "hedge", "state")),
    Rule("to be finished by", "deadline", ("limit", "soft", "completion"), unless=("duration", "plan", "hedge")),
)


@dataclass(frozen=True)
class Decision:
    kind: str | None
    reason: str
    undated: bool = False


_NO_CUE = Decision(None, "not a key date: no cue")


def decide(c: Ctx, rules: Sequence[Rule] = RULES) -> Decision:
    """The first rule that fits decides. Rejections carry their rule's name only (they are never shown; most
    time expressions are rejected, so their reasons are not spelled out)."""
    if not c.any_cue:
        return _NO_CUE
    for rule in rules:
        if rule.fits(c):
            return Decision(rule.kind, rule.reason(c) if rule.kind else f"not a key date: {rule.name}", rule.undated)
    return Decision(None, "not a key date: no rule fits")


# -- finding them ---------------------------------------------------------------------------------------------


@dataclass
class _Found:
    rec: DeadlineRec
    new: bool  # an extension / replacement: supersedes an earlier date of the same thing
    sentence: int
    words: frozenset[str]
    firm_what: bool = True
    named_end: str | None = None  # "die November-Beschränkungen … verlängert": the month's end it replaces


def find_deadlines(
    text: str,
    units: Sequence[Unit],
    timexes: Sequence[Timex],
    published: dt.date | None,
    *,
    skip: Sequence[tuple[int, int]] = (),
    actors: Sequence[str] = (),
) -> list[DeadlineRec]:
    """Key dates among `timexes`, in text order, with `supersedes` / `retired` linked within the article.
    `actors` (the article's, best first) name who must act when the sentence's grammar does not."""
    starts = [u.start for u in units]
    ordered = _fuse(text, sorted(timexes, key=lambda t: t.start))
    tx_starts = [t.start for t in ordered]
    out: list[_Found] = []
    for tx in ordered[:MAX_JUDGED]:
        if tx.type == "SET" or _inside(tx.start, skip):
            continue
        i = bisect.bisect_right(starts, tx.start) - 1
        if i < 0 or units[i].end < tx.end:
            continue  # not inside one sentence - no clause to judge
        # judge within a bounded window of the sentence: linear time even for megabyte "sentences"
        lo, hi = max(units[i].start, tx.start - _CONTEXT), min(units[i].end, tx.end + _CONTEXT)
        local = ordered[bisect.bisect_left(tx_starts, lo) : bisect.bisect_left(tx_starts, hi)]
        before: Sequence[Timex] = ()
        if tx.type == "DURATION" and i > 0:  # an act dated in the sentence before may anchor it
            p = units[i - 1]
            before = ordered[bisect.bisect_left(tx_starts, p.start) : bisect.bisect_left(tx_starts, p.end)]
        c = Ctx(text, Unit(lo, hi, units[i].kind, units[i].para), tx, local, actors, before)
        found = _judge(text, c, published, i)
        if found is not None:
            out.append(found)
    return _link(out)


def _judge(text: str, c: Ctx, published: dt.date | None, sentence: int) -> _Found | None:
    d = decide(c)
    if d.kind is None:
        return None
    value = c.tx.value if d.undated else _value_for(c, published)
    if value is None:
        return None
    new = bool(c.extension or c.replacement_pair)
    retired = bool(c.retired) and not new
    if (new or (d.kind == "expiry" and c.limit) or _STILL.search(c.left[-30:])) and not retired:
        value = _forward(value, published, c.tx.text)
    s, e = _span(text, c, new)
    what, firm = _what(c, d.kind)
    reason = d.reason + (f"{DRAFT_NOTE} ('{draft}')" if c.soft and (draft := _draft_word(text)) else "")
    rec = DeadlineRec(s, e, text[s:e], value, what, None, d.kind, reason, retired)
    return _Found(rec, new, sentence, _content_words(_masked_sentence(c)[0]), firm, _named_end(c) if new else None)


def _fuse(text: str, ordered: list[Timex]) -> list[Timex]:
    """A clock time next to its day ("9 a.m. Tuesday", "5 p.m. EST Nov. 9") is one point in time."""
    out: list[Timex] = []
    for t in ordered:
        if out:
            p = out[-1]
            pair = {p.type, t.type}
            if pair == {"TIME", "DATE"} and p.end <= t.start and _FUSE_GAP.match(text[p.end : t.start]):
                day = t if t.type == "DATE" else p
                out[-1] = Timex(p.start, t.end, text[p.start : t.end], "DATE", day.value, day.mod)
                continue
        out.append(t)
    return out


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _span(text: str, c: Ctx, new: bool) -> tuple[int, int]:
    """The time expression, widened to its cue ("bis zum …", "45-tägige Frist", "auf den … verlängert")."""
    s, e = c.tx.start, c.tx.end
    m_l = _LIMIT_LEFT.search(c.left[-45:])
    if m_l is not None:
        s = c.tx.start - len(m_l.group().lstrip())
    elif new:
        m = _EXTEND_LEFT.search(c.left[-20:])
        if m:
            s = c.tx.start - (len(c.left[-20:]) - m.start())
    tail = text[e : min(c.unit.end, e + 40)]
    m_f = re.match(r"\s*(?:-?\s*(?:tägige|wöchige|monatige|stündige)\s+)?(?:Frist|Ultimatum|Galgenfrist)\b", tail)
    if m_f is None and new:
        m_f = re.match(r"\s*(?:verlängert|verschoben|extended|postponed)\b", tail)
    if m_f:
        e += m_f.end()
    return s, e


# -- values -----------------------------------------------------------------------------------------------------


def resolve_value(tx: Timex, anchor: dt.date | None) -> str | None:
    """A key date's value: the TIMEX3 value, month-end/mid resolved to a day, durations added to the anchor."""
    v = tx.value or ""
    if tx.type == "DURATION" or v.startswith("P"):
        return _add_period(v, anchor, business_days=tx.business_days)
    m = _ISO_MONTH.match(v)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            return v
        if tx.mod == "END":
            return f"{y:04d}-{mo:02d}-{calendar.monthrange(y, mo)[1]:02d}"
        if tx.mod == "MID":
            return f"{y:04d}-{mo:02d}-15"
        return v
    m = _ISO_YEAR.match(v)
    if m and tx.mod == "END":
        return f"{v}-12-31"
    if not v or v.endswith("_REF"):
        return None
    return v


def _add_period(v: str, anchor: dt.date | None, *, business_days: bool = False) -> str | None:
    m = _PERIOD.match(v)
    if m is None or not any(m.groups()):
        return None  # "PXD": several days - not fixed
    if anchor is None:
        return v
    y, mo, w, d, h, mi = (int(g) if g else 0 for g in m.groups())
    if business_days and d and not (y or mo or w or h or mi):
        try:  # "binnen zehn Werktagen": counted Monday to Friday
            return add_business_days(anchor, d).isoformat()
        except ValueError:
            return v
    try:
        base = _add_months(anchor, 12 * y + mo)
        return (base + dt.timedelta(weeks=w, days=d, hours=h, minutes=mi)).isoformat()
    except OverflowError:
        return v


def _add_months(d: dt.date, months: int) -> dt.date:
    if months == 0:
        return d
    total = d.year * 12 + d.month - 1 + months
    y, mo = divmod(total, 12)
    if not 1 <= y <= 9999:
        raise OverflowError("date out of range")
    day = min(d.day, calendar.monthrange(y, mo + 1)[1])
    return dt.date(y, mo + 1, day)


def _value_for(c: Ctx, published: dt.date | None) -> str | None:
    anchor = published
    if c.tx.type == "DURATION":
        anchor = _sentence_anchor(c) or _act_anchor(c) or published
    value = resolve_value(c.tx, anchor)
    if value is None or not _NUMBER.search(value):
        return None  # "bis heute", "bis dato": no calendar time
    if value.startswith("XXXX"):
        value = _year_of_sentence(c) + value[4:]
    return _weekday_direction(c, value, published)


_MONTH_MEASURE = re.compile(r"^[-\s]?(?:" + cue.MEASURE + r")", re.IGNORECASE)


def _named_end(c: Ctx) -> str | None:
    """A measure named by its month ("die November-Beschränkungen", "the March lockdown") ends with that month: an
    extension of it replaces that month's last day."""
    for t in c.local:
        if t is c.tx or t.end > c.tx.start or not re.fullmatch(r"\d{4}-\d{2}", t.value or ""):
            continue
        if re.fullmatch(r"[A-Za-zÄÖÜäöüß]+", t.text) and _MONTH_MEASURE.match(c.low[t.end - c.unit.start :]):
            y, mo = int(t.value[:4]), int(t.value[5:7])
            if 1 <= mo <= 12:
                return f"{y:04d}-{mo:02d}-{calendar.monthrange(y, mo)[1]:02d}"
    return None


def _forward(value: str, published: dt.date | None, span: str) -> str:
    """A new or running end date without a stated year lies ahead: "extended until 31 March" in September is
    next March (the tagger reads an undated day by tense, which an extension does not mark)."""
    m = re.match(r"^(\d{4})(-\d{2}(?:-\d{2})?)", value)
    if published is None or m is None or re.search(r"\b\d{4}\b", span):
        return value
    y = int(m.group(1))
    probe = value[:10] if len(m.group(2)) == 6 else value[:7] + "-28"
    try:
        if dt.date.fromisoformat(probe) < published - dt.timedelta(days=7):
            return f"{y + 1:04d}{value[4:]}"
    except ValueError:
        return value
    return value


def _year_of_sentence(c: Ctx) -> str:
    """ "ab Juli 2017 bis Ende des Jahres": an undated year is the one the sentence states, if just one."""
    years = {t.value[:4] for t in c.local if t is not c.tx and re.match(r"^\d{4}(?:-|$)", t.value or "")
             and c.unit.start <= t.start < c.unit.end and re.search(r"\b\d{4}\b", t.text)}
    return years.pop() if len(years) == 1 else "XXXX"


def _weekday_direction(c: Ctx, value: str, published: dt.date | None) -> str:
    """A bare weekday of a retired date ("had been due to expire Friday") names the last such day, not the next:
        the text says it is over."""
    m = _ISO_DAY.match(value)
    if published is None or m is None or not _bare_weekday(c.tx.text):
        return value
    try:
        day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return value
    if c.retired and day > published and (day - published).days < 7:
        day -= dt.timedelta(days=7)
    elif not c.retired and day < published and (published - day).days < 7 \
            and (c.limit or c.extension or c.noun or c.ends_at) \
            and (_AHEAD.search(c.clause) or c.extension or _STILL.search(c.left[-30:])) and not _PAST.search(c.low):
        day += dt.timedelta(days=7)  # "bis Mittwoch haben die Länder Zeit" in a Monday paper: the coming Wednesday
    return day.isoformat() + value[10:]


def _bare_weekday(text: str) -> bool:
    """ "Tuesday", "Dienstagnacht", "midnight Friday", "9 a.m. EST Tuesday": a weekday and nothing that dates it."""
    m = _WEEKDAY_WORD.search(text)
    if m is None:
        return False
    rest = text[: m.start()] + " " + re.sub(r"^\w*", "", text[m.start() :])
    return all(_WEEKDAY_REST.fullmatch(w) for w in rest.replace(",", " , ").split())


def _act_anchor(c: Ctx) -> dt.date | None:
    """ "That accord also called for … within 18 months": the day of the act named in the sentence before."""
    if not _ACT_ANAPHOR.search(c.sent[: c.a]):
        return None
    days = [d for t in c.before if t.type == "DATE" and (d := _full_day(t.value)) is not None]
    return days[-1] if len(days) == 1 else None


def _full_day(v: str | None) -> dt.date | None:
    m = _ISO_DAY.match(v or "")
    if m is None or len(v or "") != 10:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _sentence_anchor(c: Ctx) -> dt.date | None:
    """An explicit full date in the same sentence (the order's or decision's date) anchors a duration."""
    lo, hi = c.unit.start, c.unit.end
    for t in c.local:
        if t is c.tx or t.type != "DATE" or not lo <= t.start < hi:
            continue
        m = _ISO_DAY.match(t.value or "")
        if m and len(t.value) == 10:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


# -- what it is about -------------------------------------------------------------------------------------------

_SUBJECT_STOP = re.compile(
    r"^(?:und|oder|aber|sowie|wobei|während|dass|daß|um|denn|doch|auch|nun|jetzt|and|or|but|that|which|so|now|"
    r"wenn|falls|sofern|if|unless|"
    r"also|then|die|der|das|den|dem|des|ein|eine|einen|the|a|an|its|their|his|her)$",
    re.IGNORECASE,
)
_EN_MUST = re.compile(
    r"\b(?:must|has\s+to|have\s+to|had\s+to|needs?\s+to|(?:is|are|was|were|been|be)\s+(?:required|ordered|told|"
    r"asked|obliged|forced|expected|given\s+until\s+[^,;.]{1,30}?)\s+to|(?:has|have|had)\s+until\s+[^,;.]{1,30}?\s+to|"
    r"(?:ordered|told|asked|forced|gave|given|urged|called\s+on|demanded|instructed)\s+(?P<obj>(?:[\w'’-]+\s+){1,4}?)"
    r"(?:until\s+[^,;.]{1,30}?\s+)?to)\s+(?P<vp>[a-z][^,;:.!?]*)",
)
_DE_MUST = re.compile(
    r"(?P<subj>(?:[\w'’-]+\s+){1,4}?)(?:muss|müssen|musste|mussten|hat|haben|soll|sollen)\s+(?P<vp>[^,;:.!?]+)"
)
_DE_FINAL_MODAL = re.compile(
    r"\b(?:dass|daß|ob|weil|wenn)\s+(?P<subj>(?:der|die|das|den)?\s*[\w-]+)\s+(?P<vp>[^,;:.!?]+?)\s+"
    r"(?:muss|müssen|musste|mussten|müsse|müssten)\b"
)
_DE_DEMAND = re.compile(
    r"\b(?:verlangt|verlangen|verlangte|fordert|fordern|forderte)\s+(?:\w+\s+)?von\s+(?:den|der|dem)\s+"
    r"(?P<obj>[\w-]+)\s+(?P<vp>[^,;:.!?]+)"
)
_DE_FINAL_VERB = re.compile(r"\b(?:[a-zäöüß]+(?:en|ern|eln|zen)|sein|tun)\b")
_EN_STOP_VP = re.compile(
    r"\s+(?:by|until|till|before|no\s+later\s+than|within|or\s+(?:face|lose|risk)|under|after|when|if|as|"
    r"because|which|who)\b.*$", re.IGNORECASE,
)
_LIMIT_WORDS = re.compile(
    r"\b(?:bis(?:\s+spätestens)?(?:\s+(?:zum|zur|am|ende|mitte|anfang))?|spätestens(?:\s+(?:am|zum|bis))?|binnen|"
    r"innerhalb(?:\s+(?:von|der|des))?|ab|seit|mindestens|zunächst|noch|wieder|nun|jetzt|erst|einmalig|"
    r"(?:vom|am|zum)|ende|anfang|mitte)\b",
    re.IGNORECASE,
)


def what_phrase(c: Ctx, kind: str) -> str:
    """A short readable phrase: who must do what ("ByteDance: sell its US operations"), or what ends, as its noun
    phrase ("Versammlungsverbot"; the chat adds the verb in its own language, keydate_what.py)."""
    return _what(c, kind)[0]


def _what(c: Ctx, kind: str) -> tuple[str, bool]:
    """(phrase, firm): firm when it names the thing; a replacement inherits the replaced date's firm phrase. An
    expiry's phrase is a noun phrase or "who: do what", never a clause the chat could not add "ends" to."""
    if kind == "expiry":
        return _expiry_what(c)
    phrase = _obligation_phrase(c)
    if phrase:
        return phrase, True
    noun = _deadline_noun_phrase(c)
    if noun:
        return noun, _GENERIC.fullmatch(noun) is None  # a bare "Frist" names nothing
    return _fallback_what(c), False


def _expiry_what(c: Ctx) -> tuple[str, bool]:
    """What ends: the measure named here or by the pronoun's antecedent, else who is bound until then ("Schulen:
    geschlossen bleiben"), else the noun phrase the clause opens with ("So sollen Entschädigungsansprüche für
    Eltern … verlängert werden" -> "Entschädigungsansprüche für Eltern")."""
    noun = _measure_phrase(c) or _measure_before(c)
    if noun:
        return noun, True
    phrase = _obligation_phrase(c)
    if ": " in phrase:
        return phrase, True
    return noun_phrase(_fallback_what(c)), False


_LIMIT_WORD_EN = re.compile(r"(?i)until|till|by|before|within")  # the limit, not the object ("… bids by Friday")
_OBJECT_PREP = re.compile(r"(?i)for|to|of|für|zur|zum|zu|der|des")  # what opens the object of a deadline noun
_OBJECT_END = re.compile(r"(?i)\s+(?:until|till|by|before|within|bis|spätestens|binnen|innerhalb|ab|from|after|nach)\b")
_NOUN_OBJECT = re.compile(r"^\s*(?:(?:für|zur|zum|zu|der|des|for|to|on|of)\s+[^,;:.!?()]{3,60})", re.IGNORECASE)


def _deadline_noun_phrase(c: Ctx) -> str:
    """ "Frist zur Veräußerung des Geschäfts", "deadline for comments": the noun with its object."""
    lo, hi = c.bounds
    m = _DEADLINE_NOUN.search(c.sent, lo, hi)
    if m is None:  # the nearest one before the date ("the application deadline for A, B - … - until")
        m = next(reversed(list(_DEADLINE_NOUN.finditer(c.sent, max(0, c.a - _CONTEXT), c.a))), None)
    if m is None or m.group().lower() in ("due", "fällig", "fristgerecht"):
        return ""
    obj = _NOUN_OBJECT.match(c.sent[m.end() :])
    tail = obj.group() if obj else ""
    tail_words = _clean(tail).split()
    cut = next((i for i, w in enumerate(tail_words)
                if _LIMIT_WORDS.fullmatch(w) or _LIMIT_WORD_EN.fullmatch(w) or _NUMBER.search(w)), None)
    if cut is not None:
        tail_words = tail_words[:cut]
    while tail_words and _DANGLING.fullmatch(tail_words[-1]):
        tail_words = tail_words[:-1]
    if _GENERIC.fullmatch(m.group()) and len(tail_words) > 1 and _OBJECT_PREP.fullmatch(tail_words[0]):
        # "deadline for the loans": the line says "deadline" already; what is due is its object
        due = noun_phrase(_OBJECT_END.split(" ".join(tail_words[1:]), maxsplit=1)[0]).split()
        if due:
            return " ".join(_cut(due, keep_end=False))
    return " ".join(_cut([m.group(), *tail_words], keep_end=False))


def _clean(s: str) -> str:
    s = _QUOTES.sub("", s)
    return " ".join(s.replace("(", " ").replace(")", " ").split()).strip(" ,;:–—-")


def _cut(words: list[str], keep_end: bool) -> list[str]:
    if len(words) <= WHAT_MAX_WORDS:
        return words
    return words[-WHAT_MAX_WORDS:] if keep_end else words[:WHAT_MAX_WORDS]


def _subject(words: list[str], *, whole: bool = False) -> str:
    """A short subject; lower-case words only when they are all there is before the verb (`whole`)."""
    ws = [w for w in words if w]
    while ws and _SUBJECT_STOP.match(ws[0]):
        ws = ws[1:]
    if not ws or len(ws) > 4 or not (whole or any(w[:1].isupper() or w.isdigit() for w in ws)):
        return ""
    if len(ws) == 1 and _PRONOUN.fullmatch(ws[0]):
        return ""  # "Sie: dauern" says nobody
    return " ".join(ws)


def _masked_sentence(c: Ctx) -> tuple[str, int]:
    """The sentence without its time expressions and the limit words right before them, and where this
    expression stood in it."""
    out: list[str] = []
    pos, at = 0, 0
    for t in c.local:
        s, e = t.start - c.unit.start, t.end - c.unit.start
        if s < pos or e > len(c.sent):
            continue
        head = c.sent[pos:s]
        m = _LIMIT_LEFT.search(head[-45:]) or _EVENT_LEFT.search(head[-20:])
        out.append(head[: len(head) - len(m.group())] if m else head)
        verb = re.match(r"(?:has|have|had|given|gave(?:\s+\w+){1,2})\s+(?=until)", m.group().strip()) if m else None
        if verb:  # "has until Friday to answer" -> "has to answer"
            out.append(" " + verb.group().replace("gave", "told").replace("given", "told") + " ")
        if t is c.tx:
            at = sum(len(x) for x in out)
        pos = e
    out.append(c.sent[pos:])
    return "".join(out), at


# who is bound, named by what they do: "those looking to lay off staff", "anyone who sells tickets", "firms planning
# cuts" (the words up to a time clause, an adverb or a clause break)
_GENERIC_SUBJECT = re.compile(
    r"(?i)\b(?:" + cue.GENERIC_SUBJECT + r")\s+(?:who|that|which|\w+ing)\b(?:\s+(?!(?:before|after|by|until|when|if|"
    r"as|because|while|once|in\s+order)\b)[\w'’-]+){0,5}"
)
_DEMONSTRATIVE = re.compile(r"(?i)those|these|this|that")


def _generic_subject(before: str) -> str:
    """ "It means those looking to lay off employees before … legally have to start": who the obligation binds."""
    m = next(reversed(list(_GENERIC_SUBJECT.finditer(before))), None)  # the one nearest the modal
    if m is None:
        return ""
    words = [w for w in m.group().split() if not w.lower().endswith("ly")]
    phrase = " ".join(words)
    return phrase[:1].upper() + phrase[1:]


def _unmasked_before(c: Ctx, modal: str) -> str:
    """The sentence before its modal, time expressions and limits kept ("before the winter" ends a subject)."""
    key = " ".join(modal.split()[:2])
    pos = c.sent.rfind(key, 0, c.a)
    head = c.sent[: pos if pos >= 0 else c.a]
    return re.split(r"[,;:]", head)[-1]


def _previous_sentence(c: Ctx) -> str:
    head = c.text[max(0, c.unit.start - _BACK) : c.unit.start].rstrip()
    ends = [m.end() for m in _SENTENCE_END.finditer(head[:-1])]
    return head[ends[-1] :] if ends else head


def _resolve_demonstrative(vp: list[str], prev: str) -> list[str]:
    """ "start those talks" after "… have to start a 45-day consultation period": the thing a demonstrative points
    back to, where the sentence before does the same (its verb with its object); else "the" ("start the talks")."""
    k = next((i for i, w in enumerate(vp) if i and _DEMONSTRATIVE.fullmatch(w)), None)
    if k is None:
        return vp
    verb = vp[k - 1].lower()
    m = re.search(rf"(?i)\b{re.escape(verb)}\s+((?:an?|the)\s+[^,;:.!?]+?)(?=\s+(?:{_OBJECT_STOP})\b|[,;:.!?]|$)", prev)
    if m is not None:
        antecedent = m.group(1).split()[:WHAT_MAX_WORDS - k]
        return [*vp[:k], *antecedent]
    return [*vp[:k], "the", *vp[k + 1 :]]


_OBJECT_STOP = r"before|after|by|until|when|if|because|while|for|to|in|on|at|from|with|and|or|but"


def _obligation_phrase(c: Ctx) -> str:
    sent, at = _masked_sentence(c)
    m = _EN_MUST.search(sent)
    if m:
        vp = _EN_STOP_VP.sub("", m.group("vp"))
        vp_words = _cut(_clean(vp).split(), keep_end=False)
        obj = m.group("obj")
        before = _clean(re.split(r"[,;:]", sent[: m.start()])[-1]).split()
        subj = _subject(obj.split()) if obj else (_subject(before[-4:], whole=len(before) <= 4)
                                                   or _generic_subject(_unmasked_before(c, m.group())))
        if vp_words:
            return (subj + ": " if subj else "") + " ".join(_resolve_demonstrative(vp_words, _previous_sentence(c)))
    f = _DE_FINAL_MODAL.search(sent)
    if f:  # "…, dass wir die Schulen bis zum 17. Januar geschlossen halten müssen"
        words = _compress_de(_clean(_LIMIT_WORDS.sub(" ", f.group("vp"))).split())
        if words:
            subj = _subject(f.group("subj").split(), whole=True)
            return (subj + ": " if subj else "") + " ".join(_bare_infinitive(words))
    d = _DE_DEMAND.search(sent)
    if d:
        words = _cut(_clean(_LIMIT_WORDS.sub(" ", d.group("vp"))).split(), keep_end=False)
        return d.group("obj") + ": " + " ".join(words) if words else ""
    m2 = _DE_MUST.search(sent)
    if m2:
        vp = _LIMIT_WORDS.sub(" ", m2.group("vp"))
        words = [w for w in _clean(vp).split() if w]
        # "hat … zu tun" obliges; "hat Polen Zeit gegeben" is a perfect tense, its zu-infinitive follows
        perfect = m2.group().split()[len(m2.group("subj").split())] in ("hat", "haben") and "zu" not in words[-2:-1]
        if words and _DE_FINAL_VERB.fullmatch(words[-1]) and not perfect:
            subj = _subject(_clean(m2.group("subj")).split()[-4:])
            return (subj + ": " if subj else "") + " ".join(_bare_infinitive(_cut(words, keep_end=True)))
    return _zu_phrase(sent, at, c.actors)


_DE_ORDER_OBJ = re.compile(
    r"\b(?:den|die|das|dem|der)\s+(?P<obj>[A-ZÄÖÜ][\w-]+)\s+(?:\w+\s+){0,3}?(?:aufgefordert|aufgerufen|verpflichtet|"
    r"gezwungen|angewiesen|gedrängt|ultimativ|gesetzt|gegeben|eingeräumt|gewährt|gestellt)\b"
)
_DE_DASS_SUBJ = re.compile(r"\b(?:dass|daß|ob)\s+(?:der|die|das)\s+(?P<obj>[A-ZÄÖÜ][\w-]+)")
_ZU_TOKEN = re.compile(r"\b(?:zu\s+[a-zäöüß]{2,}(?:en|ern|eln)|[a-zäöüß]+zu[a-zäöüß]{3,}(?:en|ern|eln))\b")


def _zu_phrase(sent: str, at: int, actors: Sequence[str] = ()) -> str:
    """German "…, die Anlage stillzulegen" / "dass der Konzern seine Tochter zu verkaufen hat": the first
    zu-infinitive after the date."""
    m = _ZU_TOKEN.search(sent, at)
    if m is None:
        return ""
    head = sent[: m.end()]
    # the last "um" between the date and the infinitive opens its clause
    um = next(reversed(list(re.finditer(r"\b[Uu]m\b", head[at:]))), None)
    lo = max(head.rfind(",", 0, at + um.start()) if um else head.rfind(","), head.rfind(";"))
    if um is not None:
        lo = at + um.end() - 1
    d = _DE_DASS_SUBJ.search(head)
    if d and d.end() > lo:
        lo = d.end()
    seg = head[lo + 1 :] if lo >= 0 and not (d and lo == d.end()) else head[max(lo, 0) :]
    vp = _compress_de(_clean(_LIMIT_WORDS.sub(" ", seg)).split())
    while vp and vp[0].lower() in ("um", "damit", "zu"):
        vp = vp[1:]
    who = _DE_ORDER_OBJ.search(sent) or d
    subj = who.group("obj") if who else (_has_time(sent) or _addressee(sent, at, actors))
    return (subj + ": " if subj else "") + " ".join(_bare_infinitive(vp)) if vp else ""


# who has until then: "Bis Mittwoch haben die Länderchefs nun Zeit, …", "Die Reederei hat bis Freitag Zeit, …"
_DE_HAS_TIME = re.compile(
    r"\b(?:hat|haben|hatte|hatten|bekommt|bekommen|erhält|erhalten)\s+(?:der|die|das|den)\s+(?P<obj>[A-ZÄÖÜ][\w-]+)"
    r"\s+(?:\w+\s+){0,3}?Zeit\b|\b(?:[Dd]er|[Dd]ie|[Dd]as)\s+(?P<obj2>[A-ZÄÖÜ][\w-]+)\s+(?:hat|haben|hatte|hatten)\s+"
    r"(?:[\w.]+\s+){0,5}?Zeit\b"
)
def _has_time(sent: str) -> str:
    m = _DE_HAS_TIME.search(sent)
    return (m.group("obj") or m.group("obj2")) if m else ""


_DE_ORDERED = re.compile(
    r"\b(?:aufgefordert|aufgerufen|verpflichtet|gezwungen|angewiesen|gedrängt)\s+(?:wird|wurde|werden|wurden|"
    r"worden|ist|sind|war|waren)\b"
)
_PREP_BEFORE = re.compile(r"\b(?:in|im|von|vom|aus|mit|für|bei|nach|gegen|über|an|am|seit|of|in|from|at|for)\s+$",
                          re.IGNORECASE)
_PRONOUN = re.compile(r"(?i)ich|du|er|sie|es|wir|ihr|man|i|you|he|she|it|we|they|this|that|dies|das")


def _addressee(sent: str, at: int, actors: Sequence[str]) -> str:
    """Who a German zu-infinitive obliges when no object names them: the subject of a passive order ("…, in der
    die Mutter von TikTok, ByteDance, aufgefordert wird, … zu verkaufen": ByteDance), else an actor right
    before the limit ("der Präsident ByteDance bis 15. September [Zeit gab], um … zu finden"). Actors after a
    preposition ("von TikTok", "mit Sitz in China") are not it."""
    order = _DE_ORDERED.search(sent)
    if order is not None:
        lo = max(sent.rfind(",", 0, max(0, sent.rfind(",", 0, order.start()) - 1)), 0)
        named = _actors_in(sent, lo, order.start(), actors)
        if named:
            return named[-1][1]
    near = [(pos, a) for pos, a in _actors_in(sent, max(0, at - 40), at, actors)
            if _LIMIT_WORDS.match(sent[pos + len(a) :].lstrip()) or not sent[pos + len(a) : at].strip()]
    return near[-1][1] if near else ""


def _actors_in(sent: str, lo: int, hi: int, actors: Sequence[str]) -> list[tuple[int, str]]:
    """(position, actor) of the actors named in sent[lo:hi] not after a preposition, in text order (an actor
    is found by its full name or its last word: "Trump" for "Donald Trump")."""
    found: dict[int, str] = {}
    covered: set[int] = set()  # characters inside a full name: its last word there is no second mention
    for actor in actors:
        for key in dict.fromkeys((actor, actor.split()[-1])):
            for m in re.finditer(rf"(?<![\w-]){re.escape(key)}(?![\w-])", sent[lo:hi]):
                pos = lo + m.start()
                if pos in covered or _PREP_BEFORE.search(sent[max(0, pos - 12) : pos]):
                    continue
                found.setdefault(pos, key)
                if key == actor:
                    covered.update(range(pos, pos + len(key)))
    return sorted((p, k) for p, k in found.items() if p not in covered or k in actors)


# separable prefixes a zu-infinitive carries inside ("stillzulegen" = still + zu + legen)
_SEPARABLE = re.compile(
    r"^(ab|an|auf|aus|bei|bereit|dar|ein|fest|fort|frei|her|heraus|hin|hinzu|los|mit|nach|offen|still|vor|"
    r"voran|vorbei|weg|weiter|wieder|zu|zurück|zusammen)zu([a-zäöüß]{3,}(?:en|ern|eln))$"
)


def _bare_infinitive(words: list[str]) -> list[str]:
    """A to-do reads without "zu": "ihre US-Aktivitäten zu verkaufen" -> "ihre US-Aktivitäten verkaufen",
    "die Anlage stillzulegen" -> "die Anlage stilllegen"."""
    out: list[str] = []
    for i, w in enumerate(words):
        if w == "zu" and i + 1 < len(words) and re.fullmatch(r"[a-zäöüß]{3,}(?:en|ern|eln)", words[i + 1]):
            continue
        m = _SEPARABLE.match(w)
        out.append(m.group(1) + m.group(2) if m else w)
    return out


# lower-case words before an English measure noun that are no modifiers of it ("to extend the scheme")
_NOT_MODIFIER = re.compile(
    r"the|a|an|to|of|for|and|or|in|on|at|by|with|his|her|its|their|our|this|that|these|those|new|current|said|says|"
    r"told|"
    r"extend|extends|extended|end|ends|ended|when|after|before|until|while|if|as|is|was|are|were|be|been|will|"
    r"would|could|has|have|had|not|no|which|whose|\w+ing|\w+ed|\w+ly")
_DANGLING = re.compile(r"(?i)to|of|on|by|until|for|the|bis|auf|zum|zur|am|vom|den|dem|der|die|das|für|mit")
_DE_PREP = re.compile(r"(?i)^(?:für|in|mit|an|auf|aus|bei|nach|von|vor|über|unter|zwischen|gegen|durch|ohne)$")


def _compress_de(words: list[str]) -> list[str]:
    """A long German verb phrase as its object and its verb ("einen Käufer … zu finden" -> "einen Käufer zu
    finden"): the words up to the first preposition, then the final verb group."""
    if len(words) <= WHAT_MAX_WORDS - 2:
        return words
    verb = words[-2:] if len(words) >= 2 and words[-2] == "zu" else words[-1:]
    head: list[str] = []
    for w in words[: -len(verb)]:
        if _DE_PREP.match(w) or len(head) == 4:
            break
        head.append(w.rstrip(","))
    return [*head, *verb] if head else _cut(words, keep_end=True)


def _measure_phrase(c: Ctx) -> str:
    return _measure_in(c.sent, c.low, c.a, c.b)


_STARTS_WITH_PRONOUN = re.compile(r"^\W*(?:Sie|Diese|Dies|Es|Er|They|These|It|This)\b")
_SENTENCE_END = re.compile(r"[.!?][\"“”»«'’]?\s")
_BACK = 300  # chars before a sentence searched for the measure its pronoun stands for


def _measure_before(c: Ctx) -> str:
    """ "Die Maßnahmen gelten ab Montag. Sie sollen bis Ende November dauern": the measure the pronoun that
    opens the sentence stands for, from the sentence before. Steps or decisions there stand for the measure the
    article names most ("… auf die drastischen Schritte verständigt. Sie sollen bis Ende November dauern")."""
    if not _STARTS_WITH_PRONOUN.match(c.sent):
        return ""
    head = c.text[max(0, c.unit.start - _BACK) : c.unit.start].rstrip()
    ends = [m.end() for m in _SENTENCE_END.finditer(head[:-1])]
    prev = head[ends[-1] :] if ends else head
    found = _measure_in(prev, prev.lower(), len(prev), len(prev), _ANTECEDENT)
    if found and _WEAK_ANTECEDENT.search(found):
        return _main_measure(c.text, c.unit.start) or found
    return found


# what a pronoun opening a key-date sentence may stand for: a measure, or the steps or decisions that make it
_ANTECEDENT = re.compile(cue.MEASURE[:-1] + r"|\b(?:" + cue.WEAK_ANTECEDENT + r")\b)")
_WEAK_ANTECEDENT = re.compile(r"(?i)\b(?:" + cue.WEAK_ANTECEDENT + r")\b")
_MAIN_SPAN = 20_000  # chars of an article before a sentence searched for the measure it names most


def _main_measure(text: str, end: int) -> str:
    """The measure an article names most before `end` (the first named of equals), in the nominative."""
    head = text[max(0, end - _MAIN_SPAN) : end]
    low = head.lower()
    counts: Counter[str] = Counter()
    surface: dict[str, str] = {}
    for m in _MEASURE.finditer(low):
        s, e = m.start(), m.end()
        while s > 0 and (head[s - 1].isalnum() or head[s - 1] == "-"):
            s -= 1
        while e < len(head) and head[e].isalnum():
            e += 1
        word = nominative(head[s:e], head[:s])
        if not word[:1].isupper() and not word[:1].islower():
            continue
        key = word.lower()
        counts[key] += 1
        surface.setdefault(key, word)
    if not counts:
        return ""
    top = max(counts.values())
    return next(surface[k] for k in surface if counts[k] == top)


def _measure_in(sent: str, low: str, a: int, b: int, rx: re.Pattern[str] = _MEASURE) -> str:
    m = _best_measure(low, a, b, rx)
    if m is None:
        return ""
    s, e = m.start(), m.end()
    while s > 0 and (sent[s - 1].isalnum() or sent[s - 1] == "-"):
        s -= 1
    while e < len(sent) and sent[e].isalnum():
        e += 1
    head = nominative(sent[s:e], sent[:s])  # "Verlängerung des Teil-Lockdowns": the Teil-Lockdown ends
    # English names and modifiers before the noun: "Job Retention Scheme", "90-day pause", "the VAT cut"
    before = sent[:s].split()
    mods: list[str] = []
    english = head[:1].islower()  # German nouns are capitalised and carry their modifiers in the compound
    for w in reversed(before[-3:]):
        modifier = w[:1].isupper() or re.fullmatch(r"\d+-\w+", w) is not None or (
            english and w.isalpha() and w.islower() and _NOT_MODIFIER.fullmatch(w) is None)
        if not modifier or _SUBJECT_STOP.match(w):
            break
        mods.insert(0, w)
    listed = _list_around(sent, sent.rfind(mods[0], 0, s) if mods else s, e, rx)
    return listed or _clean(" ".join([*mods, head]))


_CONJUNCT = r"(?:(?:the|die|der|das)\s+)?[A-ZÄÖÜ][\w-]*(?:\s+[A-ZÄÖÜ][\w-]*){0,4}"
_LIST = re.compile(rf"{_CONJUNCT}(?:,\s+{_CONJUNCT})*,?\s+(?:and|und|or|oder|sowie)\s+{_CONJUNCT}")
_CONJ_SPLIT = re.compile(r",\s+|\s+(?:and|und|or|oder|sowie)\s+")
LIST_MAX_WORDS = 16


def _list_around(sent: str, s: int, e: int, rx: re.Pattern[str]) -> str:
    """ "extended Bounce Back Loans, Business Interruption Loans and the Future Fund until …": what ends is the
    list the measure is a member of, when most of its members are measures (not "Merkel, Söder und das Programm")."""
    for m in _LIST.finditer(sent):
        if not m.start() <= s < e <= m.end():
            continue
        members = _CONJ_SPLIT.split(m.group())
        named = sum(1 for x in members if rx.search(x.lower()))
        words = m.group().split()
        while words and _SUBJECT_STOP.match(words[0]):
            words = words[1:]
        if 2 * named >= len(members) and len(words) <= LIST_MAX_WORDS:
            return _clean(" ".join(words))
    return ""


_DANGLING_END = re.compile(r"(?i)in|on|at|or|and|by|before|after|from|im|am|um|oder|und|vor|nach|ab|seit")
_COPULA_DUE = re.compile(r"(?i)\b(?:was|were|is|are|be|ist|sind|war|waren)\s+(?=(?:due|fällig)\b)")
_DETERMINER = re.compile(r"(?i)those|these|this|that|such|diese[nmrs]?|jene[nmrs]?|solche[nmrs]?")


def _fallback_what(c: Ctx) -> str:
    """The clause around the date without the date, its limit words and words left dangling ("those payments
    fall due in" -> "payments fall due")."""
    lo = c.bounds[0]
    left = _LIMIT_LEFT.sub("", _clean(c.sent[lo : c.a]))
    right = _clean(re.split(r"[,;:.!?]", c.right, maxsplit=1)[0])
    words = _COPULA_DUE.sub("", left + " " + right).split()
    while words and (_SUBJECT_STOP.match(words[0]) or _DETERMINER.fullmatch(words[0])):
        words = words[1:]
    words = _cut(words, keep_end=False)
    while words and (_DANGLING.fullmatch(words[-1]) or _DANGLING_END.fullmatch(words[-1])):
        words = words[:-1]
    return " ".join(words)


# -- replacements within the article -------------------------------------------------------------------------

_CONTENT = re.compile(r"[a-zäöüß][a-zäöüß-]{3,}")
_STOPWORDS = frozenset(
    "eine einer einem einen dass wird werden wurde wurden worden haben hatte hatten nicht auch noch schon sich "
    "sind seine ihre ihren diese dieser dieses oder aber sowie nach über unter bis zum zur vom beim with that "
    "this from have been were will would their they them than into until before after about also only more "
    "deadline frist extended verlängert date januar jänner februar märz april juni juli august september oktober "
    "november dezember january february march june july october december monday tuesday wednesday thursday "
    "friday saturday sunday montag dienstag mittwoch donnerstag freitag samstag sonntag ende anfang mitte "
    "said sagte sagt soll sollen sollte would could".split()
)


def _content_words(s: str) -> frozenset[str]:
    return frozenset(w[:6] for w in _CONTENT.findall(s.lower()) if w not in _STOPWORDS)


def _link(found: list[_Found]) -> list[DeadlineRec]:
    """Each extension supersedes the earlier date of the same thing: a retired date of the article first, else
    an earlier one; "the same thing" = shared content words (or the same sentence), never mere position."""
    taken: set[int] = set()
    for n, f in enumerate(found):
        if not f.new:
            continue
        best = _replaced_candidate(found, n, taken)
        if best is None:
            if f.named_end and f.named_end < f.rec.value:
                r = f.rec
                f.rec = DeadlineRec(r.start, r.end, r.text, r.value, r.what, f.named_end, r.kind, r.reason)
            continue
        old = found[best]
        taken.add(best)
        value = f.rec.value if _EARLIER.search(f.rec.reason) else _after(f.rec.value, old.rec.value, f.rec.text)
        generic = not f.firm_what or _GENERIC.fullmatch(f.rec.what) is not None
        what = old.rec.what if generic and old.firm_what else f.rec.what
        f.rec = DeadlineRec(f.rec.start, f.rec.end, f.rec.text, value, what, old.rec.value, f.rec.kind, f.rec.reason)
    return [f.rec for f in found]


def _same_subject(a: str, b: str) -> bool:
    wa, wb = _content_words(a), _content_words(b)
    return bool(wa & wb) or any(x.endswith(y) or y.endswith(x) for x in wa for y in wb if min(len(x), len(y)) >= 5)


def _replaced_candidate(found: list[_Found], n: int, taken: set[int]) -> int | None:
    new = found[n]
    best: tuple[tuple[int, int, int], int] | None = None
    for k, old in enumerate(found):
        if k == n or k in taken or old.rec.value == new.rec.value:
            continue
        if not old.rec.retired and (old.new or k > n):
            continue  # another replacement, or a later plain date: no earlier date of this thing
        same_sentence = old.sentence == new.sentence
        shared = len(old.words & new.words)
        anaphora = not new.firm_what and old.rec.kind == new.rec.kind  # "the deadline was extended to …"
        if not (same_sentence or shared >= LINK_MIN_SHARED or anaphora):
            continue  # too little in common: a date of another thing
        if not same_sentence and new.firm_what and old.firm_what and not _same_subject(old.rec.what, new.rec.what):
            continue  # "Kurzarbeit measures" ending is no replacement of the "furlough scheme" ending
        # "the deadline was extended": with no words in common, the same kind of key date is meant
        score = (int(old.rec.retired), shared + (3 if same_sentence else 0), -abs(n - k))
        if best is None or score > best[0]:
            best = (score, k)
    return best[1] if best else None


def _after(value: str, prev: str, span_text: str) -> str:
    """An extension moves a limit later: a year the text does not state is chosen so the new date follows the old."""
    m, p = _ISO_DAY.match(value), _ISO_DAY.match(prev)
    if m is None or p is None or re.search(r"\b\d{4}\b", span_text) or value > prev:
        return value
    year = int(p.group(1))
    candidate = f"{year:04d}{value[4:]}"
    return candidate if candidate > prev else f"{year + 1:04d}{value[4:]}"

