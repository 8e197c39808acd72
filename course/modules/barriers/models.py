"""The barriers module's records."""
