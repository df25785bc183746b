"""Check a model's answer against the facts it was given; keep only sentences it can point to.

A sentence survives when it cites at least one fact, every fact it cites exists, and every number and month it
states appears in the facts it cites. Everything else is dropped, so the worst a model can do is say less.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from newsdigest.extract.temporal import lexicon as lx
from newsdigest.summarize.facts import BriefSentence, Fact

MAX_SENTENCES = 3
MAX_SENTENCE_CHARS = 400

_CITES = r"(?:\s*\[\d{1,3}(?:\s*[,;]\s*\d{1,3})*\])+"
_CITE_AFTER_STOP = re.compile(rf"([.!?])({_CITES})")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CITE_GROUP = re.compile(r"\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MARKUP = re.compile(r"^\s*(?:[-*•#>]+|\d+[.)])\s+")


# Month names and abbreviations from the one lexicon. A month counts only when capitalised, as it is written
# in a date: "May 12" is a month, "it may end" is not.
MONTH_WORDS: dict[str, int] = {k.rstrip("."): v for k, v in (*lx.MONTHS_DE.items(), *lx.MONTHS_EN.items())}
_WORD = re.compile(r"\b([A-ZÄÖÜ][a-zäöü]+)\b")


@dataclass(frozen=True)
class Verdict:
    kept: tuple[BriefSentence, ...]
    dropped: tuple[tuple[str, str], ...]  # (sentence, why)


def normalise_number(token: str) -> str:
    """'1,000' / '1.000' -> '1000'; '2,5' -> '2.5'; '15.' -> '15'."""
    token = token.rstrip(".,")
    token = re.sub(r"[.,](?=\d{3}(?:\D|$))", "", token)
    return token.replace(",", ".")


def numbers_in(text: str) -> set[str]:
    return {normalise_number(m.group()) for m in _NUMBER.finditer(text)}


def months_in(text: str) -> set[int]:
    return {month for m in _WORD.finditer(text) if (month := MONTH_WORDS.get(m.group(1).lower()))}


def evidence(fact: Fact) -> tuple[set[str], set[int]]:
    """The numbers and months a sentence citing `fact` may state."""
    numbers = numbers_in(fact.text) | {str(fact.sources)}
    months = months_in(fact.text)
    if fact.day:
        numbers |= {str(fact.day.day), str(fact.day.year), f"{fact.day.day:02d}"}
        months.add(fact.day.month)
    return numbers, months


def split_sentences(answer: str) -> list[str]:
    text = " ".join(_MARKUP.sub("", line) for line in answer.strip().splitlines() if line.strip())
    text = _CITE_AFTER_STOP.sub(lambda m: f"{m.group(2)}{m.group(1)}", text)
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _judge(sentence: str, facts: Mapping[int, Fact]) -> tuple[BriefSentence | None, str]:
    cites = tuple(int(n) for g in _CITE_GROUP.findall(sentence) for n in re.split(r"\s*[,;]\s*", g))
    if not cites:
        return None, "no citation"
    missing = [n for n in cites if n not in facts]
    if missing:
        return None, f"cites [{missing[0]}], which is not a fact"
    if len(sentence) > MAX_SENTENCE_CHARS:
        return None, "too long"
    claim = _CITE_GROUP.sub(" ", sentence)
    numbers, months = set[str](), set[int]()
    for n in cites:
        fact_numbers, fact_months = evidence(facts[n])
        numbers |= fact_numbers
        months |= fact_months
    stray = sorted(numbers_in(claim) - numbers)
    if stray:
        return None, f"states {stray[0]}, which its facts do not"
    stray_months = sorted(months_in(claim) - months)
    if stray_months:
        return None, f"names month {stray_months[0]}, which its facts do not"
    return BriefSentence(sentence, tuple(dict.fromkeys(cites))), "ok"


def check(answer: str, facts: Mapping[int, Fact]) -> Verdict:
    kept: list[BriefSentence] = []
    dropped: list[tuple[str, str]] = []
    for sentence in split_sentences(answer):
        ok, why = _judge(sentence, facts)
        if ok and len(kept) < MAX_SENTENCES:
            kept.append(ok)
        else:
            dropped.append((sentence, why if not ok else "more than three sentences"))
    return Verdict(tuple(kept), tuple(dropped))
