"""The regional jury's progress (removals, conflicts and reminders: app.jury.panel)."""

from __future__ import annotations

from dataclasses import dataclass

from app.jury.workload import expected_regional, regional_jurors, submitted_sheets
from app.models import Region, User
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
