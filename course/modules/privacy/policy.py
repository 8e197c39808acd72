"""The facts the privacy page states, read from the settings so the page never drifts."""


def _days(value):
    """A number of days as words."""
    if not value:
        return None
    if value % 365 == 0:
        years = value // 365
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{value} day{'s' if value != 1 else ''}"


def privacy_facts(config):
    """The retention periods and contacts, as the privacy page words them."""
    return dict(
        controller=config["COURSE_PRIVACY_CONTROLLER"],
        contact=config["COURSE_PRIVACY_CONTACT"],
        k=config["COURSE_K_ANONYMITY"],
        brief_days=_days(config["COURSE_BRIEF_RETENTION_DAYS"]),
        trash_days=_days(config["COURSE_JOURNAL_TRASH_DAYS"]),
        journal_after_cohort=_days(config["COURSE_RETENTION_JOURNAL_DAYS"]),
        journal_warning=_days(config["COURSE_RETENTION_WARNING_DAYS"]),
        inactive_account=_days(config["COURSE_RETENTION_INACTIVE_ACCOUNT_DAYS"]),
        audit=_days(config["COURSE_RETENTION_AUDIT_DAYS"]),
        outbox=_days(config["COURSE_RETENTION_OUTBOX_DAYS"]),
        pack_link=_days(config["COURSE_DATA_PACK_LINK_DAYS"]),
        leaver_export=_days(config["COURSE_LEAVER_EXPORT_DAYS"]),
    )
