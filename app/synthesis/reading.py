"""Which dossiers a synthesis counts, read in one query, and how its labels are said."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from app.extensions import db
from app.i18n import translated, worded
from app.models import Candidature, Edition, Region
from workflows.synthesis import Dimension, Dossier, synthesis
from workflows.texts import Text


@dataclass(frozen=True)
class Scope:
    """What a synthesis covers: ``editions`` (the most recent first), each in every region, or in the regions
    of ``region_code`` only (an ARS reads its own region, in each edition it organised it)."""

    editions: tuple[Edition, ...]
    region_code: str | None = None


def _listed(text: str | None) -> tuple[str, ...]:
    """A JSON list column read as text (as SQL groups it): its values."""
    return tuple(json.loads(text) or ()) if text else ()


def dossiers(scope: Scope) -> dict[int, list[Dossier]]:
    """The dossiers handed in (submitted at least once, whatever became of them), by edition id: one query,
    grouped by every column the synthesis reads (thousands of dossiers are a few hundred groups, the JSON
    lists as text: PostgreSQL cannot compare a json value)."""
    columns = (Candidature.edition_id, Region.code, Candidature.state, Candidature.category,
               *(db.cast(column, db.String) for column in (Candidature.sectors, Candidature.domains,
                                                            Candidature.modalities)),
               Candidature.project_stage)
    query = (db.select(*columns, db.func.count())
             .join(Region, Region.id == Candidature.region_id)
             .where(Candidature.edition_id.in_([edition.id for edition in scope.editions]),
                    Candidature.submitted_at.is_not(None))
             .group_by(*columns))
    if scope.region_code is not None:
        query = query.where(Region.code == scope.region_code)
    found: dict[int, list[Dossier]] = defaultdict(list)
    for edition_id, region, state, category, sectors, domains, modalities, stage, count in db.session.execute(query):
        found[edition_id].append(Dossier(region=region, state=state, category=category, sectors=_listed(sectors),
                                         domains=_listed(domains), modalities=_listed(modalities),
                                         project_stage=stage, count=count))
    return found


@dataclass(frozen=True)
class EditionSynthesis:
    edition: Edition
    dossiers: int
    dimensions: tuple[Dimension, ...]


def syntheses(scope: Scope) -> list[EditionSynthesis]:
    """Each edition's synthesis, in the scope's order. An ARS's region dimension keeps its own region only."""
    found = dossiers(scope)
    result = []
    for edition in scope.editions:
        counted = found.get(edition.id, [])
        dimensions = synthesis(edition.contest, counted)
        if scope.region_code is not None:
            dimensions = tuple(
                Dimension(d.key, d.title, tuple(line for line in d.lines if line.key == scope.region_code), d.multiple)
                if d.key == "region" else d for d in dimensions)
        result.append(EditionSynthesis(edition, sum(dossier.count for dossier in counted), dimensions))
    return result


def shown(label, *, markup: bool = True):
    """A line's label in the page's language: a definition item's English wording or its French marked
    lang="fr" (``markup``), a rule's text translated, a region's name as it is."""
    if isinstance(label, Text):
        return translated(label)
    if hasattr(label, "label"):
        return worded(label, markup=markup)
    return label


def french(label) -> str:
    """A line's label in French, as the CSV and the PDF say it."""
    return str(label) if isinstance(label, str) else label.label
