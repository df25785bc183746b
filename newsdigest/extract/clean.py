"""Boilerplate and reader comments: spans that are not article text.

Learned from shapes, not strings:
- boilerplate: short lines (no sentence-final punctuation, or a very short prompt) that carry web-UI vocabulary
  (votes, rating, reply, share, newsletter, menu, cookie, photo credits, "Quelle:" lines, ...); a trailing block
  dominated by such lines is removed whole (site footer);
- comments: at the end of the article a switch from reporting to first-person chat (I/ich, questions to nobody,
  informal particles, no reporting verbs) - the rest of the text from there on.
Headlines (short lines without UI vocabulary) are kept.
"""

from __future__ import annotations

import re

from newsdigest.extract.sentences import count_words, paragraphs, words
from newsdigest.extract.types import Removed

__all__ = ["find_removed", "is_boilerplate_line"]

SHORT_LINE_WORDS = 12
_CREDIT_MAX_WORDS = 15
_FOOTER_BREAK_WORDS = 60

# UI vocabulary of news sites (de/en). Strong words mark web furniture on their own in a short line; weak words
# (networks, "print", "home") only when the line is made of nothing else (a share bar), so that a headline such as
# "Twitter sperrt Konto" stays.
_UI_STRONG = re.compile(
    r"\b(?:votes?|rating|ratings|bewertung(?:en)?|reply|replies|antworten|comments?|kommentar(?:e|en)?|"
    r"teilen|share|shares|newsletter|subscribe|abonnieren|abonnement|\w*menü|\w*menu|navigation|"
    r"zugänglichkeit|barrierefreiheit|accessibility|cookies?|datenschutz(?:erklärung)?|privacy\s+policy|impressum|"
    r"login|log\s+in|anmelden|registrieren|sign\s+(?:in|up)|related\s+(?:posts?|articles?|stories)|"
    r"more\s+from|mehr\s+zum\s+thema|weitere\s+artikel|ähnliche\s+artikel|read\s+more|weiterlesen|"
    r"lesen\s+sie\s+auch|please\s+enter|bitte\s+geben|want\s+to\s+stay\s+up\s+to\s+date|stay\s+up\s+to\s+date|"
    r"want\s+to\s+stay|follow\s+us|folgen\s+sie\s+uns|advertisement|anzeige|werbung|sponsored|"
    r"skip\s+to\s+content|zum\s+inhalt\s+springen|all\s+rights\s+reserved|alle\s+rechte\s+vorbehalten|"
    r"copyright|schlagwörter|leave\s+a|hinterlassen|unsplash|getty\s+images|shutterstock)\b",
    re.IGNORECASE,
)
_UI_WEAK = re.compile(
    r"\b(?:facebook|twitter|whatsapp|linkedin|pinterest|instagram|telegram|xing|reddit|e-mail|email|mail|print|"
    r"drucken|home|startseite|search|suche|close|schließen|tags?|dpa|apa|afp|reuters|feedback|top|trending|"
    r"loading|lädt|mehr|more|von|from|author|autor|posts?|artikel|article|news|nachrichten|here|hier|your|ihre|"
    r"the|a|latest|neueste|name|with|to|up|date|jetzt|now)\b",
    re.IGNORECASE,
)
# credit / source lines: "Foto: …", "Bild: …", "Quelle: …", "Source: …", "Photo by … on …"
_CREDIT = re.compile(
    r"^\s*(?:(?:foto|fotos|bild|bilder|bildquelle|quelle|quellen|source|sources|image|images|photo|photos|"
    r"credit|credits|titelbild|beitragsbild|header|grafik|video)\s*[:©|/]|(?:photo|foto|image|bild)\s+(?:by|von)\s|©)",
    re.IGNORECASE,
)
_COUNTER = re.compile(r"^\s*\d+(?:\s+\d+)*\s+\w+\s*$")  # "0 0 votes", "12 Kommentare"
_SENT_END = re.compile(r"[.!?…:][\"“”»«'’)\]]*\s*$")

# reader-comment signals (outside quotations)
_QUOTED = re.compile(r"„[^“”\n]{0,400}[“”]|“[^”\n]{0,400}”|\"[^\"\n]{0,400}\"|«[^»\n]{0,400}»|»[^«\n]{0,400}«")
_FIRST_PERSON = re.compile(
    r"\b(?:ich|mich|mir|mein|meine|meiner|meinen|meinem|meines)\b|\b(?:I|I'm|I've|I'd|me|my|mine)\b", re.IGNORECASE
)
_INFORMAL = re.compile(
    r"\b(?:eigentlich|halt|eh|echt|schlicht|irgendwie|naja|na ja|kapier\w*|lol|haha|hehe|omg|imho|imo|btw|"
    r"sorry|ok|okay|bitte|danke|honestly|guys|yeah|nope|dude|seriously|gonna|wanna|kinda|cool|krass|"
    r"quatsch|blödsinn|unsinn|nonsense|bullshit)\b",
    re.IGNORECASE,
)
_REPORTING = re.compile(
    r"\b(?:sagte|sagten|erklärte|erklärten|teilte|teilten|berichtet\w*|laut|zufolge|bestätigte|kündigte|"
    r"angekündigt|mitgeteilt|hieß\s+es|according\s+to|said|says|told|announced|reported|confirmed|stated|"
    r"sprecher\w*|spokes\w+)\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"\?")
_DOTS = re.compile(r"!!|\?!|!\?|\.\.\.|…$")


def is_boilerplate_line(line: str) -> bool:
    """A line of web furniture (not article text)."""
    stripped = line.strip()
    if not stripped:
        return False
    n = count_words(stripped, max(SHORT_LINE_WORDS, _CREDIT_MAX_WORDS) + 1)  # exact up to both limits
    if n == 0:
        return len(stripped) <= 40  # separator lines, lone symbols
    if _CREDIT.match(stripped) and n <= _CREDIT_MAX_WORDS:
        return True
    if n > SHORT_LINE_WORDS:
        return False
    if _COUNTER.match(stripped):
        return True
    strong = _coverage(_UI_STRONG, stripped)
    if strong == 0:  # a share bar: nothing but network names and link words
        return n >= 2 and _coverage(_UI_WEAK, stripped) == n and not _SENT_END.search(stripped)
    share = strong / n
    total = (strong + _coverage(_UI_WEAK, _UI_STRONG.sub(" ", stripped))) / n
    if not _SENT_END.search(stripped):
        return share >= 0.25 or total >= 0.75
    # a short prompt with punctuation ("Please enter your comment!", "Jetzt abonnieren!")
    return n <= SHORT_LINE_WORDS and stripped[-1] in "!?" and (share >= 0.25 or total >= 0.75)


def _coverage(rx: re.Pattern[str], s: str) -> int:
    return sum(len(words(m.group())) for m in rx.finditer(s))


def find_removed(text: str, lang: str = "de") -> list[Removed]:
    paras = paragraphs(text)
    flags = [is_boilerplate_line(text[s:e]) for s, e in paras]
    _extend_footer(text, paras, flags)
    removed = [Removed(s, e, "boilerplate") for (s, e), f in zip(paras, flags, strict=True) if f]
    comments = _comment_region(text, paras, flags)
    if comments is not None:
        cstart, cend = comments
        removed = [r for r in removed if r.end <= cstart or r.start >= cend]
        removed.append(Removed(cstart, cend, "comments"))
    removed.sort(key=lambda r: r.start)
    return removed


def _extend_footer(text: str, paras: list[tuple[int, int]], flags: list[bool]) -> None:
    """A tail block made mostly of boilerplate lines is a site footer: remove it whole."""
    n = len(paras)
    best = None
    bp = other = 0
    for i in range(n - 1, -1, -1):
        if flags[i]:
            bp += 1
        else:
            s, e = paras[i]
            if count_words(text[s:e], _FOOTER_BREAK_WORDS + 1) > _FOOTER_BREAK_WORDS:
                break  # a real article paragraph ends the footer search
            other += 1
        if flags[i] and bp >= 3 and other * 3 <= bp:
            best = i
    if best is not None:
        for i in range(best, n):
            flags[i] = True


def _chat_score(par: str) -> float:
    unquoted = _QUOTED.sub(" ", par)
    fp = len(_FIRST_PERSON.findall(unquoted.replace("I.", " ")))  # not the roman numeral in lists
    q = len(_QUESTION.findall(unquoted))
    inf = len(_INFORMAL.findall(unquoted))
    dots = len(_DOTS.findall(unquoted))
    rep = len(_REPORTING.findall(unquoted))
    return 2.0 * min(fp, 2) + 1.5 * min(q, 2) + 0.5 * min(inf, 3) + 0.5 * min(dots, 2) - 1.5 * min(rep, 2)


def _has_first_person(par: str) -> bool:
    return _FIRST_PERSON.search(_QUOTED.sub(" ", par)) is not None


def _comment_region(text: str, paras: list[tuple[int, int]], flags: list[bool]) -> tuple[int, int] | None:
    """The suffix of content paragraphs that reads like reader chat after a reporting body."""
    content = [(s, e) for (s, e), f in zip(paras, flags, strict=True) if not f]
    n = len(content)
    if n < 4:
        return None
    scores = [_chat_score(text[s:e]) for s, e in content]
    start = None
    for k in range(n - 1, max(2, n // 3) - 1, -1):
        s, e = content[k]
        if scores[k] < 1.5:
            break  # the suffix must be chat all the way to the end
        if scores[k] >= 3.0 and (_has_first_person(text[s:e]) or "?" in text[s:e]):
            start = k
    if start is None:
        return None
    body = scores[:start]
    if sum(body) / len(body) >= 1.5 or scores[start - 1] >= 3.0:
        return None  # no switch: the whole piece is written in this register
    zone_end = content[-1][1]
    return content[start][0], zone_end
