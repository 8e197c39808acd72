"""Demo data for the attendance module, added to the demo cohort by seed-demo."""


def seed(demo):
    """Add this module's demo data (nothing yet)."""
