"""Cue words of the key-date judgement (deadlines.py), as data: one entry per cue, German and English together.

Each entry is a regex alternation (matched on lowercased text unless the name says otherwise). Add a word here,
not a branch in the code; the decision list in deadlines.RULES says how the cues combine.
"""

from __future__ import annotations

# a limit preposition right before the time expression ("bis zum", "spätestens am", "no later than")
LIMIT_LEFT = (
    r"(?:\b(?:(?:mindestens|zunächst|vorerst|noch|längstens|nur|only|at\s+least)\s+)?"
    r"(?:bis(?:\s+spätestens|\s+einschließlich|\s+inklusive)?(?:\s+(?:zum|zur|zu|am|an|in|im|den|dem|der|ende|mitte|anfang))?|"
    r"spätestens(?:\s+(?:am|bis|zum|zur|im|in|den|an|nach))?|binnen|innerhalb(?:\s+(?:von|der|des|eines|einer))?|"
    r"(?:no|not)\s+later\s+than|until|till|through|by|within|prior\s+to|before|ahead\s+of|"
    r"(?:has|have|had|(?:gave|given|give)(?:\s+\w+){0,3})\s+until)"
    r"(?:\s+(?:the\s+end\s+of|the|a|an|den|dem|der|die|einem|einer))?\s*)$"
)
EXTEND_LEFT = r"\b(?:auf|bis|to|until|till|for|für)\s+(?:den|dem|zum|das|die|the)?\s*$"
EXTEND = (
    r"\b(?:verlänger\w*|verschob\w*|verschoben|verschieb\w*|aufgeschoben|vorgezogen|vorzuziehen|"
    r"extend\w*|extension|postpon\w*|pushed\s+back|push(?:es|ing)?\s+back|brought\s+forward|bring\s+forward|"
    r"moved\s+(?:back|up|forward|to)|delay\w*|now\s+(?:end|run|last|expire)s?|nun\s+(?:bis|am)|"
    r"neue[rn]?\s+(?:frist|termin|deadline|stichtag)|new\s+(?:deadline|date|cut-?off))\b"
)
# a date that is no longer in force: the old one of a replacement
RETIRE = (
    r"\b(?:no\s+longer|nicht\s+mehr|gilt\s+nicht|hinfällig|obsolet|ursprünglich\w*|originally|original|earlier|"
    r"previous\w*|formerly|bisherig\w*|alte[nr]?|statt|anstatt|anstelle|instead\s+of|rather\s+than|"
    r"(?:was|were)\s+(?:due|set|scheduled|supposed)|"
    r"had\s+been\s+(?:set|due|scheduled|expected)|was\s+(?:set|due|scheduled)\s+to|"
    r"sollte\s+(?:eigentlich|ursprünglich)|eigentlich)\b"
)
BUT_NEW = r"\b(?:sondern|but|instead|stattdessen)\b"
# case-sensitive: German deadline nouns are capitalised
DEADLINE_NOUN = (
    r"\b(?:[A-ZÄÖÜ][a-zäöüß]*frist(?:en)?|Frist(?:en|ende|ablauf|verlängerung|setzung)?|fristgerecht|"
    r"Ultimat\w*|ultimatum\w*|[Dd]eadlines?|Stichtag\w*|[A-ZÄÖÜ][a-zäöüß]*stichtag|"
    r"[A-ZÄÖÜ][a-zäöüß]*(?:melde|sende|bewerbungs|abgabe|antrags|wahl|transfer|anmelde)schluss|"
    r"Transferschluss|Abgabetermin\w*|cut-?off|due(?!\s+to\b)(?:\s+date)?|fällig\w*)\b"
)
# verbs of acting that make a limit a deadline unless the clause is the actor's own plan ("program to pay by")
ACTION = (
    r"\b(?:pay|submit\w*|file|apply|register|comply|respond|appeal|einreichen|einzureichen|anzumelden|abzugeben|"
    r"zu\s+zahlen|zu\s+bezahlen|zurückzahlen|begleichen|zu\s+beantragen)\b"
)
OBLIGATION = (
    r"\b(?:muss|müssen|musste|mussten|müsste|müssten|hat\s+(?:\w+\s+){0,3}zeit|haben\s+(?:\w+\s+){0,3}zeit|"
    r"zeit\s+(?:bis|gegeben|gesetzt)|aufgefordert|aufgerufen|verpflichtet|verpflichtend|angeordnet|anordn\w*|"
    r"anordnung|verordnung|(?<!zur\s)verfügung|gesetz|urteil|bescheid|gefordert|fordert\w*|verlang\w*|auferlegt|gezwungen|"
    r"pflicht|pflicht\w*|zwingend|vorgeschrieben|eingereicht\s+werden|beantragt\s+werden|"
    r"antr(?:ag|äge)\s+(?:müssen|können)|einspruch|widerspruch|berufung|einzulegen|zu\s+registrieren|zahlbar|"
    r"must|required?|requires|has\s+to|have\s+to|had\s+to|ordered|orders?|demand\w*|mandat\w*|oblig\w*|compelled|"
    r"forced|has\s+until|have\s+until|had\s+until|"
    r"ruling|rulings|given(?:\s+\w+){0,3}\s+until|gave\s+\w+(?:\s+\w+)?\s+until|told\s+to|instructed|ruled|decided\s+\w+\s+should|"
    r"should\s+go|requir\w*|supposed\s+to|call(?:s|ed)?\s+for\s+[\w-]+(?:\s+[\w-]+)?\s+to|sind\s+gehalten|ist\s+gehalten|erforderlich|notwendig|necessary)\b"
)
PLAN = (
    # German "plant" (plans), not an English "plant" after a determiner ("close the plant in March")
    r"\b(?:(?<!the\s)(?<!a\s)(?<!its\s)(?<!their\s)(?<!power\s)plant|planen|planten|geplant|plans?\s+to|planned|planning\s+to|will|wollen|wollte|wollten|wolle|möchte\w*|ziel\w*|zielt|anstreb\w*|angestrebt|"
    r"vorgenommen|beabsichtig\w*|hofft|hoffen|erwarte\w*|rechnet|rechnen|prognos\w*|voraussichtlich|"
    r"aims?|aiming|targets?|targeted|goal|pledge\w*|promis\w*|hopes?|expects?|expected|intends?|forecast\w*|"
    r"projected|vows?|wants?|seeks?|program\s+to|sollte\s+alles|versproch\w*|zu\s+erreichen|predict\w*|"
    r"vorhersag\w*|richte\s+mich|davon\s+aus|einrichten|angekündigt|kündig\w*\s+(?:[\w-]+\s+){0,3}?an|announc\w*)\b"
)
# how long something lasts (a state, permission or measure in force)
# a permission until then ("darf bis Ende Juni weiterlaufen", "dürfen sich treffen"): no end of a measure
PERMIT = r"\b(?:darf|dürfen|durfte|durften|dürfe|erlaubt|gestattet|genehmigt|may|allowed|permitted|können|could|könnten)\b"
STATE = (
    r"\b(?:darf|dürfen|durfte|durften|dürfe|erlaubt|gestattet|genehmigt|weiterlaufen|weiterhin|andauern|dauern|"
    r"dauert|dauerte|gilt|gelten|galt|gültig|läuft|laufen|lief|bleib\w*|blieb\w*|gestundet|ausgesetzt|"
    r"aufgeschoben|befristet|geöffnet|geschlossen|verboten|untersagt|in\s+kraft|zu\s+sehen|may|allowed|permitted|"
    r"continu\w*|remain\w*|lasts?|last|deferred|suspended|valid|runs?|open(?!\s+market)|closed|stay\w*|exempt\w*|paused|"
    r"postponed|in\s+place|in\s+force|banned|kept|keep|hold|frozen|reichen|reicht|befristet\w*)\b"
)
# something in force that can end: measures, orders, bans, pauses, offers, programmes (also inside compounds)
MEASURE = (
    # German: also inside compounds ("Kontaktbeschränkungen", "Versammlungsverbot", "Teil-Lockdown")
    r"(?:lockdown|verbot\w*|sperre\w*|maßnahme\w*|beschränkung\w*|einschränkung\w*|regel\w*|auflage\w*|"
    r"notstand|ausnahmezustand|schließung\w*|programm\w*|angebot\w*|aussetzung|moratorium|waffenruhe|"
    r"feuerpause|waffenstillstand|kurzarbeit\w*|regelung\w*|senkung|steuersatz|mehrwertsteuer\w*|hilfen\b|"
    r"hilfspaket|rettungsschirm|ausgangs\w*|quarantäne|stundung|schutzschirm|sanktion\w*|zölle|ferien|rabatt\w*|"
    r"gutschein\w*|pflicht\b|"
    # English: whole words only ("vat" is no measure inside "private")
    r"\b(?:ban|bans|curfew|restrictions?|measures?|rules?|scheme|schemes|programm?es?|pause|truce|ceasefire|"
    r"offers?|bid|state\s+of\s+emergency|emergency|freeze|suspension|relief|tariffs?|vat|cut|exemption|"
    r"waiver|licen[cs]e|furlough|loans?|rights|warrants|protection|holiday|mandate|closures?|shutdown|"
    r"lockdowns?|break|moratorium|discounts?|promotion|vouchers?|coupons?)\b)"
)
# an ending verb governing the date: "ends on October 31", "set to come to an end on", "läuft Ende November aus",
# "the end of furlough in October"
ENDS_AT = (
    r"(?:\b(?:ends?|ending|endet|enden|endete|come\s+to\s+an\s+end|comes\s+to\s+an\s+end|expir\w*|lapses?|"
    r"runs?\s+out|terminat\w*|wound\s+down|winds?\s+down|closes?|closing|close|ausläuft|auslaufen\w*|"
    r"verfällt|erlischt|abläuft|endgültig\s+aus|stops?|ceases?(?:\s+to\s+\w+(?:\s+\w+)?)?)\s+(?:\w+\s+){0,1}?(?:on|in|at|am|im|mit|by|zum|with)?\s*"
    r"(?:the\s+)?|\bend\s+of\s+(?:the\s+)?(?:[\w-]+\s+){1,3}(?:in|on|at)?\s*|"
    r"\b(?:läuft|laufen|lief|liefen|fällt|fallen|fiel|fielen)\s+(?:\w+\s+){0,3}?(?:am|im|zum|mit|um)?\s*)$"
)
# German verb-final and attributive endings after the date: "das am 30. Juni auslaufende Programm",
# "dass das Programm Dienstagnacht ausläuft"
ENDS_AFTER = (
    r"^\s*(?:\w+\s+)?(?:auslaufend\w*|ausläuft|auslaufen|abläuft|ablaufend\w*|endet|endende\w*|enden|"
    r"ausgelaufen|verfällt|verfallend\w*|erlischt)\b"
)
# a photo caption the page interleaves with the text: its dates repeat the text's at best
CAPTION = (
    r"\bpictured\b|\((?:left|right|centre|center|above|below|top|bottom|file\s+photo)\)|^(?:photo|foto|bild|"
    r"image|picture)\s*:|\b(?:photo|foto|bild)\s*:\s|\bim\s+bild\b|©"
)
# time words in idioms, no calendar time ("on a month-to-month basis", "day-to-day")
IDIOM = r"\b(?:month|day|year|week)-to-(?:month|day|year|week)\b|\bvon\s+tag\s+zu\s+tag\b"
# hedged: someone's expectation or a possibility, not a set date
HEDGE = (
    r"\b(?:möglicherweise|eventuell|vielleicht|wahrscheinlich|gehe\s+davon\s+aus|gehen\s+davon\s+aus|"
    r"geht\s+davon\s+aus|rechne\s+damit|rechnen\s+damit|richte\s+mich|könnte|könnten|possibly|perhaps|might|"
    r"likely|believes?|glaubt?|could|würde|würden|wäre)\b"
)
# a speaker's expectation around the date: "Ich gehe zum jetzigen Zeitpunkt davon aus, dass wir … bis zum 17. Januar
# verlängern müssen" is no obligation yet, whatever modal the expected clause carries
EXPECT = (
    r"\b(?:gehe|gehen|geht)\s+(?:[\w-]+\s+){0,4}?davon\s+aus\b|\brechne[nt]?\s+(?:[\w-]+\s+){0,3}?damit\b|"
    # bracing for it: "Ich richte mich darauf ein, dass wir bis März … leben müssen", "stellen uns darauf ein"
    r"\b(?:richte|richten|richtet|stelle|stellen|stellt|bereite|bereiten|bereitet)\s+(?:mich|uns|sich|euch)\s+"
    r"(?:[\w-]+\s+){0,3}?darauf\s+(?:ein|vor)\b|"
    r"\b(?:expects?|expected|assumes?)\s+that\b|\b(?:brac\w+|prepar\w+)\s+(?:\w+\s+){0,2}?for\s+the\s+(?:possibility|prospect)\s+that\b"
)
# asked for, not decided: an extension someone calls for
REQUEST = (
    r"\b(?:urg\w*|call\w*\s+(?:for|on)|calls|demand\w*|ask\w*\s+for|lobby\w*|pressure|fordern|fordert|"
    r"forderte\w*|verlangen|appell\w*|drängen|drängt|plädier\w*|sprach\s+sich|spricht\s+sich|"
    r"für\s+(?:eine\s+)?verlängerung|schloss\b[^.]{0,40}\baus|ins\s+spiel|erwäg\w*|considering|mulls?)\b"
)
EXPIRY_STRONG = (
    r"\b(?:(?:läuft|lief|liefen)\b[^.;]{0,60}\b(?:aus|ab)\b|(?:fällt|fallen|fiel|fielen)\b[^.;]{0,60}\bweg|entfällt|ausläuft|auslaufen\w*|laufen\b[^.;]{0,60}\baus|erlischt|erlöschen|verfällt|"
    r"verfallen|expir\w*|lapses?|lapsing|terminat\w*|runs?\s+out|comes?\s+to\s+an\s+end|endet|enden|ends|end)\b"
)
UNLESS = r"\b(?:sofern\s+nicht|es\s+sei\s+denn|wenn\s+nicht|falls\s+nicht|unless|if\s+not)\b"
SOFT_MODAL = r"\b(?:soll|sollen|sollte|sollten|should|shall|is\s+to|are\s+to|was\s+to|were\s+to|set\s+to)\b"
EFFECTIVE = (
    r"\b(?:in\s+kraft\s+(?:tritt|treten|trat|getreten)|tritt\b[^.;]{0,60}\bin\s+kraft|treten\b[^.;]{0,60}\bin\s+kraft|"
    r"takes?\s+effect|took\s+effect|effective|comes?\s+into\s+force|come\s+into\s+force|into\s+effect|"
    r"gilt\s+ab|gelten\s+ab)\b"
)
# a start verb governing the date ("starts on 1 November", "beginnt am Montag"); "have to start talks before" is
# an obligation's action, not a start date
START_VERB = (
    r"\b(?:starts?|starting|started|begins?|beginning|began|beginnt|beginnen|begann|startet|starten|startete|"
    r"launch\w*|opens?|kicks?\s+off)\s+(?:\w+\s+)?(?:on|in|at|from|am|im|zum|ab)?\s*(?:the\s+|dem\s+)?$"
)
STATS = (
    r"\b(?:gingen|eingegangen|eingingen|gezählt|zählte\w*|registrierte\w*|verzeichnet\w*|erfasst|received|"
    r"were\s+(?:filed|submitted|received|registered|counted)|had\s+been\s+(?:filed|submitted|received)|"
    r"liegen\b[^.;]{0,30}\bvor|prozent|percent|per\s+cent|neuinfektion\w*|infektionen|ansteckungen|"
    r"neuansteckung\w*|einwohner\w*|inzidenz\w*|fälle|cases|per\s+100,?000|stieg|stiegen|sank|sanken|wuchs|"
    r"kletterte\w*|fiel|fielen|rose|fell|grew|climbed|increased|decreased|dropped)\b"
)
DUE_EVENT = r"\bdue\s+to\s+(?!expire|lapse|end\b|run\s+out|be\s+(?:paid|repaid|submitted|filed))\w+"
MATURITY = r"\b(?:bonds?|notes?|debentures?|securities|anleihen?|paper|loan\s+notes)\b[^.;]{0,40}\bdue\s+(?:on\s+)?$"
COURT = (
    r"\b(?:gericht\w*|prozess\w*|verhandlung\w*|anhörung|urteilsverkündung|court|hearing|trial|testify|arraign\w*|"
    r"sentencing|verdict|jury|subpoena\w*|appear\w*)\b"
)
# an application or registration window open until the date
WINDOW = (
    r"\b(?:anmeld\w*|bewerb\w*|antr(?:ag|äge)\w*|antragstellung|einreich\w*|einsend\w*|"
    r"registrier\w*|apply|applications?|applicants|register\w*|sign\s+up|enrol\w*|nominations?|entries|submissions?|"
    r"(?:transfer|application|enrol\w*|registration|filing|submission|booking|exchange|nomination)\s+window|"
    r"transferfenster|wechselfenster)\b"
)
ZU_INF = (
    r"\bzu\s+[a-zäöüß]{3,}\b|\b(?:ab|an|auf|aus|bei|ein|fest|her|hin|mit|nach|vor|weg|zurück|zusammen|dar|durch|"
    r"um|über|unter|wieder|frei|statt|teil|bereit|fertig|los|zu|still|kund|offen|klar|bekannt|hoch|fort|weiter)zu[a-zäöüß]{3,}(?:en|ern|eln)\b"
)
TO_INF = r"^\s*(?:,\s*)?(?:in\s+order\s+)?to\s+[a-z]{2,}"
INITIALLY = r"\b(?:zunächst|vorerst|vorläufig|erst\s+einmal|initially|for\s+now|at\s+first)\b"
WITHIN = (
    r"\b(?:binnen|innerhalb(?:\s+(?:von|der|des|eines|einer))?|within|in\s+den\s+nächsten|in\s+the\s+next|"
    r"spätestens(?:\s+(?:nach|in))?|no\s+later\s+than)\s+$"
)
# a duration's limit word right after it ("zehn Tage Zeit", "14 days to respond", "45-tägige Frist")
DURATION_RIGHT = (
    r"^\s*(?:-?\s*(?:tägige|wöchige|monatige|stündige|jährige)\s+)?(?:frist|zeit|ultimatum|galgenfrist|deadline|"
    r"time|aufschub|to\s+[a-z]{2,}|,\s*um\s+[^.;:]{0,80}?(?:\bzu\s+[a-zäöüß]{3,}|[a-zäöüß]+zu[a-zäöüß]{3,}))\b"
)
DURATION_WORD = r"(?:tägig|wöchig|monatig|stündig)\w*\s+(?:frist|ultimatum|galgenfrist)"
# "von 16. bis 18. Juni", "from May 2 to May 4": the end of an event's span
RANGE_LEFT = (
    r"(?:\b(?:von|vom|ab|from|between)\s+\S+(?:\s+\S+){0,2}\s+|\d\.?\s*|\b(?:ein|eine|zwei|drei|vier|fünf|sechs|"
    r"sieben|acht|neun|zehn|elf|zwölf|one|two|three|four|five|six|seven|eight|nine|ten)\s+)"
    r"(?:bis|to|until|and|or|oder|-|–)\s+(?:zum\s+|zur\s+)?$"
)
START_LEFT = r"\b(?:ab|from|starting|beginning|as\s+of)\s+(?:dem\s+|der\s+|the\s+)?(?:stichtag\s+)?$"
# an obligation verb right after the date: "Ende Juni muss Athen zurückzahlen"
MODAL_NEXT = r"^\s*(?:muss|müssen|musste|mussten|must|has\s+to|have\s+to)\b"
# a duration's "to VERB" limit only after a verb of granting or having ("has only 14 days to decide")
DURATION_GRANT = (
    r"\b(?:has|have|had|gave|given|gives?|gets?|got|hat|haben|hatte|erhielt|bekommt|bekam|gewährt\w*|gab|gibt|geben|"
    r"gegeben|räumt\w*|eingeräumt|lässt|ließ|setzt\w*|gesetzt)\b"
)
EVENT_LEFT = (
    r"\b(?:am|vom|von|seit|ab|im|in|um|zum|zur|während|nach|vor|on|since|from|in|at|during|after|before|"
    r"last|this|next|dated)\s+(?:dem\s+|den\s+|der\s+|the\s+)?$"
)

# Countries by the words that name them (case-sensitive; names, adjectives and genitives in English and German;
# the pattern adds the English possessive "Germany's"). A measure the sentence gives only to a country the
# article is not about is another country's key date, named for comparison ("similar to Germany's Kurzarbeit,
# extended until 2021").
COUNTRIES = {
    "GB": r"UK|U\.K\.|Britain|British|Britons?|Scotland|Scottish|Wales|Welsh|United\s+Kingdom|"
          r"Großbritannien[s]?|britische[nmrs]?|Briten|Vereinigte[ns]?\s+Königreich[es]*",
    "DE": r"Germany|German|Germans|Deutschland[s]?|deutsche[nmrs]?|Deutsche[nmrs]?|Bundesrepublik",
    "FR": r"France|French|Frankreich[s]?|französische[nmrs]?|Franzosen",
    "US": r"US|U\.S\.|USA|America|American|Americans|United\s+States|Amerika[s]?|"
          r"amerikanische[nmrs]?|Amerikaner|Vereinigte[n]?\s+Staaten",
    "IT": r"Italy|Italian|Italien[s]?|italienische[nmrs]?|Italiener",
    "ES": r"Spain|Spanish|Spanien[s]?|spanische[nmrs]?|Spanier",
    "AT": r"Austria|Austrian|Österreich[s]?|österreichische[nmrs]?|Österreicher",
    "CH": r"Switzerland|Swiss|Schweiz|schweizerische[nmrs]?|Schweizer",
    "NL": r"Netherlands|Dutch|Holland|Niederlande[n]?|niederländische[nmrs]?|Niederländer",
    "BE": r"Belgium|Belgian|Belgien[s]?|belgische[nmrs]?",
    "PL": r"Poland|Polish|Polen[s]?|polnische[nmrs]?",
    "SE": r"Sweden|Swedish|Schweden[s]?|schwedische[nmrs]?",
    "DK": r"Denmark|Danish|Dänemark[s]?|dänische[nmrs]?",
    "NO": r"Norway|Norwegian|Norwegen[s]?|norwegische[nmrs]?",
    "IE": r"Ireland|Irish|Irland[s]?|irische[nmrs]?",
    "CZ": r"Czech\s+Republic|Czechia|Czech|Tschechien[s]?|tschechische[nmrs]?",
    "GR": r"Greece|Greek|Griechenland[s]?|griechische[nmrs]?",
    "PT": r"Portugal|Portuguese|Portugal[s]?|portugiesische[nmrs]?",
    "IL": r"Israel|Israeli|Israels|israelische[nmrs]?",
    "CN": r"China|Chinese|Chinas|chinesische[nmrs]?",
    "JP": r"Japan|Japanese|Japans|japanische[nmrs]?",
    "RU": r"Russia|Russian|Russland[s]?|russische[nmrs]?",
    "IN": r"India|Indian|Indien[s]?|indische[nmrs]?",
    "CA": r"Canada|Canadian|Kanada[s]?|kanadische[nmrs]?",
    "AU": r"Australia|Australian|Australien[s]?|australische[nmrs]?",
}
# a country named as a place of travel or origin, a company's seat ("based in Basel, Switzerland") or a model
# owns no measure in the sentence
COUNTRY_NOT_OWNER_LEFT = (
    r"(?:\b(?i:from|to|into|via|nach|aus|über)\s+(?:the\s+)?|"
    r"\b(?i:based|headquartered|Sitz)\s+in\s+(?:[A-ZÄÖÜ][\w.-]+,?\s+)?|[A-ZÄÖÜ][\w.-]+,\s+)$"
)
COUNTRY_NOT_OWNER_RIGHT = r"^(?:-?style|-Stil|\s+model|\s+Vorbild|\s+Modell)"
# an article that reports a draft or proposal (case-sensitive: German nouns); its soft-modal dates ("soll bis
# zum 17. Januar gelten") are planned, and a later decision may drop them
DRAFT = (
    r"\b(?:Entwurf|Entwurfs|Beschlussentwurf\w*|Beschlussvorlage\w*|Beschlusspapier\w*|[Dd]raft\s+(?:law|bill|"
    r"plan|proposal|document|decision|agreement|text)s?|[Ll]eaked\s+(?:plans?|documents?|draft)|"
    # a plain "Papier"/"Vorlage"/"proposal" only where the article quotes it as its source
    r"(?:[Ll]aut|[Ii]n|aus)\s+(?:dem|einem|der|einer)\s+(?:Papier|Vorlage|Vorschlag)|"
    r"according\s+to\s+(?:the|a)\s+(?:proposal|plan|document))\b"
)
# a condition on acting in time: "Wenn bis zum 21. April keine Einigung erzielt wird, …", "if they mail an offer by
# Nov. 22, …" (the clause before the date opens with it)
CONDITIONAL = r"\b(?:wenn|falls|sofern|if|unless|provided\s+that)\b"
# the same condition with the verb first, as German and formal English put it ("Sollte bis zum 30. Juni keine Einigung
# vorliegen, …", "Kommt bis Ende Mai kein Angebot, …", "Should no deal be reached by June 30, …")
CONDITIONAL_V1 = (
    r"^\W*(?:sollte|sollten|kommt|kommen|käme|kämen|gibt|gäbe|liegt|liegen|läge|lägen|findet|fände|bleibt|bleiben|"
    r"bliebe|should|were)\b"
)
# what such a condition is about when it sets a limit: an agreement, an offer, a decision, or its absence
CONDITION_OUTCOME = (
    r"\b(?:keine|kein|nicht|einigung|geeinigt|lösung|kompromiss|angebot|zustimmung|entscheidung|vorgelegt|"
    r"no|not|agreement|agreed|deal|settlement|offer|approval|decision|submitted)\b"
)
# something to be finished by then: "Bis Samstag soll das Reglement stehen", "the report is to be completed by May"
COMPLETION = (
    r"\b(?:stehen|vorliegen|vorgelegt|fertig|abgeschlossen|erledigt|geklärt|eingereicht|umgesetzt|entschieden|"
    r"be\s+(?:completed|finished|submitted|decided|ready|agreed|finali[sz]ed|in\s+place))\b"
)
# whoever acts by then gets something: an offer's or a window's end ("Wer bis Ende Juli noch umsteigen möchte, …",
# "Anyone who registers by May 1 gets …"); the clause before the date opens with it
WHOEVER = r"\b(?:wer|whoever|anyone\s+who|those\s+who|all\s+who|everyone\s+who|customers\s+who)\b"
# what such a person does by then: an act or a wish to act, not a state ("Wer bis Sonntag kein Ticket hat")
WHOEVER_ACT = (
    r"\b(?:möcht\w*|will|wollen|wünsch\w*|wants?|wish\w*|\w*meld\w*|registr\w*|beantrag\w*|bestell\w*|buch\w*|"
    r"kündig\w*|wechsel\w*|umsteig\w*|\w*zusteigen|einreich\w*|abschließ\w*|bewirbt|bewerben|appl(?:y|ies)|"
    r"register\w*|signs?\s+up|orders?|books?|switch\w*|enrol\w*|submits?|files?|claims?|tender\w*)\b"
)
# a duration after which something is due again: "die Prüfung ist nach zwei Jahren wieder erforderlich", "the permit
# must be renewed after five years" (a recurring obligation; the README labels them)
RECUR_LEFT = r"\b(?:nach|after|alle|every|spätestens\s+nach)\s+$"
RECUR = r"\b(?:wieder|erneut|neu|again|anew|renew\w*|erneuer\w*|verlänger\w*|wiederhol\w*|repeat\w*)\b"
# a tender or exchange window: "buy all shares tendered … from today through Nov. 17", "Annahmefrist"
TENDER = r"\b(?:tender\w*|exchange\s+offer|offer\s+period|annahme\w*|umtausch\w*|andien\w*)\b"
# a decision or action put off to a date: the date by which it is due ("postponed until Tuesday any action on …",
# "die Entscheidung wurde auf Freitag vertagt")
DECISION = r"\b(?:any\s+action|action\s+on|(?:a|any|the|its|their)\s+decision|entscheidung\w*|beschlussfassung)\b"
# an obligation to act on a date, the date governed by the act ("requires the company to begin an auction in June
# 1994", "ordered the firm to pay on May 1"); a plain "must … on Saturday" / "muss am Samstag" is mostly a fixture
# ("the team must play away on Saturday"), so only the explicit verbs of obliging
OBLIGED_TO = (
    r"\b(?:(?:is|are|was|were|be|been)\s+(?:required|obliged|ordered|compelled)\s+to|"
    r"(?:requires?|required|ordered|obliges?|obliged|compels?|compelled|directs?|directed)\s+(?:[\w'’.-]+\s+){1,4}?to|"
    r"verpflichtet|aufgefordert|angewiesen)\b,?(?:\s+[^\s.;:!?]+){0,10}?\s*$"
)
# an act the sentence points back to, dated in the sentence before: a duration it sets counts from that date ("…
# an Aug. 10, 1988, stock purchase agreement. That accord also called for … within 18 months")
ACT_ANAPHOR = (
    r"\b(?:[Tt]hat|[Tt]his|[Tt]he)\s+(?:accord|agreement|deal|order|ruling|decision|law|contract|pact|settlement|"
    r"resolution)\b|\b(?:[Dd]ies\w*|[Dd]as|[Dd]ie|[Dd]er|[Dd]em)\s+(?:Abkommen|Vereinbarung|Beschluss|Urteil|"
    r"Verordnung|Vertrag|Gesetz|Einigung|Entscheidung|Bescheid)\b"
)
# a scheduled event: moving it sets no key date ("Die Sitzung wurde auf Donnerstag verschoben", "the match was
# postponed until Sunday")
EVENT_NOUN = (
    r"\b(?:sitzung\w*|treffen|termin|spiel|spiele|partie|wahl|wahlen|abstimmung\w*|konferenz\w*|gipfel\w*|"
    r"veranstaltung\w*|konzert\w*|premiere|feier\w*|verhandlung\w*|anhörung|prozess\w*|start|"
    r"meeting|match|game|vote|election|summit|conference|concert|launch|hearing|trial|ceremony|session|talks|"
    r"race|show|visit|trip|flight|event)\b"
)
# a window still open: its date lies ahead ("läuft noch bis 12. März", "is still open until", "weiterhin bis")
STILL = r"\b(?:noch|still|weiterhin)\b"
# a start verb right after the date: "Am Montag beginnt die Anmeldefrist", "On May 2 begins the window"
START_AFTER = r"^\s*,?\s*(?:beginnt|beginnen|startet|starten|begann|startete|läuft\s+\w+\s+an|begins|starts|opens)\b"
# the English future of a lasting state ("will remain in force until April 30", "will stay closed until"): what is in
# force then ends, whatever "will" says elsewhere of plans; English verbs only (German "will … bleiben" is a wish)
FUTURE_STATE = (
    r"\b(?:will|shall|is\s+to|are\s+to)\s+(?:\w+\s+)?(?:remain|stay|continue|last|run|be\s+in\s+(?:force|place|effect)|"
    r"be\s+(?:extended|suspended|closed|banned))\b"
)

# -- what a key date is about: the noun phrase of the thing that ends (keydate_what.py) --------------------------
# an article of the genitive singular: the measure after it carries a genitive -s ("Verlängerung des Teil-Lockdowns")
GENITIVE_ARTICLE = r"des|eines|dieses|jenes|seines|ihres|unseres|meines|deines|eures|keines"
# any article or determiner: the nearest one before a noun says its case
ARTICLE = (
    r"der|die|das|den|dem|des|ein|eine|einer|einen|einem|eines|diese[nmrs]?|jene[nmrs]?|seine[nmrs]?|ihre[nmrs]?|"
    r"unsere[nmrs]?|keine[nmrs]?|the|a|an|this|that|these|those|its|their|his|her"
)
# words that open a clause but belong to no noun phrase (sentence adverbs, conjunctions, auxiliaries and modals);
# case-insensitive, whole words
NP_LEAD = (
    r"so|auch|damit|dann|zudem|außerdem|nun|jetzt|noch|doch|aber|und|oder|dabei|daher|deshalb|also|zunächst|"
    r"vorerst|bereits|schon|allerdings|jedoch|nämlich|soll|sollen|sollte|sollten|wird|werden|wurde|wurden|muss|"
    r"müssen|kann|können|ist|sind|war|waren|hat|haben|der|die|das|den|dem|des|ein|eine|einen|einem|einer|"
    r"derzeitige[nmrs]?|geltende[nmrs]?|aktuelle[nmrs]?|bisherige[nmrs]?|"
    r"and|but|so|also|then|now|the|a|an|its|their|his|her|this|that|these|those|current|existing"
)
# a verb or auxiliary: a noun phrase ends before it (English and German, lowercase)
NP_VERB = (
    r"is|are|was|were|be|been|being|will|would|shall|should|can|could|may|might|must|has|have|had|does|do|did|"
    r"ends?|ended|expires?|expired|lapses?|lapsed|runs?|ran|closes?|closed|stops?|stopped|remains?|stays?|"
    r"continues?|lasts?|extended|postponed|delayed|suspended|"
    r"ist|sind|war|waren|sei|wird|werden|wurde|wurden|worden|soll|sollen|sollte|sollten|muss|müssen|kann|können|"
    r"gilt|gelten|galt|läuft|laufen|lief|endet|enden|endete|bleibt|bleiben|dauert|dauern|verlängert|verschoben|"
    r"ausgesetzt|befristet"
)
# the verbs of a lasting state among them: what stays so is not what ends ("Schulen bleiben geschlossen")
NP_STATE_VERB = r"remains?|stays?|continues?|lasts?|bleibt|bleiben|dauert|dauern|gilt|gelten|galt|läuft|laufen|lief"
# pronouns: a noun phrase of them alone names nothing
PRONOUN = r"it|they|this|that|these|those|es|sie|er|dies|diese|das|der|die|man"
# nouns that are plural only: their lemma is the word itself ("Weihnachtsferien" enden); compounds end in them
PLURAL_ONLY = r"ferien|eltern|kosten|leute|finanzen|spesen|trümmer|daten|lebensmittel|arms|means|clothes|goods|savings|earnings|proceeds"
# English words ending in -s that are singular ("status", "crisis", "news", "CBILS" as an acronym)
SINGULAR_S = r"news|series|species|status|crisis|basis|analysis|bus|gas|lens|bonus|census|virus|corpus|campus|chaos"
# words for the steps that make a measure: a pronoun's antecedent, but no name for what ends ("die drastischen
# Schritte" stand for the Teil-Lockdown the article names)
WEAK_ANTECEDENT = r"schritte|beschlüsse|steps|decisions"
# who an obligation binds when the text names them by what they do ("those looking to lay off staff must …")
GENERIC_SUBJECT = r"those|anyone|everyone|whoever|firms|companies|employers|businesses|people|landlords|tenants|owners"
