"""What the anonymisation check looks for and what it tells people: the rules' names and advice,
and the word lists behind the place, title and public-case rules. Data only."""

from dataclasses import dataclass


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
    "pseudonym_surname": Rule(
        "Surname next to a pseudonym",
        "Use the pseudonym alone: 'Child A', not 'Child A Smith'; 'Mother', not 'Mother Smith'.",
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

SCHOOL_WORDS = (
    "Primary School", "Secondary School", "Infant School", "Junior School", "High School",
    "Grammar School", "School", "Academy", "Nursery", "College", "Pre-school", "Preschool",
    "Playgroup", "Sixth Form", "Primary", "Secondary", "Infants", "Juniors", "Infant", "Junior",
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
# Titles that come before a person's name (PC and DC are police constables).
TITLE_WORDS = (
    "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Professor", "Cllr", "Councillor", "PC", "DC",
    "DS", "DI", "Sgt", "Judge", "HHJ",
)  # fmt: skip
