"""The anonymisation check for case briefs (DOMAIN.md section 5): pure functions, no Flask.

`find_identifiers(text)` returns the likely identifiers in a piece of writing, each with the rule
it broke and how to fix it. It leans towards catching identifiers, but ordinary anonymised
writing passes: "Child A", "Mother", "Session 3", "in March", "the primary school".
`find_sensitive_terms(text)` finds special-category words, which are a prompt, not a refusal.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from course.modules.presentations.anonymisation_rules import (
    ALLOWED_PHRASES,
    GENERIC_WORDS,
    PLACE_RULE,
    RULES,
    TITLE_WORDS,
)

FIRST_NAMES_FILE = Path(__file__).parent / "data" / "first_names.txt"

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


# Linear: a local part starts only where a run of its characters starts, and no part gives
# back what it took (possessive), so each character is looked at a bounded number of times.
EMAIL = _compile(r"(?<![\w.+-])[\w.+-]++@[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)++")
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
    r"\b(?:dob|d\.o\.b\.?|date\ of\ birth)\s*+[:\-]?\s*+[\w/.-]{0,30}\d[\w/-]{0,30}",
    re.IGNORECASE,
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
        \s*+(?:(?:number|no\.?|num|ref|reference|id|\#)\s*+)?(?:(?:is|was|of)\s++)?[:\#]?\s*+
        ([A-Z0-9][A-Z0-9/-]{3,}+)""",
    re.IGNORECASE,
)
COURT_NUMBER = _compile(r"\b[A-Z]{2}\d{2}[A-Z]\d{5}\b")
# Letters and figures in three or more parts, like AB/1234/21 or CAD-4471-22. Each part and
# the look-ahead are bounded (no reference is longer), so each start costs a bounded amount.
REFERENCE_LIKE = _compile(
    r"""\b(?=[A-Z0-9/-]{0,40}[A-Z])(?=[A-Z0-9/-]{0,40}\d{3})
        [A-Z0-9]{1,20}(?:[/-][A-Z0-9]{1,20}){2,8}\b"""
)
LONG_NUMBER = _compile(r"(?<![\d.,£$€])\d{6,}(?!\d|[.,]\d|\s?%)")
VEHICLE = _compile(r"\b[A-Z]{2}\d{2}\ ?[A-Z]{3}\b")
INFANT_AGE = _compile(
    r"""\b\d{1,2}(?:\s|-)(?:days?|weeks?|months?)(?:\s|-)old\b
      | \baged?\s+\d{1,2}\s+(?:days?|weeks?|months?)\b""",
    re.IGNORECASE,
)
_PLACE_ALTERNATION = "|".join(re.escape(word) for word in sorted(PLACE_RULE, key=len, reverse=True))
# Up to four capitalised words (each bounded in length, so a start costs a bounded amount).
NAMED_PLACE = re.compile(rf"\b((?:[A-Z][A-Za-z'’-]{{0,40}}\.?\s++){{1,4}})({_PLACE_ALTERNATION})\b")
TITLES = "(?:" + "|".join(TITLE_WORDS) + ")"
TITLED_NAME = _compile(rf"\b{TITLES}\.?\s++[A-Z][a-z'’-]+(?:-[A-Z][a-z]++)?")
CAPITALISED_WORD = _compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")
# "Child A Smith", "Mother Smith": a pseudonym followed by a capitalised word (one match each,
# no nested repetition, so the time is linear in the text's length).
PSEUDONYM_SURNAME = _compile(
    r"""\b(?:(?:Child|Baby|Sibling|Young\ Person|YP)\ [A-Z]|Mother|Father|Stepfather|Stepmother)
        \ ([A-Z][a-z]+(?:['’][A-Z][a-z]+)?(?:-[A-Z][a-z]+)?)\b"""
)

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


def _pseudonym_surnames(text):
    """A surname after a pseudonym: 'Child A Smith' (the pseudonym itself is fine)."""
    for match in PSEUDONYM_SURNAME.finditer(text):
        if not _generic(match.group(1)):
            yield "pseudonym_surname", match.start(1), match.end(1)


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
    _pseudonym_surnames,
    _titled_names,
    _first_names,
    _simple("infant_age", INFANT_AGE),
    _simple("long_number", LONG_NUMBER),
    _simple("social_handle", SOCIAL_HANDLE),
)


def _allowed_spans(text):
    """Where the text names a public case or an author, which the check leaves alone.

    As (starts, ends) of disjoint spans in order, so a finding is looked up by bisection.
    """
    spans = sorted(
        (match.start(), match.end())
        for phrase in ALLOWED_PHRASES
        for match in re.finditer(rf"\b{re.escape(phrase)}\b", text)
    )
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [start for start, _ in merged], [end for _, end in merged]


def _inside(allowed, start, end):
    """Whether start..end lies within one allowed span."""
    starts, ends = allowed
    place = bisect_right(starts, start) - 1
    return place >= 0 and end <= ends[place]


def find_identifiers(text):
    """Every likely identifier in the text, in order, none overlapping another."""
    if not text:
        return []
    allowed = _allowed_spans(text)
    candidates = []
    for priority, finder in enumerate(FINDERS):
        for rule, start, end in finder(text):
            if not _inside(allowed, start, end):
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


# Where the check warns rather than refuses (a shared journal entry, a barrier), the writer may
# go ahead, choosing one of these reasons; only the reason's key is recorded, never the text.
OVERRIDE_REASONS = (
    ("pseudonym", "It is a pseudonym or a made-up name"),
    ("public", "It names a public case, an author or a book, not a family we work with"),
    ("not_identifying", "It is not about a person or place that could be recognised"),
)


def warnings_for(*texts):
    """The distinct findings across several free-text fields, checked together."""
    findings = []
    for text in texts:
        findings.extend(distinct_findings(find_identifiers(text or "")))
    return findings
