"""What marks a sentence as not this article's development, German and English. Pure; the word lists are data.

An editor writing a story's brief skips three kinds of sentence, however prominent in their article:
- **background**: a recap of an earlier turn, told in the pluperfect ("Am Mittwoch hatten sich Bund und Länder …
  verständigt", "the council had approved …") or dated by a recap marker ("am vergangenen Mittwoch", "last
  week", "earlier this month"): the turn is older than the article that retells it;
- **quotation only**: a headline or sentence that is nothing but a quotation ("„Das Virus bestraft
  Halbherzigkeit“", `Mayor: "We will not give up"`) says what someone said, not what happened;
- **meta-reporting**: reporting about reporting ("Zunächst hatten mehrere Agenturen über die Vorlage berichtet",
  "as first reported by the Courier"): who told the news first, not the news.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re

from newsdigest.extract.temporal.lexicon import (
    AMBIGUOUS_MONTHS_EN,
    MONTH_NAMES,
    MONTHS_DE,
    MONTHS_EN,
    NUMBERS_DE,
    NUMBERS_EN,
    UNITS_DE,
    UNITS_EN,
    WEEKDAYS_DE,
    WEEKDAYS_EN,
)
from newsdigest.stories.merge import facts

# -- pluperfect -----------------------------------------------------------------------------------------------

PLUPERFECT_AUX_DE = ("hatte", "hattest", "hatten", "hattet")
SEIN_AUX_DE = ("war", "warst", "waren", "wart")
# participles that take "sein" in the perfect (war … gekommen): with any other participle, "war … geschlossen"
# is a past state, not an earlier turn; "worden" makes any participle a pluperfect passive (war … beschlossen
# worden)
SEIN_PARTICIPLES_DE = (
    "gekommen", "gestiegen", "gesunken", "gefallen", "geworden", "gewesen", "gelungen", "gescheitert", "getreten",
    "gegangen", "geblieben", "gefahren", "geflogen", "gelaufen", "gezogen", "gewachsen", "gestorben", "geschehen",
    "passiert", "erschienen", "entstanden", "verstorben", "zurückgetreten", "eingetreten", "ausgetreten",
    "angekommen", "aufgetreten", "eingestiegen", "ausgestiegen", "ausgelaufen", "abgelaufen", "zusammengekommen",
)
# a past participle: ge…t/ge…en (also after a separable prefix: "angekündigt", "eingeführt"), …iert, or an
# inseparable prefix (be-, er-, ver-, ent-, zer-, emp-, miss-, über-, unter-) with …t/…en
_PARTICIPLE_DE = (r"(?:\w*ge\w{2,}(?:t|en)|\w{3,}iert|(?:be|er|ver|ent|zer|emp|miss|über|unter|hinter|wider)"
                  r"\w{3,}(?:t|en))")
CLAUSE_END = r"(?=\s*(?:[,.;:!?–—)]|$|und\b|and\b|worden\b|gewesen\b))"
# a clause that opens with one of these is subordinate: its pluperfect sets the scene ("nachdem sie sich
# geeinigt hatten, gilt …", "after the council had voted, …"), the main clause carries the news; relative
# pronouns open a subordinate clause only after a comma (at the start of a sentence "Die"/"That" are no relatives)
CONJUNCTIONS_DE = ("dass", "daß", "weil", "nachdem", "als", "wie", "da", "ob", "wenn", "obwohl", "bevor", "seit",
                   "seitdem", "während", "sobald", "falls")
RELATIVES_DE = ("die", "der", "das", "den", "dem", "deren", "dessen", "denen", "welche", "welcher", "welches")
CONJUNCTIONS_EN = ("after", "since", "because", "when", "as", "once", "if", "though", "although", "before", "until",
                   "while", "whereas")
RELATIVES_EN = ("which", "that", "who", "whom", "whose", "what", "where")
IRREGULAR_PARTICIPLES_EN = (
    "been", "made", "taken", "given", "said", "told", "won", "lost", "sold", "bought", "set", "put", "cut", "shut",
    "held", "kept", "left", "brought", "thought", "begun", "done", "gone", "seen", "written", "spoken", "chosen",
    "drawn", "grown", "known", "shown", "risen", "fallen", "become", "come", "run", "paid", "met", "sent", "spent",
    "built", "led", "struck", "hit", "laid", "withdrawn", "forecast", "agreed",
)
ADVERBS_EN = ("already", "previously", "earlier", "also", "just", "first", "originally", "not", "never", "initially",
              "only", "long", "since", "recently")

_AUX_DE = re.compile(r"\b(?:" + "|".join(PLUPERFECT_AUX_DE) + r")\b[^.;:!?]{0,200}?\b" + _PARTICIPLE_DE
                     + r"\b" + CLAUSE_END, re.IGNORECASE)
_SEIN_DE = re.compile(r"\b(?:" + "|".join(SEIN_AUX_DE) + r")\b[^.;:!?]{0,200}?(?:\b(?:" + "|".join(SEIN_PARTICIPLES_DE)
                      + r")\b" + CLAUSE_END + r"|\b" + _PARTICIPLE_DE + r"\s+worden\b)", re.IGNORECASE)
_HAD_EN = re.compile(r"\bhad\s+(?:(?:" + "|".join(ADVERBS_EN) + r")\s+)*(?:been\s+)?(?:\w{3,}ed|"
                     + "|".join(IRREGULAR_PARTICIPLES_EN) + r")\b", re.IGNORECASE)
_CLAUSE_START = re.compile(r"[,;:–—(]\s*")
_OPENER = re.compile(r"\s*[„“\"»«‚‘']*\s*(\w+)(?:\s+(\w+))?")
_CONJUNCTIONS = frozenset((*CONJUNCTIONS_DE, *CONJUNCTIONS_EN))
_RELATIVES = frozenset((*RELATIVES_DE, *RELATIVES_EN))


def _in_main_clause(s: str, at: int) -> bool:
    """Does the clause holding position `at` open as a main clause (not with a conjunction or relative)?"""
    start = max((m.end() for m in _CLAUSE_START.finditer(s, 0, at) if m.end() <= at), default=-1)
    opener = _OPENER.match(s, max(start, 0))
    if opener is None:
        return True
    word, second = opener.group(1).casefold(), (opener.group(2) or "").casefold()
    # a conjunction may follow an adverb ("Kurz nachdem …", "Shortly after …")
    return not {word, second} & _CONJUNCTIONS and (start < 0 or word not in _RELATIVES)


@functools.lru_cache(maxsize=16384)
def pluperfect(s: str) -> bool:
    """Is a main clause of the sentence in the pluperfect ("hatten sich … verständigt", "war … gescheitert",
    "had agreed", "had been approved")? That is what the article tells as having happened before its news."""
    return any(_in_main_clause(s, m.start()) for rx in (_AUX_DE, _SEIN_DE, _HAD_EN) for m in rx.finditer(s))


# -- recap markers --------------------------------------------------------------------------------------------

_WEEKDAY_DE = "|".join(WEEKDAYS_DE)
_WEEKDAY_EN = "|".join(WEEKDAYS_EN)
_MONTH_DE = "|".join(k for k in MONTHS_DE if "." not in k)
_MONTH_EN = "|".join(k for k in MONTHS_EN if len(k) > 3 or k == "may")
_COUNT = r"(?:zwei|drei|vier|fünf|sechs|einer|einem|two|three|four|five|six|a|one|\d+)"
# time expressions that place what a sentence tells days or weeks before the article ("gestern"/"yesterday" are
# how a report dates its own news, so they are no recap)
RECAP_MARKERS = (
    rf"(?:am|vom)\s+(?:vergangenen|letzten|vorigen)\s+(?:{_WEEKDAY_DE})",
    r"(?:in\s+der\s+)?(?:vergangenen|letzten|vorigen|vorvergangenen)\s+Woche",
    r"(?:vergangene|letzte|vorige)\s+Woche",
    rf"(?:im\s+)?(?:vergangenen|letzten|vorigen)\s+(?:Monat|Jahr|{_MONTH_DE})",
    rf"vor\s+{_COUNT}\s+(?:Tagen|Wochen|Woche|Monaten|Monat)",
    r"(?:Anfang|Mitte|Ende)\s+(?:der\s+)?(?:vergangenen|letzten|vorigen)\s+(?:Woche|Monats)",
    r"zuvor", r"damals",
    rf"last\s+(?:week|month|year|{_WEEKDAY_EN}|{_MONTH_EN})",
    r"earlier\s+(?:this|last)\s+(?:week|month|year)",
    r"(?:the\s+)?(?:previous|prior)\s+(?:week|month)",
    rf"{_COUNT}\s+(?:days|weeks|week|months|month)\s+ago",
)
_RECAP = re.compile(r"\b(?:" + "|".join(RECAP_MARKERS) + r")\b", re.IGNORECASE)


@functools.lru_cache(maxsize=16384)
def recap(s: str) -> bool:
    """Does a main clause of the sentence date what it tells days or weeks before its article ("am vergangenen
    Mittwoch", "last week")? In a relative clause the marker only dates an aside ("the plan, which was agreed last
    week, starts on Monday")."""
    return any(_in_main_clause(s, m.start()) for m in _RECAP.finditer(s))


# -- dated before the article --------------------------------------------------------------------------------

RECAP_DAYS = 7  # a date this many days or more before the article is an earlier turn, not the article's news
MONTH_CONTEXT = ("anfang", "mitte", "ende", "im", "seit", "bis", "early", "mid", "late", "in", "since", "until", "of")
_DATED = re.compile(r"\b(?:(" + "|".join(MONTH_CONTEXT) + r")\s+)?(?:(\d{1,2})\.?\s+)?(" + "|".join(sorted(MONTH_NAMES, key=len, reverse=True))
                    + r")\b(?:\s+(\d{1,2})\b)?(?:,?\s+((?:19|20)\d\d)\b)?", re.IGNORECASE)


# words a few words before a date that point ahead of the article ("bis zum 10. Januar", "until May"): without a
# year, such a date is the next one to come, not the nearest
FORWARD_WORDS = ("bis", "ab", "spätestens", "frühestens", "until", "till", "by", "from", "through", "before")
_FORWARD = re.compile(r"\b(?:" + "|".join(FORWARD_WORDS) + r")\b(?:\s+\S+){0,3}\s*$", re.IGNORECASE)


def _reading(month: int, day: int | None, year: int | None, published: dt.date, *, ahead: bool) -> dt.date:
    """The date a sentence names, a month alone meaning its last day; without a year, the reading nearest to the
    article's day ("10. Januar" in a December article is next January, "Ende August" in September this August),
    or the next one on or after it when the sentence points ahead (`ahead`)."""
    def on(y: int) -> dt.date:
        last = calendar.monthrange(y, month)[1]
        return dt.date(y, month, min(day, last) if day else last)
    if year is not None:
        return on(year)
    readings = [on(published.year + k) for k in (-1, 0, 1)]
    if ahead:
        return min(d for d in readings if d >= published)
    return min(readings, key=lambda d: abs((d - published).days))


@functools.lru_cache(maxsize=16384)  # every rebuilt /status ranks the same key points again
def dated_before(s: str, published: dt.date | None) -> bool:
    """Does every date the sentence names lie a week or more before its article ("als es Ende August neue
    Exportregeln herausgab" in a mid-September article, "the order of 6 August")? A month name that is also a word
    ("may", "march", "August") counts only with a day, a year or a word before it that dates ("im", "Ende", "in")."""
    if published is None:
        return False
    days = []
    for m in _DATED.finditer(s):
        context, before, word, after, year = m.groups()
        day = int(before or after) if (before or after) else None
        if word.casefold() in AMBIGUOUS_MONTHS_EN and day is None and context is None and year is None:
            continue
        if day is not None and not 1 <= day <= 31:
            continue
        month = MONTHS_DE.get(word.casefold()) or MONTHS_EN[word.casefold()]
        ahead = _FORWARD.search(s, max(0, m.start() - 40), m.start()) is not None or (context or "").casefold() in FORWARD_WORDS
        days.append(_reading(month, day, int(year) if year else None, published, ahead=ahead))
    return bool(days) and (published - max(days)).days >= RECAP_DAYS


# -- reporting about reporting --------------------------------------------------------------------------------

REPORT_VERBS_DE = r"(?:berichtet|berichtete|berichteten|gemeldet|meldete|meldeten)"
META_REPORTS = (
    rf"(?:zuerst|zunächst|als\s+erste[sr]?)\b[^.;:]{{0,200}}\b{REPORT_VERBS_DE}",  # "Zunächst hatten … berichtet"
    rf"\büber\s+(?:die|den|das|diese[nrs]?|einen?)\s+[^.;:]{{0,120}}\b{REPORT_VERBS_DE}\s*(?:[.;]|$)",  # "über die
    # Vorlage … berichtet."
    r"\b(?:as|was|were)\s+(?:first|originally|earlier)\s+reported\b",
    r"\b(?:first|originally)\s+reported\s+(?:by|on|in)\b",
    r"\b(?:had|have|has)\s+(?:first\s+)?reported\s+on\b",
    r"\baccording\s+to\s+(?:earlier|previous)\s+reports\b",
)
_META = re.compile("|".join(META_REPORTS), re.IGNORECASE)


@functools.lru_cache(maxsize=16384)
def meta_report(s: str) -> bool:
    """Does the sentence tell who reported something (first), not what happened?"""
    return _META.search(s) is not None


# -- quotations -----------------------------------------------------------------------------------------------

# quotation marks in pairs, German and English (the closing mark of „…“ is “, of »…« is «, of ‚…‘ is ‘)
_QUOTED = re.compile(r"„[^“”\"]*[“”\"]|“[^”“]*[”“]|\"[^\"]*\"|»[^«]*«|«[^»]*»|‚[^‘’]*[‘’]|‘[^’]*’|”[^”]*”")
SPEAKER_WORDS = 8  # words before a colon that only say who speaks ("Merkel:", "Der Minister sagte:")
_LEFT = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=16384)
def quotation_only(s: str) -> bool:
    """Is the sentence (or headline) a quotation and nothing more: the whole of it in quotation marks, or a
    speaker and a colon before it ("Merkel: „…“", "The mayor said: “…”")?"""
    if not _QUOTED.search(s):
        return False
    rest = _QUOTED.sub(" ", s).strip()
    if not _LEFT.search(rest):
        return True
    head, colon, tail = rest.partition(":")
    return bool(colon) and not _LEFT.search(tail) and len(_LEFT.findall(head)) <= SPEAKER_WORDS


# -- substance ----------------------------------------------------------------------------------------------

_YEAR = re.compile(r"(?:19|20)\d\d")
_COUNTED = "|".join(sorted((w for w, v in (*NUMBERS_DE.items(), *NUMBERS_EN.items()) if v is not None and v >= 2),
                           key=len, reverse=True))
_DURATION = re.compile(rf"\b(?:{_COUNTED})\s+(?:{'|'.join(sorted((*UNITS_DE, *UNITS_EN), key=len, reverse=True))})\b",
                       re.IGNORECASE)


@functools.lru_cache(maxsize=16384)
def states_facts(s: str) -> bool:
    """Does the sentence state a date, a number or a counted duration ("bis Ende November", "500 Euro", "vier
    Wochen", "for two weeks")? What a measure is and how long it lasts is told in such facts; a year alone ("im
    Jahr 2020") only sets the scene."""
    return any(not _YEAR.fullmatch(f) for f in facts(s)) or _DURATION.search(s) is not None


# -- together ---------------------------------------------------------------------------------------------------


def looks_back(s: str) -> bool:
    """Background or meta-reporting: what the article retells from before its news."""
    return pluperfect(s) or recap(s) or meta_report(s)
