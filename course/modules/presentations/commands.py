"""Commands: apply-retention, which deletes case briefs, is in course/modules/privacy/commands.py
(with the rest of the retention schedule); the rule itself is in retention.py here."""
