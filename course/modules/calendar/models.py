"""The calendar module's records."""
