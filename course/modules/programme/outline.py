"""The programme's standard outline: each session's title and focus, used for new cohorts."""

SESSION_SHAPE = (
    "Each session follows the same shape: check-in; input on the theory behind the session's "
    "reading; one or two live case consultations using process consultation and a reflecting "
    "team; the barriers slot with the senior managers; a journal entry and the reading for "
    "next time."
)

OUTLINE = [
    (
        "Why reflective supervision, why now",
        "We agree how the group will work: ground rules, confidentiality and the rules for "
        "anonymising any case we bring. We look at the pressures on child-protection work since "
        "2008 (rising referrals, recording demands, fear of blame) and at what the Laming and "
        "Munro reviews said about supervision and professional judgement.",
    ),
    (
        "Learning from experience",
        "How practitioners learn from what happens to them: Schön's reflection *in* and *on* "
        "action, Kolb's learning cycle and Gibbs' six questions. We practise reflective writing "
        "and start the journal.",
    ),
    (
        "What supervision is for",
        "The functions of supervision (Kadushin; Morrison's 4x4x4 model: management, "
        "development, support and mediation), the people it serves and the supervisory cycle. "
        "We look at our own supervision agreements and which functions get squeezed out.",
    ),
    (
        "Anxiety and the organisation",
        "How organisations defend themselves against the anxiety of the work (Menzies Lyth), how "
        "procedures and performance management can become defences, and what that means for the "
        "space we offer in supervision.",
    ),
    (
        "The supervisor as container",
        "Bion's idea of containment and Ruch's use of it in child-care social work: what makes a "
        "supervision session a safe place to think, and what happens to workers when it is not.",
    ),
    (
        "Working with high-risk, chaotic and hostile families",
        "The emotional impact of the work: fear, hostility, disguised compliance and vicarious "
        "trauma; how feelings can be information about a family; how a manager notices when a "
        "worker has lost sight of the child.",
    ),
    (
        "Mid-programme review and helping relationships",
        "The independent evaluator's mid-programme review. Process consultation in depth: "
        "helping a colleague think rather than telling them what to do.",
    ),
    (
        "Stuck cases and the reflecting team",
        "Drift, repetition and re-enactment in cases where nothing changes for the child. How a "
        "reflecting team works, and practice in running one.",
    ),
    (
        "Group and relational dynamics in supervision",
        "Parallel process (when the family's dynamics show up between worker and manager), power "
        "in supervision, and running group supervision in a team.",
    ),
    (
        "Recording, accountability and inspection",
        "Writing supervision records that show reflection and clear actions, and that would "
        "satisfy an inspector, without letting compliance crowd out learning.",
    ),
    (
        "Embedding the learning",
        "Senior managers and participants agree an action plan for the organisation, review the "
        "barriers raised through the year, and complete the end-of-programme evaluation.",
    ),
]
