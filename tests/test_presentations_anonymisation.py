"""The anonymisation check for case briefs: what it refuses, what it lets through, what it says."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.modules.presentations.anonymisation import (
    RULES,
    distinct_findings,
    find_identifiers,
    find_sensitive_terms,
    first_names,
    marked_segments,
)


def found(text):
    """(rule, matched text) for every finding."""
    return [(f.rule, f.text) for f in find_identifiers(text)]


@pytest.mark.parametrize(
    ("text", "rule", "matched"),
    [
        # Dates of birth and other full dates
        ("Child A, DOB 12/03/2015, lives with Mother.", "date_of_birth", "DOB 12/03/2015"),
        ("Date of birth: 2015-03-12.", "date_of_birth", "Date of birth: 2015-03-12"),
        ("Child A was born on 3rd May 2016.", "date_of_birth", "3rd May 2016"),
        ("She was born 12 March, the youngest.", "date_of_birth", "12 March"),
        ("Child B (b. 04.11.19) is at nursery.", "date_of_birth", "04.11.19"),
        ("The strategy meeting on 14/10/2024 agreed a plan.", "full_date", "14/10/2024"),
        ("The police were called on 3 February 2023.", "full_date", "3 February 2023"),
        ("On 21st of June the family moved.", "full_date", "21st of June"),
        ("Conference held March 3rd, 2019.", "full_date", "March 3rd, 2019"),
        ("Review booked for Sept 14, 2024", "full_date", "Sept 14, 2024"),
        ("Incident on 2023-07-09 at home.", "full_date", "2023-07-09"),
        ("on 9 june the school rang", "full_date", "9 june"),
        # UK postcodes
        ("The family live at BR1 3UH.", "postcode", "BR1 3UH"),
        ("moved to se15 4ab last year", "postcode", "se15 4ab"),
        ("Office: SW1A 1AA", "postcode", "SW1A 1AA"),
        ("postcode W1A1AA on the letter", "postcode", "W1A1AA"),
        ("near EC1V 9HX", "postcode", "EC1V 9HX"),
        # NHS numbers: ten digits, spaced or not
        ("NHS number 943 476 5919 on the referral.", "nhs_number", "943 476 5919"),
        ("NHS no 9434765919.", "nhs_number", "9434765919"),
        ("Her number is 943-476-5919", "nhs_number", "943-476-5919"),
        # National Insurance numbers
        ("Father's NI number is QQ 12 34 56 C.", "ni_number", "QQ 12 34 56 C"),
        ("NI AB123456D", "ni_number", "AB123456D"),
        ("ni: jk 12 34 56 a", "ni_number", "jk 12 34 56 a"),
        # Phone numbers
        ("Mother's mobile is 07700 900123.", "phone", "07700 900123"),
        ("Ring 020 7946 0018 after 4pm.", "phone", "020 7946 0018"),
        ("School office (0121) 496 0000.", "phone", "(0121) 496 0000"),
        ("Contact on +44 7700 900 123 only.", "phone", "+44 7700 900 123"),
        ("Landline 01632960001", "phone", "01632960001"),
        ("Call 0161-496-0000 today", "phone", "0161-496-0000"),
        # Email addresses and handles
        ("Mother emailed from sam.jones+home@example.co.uk twice.", "email",
         "sam.jones+home@example.co.uk"),
        ("He posts as @streetking99 on TikTok.", "social_handle", "@streetking99"),
        # Case and court references
        ("Court case number ZW24C00123 is listed next month.", "case_reference", "ZW24C00123"),
        ("LCS ID 4471882 holds the chronology.", "case_reference", "4471882"),
        ("Mosaic ref: 2231190", "case_reference", "2231190"),
        ("case no. 2019/04417 was closed", "case_reference", "2019/04417"),
        ("Police log CAD-4471/22 records it.", "case_reference", "CAD-4471/22"),
        ("Our case ref is AB/1234/21.", "case_reference", "AB/1234/21"),
        ("A reference of 88213377 appeared.", "case_reference", "88213377"),
        ("There were 4471882 contacts", "long_number", "4471882"),
        # Names next to School, Academy, Nursery, Road, Close, Estate, Surgery, Hospital...
        ("Child A attends Oakfield Primary School.", "school", "Oakfield Primary School"),
        ("She left St Bede's Catholic Academy in Year 9.", "school", "St Bede's Catholic Academy"),
        ("Child B goes to Little Acorns Nursery.", "school", "Little Acorns Nursery"),
        ("The family live on Mayfield Road.", "address", "Mayfield Road"),
        ("A flat in Thornbury Close.", "address", "Thornbury Close"),
        ("Known to everyone on the Barnfield Estate.", "address", "Barnfield Estate"),
        ("Registered at Riverside Surgery.", "health_setting", "Riverside Surgery"),
        ("Seen at King's College Hospital A&E.", "health_setting", "King's College Hospital"),
        ("Admitted to Rainbow Ward.", "health_setting", "Rainbow Ward"),
        ("Referred to the Hollybank Family Centre.", "named_place", "Hollybank Family Centre"),
        ("Father is at Belmarsh Prison.", "named_place", "Belmarsh Prison"),
        ("They worship at Green Lane Mosque.", "named_place", "Green Lane Mosque"),
        ("The head at Oakfield School's office said", "school", "Oakfield School"),
        # Names with titles, and common first names
        ("Mrs Patel, the health visitor, is worried.", "titled_name", "Mrs Patel"),
        ("Dr. Okafor saw Child A.", "titled_name", "Dr. Okafor"),
        ("PC Hughes attended.", "titled_name", "PC Hughes"),
        ("Mother's partner Jack is rarely seen.", "first_name", "Jack"),
        ("Olivia told her teacher.", "first_name", "Olivia"),
        ("Mohammed's school is worried.", "first_name", "Mohammed"),
        ("Child A and Lily-Mae share a room.", "first_name", "Lily-Mae"),
        # Exact ages of babies
        ("A 7-week-old baby with a bruise.", "infant_age", "7-week-old"),
        ("The baby, aged 4 months, was seen.", "infant_age", "aged 4 months"),
        # Vehicle registrations
        ("He drives AB12 CDE.", "vehicle_registration", "AB12 CDE"),
    ],
)  # fmt: skip
def test_identifier_is_found_with_its_rule(text, rule, matched):
    assert (rule, matched) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Child A is 7 and lives with Mother and Mother's partner.",
        "Child A, Child B and Child C were seen at home.",
        "Father has not engaged since the Section 47 enquiry.",
        "This was discussed in Session 3 and again in Session 8.",
        "In March the case went to an Initial Child Protection Conference.",
        "From May to July nothing changed; by August the plan had drifted.",
        "Since January the worker has visited weekly.",
        "Child A may be moved; 2 may be too many changes.",
        "The primary school and the nursery have raised concerns.",
        "The GP surgery and the local hospital shared information.",
        "A children's home placement was considered at the Family Court.",
        "The case went to the Crown Court and then the High Court in 2019.",
        "Child A's School reports attendance of 82%.",
        "The Contact Centre supervises contact twice a week.",
        "A 3-year-old and a teenager; 10 weeks ago the plan changed.",
        "The worker has 24 cases and I supervise 9 workers.",
        "We met at 9:30 and again at 2pm; the conference lasted 90 minutes.",
        "After the s47 1st visit, the 2nd visit was unannounced.",
        "This is a Public Law Outline case now in pre-proceedings.",
        "The Local Authority Designated Officer was told.",
        "What help do I want from the group? Permission to close, and challenge.",
        "Like Baby Peter and the Victoria Climbié inquiry, the agencies did not share.",
        "Eileen Munro and Lord Laming both wrote about this; so did Harry Ferguson.",
        "The Social Work Reform Board standards ask for monthly supervision.",
        "Ms X and Mr Y are the foster carers; Dr A is the paediatrician.",
        "We spent £120000 on agency staff this year.",
        "The team's workload rose by 15% over 2023-24.",
        "Mother's House rules were unclear.",
        "The RAG rating moved from Amber to Red.",
        "Will the group help me think about drift?",
        "",
    ],
)
def test_anonymised_writing_passes(text):
    assert found(text) == []


def test_every_finding_says_what_rule_it_broke_and_how_to_fix_it():
    text = "Child A goes to Oakfield Primary School; Jack lives at BR1 3UH."
    findings = find_identifiers(text)
    assert [f.rule for f in findings] == ["school", "first_name", "postcode"]
    school, name, postcode = findings
    assert school.label == "Name of a school, nursery or college"
    assert "a primary school" in school.advice
    assert "Child A" in name.advice and "Mother" in name.advice
    assert postcode.label == "Postcode"
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text


def test_every_rule_has_a_label_and_advice():
    for rule in RULES.values():
        assert rule.label and rule.advice.endswith((".", ")", "'"))


def test_findings_never_overlap_and_the_longest_at_a_place_wins():
    findings = find_identifiers("Jack Road; DOB 01/02/2015; call 020 7946 0018")
    assert [(f.rule, f.text) for f in findings] == [
        ("address", "Jack Road"),
        ("date_of_birth", "DOB 01/02/2015"),
        ("phone", "020 7946 0018"),
    ]
    ends = [f.end for f in findings]
    starts = [f.start for f in findings]
    assert all(end <= start for end, start in zip(ends, starts[1:], strict=False))


def test_a_phone_number_is_not_also_reported_as_an_nhs_number():
    assert found("Ring 0123 456 7890 please") == [("phone", "0123 456 7890")]


def test_repeated_identifiers_are_listed_once_but_marked_everywhere():
    text = "Jack told the teacher. Later Jack told the GP."
    findings = find_identifiers(text)
    assert len(findings) == 2
    assert [(f.rule, f.text) for f in distinct_findings(findings)] == [("first_name", "Jack")]


def test_marked_segments_rebuild_the_text_with_the_findings_marked():
    text = "Child A lives on Mayfield Road with Jack."
    findings = find_identifiers(text)
    segments = marked_segments(text, findings)
    assert "".join(piece for piece, _ in segments) == text
    assert [piece for piece, finding in segments if finding] == ["Mayfield Road", "Jack"]


def test_shipped_first_names_leave_out_months_and_everyday_words():
    names = first_names()
    assert len(names) > 250
    assert {"Olivia", "Mohammed", "Jack", "Zuzanna"} <= names
    assert not names & {"May", "June", "April", "August", "Will", "Mark", "Grace", "Amber"}


def test_special_category_words_are_found_as_a_prompt():
    text = "Mother is HIV positive and a Jehovah's Witness; Father's conviction is old. hiv"
    assert find_sensitive_terms(text) == ["HIV", "Jehovah's Witness", "conviction"]
    assert find_sensitive_terms("He wears hearing aids.") == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            list("AaBbCcJjOoSsRr0123456789 /-.,:@'\n") + ["School ", "Road ", "DOB ", "Jack "]
        ),
        max_size=120,
    ).map("".join)
)
def test_any_text_gives_ordered_findings_that_point_at_what_they_quote(text):
    findings = find_identifiers(text)
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text and finding.rule in RULES
    for earlier, later in zip(findings, findings[1:], strict=False):
        assert earlier.end <= later.start
    assert "".join(piece for piece, _ in marked_segments(text, findings)) == text


def test_a_long_awkward_brief_is_checked_quickly():
    awkward = ("Aa Bb Cc Dd " * 300) + "School " + ("1/2/3 4-5-6 0 " * 200) + "@" * 500
    started = time.perf_counter()
    find_identifiers(awkward)
    assert time.perf_counter() - started < 1.0
