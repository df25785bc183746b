"""Sentence and tense context of an expression: which sentence it is in, and whether the nearest tense cue
around it looks back ("sagte", "said", "hat ... beschlossen") or ahead ("wird", "will", "soll")."""

from __future__ import annotations

import bisect
import datetime as dt
import re

from newsdigest.extract.temporal.common import next_word, prev_word

# Punctuation first, then the look-behinds: the same matches, but the look-behinds run only at . ! ? (5x faster).
_SENT_END = re.compile(
    r"[.!?](?<!\d.)(?<!\b[A-Z].)(?<!Nr.)(?<!Dr.)(?<!St.)(?<!Mr.)(?<!ca.)(?<!bzw.)[.!?]*[\"“”»«']*(?=\s)|\n"
)

_PAST_DE = re.compile(
    r"\b(?:war|waren|wurde|wurden|worden|hatte|hatten|gab|gaben|kam|kamen|ging|gingen|stand|standen|fand|fanden|"
    r"sah|sahen|hieß|zog|zogen|nahm|nahmen|sprach|sprachen|traf|trafen|lag|lagen|starb|starben|gewann|brachte|"
    r"brachten|begann|begannen|blieb|blieben|fiel|fielen|rief|riefen|schrieb|schrieben|stieg|stiegen|trat|traten|"
    r"wies|bat|bot|boten|fuhr|flog|lief|saß|schlug|sagte|sagten|setzte|setzten|stellte|stellten|legte|legten|"
    r"machte|machten|wollte|wollten|musste|mussten|konnte|konnten|durfte|erhielt|erhielten|hielt|hielten|ließ|"
    r"ließen|entschied|beschloss|gelang|geschah|verlor|verloren|zeigte|zeigten|dachte|kannte|nannte|sandte|"
    r"brach|sank|wuchs|galt|lud|zuletzt|bereits|zuvor|damals|kürzlich|jüngst|einst|[a-zäöüß]{2,}(?:ierte|ierten|erte|erten|elte|elten)|"
    r"[a-zäöüß]{3,}(?:[dt]ete|[dt]eten|gte|gten|kte|kten|ßte|ßten|hrte|hrten|llte|llten))\b"
)
# Simple past of strong verbs with a prefix ("übernahm", "verließ", "bekam", "betraf", "erfuhr"): the stems of
# _PAST_DE after any lowercase prefix. Left out: stems that end other words ("war" in "zwar"), plurals that are also
# participles ("ausgeschrieben", "gezogen", "verstanden", "entschieden") and weak forms in -te, which with a prefix
# are mostly participle adjectives ("die genannte Frist", "bekannte Fälle").
_STRONG_PAST_STEMS_DE = (
    "gab gaben kam kamen ging gingen stand fand fanden sah sahen zog nahm nahmen sprach sprachen traf trafen starb "
    "starben blieb fiel fielen rief riefen schrieb stieg trat traten wies fuhr lief saß schlug schlugen brach "
    "brachen sank wuchs galt hielt hielten ließ ließen schied flog floh bot"
).split()
# Simple past of weak verbs that report and decide, which the suffixes of _PAST_DE miss ("teilte am Montag mit",
# "warnte am Freitag", "lehnte … ab")
_WEAK_PAST_DE = (
    "teilte teilten mitteilte mitteilten meinte meinten warnte warnten erklärte erklärten betonte betonten drohte "
    "drohten lehnte lehnten ablehnte ablehnten stimmte stimmten zustimmte zustimmten räumte räumten einräumte "
    "wählte wählten zählte zählten erzählte glaubte glaubten hoffte hofften kaufte kauften verkaufte fehlte "
    "fehlten spielte spielten holte holten lebte lebten reiste reisten einreiste nutzte nutzten stürzte stürzten "
    "urteilte verurteilte verurteilten verteilte verteilten wandte wandten brannte brannten"
).split()
_PAST_DE_MORE = re.compile(
    r"\b(?:[a-zäöü]+(?:" + "|".join(_STRONG_PAST_STEMS_DE) + r")|" + "|".join(_WEAK_PAST_DE) + r")\b"
)
_PERFECT_DE = re.compile(
    r"\b(?:hat|haben|habe|hast|ist|sind|bin|sei|seien)\b[^.!?\n]{0,80}?\b(?:[a-zäöü]*ge[a-zäöüß]{2,}(?:t|en)|"
    r"[a-zäöüß]{3,}iert)\b"
)
_FUTURE_DE = re.compile(
    r"\b(?:wird|werden|wirst|werde|soll|sollen|solle|will|wollen|plant|planen|geplant|voraussichtlich|findet|"
    r"finden|stattfinden|beginnt|beginnen|startet|starten|endet|enden|läuft|laufen|bevor|steht|stehen|"
    r"kommende[nmrs]?|nächste[nmrs]?|künftig|folgt|folgen|lädt|laden)\b"
)
# A participle after be/is/to/a/the ("to be paid", "an unspecified date") is no past tense: its -ed does not count.
# The same after a determiner or "for" ("every furloughed employee", "for extended periods").
_NOT_AFTER = "".join(rf"(?<!\b{w} )" for w in ("be", "is", "are", "been", "being", "to", "a", "an", "the", "every",
                                               "each", "all", "his", "her", "its", "their", "our", "your", "my",
                                               "these", "those", "many", "some", "for"))
_PAST_EN = re.compile(
    r"\b(?:was|were|had|did|said|told|went|came|took|made|gave|got|saw|met|left|won|lost|began|became|held|led|"
    r"fell|rose|spoke|wrote|sold|bought|paid|brought|found|thought|knew|ran|sent|struck|hit|quit|"
    rf"{_NOT_AFTER}(?:[a-z]{{2,}}[^e\W]ed|[a-z]+ied))\b"
)
_FUTURE_EN = re.compile(
    r"\b(?:will|shall|won't|going\s+to|is\s+to|are\s+to|scheduled|expected|plan(?:s|ned)?\s+to|due|upcoming|"
    r"slated|set\s+to|next(?!\s+to\b)|coming|starts|begins|ends|expires|effective|winds\s+down|runs\s+out|lapses|"
    r"as\s+(?:soon|early)\s+as|planning\s+to|agree(?:d|s|ment)?\s+to)\b|'ll\b"
)
# A schedule the text says was overtaken ("had been due to expire Friday", "was originally set to end"): it looks
# back, whatever the future words inside it. Matched before the future cues, which it then hides.
_PAST_SCHEDULE_EN = re.compile(
    r"\b(?:had\s+been|was\s+(?:originally|previously|initially)|were\s+(?:originally|previously|initially))\s+"
    r"(?:due|scheduled|set|expected|slated|supposed|planned)\s+to(?:\s+[a-z]+)?\b"
)
_PAST_SCHEDULE_DE = re.compile(
    r"\b(?:sollte|sollten|hätte|hätten)\s+(?:ursprünglich|eigentlich|zunächst)\b|\bwar\w*\s+(?:ursprünglich|eigentlich)\s+"
    r"(?:geplant|vorgesehen|angesetzt)\b"
)
# verbs that set or move a limit: a weekday right after "until"/"bis"/"auf" in their clause lies ahead ("has given
# the tenants until Tuesday", "postponed until Tuesday morning", "auf Dienstag vertagt", "forderte … auf, bis Freitag")
_LIMIT_SET = re.compile(
    r"\b(?:giv(?:e|es|en|ing)|gave|grant\w*|extend\w*|postpon\w*|delay\w*|defer\w*|adjourn\w*|recess\w*|"
    r"push\w*\s+back|put\s+off|verschob\w*|verschoben|verschieb\w*|vertag\w*|verlänger\w*|gewährt\w*|"
    r"Zeit\s+(?:gegeben|gelassen|eingeräumt)|Frist\w*|Aufschub|[Uu]ltimat\w*|deadline|forder\w*|aufgefordert|verlangt\w*|"
    r"ordered|demand\w*)\b"
)
_LIMIT_PREV = frozenset(["until", "till", "bis", "auf", "to"])
# time left until a day: "has until Friday to answer", "have only until Monday"; "hat (noch) bis Freitag Zeit"
_TIME_LEFT_BEFORE = re.compile(r"\b(?:has|have)\s+(?:(?:only|just|now|still)\s+)?(?:until|till)\s*$")
_TIME_LEFT_HAS_DE = re.compile(r"\b(?:hat|haben|habe|hast|bleibt|bleiben)\s+(?:\w+\s+){0,3}?bis\s*$")
_TIME_LEFT_AFTER_DE = re.compile(r"\s+(?:(?:noch|nur|dann)\s+)?Zeit\b")
_NEUTRAL_PREV = frozenset(
    ["bis", "spätestens", "zum", "auf", "until", "till", "through", "by", "before", "bevor", "ab", "frühestens", "to"]
)
_PAST_PREV = frozenset(["vom", "seit", "since"])
_TENSE_REACH = 160


class Ctx:
    """Per-text state of one `tag` call: the anchor, sentence bounds and tense cues (computed once per sentence)
    and the last day-precision date resolved, which a following clock time or part of day belongs to."""

    def __init__(self, text: str, lang: str, anchor: dt.date | None) -> None:
        self.text = text
        self.lang = lang
        self.anchor = anchor
        self._ends: list[int] | None = None
        self._cues: dict[int, list[tuple[int, int, str]]] = {}
        self.last_day: tuple[dt.date, int] | None = None  # last day-precision date and its sentence start
        self.last_quarter: tuple[int, int, int] | None = None  # (year, quarter, end offset) of the last quarter
        self.last_month: tuple[int, int | None] | None = None  # (year, month or None) of the last date named
        self.last_month_end = -1  # where that date's expression ends

    def sentence(self, pos: int) -> tuple[int, int]:
        if self._ends is None:
            self._ends = [m.end() for m in _SENT_END.finditer(self.text)]
        i = bisect.bisect_right(self._ends, pos)
        start = self._ends[i - 1] if i > 0 else 0
        end = self._ends[i] if i < len(self._ends) else len(self.text)
        return start, end

    def tense(self, start: int, end: int, *, by_preposition: bool = True) -> str | None:
        """'past' / 'future' / 'limit' (after bis/by/until) / None: the nearest tense cue in the sentence around [start, end)."""
        prev = prev_word(self.text, start).lower()
        if prev in _NEUTRAL_PREV and by_preposition:
            return "limit"  # "bis zum 15. Mai", "by August": a limit, ahead rather than behind, whatever the verb
        if prev in _PAST_PREV and next_word(self.text, end).lower() not in ("bis", "to", "until"):
            return "past"
        s, e = self.sentence(start)
        # only cues near the expression count; the reach also keeps the cost per expression bounded
        lo, hi = max(s, start - _TENSE_REACH), min(e, end + _TENSE_REACH)
        if e - s <= 4 * _TENSE_REACH:  # ordinary sentence: find its cues once
            cues = self._cues.get(s)
            if cues is None:
                cues = self._cues[s] = self._find_cues(s, e)
        else:
            cues = self._find_cues(lo, hi)
        best: tuple[int, str] | None = None
        # distance between the expression and the cue's nearer edge: a perfect tense around the expression
        # ("hat am Freitag beschlossen") is distance 0; a cue inside the expression does not count
        for cs, ce, t in cues[bisect.bisect_left(cues, (lo, 0, "")) :]:
            if cs >= hi:
                break
            if start <= cs and ce <= end:
                continue
            dist = max(0, start - ce) if cs < start else cs - end
            if best is None or dist < best[0]:
                best = (dist, t)
        return best[1] if best else None

    def limit_set(self, start: int, end: int | None = None) -> bool:
        """A weekday after "until"/"bis" in a clause that sets or moves a limit ("given … until Tuesday"), or the
        idiom of time left until then ("has until Friday to answer", "hat bis Freitag Zeit")."""
        if prev_word(self.text, start).lower() not in _LIMIT_PREV:
            return False
        s, e = self.sentence(start)
        if _TIME_LEFT_BEFORE.search(self.text, max(s, start - 40), start) or (
            end is not None
            and _TIME_LEFT_HAS_DE.search(self.text, max(s, start - 40), start)
            and _TIME_LEFT_AFTER_DE.match(self.text, end, min(e, end + 40))
        ):
            return True
        return _LIMIT_SET.search(self.text, max(s, start - _TENSE_REACH), min(e, start + 40)) is not None

    def _find_cues(self, s: int, e: int) -> list[tuple[int, int, str]]:
        past, fut, perf = (_PAST_DE, _FUTURE_DE, _PERFECT_DE) if self.lang == "de" else (_PAST_EN, _FUTURE_EN, None)
        sched = _PAST_SCHEDULE_DE if self.lang == "de" else _PAST_SCHEDULE_EN
        overtaken = [(m.start(), m.end(), "past") for m in sched.finditer(self.text, s, e)]
        cues = [(m.start(), m.end(), "future") for m in fut.finditer(self.text, s, e)
                if not any(a <= m.start() < b for a, b, _ in overtaken)]
        cues += overtaken
        future_pos = {c[0] for c in cues}
        cues += [(m.start(), m.end(), "past") for m in past.finditer(self.text, s, e) if m.start() not in future_pos]
        if perf is not None:
            cues += [(m.start(), m.end(), "past") for m in perf.finditer(self.text, s, e)]
            cues += [(m.start(), m.end(), "past") for m in _PAST_DE_MORE.finditer(self.text, s, e)
                     if m.start() not in future_pos]
        cues.sort()
        return cues
