"""The national synthesis: what the regions' dossiers are, counted by region, applicant, sector, domain,
stage, modality, state and outcome (the 2017 review counts « 13 ARS sur 17 » per theme).

Pure: it counts the dossiers it is given against the edition's definition; the app reads them in one
query, grouped (the dossiers alike in every column the synthesis reads are one ``Dossier`` with their ``count``). Every line of a dimension is in the definition's order, with zero when no dossier has
it, so two editions or two regions read side by side; a value the definition no longer knows is
kept after them under its key, never dropped.

Several values per dossier (sectors, domains, modalities): a dossier counts once in each value it
names, so a dimension's lines may add up to more than its dossiers. A dossier naming two sectors or
more also counts once in the cross-sector line (« pluri-sectoriel »), which the note of 2017 welcomes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from workflows.definition import Contest
from workflows.states import State
from workflows.texts import Text, _l

CROSS_SECTOR = "pluri-sectoriel"
UNKNOWN = "non-renseigne"
UNKNOWN_LABEL = _l("non renseigné")
# A regional pick is a dossier its region sent to the national stage, whatever became of it there.
PICKED_STATES = frozenset({State.NATIONAL_SHORTLIST, State.WINNER, State.NATIONAL_NOT_SELECTED})
# What the page and the report say of the counting, each once.
NOTES = (
    _l("Chaque dossier déposé au moins une fois compte, quel que soit son état aujourd’hui : un dossier retiré ou "
       "déclaré irrecevable compte aussi, sous son état. Les brouillons ne comptent pas."),
    _l("Secteurs : un dossier qui en déclare plusieurs compte une fois dans chacun d’eux, et une fois dans la ligne "
       "« pluri-sectoriel ». Les lignes d’un secteur, d’un domaine ou d’une modalité peuvent donc dépasser ensemble "
       "le nombre de dossiers."),
    _l("Issue : un dossier retenu par sa région compte, qu’il soit ensuite lauréat ou non ; le lauréat compte aussi "
       "dans sa ligne."),
)
SEVERAL_LINES = _l("Un dossier peut compter dans plusieurs lignes.")


@dataclass(frozen=True)
class Dossier:
    """The columns of a submitted dossier the synthesis reads."""

    region: str  # the region's code
    state: str
    category: str | None = None
    sectors: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()
    project_stage: str | None = None
    count: int = 1  # how many dossiers have these columns


@dataclass(frozen=True)
class Line:
    """One value of a dimension: ``label`` is a definition item (worded in the reader's language where
    shown), a ``Text`` (translated where shown) or a name."""

    key: str
    label: object
    count: int


@dataclass(frozen=True)
class Dimension:
    key: str
    title: Text
    lines: tuple[Line, ...]
    multiple: bool = False  # a dossier may count in several lines

    @property
    def largest(self) -> int:
        return max((line.count for line in self.lines), default=0)


def _lines(items: Iterable[tuple[str, object]], counts: Counter) -> tuple[Line, ...]:
    """The definition's values in its order (zeros kept), then any other value found, by key."""
    known = [Line(key, label, counts.get(key, 0)) for key, label in items]
    keys = {line.key for line in known}
    others = [Line(key, UNKNOWN_LABEL if key == UNKNOWN else key, counts[key])
              for key in sorted(counts, key=lambda k: (k == UNKNOWN, k)) if key not in keys]
    return tuple(known + others)


def _single(values: Iterable[tuple[str | None, int]]) -> Counter:
    """(value, dossiers) pairs counted by value."""
    counts: Counter = Counter()
    for value, count in values:
        counts[value or UNKNOWN] += count
    return counts


def _multiple(values: Iterable[tuple[tuple[str, ...], int]]) -> Counter:
    """(values, dossiers) pairs counted once in each value."""
    counts: Counter = Counter()
    for chosen, count in values:
        for value in set(chosen) or {UNKNOWN}:
            counts[value] += count
    return counts


def choices(items) -> list[tuple[str, object]]:
    return [(item.key, item) for item in items]


def synthesis(contest: Contest, dossiers: list[Dossier]) -> tuple[Dimension, ...]:
    """Every dimension of the synthesis of ``dossiers`` under ``contest``'s definition."""
    sectors = _multiple((d.sectors, d.count) for d in dossiers)
    sectors[CROSS_SECTOR] = sum(d.count for d in dossiers if len(set(d.sectors)) >= 2)
    states = _single((d.state, d.count) for d in dossiers)
    return (
        Dimension("region", _l("Région"), _lines([(r.code, r.name) for r in contest.regions],
                                                 _single((d.region, d.count) for d in dossiers))),
        Dimension("category", _l("Catégorie de candidat"), _lines(choices(contest.categories),
                                                                  _single((d.category, d.count) for d in dossiers))),
        Dimension("sector", _l("Secteur"), _lines(
            [*choices(contest.sectors), (CROSS_SECTOR, _l("pluri-sectoriel (deux secteurs ou plus)"))], sectors),
            multiple=True),
        Dimension("domain", _l("Domaine"), _lines(choices(contest.domains),
                                                  _multiple((d.domains, d.count) for d in dossiers)), multiple=True),
        Dimension("project_stage", _l("Avancement du projet"), _lines(
            choices(contest.project_stages), _single((d.project_stage, d.count) for d in dossiers))),
        Dimension("modality", _l("Modalité du partenariat"), _lines(
            choices(contest.modalities), _multiple((d.modalities, d.count) for d in dossiers)), multiple=True),
        Dimension("state", _l("État du dossier"), _lines(
            [(state.value, state.label) for state in State if state != State.DRAFT], states)),
        Dimension("outcome", _l("Issue"), (
            Line("regional_pick", _l("retenue par sa région pour l’étape nationale"),
                 sum(states[state] for state in PICKED_STATES)),
            Line(State.WINNER.value, State.WINNER.label, states[State.WINNER]),
        ), multiple=True),
    )
