"""Headcount: a live attendance server."""
