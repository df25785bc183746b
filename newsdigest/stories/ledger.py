"""The deadline ledger of a story: one item per obligation and date, with sources, supersession and conflicts. Pure.

Key dates are deadlines (someone must act by then) and expiries (something in force ends then); `kind` says
which. Mentions by several articles merge into one item when their dates agree: exactly for exact dates,
within a few days for approximate ones (a duration counted from the publication date, "mid-September").
A mention that `supersedes` another date marks the item of that date replaced; an extension reported without
the old date replaces the live item it is about (what it names: the measure or obligation), never merely the
nearest one. A mention the text retires ("no longer applies") is never a source for its date, nor is a plain
mention of that date in an article that replaces it. A date only a draft planned is dropped once a decided
key date of its kind is reported after it. Something in force that the text has end in a month ("the loan schemes
are due to end this month", "läuft im März aus") ends with that month: its key date is around the month's last
day. Two live items of the same kind whose subjects read
alike but whose dates differ are flagged as a disagreement.

Nothing depends on the order the articles arrived in (which gives rows their ids): mentions are taken in the
order of what they say (`_order`), and ties between items are broken by their dates and wording, so a bot that
saw the story one day at a time builds the same ledger as one that ingested it at once.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from newsdigest.clock import shift_days
from newsdigest.extract.deadlines import DRAFT_NOTE
from newsdigest.stories.merge import Mention, overlap, stems

APPROX_TOLERANCE_DAYS = 3  # a duration-derived date may miss the exact one by this much
CONFLICT_MAX_DAYS = 62
CONFLICT_MIN_OVERLAP = 0.5
CONFLICT_MIN_SHARED = 2
MONTH_JOINS_DAY = 0.5  # subject overlap by which a month-only mention is the same key date as a day inside it  # subject words two items must share before their dates can disagree

_FUZZY = frozenset({"APPROX", "ABOUT", "MID", "START", "EARLY", "END", "LATE"})  # a day only read into the text
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class When:
    """A deadline's date as far as the text fixes it: [lo, hi], and how to say it."""

    lo: dt.date
    hi: dt.date
    precision: str  # day | part (early/mid/late month) | month | week | quarter | year
    mod: str | None = None
    approx: bool = False  # derived from a duration, or a fuzzy part of a month

    @property
    def point(self) -> dt.date:
        return self.lo + (self.hi - self.lo) / 2

    @property
    def exact(self) -> bool:
        return self.precision == "day" and not self.approx


@functools.lru_cache(maxsize=8192)
def parse_when(value: str, *, mod: str | None = None, from_duration: bool = False) -> When | None:
    """TIMEX3 value (+ mod) -> When; None for values that are no calendar time (P45D, PRESENT_REF, ...).

    Cached: When is immutable, and a story's ledger parses the same few values on every command.
    """
    v = (value or "").strip()
    try:
        if m := _DAY.match(v):
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return When(day, day, "day", mod, approx=from_duration or mod in _FUZZY)
        if m := _MONTH.match(v):
            year, month = int(m[1]), int(m[2])
            last = calendar.monthrange(year, month)[1]
            parts = {"START": (1, 10), "EARLY": (1, 10), "MID": (11, 20), "END": (21, last), "LATE": (21, last)}
            if mod in parts:
                a, b = parts[mod]
                return When(dt.date(year, month, a), dt.date(year, month, b), "part", mod, approx=True)
            return When(dt.date(year, month, 1), dt.date(year, month, last), "month", mod)
        if m := _WEEK.match(v):
            monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return When(monday, shift_days(monday, 6), "week", mod)
        if m := _QUARTER.match(v):
            year, q = int(m[1]), int(m[2])
            lo = dt.date(year, 3 * q - 2, 1)
            hi_month = 3 * q
            return When(lo, dt.date(year, hi_month, calendar.monthrange(year, hi_month)[1]), "quarter", mod)
        if m := _YEAR.match(v):
            year = int(m[1])
            return When(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", mod)
    except ValueError:
        return None
    return None


@dataclass(frozen=True)
class DeadlineIn:
    """A deadline mention as loaded for the ledger."""

    id: int
    article_id: int
    published: dt.date | None
    text: str
    value: str
    what: str
    supersedes: str | None
    start: int
    end: int
    timex_type: str | None = None  # DURATION when the date was counted from a span ("45-tägige Frist")
    mod: str | None = None
    support_only: bool = False  # a plain mention of the date in another article: joins an item, never makes one
    kind: str = "deadline"  # deadline | expiry
    reason: str = ""  # the extraction's decision ("deadline: limit + obligation (…)")
    retired: bool = False  # the article says this date no longer holds

    @functools.cached_property
    def when(self) -> When | None:
        """Parsed once per mention: a story's rows are kept, and its ledger built again whenever a key date lands."""
        return parse_when(self.value, mod=self.mod, from_duration=self.timex_type == "DURATION")


@dataclass
class LedgerItem:
    key: str  # stable: "d" + the smallest deadline id behind it
    when: When
    value: str
    what: str
    mentions: list[Mention] = field(default_factory=list)
    superseded_by: When | None = None
    replaces: list[When] = field(default_factory=list)
    disagrees_with: list[When] = field(default_factory=list)
    whats: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    month: When | None = None  # the month the text gave, when the key date is that month's end

    @property
    def kind(self) -> str:
        """deadline | expiry: what most mentions say (ties: deadline, the stronger claim)."""
        return "expiry" if self.kinds.count("expiry") > self.kinds.count("deadline") else "deadline"

    @property
    def reason(self) -> str:
        """The decision behind the item, from its first mention of the item's kind."""
        return next((r for k, r in zip(self.kinds, self.reasons, strict=False) if k == self.kind and r), "")

    @property
    def article_ids(self) -> list[int]:
        return sorted({m.article_id for m in self.mentions})

    @property
    def due(self) -> dt.date:
        """The day by which it falls due (the end of a month for "by September")."""
        return self.when.point if self.when.precision in ("day", "part") else self.when.hi

    def status(self, today: dt.date) -> str:
        if self.superseded_by is not None:
            return "superseded"
        return "upcoming" if self.due >= today else "passed"


@dataclass
class Ledger:
    items: list[LedgerItem]
    today: dt.date

    def by_status(self, status: str) -> list[LedgerItem]:
        items = [i for i in self.items if i.status(self.today) == status]
        if status == "passed":
            return sorted(items, key=lambda i: (i.due, _item_order(i)), reverse=True)
        # on the same due day the exact date leads ("31 October" before "October"): it is the one to act on
        return sorted(items, key=lambda i: (i.due, _item_order(i)))

    @property
    def upcoming(self) -> list[LedgerItem]:
        return self.by_status("upcoming")

    @property
    def passed(self) -> list[LedgerItem]:
        return self.by_status("passed")

    @property
    def superseded(self) -> list[LedgerItem]:
        return self.by_status("superseded")


def _fits(item: LedgerItem, when: When) -> bool:
    """Does a mention dated `when` speak of the same date as `item`?"""
    if item.month is not None and when.precision == "month":
        return item.month == when  # "replaces September" names the month an end-of-month item was told by
    a, b = item.when, when
    if a.exact and b.exact:
        return a.lo == b.lo
    if a.precision in _DAYLIKE and b.precision in _DAYLIKE:
        if not (a.approx or b.approx):
            return a.lo <= b.hi and b.lo <= a.hi
        # in ordinals: the same test as with shift_days(lo, -tol), which only saturates below every date's ordinal
        tol = APPROX_TOLERANCE_DAYS
        return a.lo.toordinal() - tol <= b.hi.toordinal() and b.lo.toordinal() - tol <= a.hi.toordinal()
    return a.lo == b.lo and a.hi == b.hi and a.precision == b.precision


_DAYLIKE = frozenset({"day", "part"})


_RANKS = {"day": 0, "part": 2, "week": 3, "month": 4, "quarter": 5, "year": 6}


def _rank(when: When) -> int:
    # Exact dates anchor the items; approximate and coarser ones join them afterwards.
    return _RANKS.get(when.precision, 9) + (1 if when.approx and when.precision == "day" else 0)


def _order(m: DeadlineIn) -> tuple[dt.date, str, str, str, str, str, int, int, int]:
    """The order mentions are taken in: by day, then by what they say. The row id comes last, for mentions that
    say exactly the same (either order then gives the same ledger): arrival order decides nothing."""
    return (m.published or dt.date.min, m.value, m.text, m.what, m.supersedes or "", m.kind, m.start, m.end, m.id)


def _item_order(item: LedgerItem) -> tuple[dt.date, dt.date, int, str, str, str]:
    """Ties between items broken by their dates and wording, not by the ids behind their keys."""
    return (item.when.lo, item.when.hi, _rank(item.when), item.value, item.whats[0] if item.whats else "", item.key)


def build_ledger(mentions: Iterable[DeadlineIn], today: dt.date) -> Ledger:
    """Merge deadline mentions into ledger items, link supersession, flag disagreements."""
    everything = [(m, w) for m in mentions if (w := m.when) is not None]
    retired = [(m, w) for m, w in everything if m.retired and not m.support_only]
    everything = [(m, w) for m, w in everything if not m.retired]
    dated = [(m, w) for m, w in everything if not m.support_only]
    dated.sort(key=lambda mw: (_rank(mw[1]), mw[1].lo, _order(mw[0])))
    retired.sort(key=lambda mw: _order(mw[0]))
    items: list[LedgerItem] = []
    for m, w in dated:
        mention = Mention(m.article_id, m.published, m.text, m.start, m.end, m.id)
        # a part of a month ("Anfang Januar": 1-10) joins a day inside it, and a month another mention of that
        # month, only when it speaks of the same thing: a month holds many key dates
        fits = [i for i in items if _fits(i, w) and (w.precision not in ("part", "month") or _same_thing(i, m.what))]
        if not fits and w.precision == "month":
            # "the scheme ends in October" beside "the scheme ends on 31 October": one key date, told twice
            fits = [i for i in items if i.when.precision == "day" and w.lo <= i.when.lo <= w.hi
                    and i.kind == m.kind and _best_overlap(_subject_stems(m.what), i) >= MONTH_JOINS_DAY]
        if fits:
            home = fits[0] if len(fits) == 1 else min(
                fits, key=lambda i: (abs((i.when.point - w.point).days), _item_order(i)))
            home.mentions.append(mention)
            home.whats.append(m.what)
            home.kinds.append(m.kind)
            home.reasons.append(m.reason)
            if m.id < int(home.key[1:]):
                home.key = f"d{m.id}"
        else:
            items.append(LedgerItem(f"d{m.id}", w, m.value, m.what, [mention], whats=[m.what], kinds=[m.kind],
                                    reasons=[m.reason]))
    for item in items:
        if _ends_with_its_month(item):
            item.month, item.when = item.when, When(item.when.hi, item.when.hi, "day", "END", approx=True)
    replaced_in = _replaced_days(dated, retired)
    support = [(m, w) for m, w in everything if m.support_only and w.lo not in replaced_in.get(m.article_id, ())]
    _add_support(support, items)
    _link_supersession(dated, items)
    _link_retired(retired, dated, items)
    _flag_conflicts(items)
    items = _without_overtaken_drafts(items)
    for item in items:
        item.what = _best_what(item.whats) or item.what
    return Ledger(items, today)


ENDING_VERB = "ending verb"  # the extraction's reason when an ending verb governs the date ("due to end this month")


def _ends_with_its_month(item: LedgerItem) -> bool:
    """An expiry the text dates only by its month, with an ending verb on that month ("due to end this month",
    "läuft im März aus"): the thing in force lasts the month out. A day of that month reported beside it has
    joined it already; a part of a month ("Mitte März") or a deadline in a month says no such thing."""
    return (item.when.precision == "month" and item.when.mod is None and item.kind == "expiry"
            and any(ENDING_VERB in r for k, r in zip(item.kinds, item.reasons, strict=False) if k == "expiry"))


def _drafted(item: LedgerItem) -> bool:
    return bool(item.reasons) and all(DRAFT_NOTE in r for r in item.reasons)


def _without_overtaken_drafts(items: list[LedgerItem]) -> list[LedgerItem]:
    """A date only a draft planned ("laut dem Papier soll die Regel bis zum 17. Januar gelten") is overtaken
    once the story reports a decided key date of the same kind after it and no later article repeats the
    draft's date: the decision dropped it."""
    def first(i: LedgerItem) -> dt.date:
        return min((m.published for m in i.mentions if m.published), default=dt.date.max)

    def last(i: LedgerItem) -> dt.date:
        # key-date mentions only: a later article naming the same day for something else repeats no draft
        return max((m.published for m in i.mentions if m.published and m.ref_id > 0), default=dt.date.max)

    decided = [i for i in items if not _drafted(i)]
    return [i for i in items if not (_drafted(i) and i.superseded_by is None and not i.replaces
                                     and any(d.kind == i.kind and first(d) > last(i) for d in decided))]


def _best_overlap(mine: frozenset[str], item: LedgerItem) -> float:
    return max((_subject_overlap(mine, _subject_stems(x)) for x in dict.fromkeys(item.whats)), default=0.0)


def _same_thing(item: LedgerItem, what: str) -> bool:
    mine = _subject_stems(what)
    if not mine:
        return True
    return max((_subject_overlap(mine, _subject_stems(x)) for x in dict.fromkeys(item.whats)), default=0.0) >= 0.3 \
        or all(not _subject_stems(x) for x in item.whats)


def _replaced_days(dated: list[tuple[DeadlineIn, When]], retired: list[tuple[DeadlineIn, When]]
                   ) -> dict[int, set[dt.date]]:
    """Per article, the days it says no longer hold (retired or superseded): its plain mentions of them are no
    support ("the earlier deadline of December 5 no longer applies" is no second source for 5 December)."""
    out: dict[int, set[dt.date]] = {}
    for m, w in retired:
        out.setdefault(m.article_id, set()).add(w.lo)
    for m, _w in dated:
        old = parse_when(m.supersedes) if m.supersedes else None
        if old is not None:
            out.setdefault(m.article_id, set()).add(old.lo)
    return out


def _add_support(support: list[tuple[DeadlineIn, When]], items: list[LedgerItem]) -> None:
    exact = {i.when.lo: i for i in items if i.when.exact}
    seen = {id(i): {m.article_id for m in i.mentions} for i in exact.values()}
    for m, w in sorted(support, key=lambda mw: _order(mw[0])):
        item = exact.get(w.lo) if w.exact else None
        if item is not None and m.article_id not in seen[id(item)]:
            seen[id(item)].add(m.article_id)
            item.mentions.append(Mention(m.article_id, m.published, m.text, m.start, m.end, m.id))


def _item_of(items: list[LedgerItem], when: When) -> LedgerItem | None:
    fits = [i for i in items if _fits(i, when)]
    if len(fits) < 2:
        return fits[0] if fits else None
    return min(fits, key=lambda i: (abs((i.when.point - when.point).days), _item_order(i)))


_MOVED = re.compile(
    r"\b(?:verlänger\w*|verschob\w*|verschoben|verschieb\w*|aufgeschoben|vorgezogen|extend\w*|extension|"
    r"postpon\w*|delay\w*|pushed\s+back|brought\s+forward|moved\s+(?:up|back|to))\b",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=4096)
def _moved(text: str, what: str) -> bool:
    return _MOVED.search(f"{text} {what}") is not None


def _is_replacement(m: DeadlineIn) -> bool:
    return m.reason.split(":", 1)[-1].lstrip().startswith(("extension", "replacement")) or _moved(m.text, m.what)


def _implied_supersedes(m: DeadlineIn, w: When, items: list[LedgerItem]) -> str | None:
    """An extension reported without the old date ("die Frist wurde auf den 22. März verlängert") replaces the
    earlier live deadline of the story whose obligation reads most alike, reported before it by another article."""
    if not _is_replacement(m):
        return None
    mine = _subject_stems(m.what)
    best: tuple[float, dt.date, LedgerItem] | None = None
    for item in items:
        if (item.superseded_by is not None and not _sharper(w, item.superseded_by)) or _fits(item, w):
            continue
        if any(x.article_id == m.article_id and x.ref_id > 0 for x in item.mentions):
            continue  # the article states both dates as key dates: two things, or its own explicit link
        generic = m.kind == "deadline" and _GENERIC_WHAT.fullmatch(m.what or "") is not None
        if item.kind != m.kind and not generic and _best_overlap(mine, item) < 0.5:
            continue  # an extended measure replaces the end of that measure, not someone's obligation
        first = min((x.published for x in item.mentions if x.published), default=None)
        if first is None or m.published is None or first > m.published:
            continue
        if abs((item.when.point - w.point).days) > CONFLICT_MAX_DAYS * 2:
            continue
        # "die Frist wurde verlängert": a bare deadline word is about the story's live key date of that kind
        if not _moves(item.when, w, m):
            continue  # no later date (or an overlapping vaguer one): not its replacement
        score = 0.3 if not mine else max((_subject_overlap(mine, _subject_stems(x)) for x in dict.fromkeys(item.whats)),
                                         default=0.0)
        if score >= 0.3 and (best is None or (score, item.when.lo) > (best[0], best[1])):
            best = (score, item.when.lo, item)
    return best[2].value if best else None


def _link_supersession(dated: list[tuple[DeadlineIn, When]], items: list[LedgerItem]) -> None:
    # in the order the news came out: the first report of a replacement links it; the date the article names
    # as replaced first, then the story's live date of the same thing (one extension can cover several)
    for m, w in sorted(dated, key=lambda mw: _order(mw[0])):
        if m.supersedes:
            _supersede(m, w, m.supersedes, items)
        implied = _implied_supersedes(m, w, items)
        if implied and implied != m.supersedes:
            _supersede(m, w, implied, items)


def _supersede(m: DeadlineIn, w: When, supersedes: str, items: list[LedgerItem]) -> None:
    old_when = parse_when(supersedes)
    new_item = _item_of(items, w)
    if old_when is None or new_item is None:
        return
    old_item = _item_of(items, old_when)
    if old_item is None:  # the replaced date was only mentioned as such: keep it on record
        old_item = LedgerItem(f"d{m.id}s", old_when, supersedes, m.what,
                              [Mention(m.article_id, m.published, m.text, m.start, m.end, m.id)], whats=[m.what],
                              kinds=[m.kind], reasons=[m.reason])
        items.append(old_item)
    if old_item.superseded_by is not None and _sharper(new_item.when, old_item.superseded_by):
        _unlink(old_item, items)  # "bis in den Dezember" first, then "bis zum 20. Dezember": the day stands
    if old_item is new_item or old_item.superseded_by is not None or _replaces_chain(new_item, old_item, items):
        return  # replaced already (the first replacement reported stands), or a loop
    if not _moves(old_item.when, new_item.when, m):
        return
    old_item.superseded_by = new_item.when
    if all(r != old_item.when for r in new_item.replaces):
        new_item.replaces.append(old_item.when)
    if all(not _subject_stems(x) for x in new_item.whats):
        new_item.whats.extend(x for x in old_item.whats if _subject_stems(x))  # say what was extended


def _link_retired(retired: list[tuple[DeadlineIn, When]], dated: list[tuple[DeadlineIn, When]],
                  items: list[LedgerItem]) -> None:
    """ "CBILS applications were due by 30 September" beside "extended … until the end of November": a date the
    article retires is replaced by the article's new date of the same thing (shared subject words)."""
    for m, w in retired:
        news = [(n, nw) for n, nw in dated if n.article_id == m.article_id and _is_replacement(n)
                and nw.lo != w.lo and (n.kind == m.kind or not _subject_stems(m.what))]
        if not news:
            continue
        mine = _subject_stems(m.what)
        n, nw = max(news, key=lambda x: (_subject_overlap(mine, _subject_stems(x[0].what)) if mine else 0.0,
                                         -abs(x[0].start - m.start)))
        if mine and _subject_overlap(mine, _subject_stems(n.what)) == 0 and len(news) > 1:
            continue
        old_item, new_item = _item_of(items, w), _item_of(items, nw)
        if new_item is None or old_item is new_item or _replaces_chain(new_item, old_item, items):
            continue
        if not _moves(w, nw, n):
            continue
        if old_item is None:
            old_item = LedgerItem(f"d{m.id}r", w, m.value, m.what, [], whats=[m.what], kinds=[m.kind],
                                  reasons=[m.reason])
            items.append(old_item)
        if old_item.superseded_by is None:
            old_item.superseded_by = new_item.when
            if all(r != old_item.when for r in new_item.replaces):
                new_item.replaces.append(old_item.when)


_EARLIER = re.compile(r"\b(?:vorgezogen|vorzuziehen|vorverlegt|brought\s+forward|bring\s+forward|moved\s+up|"
                      r"früher|earlier|lifted\s+early|vorzeitig)\b", re.IGNORECASE)


def _moves(old: When, new: When, m: DeadlineIn) -> bool:
    """A replacement moves a date: later, unless the text says earlier ("brought forward to", "vorgezogen");
    a vaguer date that overlaps the old one ("Anfang Januar" for 10 January) replaces nothing."""
    if old.lo <= new.hi and new.lo <= old.hi:
        return False
    if new.lo > old.hi:
        return True
    return _EARLIER.search(f"{m.text} {m.what} {m.reason}") is not None


def _sharper(new: When, old: When) -> bool:
    """A day inside an earlier, vaguer replacement (a month, a part of one)."""
    return new.precision == "day" and old.precision != "day" and old.lo <= new.lo <= old.hi


def _unlink(old_item: LedgerItem, items: list[LedgerItem]) -> None:
    by = old_item.superseded_by
    vague = _item_of(items, by) if by is not None else None
    if vague is not None:
        vague.replaces = [r for r in vague.replaces if r != old_item.when]
    old_item.superseded_by = None


def _replaces_chain(new_item: LedgerItem, old_item: LedgerItem | None, items: list[LedgerItem]) -> bool:
    """Would marking old_item replaced by new_item close a loop (new_item already replaced, via others, by
    old_item)?"""
    if old_item is None:
        return False
    seen: set[int] = set()
    cur: LedgerItem | None = new_item
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if cur.superseded_by is None:
            return False
        cur = _item_of(items, cur.superseded_by)
        if cur is old_item:
            return True
    return False


def _flag_conflicts(items: list[LedgerItem]) -> None:
    live = [i for i in items if i.superseded_by is None and not i.replaces and i.when.precision in ("day", "part")]
    for n, a in enumerate(live):
        for b in live[n + 1:]:
            if abs((a.when.point - b.when.point).days) > CONFLICT_MAX_DAYS or a.kind != b.kind:
                continue
            if set(a.article_ids) & set(b.article_ids):
                continue  # one article naming two dates describes two steps, not a disagreement
            if _max_overlap(a.whats, b.whats) >= CONFLICT_MIN_OVERLAP:
                a.disagrees_with.append(b.when)
                b.disagrees_with.append(a.when)


def _max_overlap(xs: list[str], ys: list[str]) -> float:
    # Many articles repeat one wording: compare each distinct wording once; two words in common at least.
    sx, sy = {_subject_stems(x) for x in xs}, {_subject_stems(y) for y in ys}
    return max((_subject_overlap(a, b) for a in sx for b in sy if _shared(a, b) >= CONFLICT_MIN_SHARED), default=0.0)


_GENERIC_WORDS = frozenset(
    "ends end endet enden the die der das den dem des and und for für von with mit ultimatum stichtag due "
    "its his her their ihre seine".split()
)
_GENERIC_WHAT = re.compile(r"(?i)(?:die\s+|the\s+)?(?:frist|deadline|ultimatum|stichtag)(?:\s+ends)?")


_WORD = re.compile(r"[a-zäöüß]+")
_SUFFIX = re.compile(r"(?:en|es|e|n|s)$")


@functools.lru_cache(maxsize=8192)
def _subject_stems(what: str) -> frozenset[str]:
    """The words of what a key date is about, without the ones every key date shares ("ends", "Frist"),
    lightly stemmed ("Lockdowns" = "Lockdown"); whole words, since German compounds share their first
    letters ("Weihnachtsferien", "Weihnachtsregeln"). Who must act ("ByteDance: …") says nothing of what: two
    obligations of one actor are two things."""
    out = set()
    who, colon, action = what.partition(": ")
    if colon and len(who.split()) <= 4:
        what = action
    for w in _WORD.findall(what.lower()):
        if len(w) < 3 or w in _GENERIC_WORDS or w.startswith(("deadline", "frist")):
            continue
        out.add(_SUFFIX.sub("", w) if len(w) > 4 else w)
    return frozenset(out)


def _matches(a: str, b: str) -> bool:
    """Same word, or one a compound ending in the other ("Kontaktbeschränkung" / "Beschränkung")."""
    return a == b or (min(len(a), len(b)) >= 6 and (a.endswith(b) or b.endswith(a)))


def _shared(a: frozenset[str], b: frozenset[str]) -> int:
    return sum(1 for x in a if any(_matches(x, y) for y in b))


def _subject_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return _shared(a, b) / min(len(a), len(b))


def _best_what(whats: list[str]) -> str:
    """The description most others agree with (ties: the longer, then the first).

    Identical wordings are counted, not compared one by one, so an item reported by hundreds of
    articles costs (distinct wordings)^2, not mentions^2.
    """
    counts: dict[str, int] = {}
    for w in whats:
        if w and w.strip():
            counts[w] = counts.get(w, 0) + 1
    if not counts:
        return ""
    cands = list(counts)  # first-occurrence order, so ties still go to the first
    sets = [stems(w) for w in cands]

    def support(i: int) -> tuple[float, int]:
        total = sum(counts[cands[j]] * overlap(sets[i], s) for j, s in enumerate(sets)) - overlap(sets[i], sets[i])
        return (round(total, 9), len(cands[i]))

    return cands[max(range(len(cands)), key=support)]
