"""Demo data for the notifications module, added to the demo cohort by seed-demo."""


def seed(demo):
    """Add this module's demo data (nothing yet)."""
