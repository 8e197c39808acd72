"""Demo data for the journal: a few managers' entries across the frameworks, one shared with
the trainers and answered, and a draft waiting to be finished. All case detail is pseudonymous.
"""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from course.extensions import db
from course.modules.journal.frameworks import FRAMEWORKS, compose_body
from course.modules.journal.models import JournalComment, JournalDraft, JournalEntry, JournalTag
from course.modules.readings.models import Reading, SessionReading
from course.timeutil import to_utc

# (manager index, session number or None, framework, title, answers or text, tags, with reading)
ENTRIES = [
    (0, 2, "gibbs", "Supervising a newly qualified worker after a difficult visit", {
        "description": "Supervision with a newly qualified worker (Worker B) after her second "
        "visit to the family of Child A. Mother was hostile at the door and the visit lasted ten "
        "minutes. We agreed a joint visit next week.",
        "feelings": "I felt protective of B and irritated that the visit had been allocated to her "
        "alone. B said she felt stupid for leaving early; I think she was frightened.",
        "evaluation": "Good: B could say she was frightened. Less good: I moved to the plan within "
        "five minutes and we never talked about what Child A's day is like.",
        "analysis": "Ferguson's point about workers becoming 'hostage-like' fits: both of us lost "
        "sight of the child. My hurry to plan may have been my own anxiety (Menzies).",
        "conclusion": "Slowing down is part of the work, not a luxury. I could have asked what B "
        "noticed about the child before anything else.",
        "action_plan": "Start next supervision with 'what is the child's day like?'. Book the "
        "joint visit. Ask my own manager for supervision time this month.",
    }, "supervision, nqsw, fear", False),
    (0, None, "emotional", "A hard week on duty", {
        "carrying": "Two strategy meetings on the same afternoon and a call from a father who "
        "threatened to 'sort out' the worker. I went home and could not stop going over it.",
        "shaping": "I think exhaustion made me more cautious than the evidence needed on the "
        "second case.",
        "containment": "Nobody, this week. My last supervision was cancelled twice.",
    }, "wellbeing, duty", False),
    (0, 5, "reading", "Containment and my team", {
        "idea": "Ruch's idea of the supervisor as a container: the team brings unbearable feelings "
        "and my job is to give them back in a form they can think about.",
        "obstacles": "Hot-desking means there is no private space to do this in. I have raised it "
        "as a barrier.",
    }, "containment, reading", True),
    (1, 3, "cycle", "Bringing Child C's case to supervision", {
        "experience": "Worker D describes Child C (7) as 'fine at school'. The referral came from "
        "the school nurse about repeated head lice and missed dental appointments.",
        "reflection": "My gut says we are reassured too quickly. Child C's own voice is missing.",
        "analysis": "Two hypotheses: neglect linked to mother's low mood, or a family coping with "
        "poverty. What would change look like? Appointments kept for three months.",
        "action": "D to see Child C alone at school within two weeks; health visitor liaison by "
        "Friday; review at next supervision. Contingency: strategy discussion.",
        "functions": "Management and development were covered; support was neglected. Partners: "
        "we have not heard from the GP.",
    }, "neglect, voice of the child", False),
    (1, 4, "schon", "When the meeting went quiet", {
        "in_action": "In the core group the health visitor went silent after I challenged the "
        "plan. I noticed it and asked her directly what she was thinking; it changed the meeting.",
        "on_action": "I assumed silence meant agreement. A colleague would have seen the power "
        "difference between the agencies in the room.",
    }, "multi-agency", False),
    (2, 6, "stuck", "Stuck: drift on a neglect case", {
        "help_wanted": "Challenge. I think we keep doing the same thing and calling it a plan.",
        "repeating": "Written agreements, broken, renewed. Nobody has said out loud that the "
        "agreements are for us, not for the children.",
        "mirroring": "The network is split like the parents: school angry, health sympathetic.",
        "stayed_with_me": "'Who is the plan protecting?' I keep thinking about it.",
    }, "drift, reflecting team", False),
    (3, 1, "free", "Why I signed up", "I have managed a team for four years and I realised "
     "that supervision had become a list of cases and deadlines. I want to get back to thinking "
     "with my workers, not just checking on them.\n\nGround rules we agreed: pseudonyms only, and "
     "what is said in the room stays in the room.", "supervision", False),
    (4, 5, "gibbs", "A worker in tears after court", {
        "description": "Worker E came back from a final hearing and cried in the office.",
        "feelings": "I felt helpless and then busy: I found her a room and a cup of tea.",
        "evaluation": "The tea was right. Sending her home without talking was not.",
        "analysis": "I think I was defending against my own feelings about the case.",
        "conclusion": "Containment first, then practical help.",
        "action_plan": "Offer E a reflective supervision this week, not a case review.",
    }, "containment, court", False),
]  # fmt: skip

FEEDBACK = (
    "Thank you for sharing this. You noticed your own hurry to plan: that is exactly the kind "
    "of reflection-in-action Schön describes. It may help to bring this to the group in "
    "session 7 as a case consultation."
)


def _first_reading():
    """A required reading of the demo programme, if the readings module added any."""
    return db.session.scalar(
        select(Reading).join(SessionReading, SessionReading.reading_id == Reading.id).limit(1)
    ) or db.session.scalar(select(Reading).limit(1))


def seed(demo):
    """A few managers' entries across the frameworks; one shared, with feedback; one draft."""
    sessions = {s.number: s for s in demo.sessions}
    reading = _first_reading()
    entries = []
    for index, number, key, title, content, tags, with_reading in ENTRIES:
        author = demo.managers[index]
        course_session = sessions.get(number)
        when = (course_session.ends_at if course_session else sessions[3].ends_at) + timedelta(
            days=1, hours=demo.rng.randint(1, 8)
        )
        body = content if isinstance(content, str) else compose_body(FRAMEWORKS[key], content)
        entry = JournalEntry(
            author_id=author.id,
            cohort_id=demo.cohort.id,
            title=title,
            body=body,
            framework=key,
            session_id=course_session.id if course_session else None,
            reading_id=reading.id if with_reading and reading else None,
            created_at=when,
            updated_at=when,
        )
        db.session.add(entry)
        db.session.flush()
        db.session.add_all(JournalTag(entry_id=entry.id, name=t.strip()) for t in tags.split(","))
        entries.append(entry)

    shared = entries[0]
    shared.shared_with_trainers = True
    shared.shared_at = shared.created_at + timedelta(days=2)
    db.session.add(
        JournalComment(
            entry_id=shared.id,
            author_id=demo.trainers[0].id,
            body=FEEDBACK,
            created_at=shared.shared_at + timedelta(days=3),
        )
    )
    db.session.add(
        JournalDraft(
            user_id=demo.managers[0].id,
            reason="autosave",
            title="Notes after the home visit debrief",
            body="Started writing after the debrief with Worker B; to finish tonight.",
            framework="free",
            saved_at=to_utc(datetime.combine(demo.today - timedelta(days=2), time(20, 15))),
        )
    )
