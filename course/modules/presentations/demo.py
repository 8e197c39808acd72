"""Demo data for the presentations module, added to the demo cohort by seed-demo."""


def seed(demo):
    """Add this module's demo data (nothing yet)."""
