"""States, stages and roles of the contest, each with its French label.

Invariants: the value of a member is the stable identifier stored in the database, written in
audit rows and used in URLs; ``label`` is the French wording shown to people (a ``Text``, said in
the reader's language by the app) and may change without a migration. Which moves between states
are allowed lives in ``workflows.machine``.
"""

from enum import StrEnum

from workflows.texts import Text, _l


class _Labelled(StrEnum):
    """A StrEnum whose members are declared as ``NAME = "value", _l("libellé")``."""

    def __new__(cls, value: str, label: Text):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class State(_Labelled):
    DRAFT = "draft", _l("brouillon")
    SUBMITTED = "submitted", _l("déposée")
    WITHDRAWN = "withdrawn", _l("retirée")
    INADMISSIBLE = "inadmissible", _l("irrecevable")
    REGIONAL_JURY = "regional_jury", _l("en examen par le jury régional")
    NATIONAL_SHORTLIST = "national_shortlist", _l("présélectionnée pour le national")
    REGIONAL_NOT_SELECTED = "regional_not_selected", _l("non retenue en région")
    WINNER = "winner", _l("lauréate")
    NATIONAL_NOT_SELECTED = "national_not_selected", _l("non retenue au national")
    # Settled without a jury: the national organiser excused the region (no regional jury this year).
    REGION_EXCUSED = "region_excused", _l("non examinée : pas de jury régional")


class Role(_Labelled):
    CANDIDATE = "candidate", _l("candidat")
    REGIONAL_JUROR = "regional_juror", _l("juré régional")
    REGIONAL_ORGANISER = "regional_organiser", _l("organisateur régional (ARS)")
    NATIONAL_JUROR = "national_juror", _l("juré national")
    NATIONAL_ORGANISER = "national_organiser", _l("organisateur national")
    ADMIN = "admin", _l("administrateur")

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
    SUBMISSIONS = "submissions", _l("dépôt des candidatures")
    JURY_OPEN = "jury_open", _l("jury régional ouvert")
    CLOSED = "closed", _l("sélection régionale close")
    EXCUSED = "excused", _l("excusée : pas de jury régional")


class NationalStage(_Labelled):
    REGIONAL = "regional", _l("sélections régionales en cours")
    NATIONAL_JURY = "national_jury", _l("jury national ouvert")
    WINNER_DECLARED = "winner_declared", _l("lauréat désigné")
    PUBLISHED = "published", _l("résultats publiés")
