"""The group's ground rules for presenting a case (DOMAIN.md section 5), agreed at sign-up."""

# Raise the version when the wording changes; each sign-up records the version agreed to.
GROUND_RULES_VERSION = "2025-1"

GROUND_RULES = (
    (
        "pseudonyms",
        "I will use the group's pseudonyms (\u201cChild A\u201d, \u201cMother\u201d, "
        "\u201cFather\u201d) and no real names.",
    ),
    (
        "minimum_detail",
        "I will bring only the detail the group needs for the learning, and change details "
        "that do not matter to it.",
    ),
    (
        "know_the_family",
        "I will ask \u201cdoes anyone here know this family?\u201d before I start; anyone who "
        "does may step out.",
    ),
    (
        "no_files_or_recording",
        "I will bring no case files or documents, and the session is not recorded.",
    ),
    (
        "decisions_go_back",
        "Any decision about a child goes back to the child's record through the normal line, "
        "never onto this site.",
    ),
)
