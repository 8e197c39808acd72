"""The journal module's records."""
