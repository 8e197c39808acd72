"""Administrators: a data pack made for a person, and erasure."""
