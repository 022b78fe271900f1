"""Completeness of the scoring: which expected sheets have arrived.

Invariants: only (juror, candidature) pairs named in `expected` count as received; a sheet
outside them is reported in `unexpected`, never counted; `complete` holds exactly when no
expected pair is missing.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass

from scoring.marks import Scoresheet


@dataclass(frozen=True)
class Progress:
    received: int
    expected: int


@dataclass(frozen=True)
class Completeness:
    by_candidature: dict[str, Progress]
    by_juror: dict[str, Progress]
    missing: list[tuple[str, str]]  # (juror, candidature), sorted
    unexpected: list[tuple[str, str]]  # (juror, candidature), sorted
    complete: bool


def completeness(
    expected: Mapping[str, Set[str]], sheets: Iterable[Scoresheet]
) -> Completeness:
    """Received against expected sheets, per candidature and per juror, with missing pairs."""
    wanted = {(juror, cand) for cand, jurors in expected.items() for juror in jurors}
    received = {(sheet.juror, sheet.candidature) for sheet in sheets}
    arrived = wanted & received
    per_juror, done_per_juror = Counter(j for j, _ in wanted), Counter(j for j, _ in arrived)
    done_per_cand = Counter(c for _, c in arrived)
    return Completeness(
        by_candidature={
            cand: Progress(done_per_cand[cand], len(expected[cand])) for cand in sorted(expected)
        },
        by_juror={
            juror: Progress(done_per_juror[juror], per_juror[juror]) for juror in sorted(per_juror)
        },
        missing=sorted(wanted - received),
        unexpected=sorted(received - wanted),
        complete=wanted <= received,
    )
