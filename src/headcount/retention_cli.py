"""`headcount db prune`: the audit trail's retention, applied from the command line."""

from __future__ import annotations

from headcount import clock
from headcount.domain.retention import prune
from headcount.settings import Settings
from headcount.store.database import MAINTENANCE_TIMEOUT, Database


async def prune_events(settings: Settings, days: int, dry_run: bool) -> str:
    """What was (or would be) deleted, as one line; 0 days keeps everything."""
    if days == 0:
        return "Audit events are kept forever (AUDIT_RETENTION_DAYS unset or 0): nothing pruned."
    db = Database(settings.database_url, timeout=MAINTENANCE_TIMEOUT)
    try:
        pruned = await prune(db, days, dry_run=dry_run)
    finally:
        await db.close()
    verb = "Would delete" if dry_run else "Deleted"
    return f"{verb} {pruned.events} audit events received before {clock.iso(pruned.before)}."
