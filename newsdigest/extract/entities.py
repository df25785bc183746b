"""Actors (organisations and people) without a model.

German capitalises every noun, so capitalisation alone proves little. Evidence used:
- name shapes: CamelCase ("ByteDance"), acronyms ("EU"), legal forms ("Siemens AG", "Acme Inc."), a first name
  from our lists followed by a capitalised word ("Mike Pompeo"), a title word before ("CEO Satya Nadella",
  "Präsident Donald Trump"), an organisation noun before ("Technologieriesen Huawei");
- frequency lists (wordfreq, offline): a word common in German but not English is a noun ("Regierung"); long
  unknown words ending in a common German word are compounds ("Sicherheitsrisiken");
- cross-sentence statistics: a noun takes articles ("die App", "einen Deal"), a name does not; a word seen only
  at sentence starts is not trusted.
Surnames and genitives merge into the full name ("Trump", "Trumps" -> "Donald Trump"); ranked by mentions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate

from newsdigest.extract.sentences import SpanSet, Unit
from newsdigest.extract.temporal import lexicon as lx
from newsdigest.heap import settled

__all__ = ["find_actors"]

MAX_ACTORS = 15

_TOKEN = re.compile(r"[^\W\d_][\w'’&.-]*\w|[^\W\d_]|\d+(?:\.\d+)*")
# the same tokens as one capture group: re.split yields gaps and tokens alternately, so offsets are running sums
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")
_LEGAL = frozenset(
    [
        "AG",
        "GmbH",
        "SE",
        "KG",
        "KGaA",
        "OHG",
        "eG",
        "e.V.",
        "Inc",
        "Inc.",
        "Corp",
        "Corp.",
        "Ltd",
        "Ltd.",
        "LLC",
        "plc",
        "PLC",
        "Co.",
        "S.A.",
        "N.V.",
        "Group",
    ]
)
_DETERMINERS = frozenset(
    [
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einen",
        "einem",
        "einer",
        "eines",
        "kein",
        "keine",
        "keinen",
        "keinem",
        "keiner",
        "sein",
        "seine",
        "seinen",
        "seinem",
        "seiner",
        "ihr",
        "ihre",
        "ihren",
        "ihrem",
        "ihrer",
        "unser",
        "unsere",
        "diese",
        "dieser",
        "diesen",
        "diesem",
        "dieses",
        "jede",
        "jeder",
        "jeden",
        "jedem",
        "jenes",
        "welche",
        "welcher",
        "welchen",
        "alle",
        "allen",
        "beim",
        "vom",
        "zum",
        "zur",
        "im",
        "am",
        "ins",
        "ans",
        "aufs",
        "fürs",
    ]
)
_ORG_CUES = re.compile(
    r"(?:konzern|unternehmen|firma|hersteller|riese|riesen|anbieter|gruppe|rivale|rivalen|konkurrent|konkurrenten|"
    r"startup|start-up|tochter|mutter|bank|sender|plattform|dienst|company|firm|giant|maker|rival|group|carrier|"
    r"retailer|bank|startup|network|partei|party|verband|gewerkschaft|behörde|ministerium|agency|ministry)$",
    re.IGNORECASE,
)
_TITLE = re.compile(
    r"(?:präsident|präsidentin|vorstand|vorständin|vorstandschef|vorstandschefin|geschäftsführer|geschäftsführerin|"
    r"executive|minister|ministerin|kanzler|kanzlerin|ceo|cfo|cto|coo|chef|chefin|sprecher|sprecherin|"
    r"senator|senatorin|gouverneur|bürgermeister|bürgermeisterin|richter|richterin|analyst|analystin|gründer|"
    r"gründerin|vorsitzende|vorsitzender|veteran|direktor|direktorin|botschafter|abgeordnete|abgeordneter|"
    r"premier|premierminister|staatschef|regierungschef|king|könig|königin|queen|papst|pope|president|secretary|"
    r"governor|judge|spokesman|spokeswoman|spokesperson|chairman|chairwoman|founder|director|mayor|minister|"
    r"chancellor|senator|rep\.|sen\.|gov\.|dr\.|prof\.|mr\.|mrs\.|ms\.|herr|frau|officer|manager|managerin|"
    r"trainer|coach|autor|autorin|author|reporter|reporterin|journalist|journalistin|anwalt|anwältin|lawyer)$",
    re.IGNORECASE,
)


def _words_of(rx: re.Pattern[str]) -> tuple[str, ...]:
    """The literal words of a `(?:word|word|...)$` pattern."""
    return tuple(a.replace("\\", "") for a in rx.pattern[3:-2].split("|"))


def _reach(rx: re.Pattern[str]) -> int:
    """Longest word of such a pattern: no match starts farther from the end, so searching from there is enough."""
    return max(map(len, _words_of(rx)))


# characters whose regex case folding differs from str.lower(): only for them the regex has the last word
_ODD_CASE = frozenset("ıİſ")


def _ends_with(w: str, rx: re.Pattern[str], words: tuple[str, ...], reach: int) -> bool:
    """`rx.search(w)` for a case-insensitive suffix pattern, by str.endswith on the lower-cased word."""
    if _ODD_CASE.isdisjoint(w) and not w.endswith("\n"):  # `$` also matches before a final newline
        return w.lower().endswith(words)
    return rx.search(w, max(0, len(w) - reach)) is not None


_ORG_CUE_WORDS = _words_of(_ORG_CUES)
_ORG_CUES_REACH = _reach(_ORG_CUES)
_TITLE_WORDS = _words_of(_TITLE)
_TITLE_REACH = _reach(_TITLE)


@lru_cache(maxsize=65536)
def _is_org_cue(w: str) -> bool:
    """ "Technologieriesen", "Konzern": a capitalised organisation noun that cues the name after it."""
    return w[:1].isupper() and _ends_with(w, _ORG_CUES, _ORG_CUE_WORDS, _ORG_CUES_REACH)


_FIRST_NAMES = frozenset(
    [
        "aaron",
        "adam",
        "adrian",
        "alan",
        "albert",
        "alex",
        "alexander",
        "alexandra",
        "alexis",
        "ali",
        "alice",
        "alina",
        "amanda",
        "amy",
        "andrea",
        "andreas",
        "andrew",
        "angela",
        "angelika",
        "ann",
        "anna",
        "anne",
        "annalena",
        "annika",
        "anton",
        "antonio",
        "armin",
        "barack",
        "barbara",
        "ben",
        "benjamin",
        "bernd",
        "bernhard",
        "bill",
        "birgit",
        "bob",
        "boris",
        "brad",
        "brian",
        "bruno",
        "carl",
        "carla",
        "carlos",
        "carol",
        "caroline",
        "catherine",
        "charles",
        "charlie",
        "charli",
        "chris",
        "christian",
        "christina",
        "christine",
        "christoph",
        "christopher",
        "claudia",
        "daniel",
        "daniela",
        "david",
        "dennis",
        "diana",
        "dieter",
        "dirk",
        "dominik",
        "donald",
        "doris",
        "edward",
        "elena",
        "elias",
        "elisabeth",
        "elizabeth",
        "elke",
        "ellen",
        "elon",
        "emily",
        "emma",
        "emmanuel",
        "emil",
        "eric",
        "erik",
        "eva",
        "fabian",
        "felix",
        "florian",
        "frank",
        "franz",
        "friedrich",
        "gabriel",
        "gabriele",
        "georg",
        "george",
        "gerhard",
        "gina",
        "greta",
        "gregor",
        "günter",
        "hannah",
        "hans",
        "harald",
        "harry",
        "heike",
        "heiko",
        "heinrich",
        "heinz",
        "helen",
        "helena",
        "helmut",
        "henry",
        "herbert",
        "hillary",
        "horst",
        "hubert",
        "hugo",
        "ian",
        "ingrid",
        "isabel",
        "jack",
        "jacob",
        "jacqueline",
        "jake",
        "james",
        "jan",
        "jane",
        "janet",
        "jason",
        "jeff",
        "jeffrey",
        "jennifer",
        "jens",
        "jerome",
        "jessica",
        "jim",
        "joachim",
        "joe",
        "johann",
        "johanna",
        "johannes",
        "john",
        "jonas",
        "jonathan",
        "jordan",
        "jörg",
        "josef",
        "joseph",
        "julia",
        "julian",
        "juliane",
        "jürgen",
        "justin",
        "kai",
        "kamala",
        "karin",
        "karl",
        "karl-heinz",
        "karsten",
        "katharina",
        "kathrin",
        "katja",
        "kevin",
        "kim",
        "klaus",
        "kurt",
        "lara",
        "larry",
        "laura",
        "lea",
        "lena",
        "leon",
        "leonie",
        "lisa",
        "lukas",
        "luisa",
        "lutz",
        "manfred",
        "manuel",
        "marc",
        "marcel",
        "maria",
        "marie",
        "mario",
        "mark",
        "markus",
        "martin",
        "martina",
        "mary",
        "matthias",
        "max",
        "maximilian",
        "melanie",
        "michael",
        "michaela",
        "michelle",
        "mike",
        "miriam",
        "moritz",
        "nadine",
        "nancy",
        "natalie",
        "nicole",
        "niklas",
        "nils",
        "nina",
        "norbert",
        "olaf",
        "oliver",
        "olivia",
        "oskar",
        "pamela",
        "patrick",
        "paul",
        "peter",
        "petra",
        "philipp",
        "rachel",
        "rainer",
        "ralf",
        "ralph",
        "rebecca",
        "reinhard",
        "richard",
        "rishi",
        "robert",
        "roland",
        "ron",
        "ronald",
        "rudolf",
        "ruth",
        "sabine",
        "sam",
        "samuel",
        "sandra",
        "sara",
        "sarah",
        "sascha",
        "satya",
        "sebastian",
        "sergei",
        "sergej",
        "simon",
        "sofia",
        "sophie",
        "stefan",
        "stefanie",
        "steffen",
        "stephan",
        "stephanie",
        "steve",
        "steven",
        "susan",
        "susanne",
        "sven",
        "svenja",
        "tanja",
        "theresa",
        "thomas",
        "thorsten",
        "tim",
        "timo",
        "tobias",
        "tom",
        "tony",
        "torsten",
        "udo",
        "ulrich",
        "ulrike",
        "ursula",
        "uwe",
        "vanessa",
        "viktor",
        "vladimir",
        "volker",
        "walter",
        "werner",
        "wilhelm",
        "william",
        "wladimir",
        "wolfgang",
        "xi",
        "yvonne",
        "addison",
        "jerome",
        "sundar",
        "tim",
        "satya",
        "jeff",
        "mark",
        "elon",
        "sheryl",
        "marissa",
        "shou",
        "mike",
        "kevin",
        "roland",
        "jared",
        "ivanka",
        "rex",
        "steve",
        "mitch",
        "nancy",
        "chuck",
        "emmanuel",
        "olaf",
        "friedrich",
        "robert",
        "markus",
        "christian",
        "annalena",
        "karl",
        "lars",
        "erich",
        "ernst",
        "otto",
        "fritz",
        "gustav",
        "hermann",
        "heinz",
        "hannes",
        "lorenz",
        "leopold",
        "margarete",
        "margit",
        "monika",
        "renate",
        "sebastian",
        "sigrid",
        "theo",
        "valentin",
        "veronika",
        "herbert",
        "gernot",
        "alois",
        "anton",
        "birgit",
        "brigitte",
        "christa",
        "dagmar",
        "erika",
        "gisela",
        "gudrun",
        "hedwig",
        "helga",
        "hildegard",
        "inge",
        "irmgard",
    ]
)
_PLACES = frozenset(
    [
        "usa",
        "us",
        "u.s",
        "amerika",
        "america",
        "vereinigten",
        "staaten",
        "united",
        "states",
        "china",
        "indien",
        "india",
        "kanada",
        "canada",
        "australien",
        "australia",
        "neuseeland",
        "new",
        "zealand",
        "singapur",
        "singapore",
        "japan",
        "korea",
        "südkorea",
        "nordkorea",
        "russland",
        "russia",
        "ukraine",
        "deutschland",
        "germany",
        "österreich",
        "austria",
        "schweiz",
        "switzerland",
        "frankreich",
        "france",
        "italien",
        "italy",
        "spanien",
        "spain",
        "großbritannien",
        "britain",
        "england",
        "uk",
        "grossbritannien",
        "europa",
        "europe",
        "eu-staaten",
        "afrika",
        "africa",
        "asien",
        "asia",
        "brasilien",
        "brazil",
        "mexiko",
        "mexico",
        "israel",
        "iran",
        "irak",
        "türkei",
        "turkey",
        "polen",
        "poland",
        "niederlande",
        "netherlands",
        "belgien",
        "belgium",
        "schweden",
        "sweden",
        "norwegen",
        "norway",
        "dänemark",
        "denmark",
        "finnland",
        "finland",
        "griechenland",
        "greece",
        "portugal",
        "ungarn",
        "hungary",
        "tschechien",
        "taiwan",
        "hongkong",
        "hong",
        "kong",
        "peking",
        "beijing",
        "shanghai",
        "washington",
        "berlin",
        "wien",
        "vienna",
        "münchen",
        "hamburg",
        "köln",
        "frankfurt",
        "zürich",
        "london",
        "paris",
        "rom",
        "rome",
        "moskau",
        "moscow",
        "brüssel",
        "brussels",
        "new",
        "york",
        "tokio",
        "tokyo",
        "kalifornien",
        "california",
        "texas",
        "virginia",
        "florida",
        "silicon",
        "valley",
        "nordamerika",
        "north",
        "america",
        "südamerika",
        "lateinamerika",
        "westen",
        "osten",
        "norden",
        "süden",
        "west",
        "east",
        "north",
        "south",
        "staaten",
        "states",
    ]
)
_STOP_WORDS = frozenset(
    [
        "app",
        "apps",
        "deal",
        "deals",
        "social",
        "media",
        "team",
        "teams",
        "manager",
        "ceo",
        "cfo",
        "cto",
        "chef",
        "online",
        "internet",
        "software",
        "hardware",
        "cloud",
        "feed",
        "feeds",
        "video",
        "videos",
        "hype",
        "trend",
        "trends",
        "tweet",
        "tweets",
        "account",
        "website",
        "web",
        "backup",
        "interview",
        "statement",
        "job",
        "jobs",
        "news",
        "update",
        "updates",
        "service",
        "services",
        "business",
        "tech",
        "startup",
        "start-up",
        "plattform",
        "community",
        "content",
        "daten",
        "data",
        "smartphone",
        "handy",
        "computer",
        "server",
        "netzwerk",
        "network",
        "user",
        "users",
        "stars",
        "star",
        "fans",
        "fan",
        "debüt",
        "show",
        "podcast",
        "blog",
        "interim",
        "general",
        "officer",
        "security",
        "chief",
        "president",
        "präsident",
        "minister",
        "regierung",
        "sale",
        "sales",
        "partner",
        "partners",
        "algorithmus",
        "algorithm",
        "konsortium",
        "consortium",
        "pandemie",
        "pandemic",
        "faq",
        "faqs",
        "pr",
        "ki",
        "ai",
        "it",
        "hub",
        "info",
        "iphone",
        "android",
        "sonntagabend",
        "ich",
        "i",
        "wir",
        "we",
        "sie",
        "er",
        "es",
        "you",
        "he",
        "she",
        "they",
        "mr",
        "mrs",
        "herr",
        "frau",
        "dr",
        "prof",
        "ok",
        "okay",
        "ja",
        "nein",
        "yes",
        "no",
        "mehr",
        "more",
    ]
)
_STOP = _STOP_WORDS | lx.MONTH_NAMES | lx.WEEKDAY_WORDS  # month and weekday names are never actors
_GERMAN_NOUN_SUFFIX = re.compile(
    r"(?:ung|ungen|heit|heiten|keit|keiten|schaft|schaften|tion|tionen|tät|täten|ismus|nisse|nis|ling|linge|ment|"
    r"ierung|erei|chen|lein|sicht|nahme|wesen|werk|zeug|gang|bereich|recht|gesetz|markt|politik)$"
)
_NOUN_SUFFIX_REACH = _reach(_GERMAN_NOUN_SUFFIX)
_UPPER = re.compile(r"[A-ZÄÖÜ]")
_GERMANIC = re.compile(r"[äöüß]|sch|(?:ung|ungen|heit|keit|en|ern|ten)$")


@dataclass
class _Cand:
    name: str
    count: int = 0
    noninitial: int = 0
    with_det: int = 0
    evidence: int = 0  # shape, title, first name, legal form, org noun
    first_pos: int = 1 << 60
    tokens: int = 1
    aliases: set[str] = field(default_factory=set)


@lru_cache(maxsize=1)
def _lists() -> tuple[dict[str, float], dict[str, float]]:
    """Zipf frequencies of wordfreq's small German and English lists (data ships in the wheel: offline).

    Plain dict lookups on casefolded words (wordfreq's own key normalisation for these languages) instead of
    `zipf_frequency`, which tokenizes every call and costs more than the rest of the pipeline."""
    try:
        from wordfreq import get_frequency_dict
    except ImportError:  # wordfreq is declared; without it every word is "unknown"
        return {}, {}

    def zipf(lang: str) -> dict[str, float]:
        return {w: round(math.log10(f) + 9, 2) for w, f in get_frequency_dict(lang, wordlist="small").items() if f > 0}

    lists = zipf("de"), zipf("en")
    settled("wordfreq-small")
    return lists


def _zipf(word: str) -> tuple[float, float]:
    # not cached itself: it is called from the cached word tests, so a cache here would mostly miss
    de, en = _lists()
    w = word.casefold()
    return de.get(w, 0.0), en.get(w, 0.0)


@lru_cache(maxsize=65536)
def _is_common(word: str, lang: str) -> bool:
    """A capitalised word that is an ordinary word of the language (noun, function word, month ...)."""
    w = word.lower().strip(".'’")
    if w in _STOP or w in _PLACES or len(w) < 2:
        return True
    if word.isupper() and 2 <= len(word) <= 6:
        return False  # acronym
    if _UPPER.search(word[1:]):
        return False  # CamelCase
    de, en = _zipf(w)
    if de >= 5.6 or en >= 5.6:
        return True  # function words and very common nouns
    if lang == "de":
        if de >= 3.0 and de - en >= 1.0:
            return True  # German noun ("Regierung", "Frist")
        if en >= 4.3 and (de < 2.5 or en - de >= 1.0):
            return True  # English common word in a quotation ("Chinese", "communist")
        if len(w) >= 9 and (_GERMAN_NOUN_SUFFIX.search(w, max(0, len(w) - _NOUN_SUFFIX_REACH)) or _is_compound(w)):
            return True
    elif en >= 6.0:
        return True  # English capitalises names only: a capitalised word mid-sentence is a name unless a stop word
    return False


_INFLECTION = re.compile(r"(?:n|en|e|s|es|ern|er)$")


def _is_compound(w: str) -> bool:
    """A long word ending in a common German word: "sicherheitsrisiken" -> "risiken"."""
    de = _lists()[0]
    for stem in {w, _INFLECTION.sub("", w)}:
        if stem.casefold() == stem:  # the usual case: slices are already wordfreq keys
            if any(de.get(stem[-k:], 0.0) >= 3.6 for k in range(5, len(stem) - 2)):
                return True
        elif any(_zipf(stem[-k:])[0] >= 3.6 for k in range(5, len(stem) - 2)):
            return True
    return False


def find_actors(
    text: str, units: Sequence[Unit], lang: str, *, skip: SpanSet | Sequence[tuple[int, int]] = ()
) -> list[str]:
    cands: dict[str, _Cand] = {}
    mentions: list[tuple[str, int, bool]] = []  # (surface, pos, genitive-or-compound-part)
    removed = skip if isinstance(skip, SpanSet) else SpanSet(list(skip))
    for u in units:
        if removed.contains(u.start):
            continue
        _scan_unit(text, u, lang, cands, mentions)
    return _rank(cands, mentions, lang)


def _scan_unit(text: str, u: Unit, lang: str, cands: dict[str, _Cand], mentions: list[tuple[str, int, bool]]) -> None:
    sent = text[u.start : u.end]
    parts = _TOKEN_SPLIT.split(sent)
    words = parts[1::2]
    starts = list(accumulate(map(len, parts)))[0::2]  # starts[i]: offset of words[i] in sent
    caps = [i for i, w in enumerate(words) if w[0].isupper()]  # only capitalised words can start a name
    has_legal = not _LEGAL.isdisjoint(words)
    n = len(words)
    title_before = False
    nxt = 0  # the next word to look at; words before it belong to a name already taken
    for i in caps:
        if i < nxt:
            continue
        if i != nxt:
            title_before = False  # a lower-case word or a number came between
        w = words[i]
        if "-" in w:
            hw = _hyphen(w, lang, offset=u.start + starts[i], mentions=mentions)
            if hw is None:
                title_before = _is_title(w)
                nxt = i + 1
                continue
            w = hw
        f = _flags(w, lang)
        if f & _F_TITLE:
            title_before = True
            nxt = i + 1
            continue
        legal = _legal_end(words, i) if has_legal else 0
        if legal and not f & _F_FUNCTION:
            prev = words[i - 1] if i > 0 else ""
            _record(
                words[i:legal], u.start + starts[i], i == 0, prev, words[i - 2] if i > 1 else "", True, cands, mentions
            )
            nxt = legal
            continue
        if f & _F_SKIP:
            title_before = False
            nxt = i + 1
            continue
        person = title_before or bool(f & _F_FIRST and i + 1 < n and words[i + 1][:1].isupper())
        if (
            f & _F_COMMON
            and not person
            and not (i > 0 and _is_org_cue(words[i - 1]))  # "Konzern Apple"
            and not (i + 1 < n and words[i + 1] in _LEGAL)  # "Apple Inc."
        ):
            title_before = False
            nxt = i + 1
            continue
        j = _piece_end(words, i, lang, person=person)
        piece = [w, *words[i + 1 : j]]
        prev = words[i - 1] if i > 0 else ""
        prev2 = words[i - 2] if i > 1 else ""
        initial = i == 0 or u.kind == "headline" or _after_opener(sent, starts[i])
        _record(piece, u.start + starts[i], initial, prev, prev2, title_before, cands, mentions)
        title_before = False
        nxt = j


_F_TITLE = 1  # a title word and not a first name: the name follows
_F_FIRST = 2  # a first name from the lists
_F_FUNCTION = 4  # a function word of the language
_F_SKIP = 8  # a function word or a legal form: never starts a name
_F_COMMON = 16  # an ordinary word (noun): starts a name only when cued


@lru_cache(maxsize=131072)
def _flags(w: str, lang: str) -> int:
    """What the scan asks about a capitalised word, in one cached lookup."""
    low = w.lower()
    f = _F_FIRST if low in _FIRST_NAMES else (_F_TITLE if _is_title(w) else 0)
    if _is_function(w, lang):
        f |= _F_FUNCTION | _F_SKIP
    elif w in _LEGAL:
        f |= _F_SKIP
    elif _is_common(w, lang):
        f |= _F_COMMON
    return f


def _after_opener(sent: str, pos: int) -> bool:
    """The last non-space character before `pos` opens a quotation or follows a colon (a sentence start)."""
    k = pos - 1
    while k >= 0 and sent[k].isspace():
        k -= 1
    return k >= 0 and sent[k] in ':„“"'


@lru_cache(maxsize=65536)
def _is_title(w: str) -> bool:
    return _ends_with(w, _TITLE, _TITLE_WORDS, _TITLE_REACH)


def _legal_end(words: list[str], i: int) -> int:
    """ "Stadtwerke Linz AG": capitalised words up to a legal form make one organisation name."""
    for k in range(1, 4):
        if i + k >= len(words) or not words[i + k - 1][:1].isupper():
            return 0
        if words[i + k] in _LEGAL:
            return i + k + 1
    return 0


@lru_cache(maxsize=65536)
def _is_shape(w: str) -> bool:
    """CamelCase or an acronym: a name by its form."""
    return bool(_UPPER.search(w[1:])) or (w.isupper() and 2 <= len(w) <= 6)


def _surname_shape(w: str) -> bool:
    """Surnames may be "D'Amelio", "McDonald", "Meyer-Landrut", but not "TikTok" or "CNN"."""
    if w.isupper() and len(w) > 1:
        return False
    if "'" in w or "’" in w or w.startswith(("Mc", "Mac")) or "-" in w:
        return True
    return not _UPPER.search(w[1:])


def _hyphen(w: str, lang: str, *, offset: int, mentions: list[tuple[str, int, bool]]) -> str | None:
    """ "US-Walmart" -> "Walmart"; "Coca-Cola" stays; "TikTok-Übernahme" is a compound noun (a mention of TikTok)."""
    parts = [p for p in w.split("-") if p]
    if len(parts) == 2 and parts[0].lower() in _PLACES and parts[1][:1].isupper() and not _is_title(parts[1]):
        return parts[1] if not _is_common(parts[1], lang) else None
    if (
        parts
        and all(p[:1].isupper() and not _is_common(p, lang) for p in parts)
        and not _is_title(w)
        and not (lang == "de" and _GERMANIC.search(parts[-1].lower()))
    ):
        return w  # "Coca-Cola", "Mercedes-Benz"
    if parts:
        mentions.append((parts[0], offset, True))
    return None


def _piece_end(words: list[str], i: int, lang: str, *, person: bool) -> int:
    """End (exclusive) of the name that starts at words[i]."""
    n = len(words)
    j = i + 1
    if person:
        while j < n and j - i < 3 and words[j][:1].isupper() and _surname_shape(words[j]):
            w = words[j]
            if _is_function(w, lang) or w.lower() in _PLACES or (j - i >= 2 and _is_common(w, lang)):
                break
            j += 1
    elif not _is_shape(words[i]):
        while j < n and j - i < 4 and words[j][:1].isupper() and not _is_shape(words[j]) and "-" not in words[j]:
            if _is_common(words[j], lang) or words[j].lower() in _FIRST_NAMES or _is_title(words[j]):
                break
            j += 1
        if j - i > 1 and lang == "de" and any(_zipf(w)[0] >= 2.5 for w in words[i:j]):
            j = i + 1  # "Trump Microsofts": two known words side by side are two names, not one
    if j < n and words[j] in _LEGAL:
        j += 1
    return j


def _record(
    piece: list[str],
    pos: int,
    initial: bool,
    prev: str,
    prev2: str,
    title_before: bool,
    cands: dict[str, _Cand],
    mentions: list[tuple[str, int, bool]],
) -> None:
    name = " ".join(piece)
    c = cands.get(name)
    if c is None:
        c = cands[name] = _Cand(name, tokens=len(piece))
    c.count += 1
    c.first_pos = min(c.first_pos, pos)
    if not initial:
        c.noninitial += 1
    det_before = prev.lower() in _DETERMINERS or (
        prev[:1].islower() and prev.endswith(("e", "en", "er", "es", "em")) and prev2.lower() in _DETERMINERS
    )
    if det_before and not title_before:
        c.with_det += 1
    org_before = _is_org_cue(prev)
    if (
        title_before
        or org_before
        or (piece[0].lower() in _FIRST_NAMES and len(piece) > 1)
        or any(_is_shape(t) for t in piece)
        or piece[-1] in _LEGAL
    ):
        c.evidence += 1
    mentions.append((name, pos, False))


@lru_cache(maxsize=65536)
def _is_function(w: str, lang: str) -> bool:
    de, en = _zipf(w)
    return (de if lang == "de" else en) >= 5.6 or w.lower() in _STOP


def _accept(c: _Cand, lang: str) -> bool:
    low = c.name.lower()
    if low in _PLACES or low in _STOP or (low.endswith("s") and low[:-1] in _PLACES):
        return False  # places and their genitives ("Chinas")
    if c.with_det * 2 > c.count and c.evidence == 0:
        return False  # "die App", "einen Deal": nouns take articles, names do not
    if c.evidence > 0:
        return True
    de, en = _zipf(c.name)
    if c.noninitial == 0 and c.count < 2:
        # seen once, at a sentence start: only an internationally known word ("Microsoft") passes
        return lang == "de" and c.tokens == 1 and en >= 3.0 and de < 4.6 and abs(de - en) < 0.3
    if c.tokens > 1:
        return True
    if lang == "en":
        return en < 5.0
    if c.count >= 2:
        return True
    # a single mention: only a word German does not know, and that does not look German
    return de < 2.5 and not _GERMANIC.search(c.name.lower()) and len(c.name) <= 12


_GENITIVE = ("'s", "’s", "s", "'", "’")


def _stem_of(k: str, names: dict[str, _Cand] | set[str], surnames: dict[str, str]) -> str | None:
    for suffix in _GENITIVE:
        if k.endswith(suffix) and len(k) > len(suffix):
            stem = k[: -len(suffix)]
            if stem in names:
                return stem
            if " " not in k and stem in surnames:
                return surnames[stem]
    return None


def _fold_genitives(cands: dict[str, _Cand]) -> dict[str, str]:
    """ "Trumps" counts for "Trump", "Kieners" for "Heinrich Kiener" (German genitive, English 's)."""
    folded: dict[str, str] = {}
    surnames = {k.split(" ")[-1]: k for k in cands if " " in k}
    for k in list(cands):
        target = _stem_of(k, cands, surnames)
        if target is None or target == k or target not in cands or k not in cands:
            continue
        c, stem = cands.pop(k), cands[target]
        stem.count += c.count
        stem.noninitial += c.noninitial
        stem.evidence += c.evidence
        stem.first_pos = min(stem.first_pos, c.first_pos)
        folded[k] = target
    return folded


def _rank(cands: dict[str, _Cand], mentions: list[tuple[str, int, bool]], lang: str) -> list[str]:
    folded = _fold_genitives(cands)
    mentions = [(folded.get(m, m), p, part) for m, p, part in mentions]
    accepted = {k: c for k, c in cands.items() if _accept(c, lang)}
    # surnames and first tokens merge into the longest full name that contains them
    full_names = sorted((k for k in accepted if " " in k), key=len, reverse=True)
    alias: dict[str, str] = {}
    for k in accepted:
        if " " in k:
            continue
        for f in full_names:
            parts = f.split(" ")
            if parts[-1] == k or (parts[0] == k and parts[0].lower() not in _FIRST_NAMES):
                alias.setdefault(k, f)
                break
    score: dict[str, float] = {}
    first: dict[str, int] = {}
    for surface, pos, part in mentions:
        base = surface if surface in accepted else (_stem_of(surface, accepted, {}) or surface)
        if base not in accepted:
            continue
        target = alias.get(base, base)
        target = alias.get(target, target)
        target = alias.get(target, target)
        weight = 0.5 if part else 1.0
        score[target] = score.get(target, 0.0) + weight
        first[target] = min(first.get(target, pos), pos)
    ranked = sorted(score, key=lambda k: (-score[k], first[k]))
    return ranked[:MAX_ACTORS]
