"""Writers appending to the audit log at the same instant: the chain stays one line, without a fork."""

from __future__ import annotations

from itertools import groupby

from app.audit import record
from app.audit_chain import GENESIS, row_hash
from app.extensions import db
from app.journal.verification import verify_log
from app.models import AuditEntry
from tests.concurrency import at_once

WRITERS, TRANSACTIONS, ROWS = 6, 8, 3


def test_concurrent_writers_keep_the_chain_linear(app, clock):
    def writer(number: int):
        def write() -> int:
            for transaction in range(TRANSACTIONS):
                for row in range(ROWS):
                    record("user.logout", actor=None, role=None, at=clock(),
                           data={"writer": number, "transaction": transaction, "row": row})
                db.session.commit()
            return number

        return write

    assert at_once(app, [writer(number) for number in range(WRITERS)]) == list(range(WRITERS))

    entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
    links = [entry.prev_hash for entry in entries]
    transactions = [key for key, _rows in groupby(entries, lambda e: (e.data["writer"], e.data["transaction"]))]
    assert [entry.id for entry in entries] == list(range(1, WRITERS * TRANSACTIONS * ROWS + 1))
    assert links == [GENESIS] + [entry.hash for entry in entries[:-1]]
    assert all(row_hash(entry.chained_fields(), entry.prev_hash) == entry.hash for entry in entries)
    assert len(transactions) == len(set(transactions)) == WRITERS * TRANSACTIONS  # each one's rows in one run
    assert verify_log().gaps == []
