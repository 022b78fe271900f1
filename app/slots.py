"""Numbered slots (attachments, regional picks: 1..the edition's limit) whose limit the database enforces.

A row goes to the first slot that looks free with ``INSERT … ON CONFLICT (owner, slot) DO NOTHING``. When a
concurrent transaction took that slot meanwhile, the insert waits for it to commit and inserts nothing; the
next look (under read committed, a new snapshot) sees the slot taken, so ``capacity`` attempts either fill
a slot or find them all taken. A conflict is no error: no savepoint to roll back to, and no lock needed
on the owner. (An attachment's dossier is not locked for it: a transition of the dossier takes the audit
chain's head in its flush before it updates the dossier's row, so an upload holding that row's lock while
it waits for the head could deadlock with it.) The unique (owner, slot) constraint and the edition's
ceiling (triggers) are the database's guarantee.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.database import insert
from app.extensions import db


def insert_in_free_slot(model: type, values: dict[str, Any], owner: str, taken: Callable[[], set[int]],
                        capacity: int, seen: set[int] | None = None):
    """Insert a ``model`` row of ``values`` in the first free slot of 1..capacity among the rows with the same
    ``owner`` column; the row, or None when all slots are taken. ``seen``: the taken slots the caller has
    just read in this transaction, for the first attempt."""
    for _attempt in range(capacity):
        slot = next((s for s in range(1, capacity + 1) if s not in (taken() if seen is None else seen)), None)
        seen = None
        if slot is None:
            return None
        row = db.session.scalar(insert(model).values(**values, slot=slot)
                                .on_conflict_do_nothing(index_elements=[owner, "slot"]).returning(model))
        if row is not None:
            return row
    return None
