"""Numbered slots (attachments, regional picks: 1..the edition's limit) whose limit the database enforces.

The caller locks the slots' owner (the dossier, the region: ``app.transitions.engine.lock``) before it
reads the taken slots: two inserts for one owner take turns, and under read committed the second reads
the slots after the first committed (SQLite serialises writers), so the slot found free is still free
at its insert, with no savepoint to retry in. The unique (owner, slot) constraint and the edition's
ceiling (triggers) remain the database's guarantee: an insert that forgot the lock and met a
concurrent one fails, and the request is refused as changed meanwhile (``app.endings``).
"""

from __future__ import annotations

from collections.abc import Collection


def first_free_slot(taken: Collection[int], capacity: int) -> int | None:
    """The lowest of 1..capacity not in ``taken``; None when all are taken."""
    return next((slot for slot in range(1, capacity + 1) if slot not in taken), None)
