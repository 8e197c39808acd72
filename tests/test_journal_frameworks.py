"""The frameworks' prompts, and how the editor's boxes become one markdown body and back."""

from hypothesis import given
from hypothesis import strategies as st

from course.modules.journal.frameworks import (
    FRAMEWORKS,
    compose_body,
    section_text,
    split_body,
)

# Answers as people type them: any text, except a line that is exactly one of our headings.
answer = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200).filter(
    lambda text: not any(line.startswith("### ") for line in text.replace("\r", "\n").split("\n"))
)


def test_every_framework_of_the_domain_is_offered():
    names = [framework.name for framework in FRAMEWORKS.values()]
    assert names == [
        "Free writing",
        "Gibbs' reflective cycle",
        "4x4x4 supervisory cycle",
        "Schön: reflection in and on action",
        "Stuck case (Process Consultation and reflecting team)",
        "Emotional impact and containment check",
        "Reading and implementation",
    ]
    assert [p.heading for p in FRAMEWORKS["gibbs"].prompts] == [
        "Description",
        "Feelings",
        "Evaluation",
        "Analysis",
        "Conclusion",
        "Action plan",
    ]
    for framework in FRAMEWORKS.values():
        keys = {p.key for p in framework.prompts}
        assert framework.learnt in keys | {None} and framework.impact in keys | {None}


def test_free_writing_is_the_text_itself():
    assert compose_body(FRAMEWORKS["free"], {}, "  Just this.\r\n\r\nAnd this. ") == (
        "Just this.\n\nAnd this."
    )


@given(st.sampled_from(list(FRAMEWORKS.values())), st.data())
def test_the_boxes_survive_being_stored_as_one_body(framework, data):
    answers = {p.key: data.draw(answer) for p in framework.prompts}
    notes = data.draw(answer)
    body = compose_body(framework, answers, notes)
    back, back_notes = split_body(framework, body)
    clean = {k: v.replace("\r\n", "\n").replace("\r", "\n").strip() for k, v in answers.items()}
    assert {k: v for k, v in back.items() if v} == {k: v for k, v in clean.items() if v}
    assert back_notes == notes.replace("\r\n", "\n").replace("\r", "\n").strip()
    assert compose_body(framework, back, back_notes) == body


@given(st.data())
def test_switching_framework_never_loses_a_word(data):
    gibbs, schon = FRAMEWORKS["gibbs"], FRAMEWORKS["schon"]
    answers = {p.key: data.draw(answer) for p in gibbs.prompts}
    body = compose_body(gibbs, answers, data.draw(answer))
    answers_now, notes_now = split_body(schon, body)
    again = compose_body(schon, answers_now, notes_now)
    words = sorted(body.split())
    assert sorted(again.split()) == words


def test_section_text_finds_one_answer():
    body = compose_body(FRAMEWORKS["reading"], {"idea": "Containment.", "obstacles": "Desks."})
    assert section_text(FRAMEWORKS["reading"], body, "obstacles") == "Desks."
    assert section_text(FRAMEWORKS["reading"], body, None) == ""
