"""Numbered slots (attachments, regional picks: 1..the edition's limit) whose limit the database enforces.

A unique (owner, slot) constraint settles races: a failed insert means a concurrent
transaction took that slot. Under read committed the next look sees it, so ``capacity``
attempts are enough to either fill a slot or find them all taken.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from app.extensions import db

Row = TypeVar("Row")


def insert_in_free_slot(make_row: Callable[[int], Row], taken: Callable[[], set[int]], capacity: int,
                        seen: set[int] | None = None) -> Row | None:
    """Insert ``make_row(slot)`` in the first free slot of 1..capacity; None when all are taken.
    ``seen``: the taken slots the caller has just read in this transaction, for the first attempt."""
    for _attempt in range(capacity):
        free = sorted(set(range(1, capacity + 1)) - (taken() if seen is None else seen))
        seen = None
        if not free:
            return None
        row = make_row(free[0])
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            continue
        return row
    return None
