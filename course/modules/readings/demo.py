"""Demo data for the readings module, added to the demo cohort by seed-demo."""


def seed(demo):
    """Add this module's demo data (nothing yet)."""
