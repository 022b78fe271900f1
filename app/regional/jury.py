"""The organiser's work on the regional jury: progress and reminders (removals and conflicts: app.jury.panel)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.audit import record
from app.extensions import db
from app.jury.workload import expected_regional, regional_jurors, submitted_sheets
from app.models import Region, User
from app.regional.emails import queue_reminder_email
from workflows.states import Role

ORGANISER = Role.REGIONAL_ORGANISER.value


@dataclass(frozen=True)
class JurorProgress:
    juror: User
    done: int
    expected: int

    @property
    def pending(self) -> int:
        return self.expected - self.done


def jury_progress(region: Region) -> list[JurorProgress]:
    """Per juror of the region: submitted scoresheets out of the expected ones (conflicts excluded)."""
    expected = expected_regional(region)
    received = {(int(s.juror), int(s.candidature)) for s in submitted_sheets(list(expected))}
    progress = []
    for juror in regional_jurors(region.id):
        mine = [c for c, jurors in expected.items() if juror.id in jurors]
        progress.append(JurorProgress(juror, sum((juror.id, c) in received for c in mine), len(mine)))
    return progress


def remind_jurors(region: Region, *, actor: User, now: datetime) -> list[JurorProgress]:
    """Email every juror with pending expected work, once per juror and click; returns who was reminded."""
    pending = [p for p in jury_progress(region) if p.pending]
    for progress in pending:
        queue_reminder_email(progress.juror, region, progress.pending, now)
    record("jury.remind", actor=actor, role=ORGANISER, at=now, region_id=region.id, edition_id=region.edition_id,
           data={"jurors": [p.juror.id for p in pending]})
    db.session.flush()
    return pending
