"""The demo rota's words: anonymised cases as managers might bring them, reflections and
follow-ups. Every title and brief passes the anonymisation check (tested)."""

from course.modules.presentations.models import PresentationKind

Kind = PresentationKind

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
