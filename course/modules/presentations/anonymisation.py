"""The anonymisation check for case briefs (DOMAIN.md section 5): pure functions, no Flask.

`find_identifiers(text)` returns the likely identifiers in a piece of writing, each with the rule
it broke and how to fix it. It leans towards catching identifiers, but ordinary anonymised
writing passes: "Child A", "Mother", "Session 3", "in March", "the primary school".
`find_sensitive_terms(text)` finds special-category words, which are a prompt, not a refusal.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FIRST_NAMES_FILE = Path(__file__).parent / "data" / "first_names.txt"


@dataclass(frozen=True)
class Rule:
    """What a finding is called and how to put it right."""

    label: str
    advice: str


RULES = {
    "email": Rule("Email address", "Remove it. The group never needs contact details."),
    "ni_number": Rule("National Insurance number", "Remove it. No record numbers in a brief."),
    "postcode": Rule(
        "Postcode", "Remove the address. Say 'in the borough' or 'on a large estate'."
    ),
    "date_of_birth": Rule(
        "Date of birth",
        "Leave the date out. Give an age band instead: 'a child of primary-school age', "
        "'a teenager'.",
    ),
    "full_date": Rule(
        "Exact date",
        "Exact dates help someone work out who the family is. Say 'last spring', "
        "'in the summer holidays' or 'three weeks before the conference'.",
    ),
    "phone": Rule("Phone number", "Remove it. The group never needs contact details."),
    "nhs_number": Rule(
        "NHS number (10 digits)", "Remove it. No health or record numbers in a brief."
    ),
    "case_reference": Rule(
        "Case or court reference",
        "Remove it. The group never needs case, court or system (LCS, Mosaic) numbers.",
    ),
    "vehicle_registration": Rule("Vehicle registration", "Remove it, or say 'the family's car'."),
    "school": Rule(
        "Name of a school, nursery or college",
        "Say what kind of place it is: 'a primary school', 'a secondary school', 'a nursery'.",
    ),
    "address": Rule(
        "Street or estate name", "Say 'a large estate', 'a street nearby' or 'in the borough'."
    ),
    "health_setting": Rule(
        "Name of a GP surgery, hospital or clinic",
        "Say 'the GP', 'the local hospital' or 'a specialist clinic'.",
    ),
    "named_place": Rule(
        "Name of a place",
        "Say what kind of place it is, not its name: 'a family centre', 'a children's home', "
        "'a place of worship'.",
    ),
    "titled_name": Rule(
        "Name with a title",
        "Use the person's role instead: 'the GP', 'the social worker', 'the judge', "
        "'the police officer'.",
    ),
    "first_name": Rule(
        "First name",
        "Use the group's pseudonyms: 'Child A', 'Child B', 'Mother', 'Father', "
        "'Mother's partner', 'the maternal grandmother'.",
    ),
    "infant_age": Rule(
        "Exact age of a baby", "Say 'a young baby', 'under a year old' or 'a toddler'."
    ),
    "long_number": Rule(
        "Long number",
        "A long number may be a case, record or ID number. Remove it, or round it ('about 120').",
    ),
    "social_handle": Rule(
        "Social media handle", "Remove it. Say 'posts on social media' if it matters."
    ),
}

# Public cases and authors the group may name: they identify no family the managers work with.
ALLOWED_PHRASES = (
    "Baby Peter", "Baby P", "Peter Connelly", "Victoria Climbié", "Victoria Climbie",
    "Daniel Pelka", "Khyra Ishaq", "Arthur Labinjo-Hughes", "Star Hobson", "Maria Colwell",
    "Jasmine Beckford", "Lord Laming", "Eileen Munro", "Professor Munro", "Professor Eileen Munro",
    "Gillian Ruch", "Harry Ferguson", "Jane Wonnacott", "Donald Schön", "Donald Schon",
    "Graham Gibbs", "David Kolb", "Edgar Schein", "Isabel Menzies", "Wilfred Bion",
    "Tony Morrison", "Liz Beddoe", "Janet Mattinson",
)  # fmt: skip

# Capitalised months and abbreviations, or full names in lower case, but never "may" or "march".
MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|january|february|april"
    r"|june|july|august|september|october|november|december)"
)
DAY_NUMBER = r"(?:[12]\d|3[01]|0?[1-9])"
ORDINAL = r"(?:st|nd|rd|th)"
BIRTH_WORDS = re.compile(
    r"\b(?:born|birth|dob|d\.o\.b|birthday|b\.)\W{0,3}(?:\w+\W+){0,3}$", re.IGNORECASE
)

SCHOOL_WORDS = (
    "Primary School", "Secondary School", "Infant School", "Junior School", "High School",
    "Grammar School", "School", "Academy", "Nursery", "College", "Pre-school", "Preschool",
    "Playgroup", "Sixth Form",
)  # fmt: skip
ADDRESS_WORDS = (
    "Road", "Rd", "Street", "Lane", "Avenue", "Close", "Drive", "Crescent", "Gardens", "Grove",
    "Terrace", "Square", "Estate", "Mews", "Way", "Tower", "Towers", "Flats",
)  # fmt: skip
HEALTH_WORDS = (
    "Health Centre", "Medical Centre", "Medical Practice", "Surgery", "Hospital", "Clinic",
    "Practice", "Ward", "Hospice",
)  # fmt: skip
PLACE_WORDS = (
    "Children's Centre", "Children’s Centre", "Family Centre", "Children's Home",
    "Children’s Home", "Centre", "Church", "Mosque", "Temple", "Synagogue", "Gurdwara", "Park",
    "House", "Court", "Prison", "Hostel", "Refuge",
)  # fmt: skip
PLACE_RULE = {
    **dict.fromkeys(SCHOOL_WORDS, "school"),
    **dict.fromkeys(ADDRESS_WORDS, "address"),
    **dict.fromkeys(HEALTH_WORDS, "health_setting"),
    **dict.fromkeys(PLACE_WORDS, "named_place"),
}
# Capitalised words that name a kind of place, or start a sentence, rather than name the place.
_GENERIC = """
    A An The This That These Those Her His Their Our My Your Its At In On To From By With Of For
    And But Or Nor So As If When While After Before Since Until Then Now Last Next Previous
    Current Same Different Another Every Each Any Some No Both All Which What Whose Where Also
    Local New Old Family Crown County High Youth Magistrates Magistrates' Appeal Primary Secondary
    Infant Infants Junior Special Mainstream Boarding Residential Private Independent Free Faith
    Grammar Community General District Royal Children's Children’s Day Night Care Foster Council
    Town City Civic Health Medical Mental Maternity Psychiatric Secure Safe Sure Start Nursery
    School Academy College Hospital Surgery Practice Centre Court Road Street Estate Car Main
    Catholic RC CE Church England Methodist Baptist Jewish Muslim Islamic Sikh Hindu Parish
    Village Country National State Specialist Pupil Referral Unit Inpatient Outpatient GP
    Child Mother Father Parent Parents Grandmother Grandfather Partner Baby Session Group Team
    I We He She They It Dad Mum Contact Assessment Resource Leisure Shopping Sports Job Advice
    Women's Women’s Men's Men’s Early Years Help Support Supported Temporary Emergency Crisis
    Detention Immigration Remand Theme Police Social Services Housing Respite
    """
GENERIC_WORDS = frozenset(_GENERIC.split())
TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Cllr|Councillor|PC|DC|DS|DI|Sgt|Judge|HHJ)"


@dataclass(frozen=True)
class Finding:
    """One likely identifier: where it is, what it is, and how to fix it."""

    rule: str
    text: str
    start: int
    end: int

    @property
    def label(self):
        """The rule's name, e.g. 'Postcode'."""
        return RULES[self.rule].label

    @property
    def advice(self):
        """How to put it right."""
        return RULES[self.rule].advice


def _compile(pattern, flags=0):
    return re.compile(pattern, flags | re.VERBOSE)


EMAIL = _compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
SOCIAL_HANDLE = _compile(r"(?<![\w@.])@[A-Za-z0-9_]{2,30}\b")
# Any two letters: people often type HMRC's own example prefix, QQ.
NI_NUMBER = _compile(r"\b[A-Z]{2}\ ?\d{2}\ ?\d{2}\ ?\d{2}\ ?[A-D]\b", re.IGNORECASE)
POSTCODE = _compile(
    r"""\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?)\ ?\d(?!(?:st|nd|rd|th)\b)[ABD-HJLNP-UW-Z]{2}\b""",
    re.IGNORECASE,
)
NUMERIC_DATE = _compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/.-])")
ISO_DATE = _compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
WORDY_DATE = _compile(
    rf"""\b{DAY_NUMBER}{ORDINAL}?\s+(?:of\s+)?{MONTHS}\b\.?(?:,?\s+(?:\d{{4}}|'\d{{2}})\b)?
       | \b{MONTHS}\.?\s+(?: {DAY_NUMBER}{ORDINAL}\b(?:,?\s+\d{{4}}\b)?
                           | {DAY_NUMBER},?\s+\d{{4}}\b )"""
)
DOB_LABEL = _compile(
    r"\b(?:dob|d\.o\.b\.?|date\ of\ birth)\s*[:\-]?\s*[\w/.-]*\d[\w/-]*", re.IGNORECASE
)
PHONE = _compile(
    r"""(?<![\d+])
        (?: \+44\s?(?:\(0\)\s?)?\d(?:[\s-]?\d){8,9}
          | \(0\d{2,4}\)\s?\d(?:[\s-]?\d){5,7}
          | 0\d(?:[\s-]?\d){8,9} )
        (?!\d)"""
)
NHS_NUMBER = _compile(r"(?<![\d+])\d{3}[\ -]?\d{3}[\ -]?\d{4}(?!\d)")
CASE_REFERENCE = _compile(
    r"""\b(?:case|court|ref|reference|file|record|mosaic|lcs|ics|eclipse|liquid\s?logic|crn
          |client|person|police|crime|incident|log|claim|id)\b\.?
        \s*(?:(?:number|no\.?|num|ref|reference|id|\#)\s*)?(?:(?:is|was|of)\s+)?[:\#]?\s*
        ([A-Z0-9][A-Z0-9/-]{3,})""",
    re.IGNORECASE,
)
COURT_NUMBER = _compile(r"\b[A-Z]{2}\d{2}[A-Z]\d{5}\b")
# Letters and figures in three or more parts, like AB/1234/21 or CAD-4471-22.
REFERENCE_LIKE = _compile(
    r"\b(?=[A-Z0-9/-]*[A-Z])(?=[A-Z0-9/-]*\d{3})[A-Z0-9]+(?:[/-][A-Z0-9]+){2,}\b"
)
LONG_NUMBER = _compile(r"(?<![\d.,£$€])\d{6,}(?!\d|[.,]\d|\s?%)")
VEHICLE = _compile(r"\b[A-Z]{2}\d{2}\ ?[A-Z]{3}\b")
INFANT_AGE = _compile(
    r"""\b\d{1,2}(?:\s|-)(?:days?|weeks?|months?)(?:\s|-)old\b
      | \baged?\s+\d{1,2}\s+(?:days?|weeks?|months?)\b""",
    re.IGNORECASE,
)
_PLACE_ALTERNATION = "|".join(re.escape(word) for word in sorted(PLACE_RULE, key=len, reverse=True))
NAMED_PLACE = re.compile(rf"\b((?:[A-Z][A-Za-z'’-]*\.?\s+){{1,4}})({_PLACE_ALTERNATION})\b")
TITLED_NAME = _compile(rf"\b{TITLES}\.?\s+[A-Z][a-z'’-]+(?:-[A-Z][a-z]+)?")
CAPITALISED_WORD = _compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")

SENSITIVE_ACRONYMS = _compile(r"\b(?:HIV|AIDS|ADHD|FGM)\b")
SENSITIVE_TERMS = _compile(
    r"""\b(?:hepatitis|autis(?:m|tic)|schizophreni[ac]|bipolar|psychosis|psychotic
          |cancer|terminal(?:ly)?\s+ill|dementia|Muslim|Christian|Jewish|Hindu|Sikh|Buddhist
          |Jehovah['’]s\s+Witness(?:es)?|gay|lesbian|bisexual|transgender|asylum|refugee
          |immigration\s+status|no\s+recourse\s+to\s+public\s+funds|trafficked|trafficking
          |convicted|conviction|prison|sex\s+offender)\b""",
    re.IGNORECASE,
)


@cache
def first_names():
    """The shipped list of common first names."""
    lines = FIRST_NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _plausible_date(day, month):
    """Whether two numbers can be a day and a month, either way round."""
    return (1 <= day <= 31 and 1 <= month <= 12) or (1 <= month <= 31 and 1 <= day <= 12)


def _date_rule(text, start):
    """A date just after 'born' or 'DOB' is a date of birth; others are exact dates."""
    return "date_of_birth" if BIRTH_WORDS.search(text[max(0, start - 40) : start]) else "full_date"


def _dates(text):
    """Full dates in figures or words, and anything labelled as a date of birth."""
    for match in NUMERIC_DATE.finditer(text):
        day, month = int(match.group(1)), int(match.group(2))
        if _plausible_date(day, month):
            yield _date_rule(text, match.start()), match.start(), match.end()
    for match in ISO_DATE.finditer(text):
        if 1 <= int(match.group(2)) <= 12 and 1 <= int(match.group(3)) <= 31:
            yield _date_rule(text, match.start()), match.start(), match.end()
    for match in WORDY_DATE.finditer(text):
        yield _date_rule(text, match.start()), match.start(), match.end()
    for match in DOB_LABEL.finditer(text):
        yield "date_of_birth", match.start(), match.end()


def _case_references(text):
    """Numbers introduced as case, court or system references, and court case numbers."""
    for match in CASE_REFERENCE.finditer(text):
        token = match.group(1).rstrip("/-")
        digits = sum(ch.isdigit() for ch in token)
        letters = sum(ch.isalpha() for ch in token)
        is_year = re.fullmatch(r"(?:19|20)\d\d", token) is not None
        if not is_year and (digits >= 4 or (digits >= 2 and letters and len(token) >= 5)):
            yield "case_reference", match.start(1), match.start(1) + len(token)
    for pattern in (COURT_NUMBER, REFERENCE_LIKE):
        for match in pattern.finditer(text):
            yield "case_reference", match.start(), match.end()


def _named_places(text):
    """Capitalised names followed by School, Road, Surgery, Estate and the like."""
    for match in NAMED_PLACE.finditer(text):
        words = list(re.finditer(r"[A-Za-z'’.-]+", match.group(1)))
        named = [w for w in words if not _generic(w.group(0))]
        if not named:
            continue
        start = match.start(1) + named[0].start()
        yield PLACE_RULE[match.group(2)], start, match.end()


def _generic(word):
    """Whether a capitalised word describes a place rather than names it ('the', 'Child A')."""
    bare = re.sub(r"['’]s$", "", word.rstrip("."))
    return bare in GENERIC_WORDS or len(bare) == 1


def _titled_names(text):
    """Mr Smith, Dr Patel, PC Jones: a title and a name."""
    for match in TITLED_NAME.finditer(text):
        name = match.group(0).split()[-1]
        if name not in GENERIC_WORDS:
            yield "titled_name", match.start(), match.end()


def _first_names(text):
    """Capitalised words on the shipped list of first names."""
    names = first_names()
    for match in CAPITALISED_WORD.finditer(text):
        if any(part in names for part in match.group(0).split("-")):
            yield "first_name", match.start(), match.end()


def _simple(rule, pattern):
    """A rule that is one regular expression."""

    def find(text):
        for match in pattern.finditer(text):
            yield rule, match.start(), match.end()

    return find


# In priority order: where findings overlap, the one starting first wins, then the longer one,
# then the one whose rule comes first here.
FINDERS = (
    _simple("email", EMAIL),
    _simple("ni_number", NI_NUMBER),
    _simple("postcode", POSTCODE),
    _dates,
    _simple("phone", PHONE),
    _simple("nhs_number", NHS_NUMBER),
    _case_references,
    _simple("vehicle_registration", VEHICLE),
    _named_places,
    _titled_names,
    _first_names,
    _simple("infant_age", INFANT_AGE),
    _simple("long_number", LONG_NUMBER),
    _simple("social_handle", SOCIAL_HANDLE),
)


def _allowed_spans(text):
    """Where the text names a public case or an author, which the check leaves alone."""
    spans = []
    for phrase in ALLOWED_PHRASES:
        for match in re.finditer(rf"\b{re.escape(phrase)}\b", text):
            spans.append((match.start(), match.end()))
    return spans


def find_identifiers(text):
    """Every likely identifier in the text, in order, none overlapping another."""
    if not text:
        return []
    allowed = _allowed_spans(text)
    candidates = []
    for priority, finder in enumerate(FINDERS):
        for rule, start, end in finder(text):
            if not any(a <= start and end <= b for a, b in allowed):
                candidates.append((start, -(end - start), priority, rule, end))
    findings, taken_until = [], -1
    for start, _length, _priority, rule, end in sorted(candidates):
        if start >= taken_until:
            findings.append(Finding(rule, text[start:end], start, end))
            taken_until = end
    return findings


def distinct_findings(findings):
    """One finding per rule and matched text, in the order they first appear."""
    seen, result = set(), []
    for finding in findings:
        key = (finding.rule, finding.text.casefold())
        if key not in seen:
            seen.add(key)
            result.append(finding)
    return result


def marked_segments(text, findings):
    """The text cut into (piece, finding or None), for showing what to change in place."""
    segments, position = [], 0
    for finding in findings:
        if finding.start > position:
            segments.append((text[position : finding.start], None))
        segments.append((text[finding.start : finding.end], finding))
        position = finding.end
    if position < len(text):
        segments.append((text[position:], None))
    return segments


def find_sensitive_terms(text):
    """Special-category words (health, religion, sexuality, immigration, offences), distinct."""
    seen, terms = set(), []
    matches = [*SENSITIVE_ACRONYMS.finditer(text or ""), *SENSITIVE_TERMS.finditer(text or "")]
    for match in sorted(matches, key=lambda m: m.start()):
        key = match.group(0).casefold()
        if key not in seen:
            seen.add(key)
            terms.append(match.group(0))
    return terms
