"""Each manager's private supervision log: supervisees by pseudonym, records, actions."""
