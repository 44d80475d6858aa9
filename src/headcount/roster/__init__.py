"""Roster import: OneRoster 1.1 CSV (bulk and delta) and a plain CSV, docs/roster-import.md."""
