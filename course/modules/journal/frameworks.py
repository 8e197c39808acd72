"""Reflection frameworks and their prompts (DOMAIN.md section 3), and how sections make a body.

An entry's body is plain markdown. A framework's prompts are sections of the editor; when the
entry is saved, each answered prompt becomes a `### Heading` followed by the answer, and the
"Anything else" box comes last. Editing splits the body back into the boxes by those exact
headings, so nothing needs storing twice and the export is already tidy markdown. Text under a
heading the framework does not know (after a change of framework) goes to "Anything else",
headings and all, so switching framework never loses a word.
"""

from dataclasses import dataclass

NOTES_HEADING = "Anything else"


@dataclass(frozen=True)
class Prompt:
    """One labelled section of the editor."""

    key: str
    heading: str
    question: str


@dataclass(frozen=True)
class Framework:
    """A set of prompts; the CPD record draws 'what I learnt' and 'impact' from them, if any fit."""

    key: str
    name: str
    use_for: str
    prompts: tuple[Prompt, ...] = ()
    learnt: str | None = None
    impact: str | None = None

    def field_name(self, prompt):
        """The form field holding a prompt's answer, unique across frameworks."""
        return f"{self.key}_{prompt.key}"

    @property
    def notes_label(self):
        """The free box: the whole reflection, or what the prompts did not cover."""
        return NOTES_HEADING if self.prompts else "Your reflection"


FRAMEWORKS = {
    framework.key: framework
    for framework in (
        Framework("free", "Free writing", "Anything you want to think through."),
        Framework(
            "gibbs",
            "Gibbs' reflective cycle",
            "After a supervision session, home visit debrief or case discussion.",
            (
                Prompt(
                    "description",
                    "Description",
                    "What happened? Who was there, what was said and decided? (facts only)",
                ),
                Prompt(
                    "feelings",
                    "Feelings",
                    "What were you feeling before, during and after? "
                    "What do you think the worker/family felt?",
                ),
                Prompt(
                    "evaluation",
                    "Evaluation",
                    "What went well, what went badly, for the child and for the worker?",
                ),
                Prompt(
                    "analysis",
                    "Analysis",
                    "Why might it have unfolded like this? "
                    "Which ideas from the readings help explain it?",
                ),
                Prompt(
                    "conclusion",
                    "Conclusion",
                    "What have you learned? What else could you have done?",
                ),
                Prompt(
                    "action_plan",
                    "Action plan",
                    "If this came up again, what will you do? "
                    "What will you try before next session?",
                ),
            ),
            learnt="conclusion",
            impact="action_plan",
        ),
        Framework(
            "cycle",
            "4x4x4 supervisory cycle",
            "For a case brought to or from supervision.",
            (
                Prompt(
                    "experience",
                    "Experience",
                    "What is the story of this case, in the worker's words? "
                    "What is the child's day like?",
                ),
                Prompt(
                    "reflection",
                    "Reflection",
                    "What reactions, gut feelings or patterns are you noticing? "
                    "Whose voice is missing?",
                ),
                Prompt(
                    "analysis",
                    "Analysis",
                    "What hypotheses fit the evidence? What does research/theory say? "
                    "What is the risk, what are the protective factors, "
                    "what would change look like?",
                ),
                Prompt(
                    "action",
                    "Action planning",
                    "What will be done, by whom, by when, "
                    "and what is the contingency if it doesn't happen?",
                ),
                Prompt(
                    "functions",
                    "Functions and stakeholders check",
                    "Did this session cover management / development / support / mediation? "
                    "Which was neglected? Stakeholders: child & family / worker / "
                    "organisation / partners.",
                ),
            ),
            learnt="analysis",
            impact="action",
        ),
        Framework(
            "schon",
            "Schön: reflection in and on action",
            "For a moment that surprised you.",
            (
                Prompt(
                    "in_action",
                    "In action",
                    "At what moment did you realise something unexpected was happening? "
                    "What did you change on the spot?",
                ),
                Prompt(
                    "on_action",
                    "On action",
                    "Looking back, what assumptions were you working from? "
                    "What would a colleague have seen differently?",
                ),
            ),
            learnt="on_action",
            impact="in_action",
        ),
        Framework(
            "stuck",
            "Stuck case (Process Consultation and reflecting team)",
            "For a case where nothing seems to change.",
            (
                Prompt(
                    "help_wanted",
                    "The help I want",
                    "What help do I actually want from the group "
                    "(ideas, permission, challenge, support)?",
                ),
                Prompt(
                    "repeating",
                    "What keeps repeating",
                    "What has been tried, what keeps repeating, what has nobody said out loud?",
                ),
                Prompt(
                    "mirroring",
                    "Mirroring",
                    "Is the professional network mirroring the family "
                    "(splits, avoidance, conflict)?",
                ),
                Prompt(
                    "stayed_with_me",
                    "What stayed with me",
                    "After the reflecting team: which one comment stayed with me, and why?",
                ),
            ),
            learnt="stayed_with_me",
        ),
        Framework(
            "emotional",
            "Emotional impact and containment check",
            "For what the work is doing to you and your team.",
            (
                Prompt(
                    "carrying",
                    "What I am carrying",
                    "What am I carrying from this week that I haven't put down anywhere?",
                ),
                Prompt(
                    "shaping",
                    "What is shaping decisions",
                    "Is fear, hostility or exhaustion shaping my (or my worker's) decisions?",
                ),
                Prompt(
                    "containment",
                    "Who contains me",
                    "Who contains me? When did I last get supervision myself?",
                ),
            ),
            learnt="shaping",
        ),
        Framework(
            "reading",
            "Reading and implementation",
            "For this month's paper.",
            (
                Prompt(
                    "idea",
                    "One idea",
                    "What one idea from this month's paper changed how I see a case or my team?",
                ),
                Prompt(
                    "obstacles",
                    "What got in the way",
                    "What got in the way of using it back at work? "
                    "(You can raise it as a barrier too.)",
                ),
            ),
            learnt="idea",
            impact="obstacles",
        ),
    )
}
FRAMEWORK_KEYS = tuple(FRAMEWORKS)
FRAMEWORK_CHOICES = [(f.key, f.name) for f in FRAMEWORKS.values()]
SECTION_FIELDS = tuple(
    (framework.field_name(prompt), prompt)
    for framework in FRAMEWORKS.values()
    for prompt in framework.prompts
)


def get_framework(key):
    """The framework with this key, or free writing for an unknown one."""
    return FRAMEWORKS.get(key or "free", FRAMEWORKS["free"])


def _clean(text):
    """Browser line endings to \\n, without surrounding blank lines."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def compose_body(framework, answers, notes=""):
    """The markdown body from a framework's answers (keyed by prompt key) and the free box."""
    parts = [
        f"### {prompt.heading}\n\n{_clean(answers.get(prompt.key))}"
        for prompt in framework.prompts
        if _clean(answers.get(prompt.key))
    ]
    notes = _clean(notes)
    if notes:
        parts.append(f"### {NOTES_HEADING}\n\n{notes}" if parts else notes)
    return "\n\n".join(parts)


def split_body(framework, body):
    """(answers by prompt key, notes): the editor's boxes from a stored body."""
    keys = {f"### {prompt.heading}": prompt.key for prompt in framework.prompts}
    keys[f"### {NOTES_HEADING}"] = None
    lines = {}
    current = None
    for line in _clean(body).split("\n"):
        heading = line.rstrip()
        if heading in keys:
            current = keys[heading]
            # "Anything else" after text of other headings stays, to keep that text apart.
            if current is not None or not "".join(lines.get(None, [])).strip():
                continue
        lines.setdefault(current, []).append(line)
    answers = {key: "\n".join(text).strip() for key, text in lines.items() if key}
    return answers, "\n".join(lines.get(None, [])).strip()


def section_text(framework, body, key):
    """The answer to one of the framework's prompts in a stored body ('' when none)."""
    return split_body(framework, body)[0].get(key, "") if key else ""
