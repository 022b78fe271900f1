"""States, stages and roles of the contest, each with its French label.

Invariants: the value of a member is the stable identifier stored in the database, written in
audit rows and used in URLs; ``label`` is the French wording shown to people and may change
without a migration. Which moves between states are allowed lives in ``workflows.machine``.
"""

from enum import StrEnum


class _Labelled(StrEnum):
    """A StrEnum whose members are declared as ``NAME = "value", "libellé"``."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class State(_Labelled):
    DRAFT = "draft", "brouillon"
    SUBMITTED = "submitted", "déposée"
    WITHDRAWN = "withdrawn", "retirée"
    INADMISSIBLE = "inadmissible", "irrecevable"
    REGIONAL_JURY = "regional_jury", "en examen par le jury régional"
    NATIONAL_SHORTLIST = "national_shortlist", "présélectionnée pour le national"
    REGIONAL_NOT_SELECTED = "regional_not_selected", "non retenue en région"
    WINNER = "winner", "lauréate"
    NATIONAL_NOT_SELECTED = "national_not_selected", "non retenue au national"
    # Settled without a jury: the national organiser excused the region (no regional jury this year).
    REGION_EXCUSED = "region_excused", "non examinée : pas de jury régional"


class Role(_Labelled):
    CANDIDATE = "candidate", "candidat"
    REGIONAL_JUROR = "regional_juror", "juré régional"
    REGIONAL_ORGANISER = "regional_organiser", "organisateur régional (ARS)"
    NATIONAL_JUROR = "national_juror", "juré national"
    NATIONAL_ORGANISER = "national_organiser", "organisateur national"
    ADMIN = "admin", "administrateur"

    @property
    def is_regional(self) -> bool:
        """True for the roles that act within one region only."""
        return self in (Role.REGIONAL_JUROR, Role.REGIONAL_ORGANISER)

    @property
    def requires_second_factor(self) -> bool:
        """True for the roles that sign in with a code besides the password: organisers, the administrator."""
        return self in (Role.REGIONAL_ORGANISER, Role.NATIONAL_ORGANISER, Role.ADMIN)

    @property
    def offers_second_factor(self) -> bool:
        """True for the roles that may add a second factor (jurors choose); candidates are never asked."""
        return self != Role.CANDIDATE

    @property
    def is_edition_staff(self) -> bool:
        """True for the roles held in one edition only: organisers and jurors, regional or national."""
        return self not in (Role.CANDIDATE, Role.ADMIN)


class RegionStage(_Labelled):
    SUBMISSIONS = "submissions", "dépôt des candidatures"
    JURY_OPEN = "jury_open", "jury régional ouvert"
    CLOSED = "closed", "sélection régionale close"
    EXCUSED = "excused", "excusée : pas de jury régional"


class NationalStage(_Labelled):
    REGIONAL = "regional", "sélections régionales en cours"
    NATIONAL_JURY = "national_jury", "jury national ouvert"
    WINNER_DECLARED = "winner_declared", "lauréat désigné"
    PUBLISHED = "published", "résultats publiés"
