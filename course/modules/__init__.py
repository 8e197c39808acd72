"""The site's feature modules; each registers its blueprint here, in one explicit list."""

# admin_cohorts, admin_organisations and routes_cohort add routes to their module's blueprints.
from course.modules.accounts import admin, admin_cohorts, admin_organisations, routes_cohort  # noqa
from course.modules.accounts import admin_cohort_runs  # noqa: F401
from course.modules.accounts import routes_second_factor  # noqa: F401
from course.modules.accounts import routes_passkeys  # noqa: F401
from course.modules.accounts import routes_single_sign_on  # noqa: F401
from course.modules.accounts import routes as accounts

# Every module's models, so the metadata and the migrations know every table.
from course.modules.attendance import models as _attendance_models  # noqa: F401, E402
from course.modules.attendance import routes as attendance
from course.modules.barriers import models as _barriers_models  # noqa: F401, E402
from course.modules.barriers import routes as barriers
from course.modules.calendar import routes as calendar
from course.modules.evaluation import models as _evaluation_models  # noqa: F401, E402
from course.modules.evaluation import survey_models as _survey_models  # noqa: F401, E402
from course.modules.evaluation import routes as evaluation
from course.modules.evaluation import routes_survey as survey
from course.modules.journal import models as _journal_models  # noqa: F401, E402
from course.modules.journal import routes as journal
from course.modules.notifications import models as _notifications_models  # noqa: F401, E402
from course.modules.notifications import routes as notifications
from course.modules.presentations import models as _presentations_models  # noqa: F401, E402
from course.modules.presentations import routes as presentations
from course.modules.privacy import models as _privacy_models  # noqa: F401, E402
from course.modules.privacy import routes as privacy
from course.modules.programme import home
from course.modules.programme import routes as programme
from course.modules.readings import models as _readings_models  # noqa: F401, E402
from course.modules.readings import routes as readings
from course.modules.supervision import models as _supervision_models  # noqa: F401, E402
from course.modules.supervision import routes as supervision

BLUEPRINTS = [
    home.bp,
    accounts.bp,
    admin.bp,
    programme.bp,
    readings.bp,
    attendance.bp,
    presentations.bp,
    journal.bp,
    barriers.bp,
    calendar.bp,
    notifications.bp,
    evaluation.bp,
    survey.bp,
    privacy.bp,
    supervision.bp,
]
