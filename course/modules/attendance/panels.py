"""The attendance module's sections of the home and session pages (see programme/panels.py)."""
