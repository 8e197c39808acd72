"""The twelve themes of barriers to reflective supervision (DOMAIN.md section 4), and Other."""

from enum import StrEnum


class Theme(StrEnum):
    """What a barrier is about; the order is the taxonomy's, used wherever figures are hidden."""

    WORKLOAD = "workload"
    TIME = "time"
    RECORDING = "recording"
    IT_SYSTEMS = "it_systems"
    OFFICE_SPACE = "office_space"
    TURNOVER = "turnover"
    COMPLIANCE = "compliance"
    DUAL_ROLE = "dual_role"
    OWN_SUPERVISION = "own_supervision"
    CONFIDENCE = "confidence"
    EMOTIONAL_AVOIDANCE = "emotional_avoidance"
    SPONSORSHIP = "sponsorship"
    OTHER = "other"

    @property
    def label(self):
        """The theme's name, as people say it."""
        return _DESCRIPTIONS[self][0]

    @property
    def definition(self):
        """A one-line definition, shown when choosing a theme."""
        return _DESCRIPTIONS[self][1]

    @property
    def position(self):
        """Where the theme stands in the taxonomy (0 to 12)."""
        return list(Theme).index(self)


_DESCRIPTIONS = {
    Theme.WORKLOAD: (
        "Workload and caseloads",
        "Too many cases per worker and per manager; supervision shrinks to case-by-case checking.",
    ),
    Theme.TIME: (
        "Time and cancelled sessions",
        "No protected, uninterrupted time; supervision is postponed for crises.",
    ),
    Theme.RECORDING: (
        "Recording and performance-management demands",
        "Supervision is dominated by timescales, performance indicators, audit and forms.",
    ),
    Theme.IT_SYSTEMS: (
        "IT systems",
        "Rigid case-management software takes time and turns thinking into form-filling.",
    ),
    Theme.OFFICE_SPACE: (
        "Office space and hot-desking",
        "Open-plan and agile working remove the team base and private space to think and talk.",
    ),
    Theme.TURNOVER: (
        "Turnover, vacancies and agency staff",
        "Constant change of workers and managers breaks supervisory relationships.",
    ),
    Theme.COMPLIANCE: (
        "Compliance and blame culture",
        "Fear of the media and of inspection drives defensive, procedural practice.",
    ),
    Theme.DUAL_ROLE: (
        "The manager's dual role",
        "The same person holds line-management accountability and the reflective space.",
    ),
    Theme.OWN_SUPERVISION: (
        "Managers' own supervision",
        "Team managers rarely get reflective supervision themselves, so cannot contain others.",
    ),
    Theme.CONFIDENCE: (
        "Supervisor confidence and skills",
        "Little training in reflective methods; managers are promoted for their casework.",
    ),
    Theme.EMOTIONAL_AVOIDANCE: (
        "Emotional avoidance",
        "Urgent work and adrenaline make slowing down feel unsafe; discussion is resisted.",
    ),
    Theme.SPONSORSHIP: (
        "Weak senior sponsorship",
        "Learning stays in the training room when senior managers do not own the barriers.",
    ),
    Theme.OTHER: ("Other", "Something that fits none of the themes above."),
}

THEME_VALUES = tuple(theme.value for theme in Theme)
THEME_CHOICES = [(theme.value, theme.label) for theme in Theme]

# The programme's three stages, by session number.
STAGES = {1: (1, 4), 2: (5, 8), 3: (9, 11)}


def stage_label(stage):
    """'Sessions 1 to 4'."""
    first, last = STAGES[stage]
    return f"Sessions {first} to {last}"


def stage_of(session_number):
    """The stage (1, 2 or 3) a session number belongs to."""
    return next(stage for stage, (first, last) in STAGES.items() if first <= session_number <= last)
