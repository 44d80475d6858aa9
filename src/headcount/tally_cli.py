"""`headcount db retally`: the reports' monthly tallies counted afresh from the marks."""

from __future__ import annotations

from headcount.domain.tallies import retally
from headcount.settings import Settings
from headcount.store.database import MAINTENANCE_TIMEOUT, Database


async def retally_all(settings: Settings) -> str:
    """Recount every tally in one transaction, and say how many roll calls it counted."""
    db = Database(settings.database_url, timeout=MAINTENANCE_TIMEOUT)
    try:
        async with db.write() as conn:
            sessions = await retally(conn)
    finally:
        await db.close()
    return f"Tallied {sessions} finished roll calls afresh."
