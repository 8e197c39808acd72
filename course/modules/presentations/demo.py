"""Demo data for the presentations module, added to the demo cohort by seed-demo.

Past sessions: presentations given, with reflections and some follow-ups (briefs already deleted
by the retention rule). Coming sessions: the next one full, with a first-timer on the reserve list
ahead of a repeat presenter and a manager who moved up when someone withdrew; two more partly
booked; the last two open.
"""

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from course.extensions import db
from course.modules.attendance.models import ATTENDED, AttendanceMark, AttendanceStatus
from course.modules.notifications.services import notify
from course.modules.presentations.ground_rules import GROUND_RULES_VERSION
from course.modules.presentations.models import (
    Presentation,
    PresentationKind,
    PresentationStatus,
    ReflectionNote,
)
from course.timeutil import to_utc

Kind, Status = PresentationKind, PresentationStatus

CASES = [
    (
        "Drift in a long-running neglect case",
        Kind.STUCK_CASE,
        "Child A (primary age) and Child B (a toddler) have been on a child protection plan for "
        "neglect for over a year. Home conditions improve before each review and slip back "
        "afterwards. The worker is exhausted, and I notice I have stopped challenging the plan.\n\n"
        "I would like help to think about what we are not seeing, and whether the plan is "
        "helping the children or only keeping the professionals busy.",
    ),
    (
        "An adult nobody has met",
        Kind.RISK_CONCERN,
        "The school says Mother's new partner is around a lot, but no professional has met him "
        "and Mother says he does not live there. I want to think about how we hold the risk of "
        "an unknown adult, and how I support a newly qualified worker who feels intimidated.",
    ),
    (
        "Supervising a worker after a hostile visit",
        Kind.SUPERVISORY_DILEMMA,
        "One of my workers was threatened on a home visit and says she is fine. Her recording "
        "has become shorter and she is putting off visits. Should I reallocate the case or help "
        "her go back? How do I raise it without it feeling like a judgement on her practice?",
    ),
    (
        "A teenager who goes missing at weekends",
        Kind.RISK_CONCERN,
        "Child A, a teenager in care, goes missing most weekends and comes back with new "
        "clothes. The placement wants the young person moved. I would like help with the "
        "exploitation risk, our own anxiety, and whether another move repeats a pattern of "
        "rejection.",
    ),
    (
        "Disguised compliance or real change?",
        Kind.STUCK_CASE,
        "Both parents now attend every meeting and agree with every action, yet the children "
        "tell their teachers little has changed. The core group is split between relief and "
        "suspicion. I want to think about how we would know real change if we saw it.",
    ),
    (
        "Two managers, one case",
        Kind.SUPERVISORY_DILEMMA,
        "A case came from another team with a very different view of the risk. The previous "
        "manager and I disagree, and the worker is caught between us. I wonder whether the "
        "split in the network mirrors the split between the parents.",
    ),
    (
        "Closing a case I am still anxious about",
        Kind.OTHER,
        "The plan's outcomes are met and the family want us gone, but I feel uneasy and cannot "
        "say why. I would like the group to help me separate my anxiety from the evidence, and "
        "think about what a safe ending looks like for Child A.",
    ),
    (
        "Mother's fear and the plan's language",
        Kind.RISK_CONCERN,
        "Mother has left a violent relationship twice and gone back twice. The plan asks her to "
        "protect the children from someone she is frightened of. I want to think about whether "
        "our plan puts the responsibility in the right place.",
    ),
    (
        "Grandparent carers at breaking point",
        Kind.STUCK_CASE,
        "The maternal grandparents have cared for three children for several years under a "
        "special guardianship order. They now ask for help, but every offer is refused. The "
        "worker feels rejected. I would like help thinking about what help would feel like to "
        "them.",
    ),
    (
        "A worker who agrees with everything",
        Kind.SUPERVISORY_DILEMMA,
        "A capable worker agrees with every direction in supervision and then does something "
        "different. I am unsure whether this is fear of me, of the family, or of getting it "
        "wrong, and I want to think about how to make supervision a place where disagreement "
        "is safe.",
    ),
    (
        "When the eldest child is the carer",
        Kind.STUCK_CASE,
        "The eldest child, a young teenager, gets the younger ones to school and cooks most "
        "nights while Mother struggles with her mental health. Everyone praises the young "
        "person. I want to think about what we are asking of a child and what we avoid by "
        "praising them.",
    ),
]
COMING = [
    (
        "The court's timetable and the child's",
        Kind.OTHER,
        "We are in pre-proceedings and the plan is shaped by deadlines rather than by what "
        "Child A needs next. I want help keeping the child's experience at the centre while the "
        "legal process speeds up around us.",
    ),
    (
        "Complex health needs and a tired family",
        Kind.STUCK_CASE,
        "A child with complex health needs misses appointments, and the health professionals "
        "want a neglect plan. The parents are exhausted rather than uncaring. I want to think "
        "about neglect, disability and what support would make a difference.",
    ),
    (
        "Recording that tells the child's story",
        Kind.SUPERVISORY_DILEMMA,
        "Our records are full of tasks and empty of the children. I want to think with the "
        "group about how supervision notes can show our reasoning and the child's voice, not "
        "only what was done.",
    ),
    (
        "A baby, a new partner and a quiet network",
        Kind.RISK_CONCERN,
        "A young baby lives with Mother and a new partner with a history we only partly know. "
        "Every agency says things are fine but nobody seems sure. I want help with how to ask "
        "the questions nobody is asking.",
    ),
    (
        "Holding hope for a family that has had many workers",
        Kind.STUCK_CASE,
        "The family have had many social workers in a few years and meet each new one with "
        "polite distance. I want to think about what continuity can mean when my team keeps "
        "changing.",
    ),
    (
        "Stepping down a plan too soon?",
        Kind.OTHER,
        "The review wants to step the plan down to child in need. The worker agrees, the school "
        "does not. I would like help thinking about how we decide, and what we are afraid of "
        "on each side.",
    ),
    (
        "Escalation in the core group",
        Kind.RISK_CONCERN,
        "The school and health visitor think the risk is rising, while the worker thinks the "
        "family are engaging. I would like help with how I weigh the views and what I say in "
        "supervision.",
    ),
]
REFLECTIONS = [
    "What stayed with me was how tired you sounded describing the visits. I wonder whether the "
    "family's exhaustion has got into the whole network.",
    "The question about whose voice is missing made me think about Child A's day. Could the "
    "next visit start there?",
    "I noticed the group kept offering solutions and you kept saying 'we tried that'. Perhaps "
    "the stuckness is information in itself.",
    "Thank you for bringing something so unfinished. It made it easier for the rest of us to "
    "admit what we are unsure about.",
    "I was struck by the split between the agencies. It sounded like the parents' conflict "
    "being replayed in the core group.",
    "I kept thinking about containment: who is holding your anxiety while you hold the worker's?",
    "The reflecting team made me see how much of a plan can be about us feeling safe rather "
    "than the children being safe.",
    "Listening to you not reply to the reflections was powerful. I am going to try that "
    "silence in my own supervision.",
]
FOLLOW_UPS = [
    "I am taking away the question about what the children's day is like. I have asked the "
    "worker to start the next visit there, and we will look at the plan again with that lens.",
    "I will stop trying to fix this in supervision and name the drift with the worker. I have "
    "asked for an early review of the plan.",
    "The comment about the network mirroring the parents stayed with me. I will raise it at "
    "the next core group, carefully, as a question rather than an answer.",
]


def seed(demo):
    """Give the demo cohort a rota: given presentations with reflections, and bookings to come."""
    retention = timedelta(days=current_app.config["COURSE_BRIEF_RETENTION_DAYS"])
    now = to_utc(datetime.combine(demo.today, time(12)))
    past = [s for s in demo.sessions if s.number <= 6]
    coming = [s for s in demo.sessions if s.number > 6]
    managers = demo.managers
    presenters = iter(managers[3:])  # manager04 onwards present in the first half of the year
    cases = iter(CASES)
    given = []
    for course_session in past:
        for slot in range(1, 2 if course_session.number == 1 else 3):
            title, kind, brief = next(cases)
            presenter = next(presenters)
            presentation = _presentation(
                course_session, presenter, slot, title, kind, brief, Status.GIVEN
            )
            if course_session.ends_at + retention <= now:  # as apply-retention would have done
                presentation.brief = None
                presentation.brief_deleted_at = course_session.ends_at + retention
            presentation.interviewer_id = demo.trainers[slot % len(demo.trainers)].id
            given.append(presentation)
    db.session.add_all(given)
    db.session.flush()
    for number, presentation in enumerate(given):
        _reflections(demo, presentation, number)
        if number % 3 == 0:
            presentation.follow_up = FOLLOW_UPS[number // 3 % len(FOLLOW_UPS)]
            presentation.follow_up_at = presentation.course_session.ends_at + timedelta(days=2)
    _coming(demo, coming, managers, given)


def _presentation(course_session, presenter, slot, title, kind, brief, status, position=None):
    """A sign-up made three weeks before its session, with the ground rules agreed."""
    signed_up = course_session.starts_at - timedelta(days=21 + (position or slot))
    return Presentation(
        session_id=course_session.id,
        presenter_id=presenter.id,
        course_session=course_session,
        kind=kind,
        title=title,
        brief=brief,
        status=status,
        slot=slot if status in (Status.CONFIRMED, Status.GIVEN) else None,
        position=position or slot,
        created_at=signed_up,
        ground_rules_version=GROUND_RULES_VERSION,
        ground_rules_agreed_at=signed_up,
    )


def _reflections(demo, presentation, number):
    """Two to four reflections from people who were there."""
    course_session = presentation.course_session
    attended = set(
        db.session.scalars(
            select(AttendanceMark.user_id).where(
                AttendanceMark.session_id == course_session.id,
                AttendanceMark.status.in_(ATTENDED),
            )
        )
    )
    pool = [u for u in demo.attendees if u.id != presentation.presenter_id]
    if attended:
        pool = [u for u in pool if u.id in attended]
    authors = demo.rng.sample(pool, min(len(pool), 2 + number % 3))
    if not attended:  # no register yet for this session: mark the people the demo uses present
        marker = demo.trainers[0]
        for user_id in {presentation.presenter_id, *(a.id for a in authors)}:
            db.session.add(
                AttendanceMark(
                    session_id=course_session.id,
                    user_id=user_id,
                    status=AttendanceStatus.PRESENT,
                    marked_by_id=marker.id,
                    marked_at=course_session.ends_at,
                )
            )
    for offset, author in enumerate(authors):
        written = course_session.ends_at + timedelta(days=1 + offset)
        db.session.add(
            ReflectionNote(
                presentation_id=presentation.id,
                author_id=author.id,
                text=REFLECTIONS[(number + offset) % len(REFLECTIONS)],
                created_at=written,
                updated_at=written,
            )
        )


def _coming(demo, coming, managers, given):
    """The next session full with a reserve list; two more partly booked."""
    next_one, second, third = coming[0], coming[1], coming[2]
    cases = iter(COMING)
    repeat_presenter = next(m for m in managers if m.id == given[0].presenter_id)
    rows = [
        # session, presenter, slot, status, position
        (next_one, managers[0], 1, Status.CONFIRMED, 1),
        (next_one, managers[16], None, Status.WITHDRAWN, 2),
        (next_one, repeat_presenter, None, Status.RESERVE, 3),
        (next_one, managers[1], 2, Status.CONFIRMED, 4),
        (next_one, managers[2], None, Status.RESERVE, 5),
        (second, managers[14], 1, Status.CONFIRMED, 1),
        (third, managers[15], 1, Status.CONFIRMED, 1),
    ]
    for course_session, presenter, slot, status, position in rows:
        title, kind, brief = next(cases)
        presentation = _presentation(
            course_session, presenter, slot, title, kind, brief, status, position
        )
        db.session.add(presentation)
        if presenter is managers[1]:
            # Took manager17's place when they withdrew; the repeat presenter had signed up
            # earlier but waits behind first-timers.
            presentation.promoted_at = course_session.starts_at - timedelta(days=6)
            db.session.flush()
            notify(
                presenter,
                "presentation_promoted",
                f"A place came free: you are presenting at session {course_session.number}",
                body="A presenter withdrew, so you have moved up from the reserve list.",
                link=f"/presentations/{presentation.id}",
            )
