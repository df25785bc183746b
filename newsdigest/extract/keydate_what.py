"""What a key date is about, as stored data: an expiry's `what` is the noun phrase of the thing that ends, in the
nominative and with no verb ("Teil-Lockdown", "Kontaktbeschränkungen", "job retention scheme"), or an obligation
"who: do what" (it holds ": "). The verb belongs to the chat's language, not to the article's: a chat renders
"Teil-Lockdown endet" / "schemes end" through the message catalog, in the number `is_plural` finds.

Rows stored before held "<noun phrase> ends" (English baked into the data); `stored_what` reads every stored
`what` as today's extraction would write it.
"""

from __future__ import annotations

import functools
import re

from newsdigest.extract import deadline_cues as cue
from newsdigest.heap import settled

__all__ = ["head_noun", "is_generic", "is_noun_phrase", "is_plural", "nominative", "noun_phrase", "stored_what"]

_GEN_ARTICLE = re.compile(rf"(?i)(?:{cue.GENITIVE_ARTICLE})")
_ARTICLE = re.compile(rf"(?i)(?:{cue.ARTICLE})")
_NP_LEAD = re.compile(rf"(?i)(?:{cue.NP_LEAD})")
_NP_VERB = re.compile(rf"(?:{cue.NP_VERB})")
_STATE_VERB = re.compile(rf"(?:{cue.NP_STATE_VERB})")
_PLURAL_ONLY = re.compile(rf"(?i)[\w-]*(?:{cue.PLURAL_ONLY})")
_SINGULAR_S = re.compile(rf"(?i)(?:{cue.SINGULAR_S})|\w*(?:ss|us|is)")
_GEN_ES = re.compile(r"(?:[tdzßx]|ch|[^aeiouäöüs]s|ss)es$")  # "Verbotes", "Gesetzes", "Beschlusses": stem + es
_GEN_S = re.compile(r"[^s]s$")  # "Lockdowns", "Programms", "Moratoriums"
_DE_VERB_FINAL = re.compile(r"[a-zäöüß]{3,}(?:en|ern|eln)")  # "beschlossen", "gelten", "verlängern"
_NP_END = re.compile(r"(?i)of|for|to|on|in|at|by|and|or|für|von|vom|zu|zur|zum|mit|im|am|bis|und|oder|des|der|den|dem")
_HEAD_STOP = re.compile(rf"(?i)(?:{cue.ARTICLE})|of|for|on|in|at|to|from|with|under|für|von|vom|zu|zur|zum|mit|im|"
                        r"am|an|auf|aus|bei|in|nach|über|unter|gegen|ohne|um|seit|wegen|and|und|or|oder")
_LEGACY_ENDS = re.compile(r"\s+ends$")
_BACK_WORDS = 8  # words before a noun searched for the article that says its case
_CLAUSE_BREAK = re.compile(r"[,;:!?()–—]|(?<!\d)\.")  # not the point of an ordinal ("des am 30. Juni auslaufenden")
_PRONOUN = re.compile(rf"(?i)(?:{cue.PRONOUN})")


def nominative(head: str, before: str) -> str:
    """A German noun after a genitive article, in the nominative: "(Verlängerung) des Teil-Lockdowns" -> "Teil-Lockdown",
    "des Verbotes" -> "Verbot". `before` is the text before the noun phrase; its nearest article decides, over the
    words an attribute puts between ("des bis Ende des Monats befristeten Teil-Lockdowns")."""
    if not head[:1].isupper() or not head.endswith("s") or _SINGULAR_S.fullmatch(head.rsplit("-", 1)[-1]):
        return head
    words = _CLAUSE_BREAK.split(before)[-1].split()[-_BACK_WORDS:]
    article = next((w for w in reversed(words) if _ARTICLE.fullmatch(w)), "")
    if not _GEN_ARTICLE.fullmatch(article):
        return head
    if _GEN_ES.search(head) and len(head) > 5:
        return head[:-2]
    return head[:-1] if _GEN_S.search(head) else head


def noun_phrase(phrase: str) -> str:
    """The noun phrase a clause opens with, cut before its verb: "So sollen Entschädigungsansprüche für Eltern
    verlängert werden" -> "Entschädigungsansprüche für Eltern", "the licence was extended" -> "licence". "" when
    the clause opens with its verb (it names no thing)."""
    words = phrase.split()
    words = words[len(_leading(words)):]
    if not words or _NP_VERB.fullmatch(words[0]):
        return ""
    cut = next((i for i, w in enumerate(words) if _NP_VERB.fullmatch(w)), len(words))
    if cut < len(words) and _STATE_VERB.fullmatch(words[cut]):
        return ""  # "Schulen bleiben geschlossen": the schools do not end, their closure does
    words = words[:cut]
    # German puts its verbs last: lower-case verb forms after a capitalised noun ("… für Eltern beschlossen")
    while words and (_NP_END.fullmatch(words[-1]) or (
            len(words) > 1 and _DE_VERB_FINAL.fullmatch(words[-1]) and any(w[:1].isupper() for w in words[:-1]))):
        words.pop()
    if all(_PRONOUN.fullmatch(w) for w in words):
        return ""  # "It had been due to expire": a pronoun names nothing on its own
    return " ".join(words)


_INFINITIVE = re.compile(r"\b(?:to|zu)\s+[a-zäöüß]{2,}|\b[a-zäöüß]+zu[a-zäöüß]{3,}(?:en|ern|eln)\b")


def is_noun_phrase(what: str) -> bool:
    """Whether `what` names a thing (the chat may say it ends), not a clause: no verb, no infinitive ("Acme to sell
    its unit", "Schulen geschlossen halten" are clauses)."""
    words = what.split()
    if not words or ": " in what or _INFINITIVE.search(what):
        return False
    return noun_phrase(what).split() == [w for w in words if w not in _leading(words)]


def _leading(words: list[str]) -> list[str]:
    out = []
    for w in words:
        if not _NP_LEAD.fullmatch(w):
            break
        out.append(w)
    return out


def stored_what(kind: str, what: str, reason: str = "") -> str:
    """A stored `what` as today's extraction writes it: an expiry's "<noun phrase> ends" (rows written before the
    verb moved to the chat) loses its verb, and the measure a German extension noun governed ("Verlängerung des
    Teil-Lockdowns", its `reason` says "extension 'verlängerung'") is named in the nominative; an obligation or a
    deadline's phrase stays as it is."""
    if kind != "expiry" or ": " in what:
        return what
    bare = _LEGACY_ENDS.sub("", what)
    if bare != what and _NOUN_EXTENSION.search(reason) and " " not in bare:
        return nominative(bare, "des")
    return bare


# an extension said by a German noun: the measure after it stands in the genitive ("Verlängerung des Lockdowns")
_NOUN_EXTENSION = re.compile(r"extension '(?:verlängerung|verschiebung)'")


_COORDINATED = re.compile(r",\s|\s(?:and|und|or|oder|sowie)\s")


def _before_head_stop(np: str) -> str:
    """The phrase up to its first preposition ("Verbot für Ein- und Ausreise" -> "Verbot"); conjunctions stay."""
    words = np.split()
    cut = next((i for i, w in enumerate(words) if i and _HEAD_STOP.fullmatch(w) and not _CONJ.fullmatch(w)),
               len(words))
    return " ".join(words[:cut])


_CONJ = re.compile(r"(?i)and|und|or|oder|sowie")


def head_noun(np: str) -> str:
    """The noun a phrase is about: the last word before a preposition or article ("Entschädigungsansprüche für
    Eltern" -> "Entschädigungsansprüche", "job retention scheme" -> "scheme"), the last part of a hyphenated
    compound ("Corona-Auflagen" -> "Auflagen")."""
    words = np.split()
    cut = next((i for i, w in enumerate(words) if i and _HEAD_STOP.fullmatch(w)), len(words))
    head = words[cut - 1] if cut else ""
    return re.sub(r"['’]s$", "", head).rsplit("-", 1)[-1].strip(".,;:")


@functools.lru_cache(maxsize=4096)
def is_plural(np: str) -> bool:
    """Whether a noun phrase takes a plural verb ("Kontaktbeschränkungen enden", "schemes end", "Weihnachtsferien
    enden"; "Teil-Lockdown endet", "the VAT cut ends", "CBILS ends"): its head noun's lemma (simplemma) is not the
    word itself, or the noun exists in the plural only."""
    if _COORDINATED.search(_before_head_stop(np)):
        return True  # "Kontaktsperren und Schulschließungen", "A, B and the C Fund"
    head = head_noun(np)
    if len(head) < 3 or head.isupper() or not head.isalpha():
        return False
    if _PLURAL_ONLY.fullmatch(head):
        return True
    if head.endswith("s") and not _SINGULAR_S.fullmatch(head) and _lemma(head, "en") != head.lower():
        return True  # English "schemes", "Loans"; German loanwords "Lockdowns"
    if head.isascii() and _known_in_english(head):
        return False  # "scheme", "Lockdown": an English word's plural ends in -s (the German "Programme" reads as one)
    return head[:1].isupper() and _lemma(head, "de") != head.lower()


def _lemma(word: str, lang: str) -> str:
    import simplemma  # lazy: loads its dictionaries on first use

    key = word.lower() if lang == "en" else word
    out = str(simplemma.lemmatize(key, lang=lang, low_memory=True)).lower()
    settled(f"simplemma-{lang}")
    return out


def _known_in_english(word: str) -> bool:
    """An English word, so the German dictionary need not be loaded to tell its number."""
    import simplemma

    known = bool(simplemma.is_known(word.lower(), lang="en"))
    settled("simplemma-en")
    return known


_GENERIC = re.compile(r"(?i)(?:die\s+|the\s+)?(?:frist|deadline|ultimatum|stichtag)")


def is_generic(what: str) -> bool:
    """A bare "Frist" / "the deadline": it names nothing a key-date line does not say already."""
    return _GENERIC.fullmatch(what.strip()) is not None
