"""Which temporal expressions are deadlines (DESIGN.md "What counts as a deadline").

A time expression is a deadline when its sentence sets a limit by which something must happen:
- a limit preposition right before it (bis, spätestens, binnen, until, by, within, no later than ...) AND an
  obligation in the sentence (muss, aufgefordert, Anordnung, ordered, must, has until ...) or a zu-infinitive
  after it ("bis zum 20. September zu verkaufen") - unless the clause is a plan, a permission or a lasting state;
- a deadline noun next to it (Frist, Ultimatum, Deadline, Stichtag as a cut-off, due);
- an extension of a deadline ("die Frist ... auf den 12. November verlängert", "deadline extended to");
- a duration that sets a limit ("binnen 30 Tagen", "45-tägige Frist", "hat zehn Tage Zeit"): resolved forward from
  an explicit date in the sentence, else from the publication date;
- an expiry that forces a follow-up ("läuft aus, sofern nicht verlängert", "lapses unless renewed").
Not: event dates (am/vom/seit/on/since ...), statistics reference dates, effective dates, plans, permissions.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections.abc import Sequence

from newsdigest.extract.sentences import Unit
from newsdigest.extract.types import DeadlineRec, Timex

__all__ = ["find_deadlines", "resolve_value"]

MAX_JUDGED = 2000  # time expressions judged per article: real articles have dozens; bounds pathological input
_CONTEXT = 200  # chars of a sentence on each side of a time expression that are read to judge it
_WINDOW = 45  # chars around a time expression in which a deadline noun binds to it
WHAT_MAX_WORDS = 10

_I = re.IGNORECASE
_LIMIT_LEFT = re.compile(
    r"(?:\b(?:bis(?:\s+spätestens)?(?:\s+(?:zum|zur|zu|am|an|in|im|den|dem|der|ende|mitte|anfang))?|"
    r"spätestens(?:\s+(?:am|bis|zum|zur|im|in|den|an))?|binnen|innerhalb(?:\s+(?:von|der|des|eines|einer))?|"
    r"(?:no|not)\s+later\s+than|until|till|by|within|prior\s+to|"
    r"(?:has|have|had|gave\s+\w+|given|give\s+\w+)\s+until)(?:\s+(?:the|a|an|den|dem|der|die|einem|einer))?\s*)$",
    _I,
)
_EVENT_LEFT = re.compile(
    r"\b(?:am|vom|von|seit|ab|im|in|um|zum|zur|während|nach|vor|on|since|from|in|at|during|after|before|"
    r"last|this|next|dated)\s+(?:dem\s+|den\s+|der\s+|the\s+)?$",
    _I,
)
_EXTEND_LEFT = re.compile(r"\b(?:auf|bis|to|until|till)\s+(?:den|dem|zum|das|die|the)?\s*$", _I)
_EXTEND = re.compile(
    r"\b(?:verlänger\w*|verschob\w*|verschoben|verschieb\w*|aufgeschoben|extend\w*|extension|postpon\w*|"
    r"pushed\s+back|moved\s+(?:back|to))\b",
    _I,
)
_DEADLINE_NOUN = re.compile(
    r"\b(?:[A-ZÄÖÜ][a-zäöüß]*frist(?:en)?|Frist(?:en|ende|ablauf|verlängerung|setzung)?|fristgerecht|"
    r"Ultimat\w*|ultimatum\w*|[Dd]eadlines?|Stichtag\w*|[A-ZÄÖÜ][a-zäöüß]*stichtag|"
    r"[A-ZÄÖÜ][a-zäöüß]*schluss|Abgabetermin\w*|cut-?off|due(?:\s+date)?|fällig\w*)\b"
)
_CUTOFF_NOUN_SCHLUSS = re.compile(r"\b[A-ZÄÖÜ][a-zäöüß]*(?:melde|sende|bewerbungs|abgabe|antrags|wahl)schluss\b", _I)
_STICHTAG = re.compile(r"\b\w*stichtag\w*\b", _I)
_OBLIGATION = re.compile(
    r"\b(?:muss|müssen|musste|mussten|müsste|müssten|hat\s+(?:\w+\s+){0,3}zeit|haben\s+(?:\w+\s+){0,3}zeit|"
    r"Zeit\s+(?:bis|gegeben|gesetzt)|aufgefordert|aufgerufen|verpflichtet|verpflichtend|angeordnet|anordn\w*|"
    r"Anordnung|Verordnung|Verfügung|Gesetz|Urteil|Bescheid|gefordert|fordert\w*|verlangt\w*|auferlegt|gezwungen|"
    r"Pflicht|pflicht\w*|zwingend|vorgeschrieben|einreichen|einzureichen|eingereicht\s+werden|anzumelden|"
    r"abzugeben|zu\s+zahlen|zu\s+bezahlen|begleichen|zu\s+beantragen|beantragt\s+werden|Antr(?:ag|äge)\s+(?:müssen|"
    r"können)|Einspruch|Widerspruch|Berufung|einzulegen|registrier\w*|"
    r"must|required?|requires|has\s+to|have\s+to|had\s+to|ordered|orders?|demand\w*|mandat\w*|oblig\w*|compelled|"
    r"forced|submit\w*|file|apply|pay|register|comply|respond|appeal|has\s+until|have\s+until|had\s+until|"
    r"given\s+until|gave\s+\w+\s+until|told\s+to|instructed)\b",
)
_ZU_INF = re.compile(
    r"\bzu\s+[a-zäöüß]{3,}\b|\b(?:ab|an|auf|aus|bei|ein|fest|her|hin|mit|nach|vor|weg|zurück|zusammen|dar|durch|"
    r"um|über|unter|wieder|frei|statt|teil|bereit|fertig|los|zu)zu[a-zäöüß]{3,}(?:en|ern|eln)\b"
)
_TO_INF = re.compile(r"^\s*(?:,\s*)?(?:in\s+order\s+)?to\s+[a-z]{2,}", _I)
_PLAN = re.compile(
    r"\b(?:plan\w*|geplant|will|wollen|wollte|wollten|wolle|möchte\w*|Ziel\w*|zielt|anstreb\w*|angestrebt|"
    r"vorgenommen|beabsichtig\w*|hofft|hoffen|erwarte\w*|rechnet|rechnen|prognos\w*|voraussichtlich|"
    r"aims?|aiming|targets?|targeted|goal|pledge\w*|promis\w*|hopes?|expects?|expected|intends?|forecast\w*|"
    r"projected|vows?|wants?|seeks?)\b",
)
_STATE = re.compile(
    r"\b(?:darf|dürfen|durfte|durften|dürfe|erlaubt|gestattet|genehmigt|weiterlaufen|weiterhin|andauern|dauern|"
    r"dauert|dauerte|gilt|gelten|galt|gültig|läuft|laufen|lief|bleib\w*|blieb\w*|gestundet|ausgesetzt|"
    r"aufgeschoben|befristet|geöffnet|geschlossen|zu\s+sehen|may|allowed|permitted|continu\w*|remain\w*|lasts?|"
    r"deferred|suspended|valid|runs?|open|closed|stay\w*|exempt\w*|paused|postponed)\b",
)
_EFFECTIVE = re.compile(
    r"\b(?:in\s+Kraft|tritt|treten|takes?\s+effect|took\s+effect|effective|comes?\s+into\s+force|into\s+effect|"
    r"gilt\s+ab|gelten\s+ab|starts?|beginnt|beginnen|startet|starten|launch\w*)\b",
)
_STATS = re.compile(
    r"\b(?:gingen|eingegangen|eingingen|gezählt|zählte\w*|registrierte\w*|verzeichnet\w*|erfasst|received|"
    r"were\s+(?:filed|submitted|received|registered|counted)|had\s+been\s+(?:filed|submitted|received))\b",
)
_NUMBER = re.compile(r"\d")
# cue patterns are matched against lowercased windows: lowercase them once (no IGNORECASE: 3x faster in CPython)
_OBLIGATION, _PLAN, _STATE, _EFFECTIVE, _STATS = (
    re.compile(r.pattern.lower()) for r in (_OBLIGATION, _PLAN, _STATE, _EFFECTIVE, _STATS)
)
_EXPIRY = re.compile(r"\b(?:läuft\b[^.;]{0,60}\baus|ausläuft|erlischt|verfällt|verfallen|expires?|lapses?)\b")
_UNLESS = re.compile(r"\b(?:sofern\s+nicht|es\s+sei\s+denn|wenn\s+nicht|falls\s+nicht|unless|if\s+not)\b")
_MODAL_SOFT = re.compile(r"\b(?:soll|sollen|sollte|sollten|should|shall|is\s+to|are\s+to|was\s+to|were\s+to)\b")
_DURATION_LIMIT_RIGHT = re.compile(
    r"^\s*(?:-?\s*(?:tägige|wöchige|monatige|stündige|jährige)\s+)?(?:Frist|Zeit|Ultimatum|Galgenfrist|Deadline|"
    r"deadline|time|to\s+[a-z]{2,})\b"
)
_DURATION_WORD = re.compile(r"(?:tägig|wöchig|monatig|stündig)\w*\s+(?:Frist|Ultimatum|Galgenfrist)", _I)
_FRIST_RIGHT = re.compile(r"^\s*(?:\w+\s+){0,2}?(?:Frist|Ultimatum|Galgenfrist|[Dd]eadline)\b")
_FRIST_OBJECT = re.compile(r"^\s*(?:zur|zum|für\s+(?:die|den|das)|for|to)\s+[^,.;:!?]{3,80}", _I)
_CLAUSE_SEP = re.compile(r"[,;:–—]|\s-\s")
_LEAD_JUNK = re.compile(
    r"^(?:und|oder|aber|sowie|wobei|während|dass|daß|um|and|or|but|that|which|"
    r"wird|werden|wurde|worden|hat|haben|is|are|was|were|has|have|had)\s+",
    _I,
)
_PERIOD = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_ISO_YEAR = re.compile(r"^(\d{4})$")


def find_deadlines(
    text: str,
    units: Sequence[Unit],
    timexes: Sequence[Timex],
    published: dt.date | None,
    *,
    skip: Sequence[tuple[int, int]] = (),
) -> list[DeadlineRec]:
    """Deadlines among `timexes`, in text order, with `supersedes` linked within the article."""
    starts = [u.start for u in units]
    ordered = sorted(timexes, key=lambda t: t.start)
    tx_starts = [t.start for t in ordered]
    out: list[tuple[DeadlineRec, bool]] = []
    for tx in ordered[:MAX_JUDGED]:
        if tx.type == "SET" or _inside(tx.start, skip):
            continue
        i = bisect.bisect_right(starts, tx.start) - 1
        if i < 0 or units[i].end < tx.end:
            continue  # not inside one sentence - no clause to judge
        # judge within a bounded window of the sentence: linear time even for megabyte "sentences"
        lo, hi = max(units[i].start, tx.start - _CONTEXT), min(units[i].end, tx.end + _CONTEXT)
        local = ordered[bisect.bisect_left(tx_starts, lo) : bisect.bisect_left(tx_starts, hi)]
        rec = _judge(text, Unit(lo, hi, units[i].kind, units[i].para), tx, local, published)
        if rec is not None:
            out.append(rec)
    return _link_supersedes(out)


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _judge(
    text: str, unit: Unit, tx: Timex, timexes: Sequence[Timex], published: dt.date | None
) -> tuple[DeadlineRec, bool] | None:
    sent = text[unit.start : unit.end]
    a, b = tx.start - unit.start, tx.end - unit.start
    left, right = sent[:a], sent[b:]
    limit = _LIMIT_LEFT.search(left[-40:])
    noun_near = _deadline_noun_near(sent, a, b)
    ext_left = _EXTEND_LEFT.search(left[-20:]) is not None
    is_duration = tx.type == "DURATION"
    if not (limit or noun_near or ext_left or is_duration or "aus" in sent or "laps" in sent or "expir" in sent):
        return None  # no cue at all: an event date (the common case, kept cheap)
    # lowercased (cue patterns are lowercase: fast), dates blanked so "May 1" does not read as the modal "may"
    timex_free = _mask(sent, unit.start, timexes).lower()
    lo, hi = _clause_bounds(sent, a, b)
    clause = timex_free[lo:hi]
    extension = bool(ext_left and _EXTEND.search(sent[max(0, a - 60) : b + 30]) and _DEADLINE_NOUN.search(sent))
    obligation = _OBLIGATION.search(timex_free) is not None
    stats = _STATS.search(timex_free) is not None and _NUMBER.search(timex_free) is not None
    if stats and not obligation:
        return None
    if _EFFECTIVE.search(clause) and not (limit or noun_near):
        return None
    decided = False
    if extension or (noun_near and limit):
        decided = True
    elif noun_near:
        # "die Frist diese Woche auf den 12. November verlängert": the noun binds to the cued date, not this one
        decided = not _cued_neighbour(sent, b, unit.start, tx, timexes)
    elif _EXPIRY.search(timex_free) and _UNLESS.search(timex_free):
        decided = True
    elif is_duration and (_DURATION_LIMIT_RIGHT.search(right) or _DURATION_WORD.search(sent[a : b + 30])):
        decided = not _PLAN.search(clause) or obligation
    elif limit or (is_duration and re.search(r"\b(?:binnen|innerhalb|within)\s+$", left[-25:], _I)):
        plan = _PLAN.search(clause) is not None or _PLAN.search(timex_free[:a]) is not None
        vetoed = _STATE.search(clause) is not None or (plan and not obligation)
        zu_inf = _ZU_INF.search(right[:160].split(".")[0]) is not None or _TO_INF.search(right) is not None
        soft = _MODAL_SOFT.search(timex_free) is not None and is_duration
        decided = not vetoed and (obligation or zu_inf or soft)
    elif _EVENT_LEFT.search(left[-20:]):
        decided = False
    if not decided:
        return None
    value = _value_for(tx, sent, unit.start, timexes, published)
    if value is None:
        return None
    s, e = _span(text, unit, tx, limit, extension)
    what = _what(sent, a, b)
    return DeadlineRec(s, e, text[s:e], value, what), extension


def _cued_neighbour(sent: str, b: int, offset: int, tx: Timex, timexes: Sequence[Timex]) -> bool:
    for t in timexes:
        rel = t.start - offset
        if t is tx or not b <= rel <= b + 60:
            continue
        before = sent[max(0, rel - 25) : rel]
        if _LIMIT_LEFT.search(before) or _EXTEND_LEFT.search(before):
            return True
    return False


def _clause_bounds(sent: str, a: int, b: int) -> tuple[int, int]:
    """The comma-bounded clause around [a, b) of the sentence."""
    lo = 0
    for m in _CLAUSE_SEP.finditer(sent, 0, a):
        lo = m.end()
    m2 = _CLAUSE_SEP.search(sent, b)
    return lo, (m2.start() if m2 else len(sent))


def _deadline_noun_near(sent: str, a: int, b: int) -> bool:
    lo, hi = max(0, a - _WINDOW), min(len(sent), b + _WINDOW)
    for m in _DEADLINE_NOUN.finditer(sent, lo, hi):
        word = m.group()
        if _STICHTAG.fullmatch(word) is None and word.endswith("schluss") and not _CUTOFF_NOUN_SCHLUSS.match(word):
            continue  # "Abschluss", "Beschluss" are no cut-offs
        between = sent[m.end() : a] if m.end() <= a else sent[b : m.start()]
        if re.search(r"[.;]", between):
            continue
        return True
    return False


def _mask(s: str, offset: int, timexes: Sequence[Timex]) -> str:
    """`s` with the time expressions blanked, so their digits do not count as figures."""
    chars = list(s)
    for t in timexes:
        lo, hi = max(0, t.start - offset), min(len(s), t.end - offset)
        for k in range(lo, hi):
            chars[k] = " "
    return "".join(chars)


def _span(text: str, unit: Unit, tx: Timex, limit: re.Match[str] | None, extension: bool) -> tuple[int, int]:
    """The time expression, widened to its cue ("bis zum …", "45-tägige Frist", "auf den … verlängert")."""
    s, e = tx.start, tx.end
    left_lo = max(unit.start, s - 40)
    if limit is not None:
        s = left_lo + limit.start() + (len(limit.group()) - len(limit.group().lstrip()))
    elif extension:
        m = _EXTEND_LEFT.search(text[max(unit.start, s - 20) : s])
        if m:
            s = max(unit.start, s - 20) + m.start()
    tail = text[e : min(unit.end, e + 40)]
    m_f = re.match(r"\s*(?:-?\s*(?:tägige|wöchige|monatige|stündige)\s+)?(?:Frist|Ultimatum|Galgenfrist)\b", tail)
    if m_f is None and extension:
        m_f = re.match(r"\s*(?:verlängert|verschoben|extended|postponed)\b", tail)
    if m_f:
        e += m_f.end()
    return s, e


def resolve_value(tx: Timex, anchor: dt.date | None) -> str | None:
    """A deadline's value: the TIMEX3 value, month-end/mid resolved to a day, durations added to the anchor."""
    v = tx.value or ""
    if tx.type == "DURATION" or v.startswith("P"):
        return _add_period(v, anchor)
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


def _add_period(v: str, anchor: dt.date | None) -> str | None:
    m = _PERIOD.match(v)
    if m is None or not any(m.groups()):
        return None  # "PXD": several days - not fixed
    if anchor is None:
        return v
    y, mo, w, d, h, mi = (int(g) if g else 0 for g in m.groups())
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


def _value_for(tx: Timex, sent: str, offset: int, timexes: Sequence[Timex], published: dt.date | None) -> str | None:
    anchor = published
    if tx.type == "DURATION":
        anchor = _sentence_anchor(tx, offset, len(sent), timexes) or published
    return resolve_value(tx, anchor)


def _sentence_anchor(tx: Timex, offset: int, length: int, timexes: Sequence[Timex]) -> dt.date | None:
    """An explicit full date in the same sentence (the order's date) anchors a duration."""
    for t in timexes:
        if t is tx or t.type != "DATE" or not offset <= t.start < offset + length:
            continue
        m = _ISO_DAY.match(t.value or "")
        if m and len(t.value) == 10:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


def _what(sent: str, a: int, b: int) -> str:
    """The action the limit applies to, in a few words."""
    right = re.split(r"[.;!?]", sent[b:], maxsplit=1)[0]
    left = sent[:a]
    lo = 0
    for m in _CLAUSE_SEP.finditer(left):
        lo = m.end()
    left_tail = _LIMIT_LEFT.sub("", left[lo:]).strip()
    # "Frist zur Veräußerung des Geschäfts"
    m_f = _FRIST_RIGHT.match(right)
    if m_f:
        m_o = _FRIST_OBJECT.match(right[m_f.end() :])
        if m_o:
            return _cap(m_o.group())
    # English: "has until Friday to pay the fee"
    m_t = _TO_INF.match(right)
    if m_t:
        return _cap(re.split(r"[,;:]", right, maxsplit=1)[0])
    m_z = _ZU_INF.search(right[:200])
    if m_z:
        head = right[: m_z.end()]
        first_comma = head.find(",")
        if first_comma >= 0 and re.match(r"\s*(?:um|damit|dass|to)\b", head[first_comma + 1 :], _I):
            return _cap(head[first_comma + 1 :])
        if first_comma < 0 and left_tail:
            lw = left_tail.split()
            return _cap(" ".join(lw if len(lw) <= 3 else lw[-2:]) + " " + head)  # the object before the date
        return _cap(head)
    # English obligation before the date: "must sell its US operations by ..."
    m_o = re.search(
        r"\b(?:must|has\s+to|have\s+to|had\s+to|required\s+to|ordered\s+\S+(?:\s+\S+)?\s+to|to)\s+(.+)$", left_tail, _I
    )
    if m_o:
        return _cap(m_o.group(1))
    clause_right = re.split(r"[,;:]", right, maxsplit=1)[0]
    return _cap((left_tail + " " + clause_right).strip())


def _cap(phrase: str) -> str:
    phrase = re.sub(r"\s+", " ", phrase).strip(' ,;:–—-"“”„')
    for _ in range(3):
        phrase = _LEAD_JUNK.sub("", phrase)
    ws = phrase.split(" ")
    if len(ws) > WHAT_MAX_WORDS:
        ws = [*ws[:6], "…", *ws[-(WHAT_MAX_WORDS - 6) :]]
    return " ".join(ws)


def _link_supersedes(recs: list[tuple[DeadlineRec, bool]]) -> list[DeadlineRec]:
    """An extended deadline supersedes the nearest earlier deadline with another value."""
    out: list[DeadlineRec] = []
    for rec, extension in recs:
        if extension:
            for prev in reversed(out):
                if prev.value != rec.value:  # the extended limit applies to the same action
                    value = _after(rec.value, prev.value, rec.text)
                    rec = DeadlineRec(rec.start, rec.end, rec.text, value, prev.what, prev.value)
                    break
        out.append(rec)
    return out


def _after(value: str, prev: str, span_text: str) -> str:
    """An extension moves a limit later: a year the text does not state is chosen so the new date follows the old."""
    m, p = _ISO_DAY.match(value), _ISO_DAY.match(prev)
    if m is None or p is None or re.search(r"\b\d{4}\b", span_text) or value > prev:
        return value
    year = int(p.group(1))
    candidate = f"{year:04d}{value[4:]}"
    return candidate if candidate > prev else f"{year + 1:04d}{value[4:]}"
