"""Dossiers of an edition that may be one project sent to two regions, as the ARS and the national
organisers are told (the matching itself: ``workflows.duplicates``).

The dossiers that count are read in one query (whatever their number, a page asks once) and matched
in memory. A flag only advises: the ARS decides, with the actions it already has.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Row

from app.extensions import db
from app.models import Candidature, Region
from workflows.duplicates import Entry, Shared, find_matches
from workflows.states import State

# A draft is not handed in yet and a withdrawn dossier is gone: neither is anyone's duplicate.
NOT_COUNTED = (State.DRAFT.value, State.WITHDRAWN.value)


@dataclass(frozen=True)
class Flag:
    """Dossier ``one`` may be the same project as ``other``, of another region (rows with ``id``,
    ``region_id``, ``region_name``, ``title``)."""

    one: Row
    other: Row
    shared: Shared | None
    title_score: int | None


def _counted(edition_id: int, *conditions) -> dict[int, Row]:
    rows = db.session.execute(
        db.select(Candidature.id, Candidature.region_id, Region.name.label("region_name"), Candidature.title,
                  Candidature.identifier)
        .join(Region, Region.id == Candidature.region_id)
        .where(Candidature.edition_id == edition_id, Candidature.state.not_in(NOT_COUNTED), *conditions)
    ).all()
    return {row.id: row for row in rows}


def _matched(rows: dict[int, Row], of: set[int] | None) -> list[Flag]:
    entries = [Entry(row.id, row.region_id, row.title, row.identifier) for row in rows.values()]
    return [Flag(rows[match.one], rows[match.other], match.shared, match.title_score)
            for match in find_matches(entries, of)]


def flags(edition_id: int, asked: Callable[[Row], bool] | None = None) -> list[Flag]:
    """The edition's pairs, each once; with ``asked``: the pairs of the dossiers it admits, from their side."""
    rows = _counted(edition_id)
    return _matched(rows, None if asked is None else {row.id for row in rows.values() if asked(row)})


def flags_of(candidature: Candidature) -> list[Flag]:
    """The dossiers of other regions that may be the same project as ``candidature``. A pair is never
    made within a region: the dossier's neighbours in its own region, thousands maybe, are not read."""
    return _matched(_counted(candidature.edition_id, db.or_(Candidature.id == candidature.id,
                                                            Candidature.region_id != candidature.region_id)),
                    {candidature.id})


def flags_in_region(region: Region) -> dict[int, list[Flag]]:
    """The region's flagged dossiers (by id), each with its flags."""
    by_dossier = defaultdict(list)
    for flag in flags(region.edition_id, lambda row: row.region_id == region.id):
        by_dossier[flag.one.id].append(flag)
    return dict(by_dossier)
