"""What candidates are told of the decisions on their dossier, queued in the outbox in their language."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from app.i18n import translated
from app.mail import queue_email, signature, written_for
from app.models import Candidature
from app.urls import absolute_url
from workflows.dossier import INADMISSIBILITY_REASONS
from workflows.states import State

# What each candidate is told at publication, by the state their candidature ended in.
OUTCOMES = {
    State.WINNER: _l("Félicitations : votre projet est le lauréat national du concours."),
    State.NATIONAL_NOT_SELECTED: _l("Votre projet a été retenu par votre région et étudié par le jury national ; "
                                    "il n’a pas été désigné lauréat national."),
    State.REGIONAL_NOT_SELECTED: _l("Votre projet n’a pas été retenu par le jury régional."),
    State.INADMISSIBLE: _l("Votre candidature a été déclarée irrecevable, comme l’agence régionale de santé vous "
                           "l’a indiqué."),
    State.REGION_EXCUSED: _l("Votre région n’a pas réuni de jury régional cette année : votre projet n’a pas pu "
                             "être examiné, comme nous vous l’avons indiqué."),
}


def queue_candidate_email(key: str, candidature: Candidature, subject, lines: list, now: datetime) -> None:
    """``subject`` and ``lines`` (lazy strings) are said in the candidate's language."""
    with written_for(candidature.owner):
        body = "\n".join([_("Bonjour,"), "", *map(str, lines), "",
                          _("Projet : %(title)s", title=candidature.title),
                          _("Numéro de récépissé : %(number)s", number=candidature.receipt_number)])
        queue_email(key, candidature.owner.email, str(subject), body + signature(), now, candidature=candidature)


def queue_inadmissible_email(candidature: Candidature, now: datetime) -> None:
    """Tell the candidate their dossier was set aside, with the listed reason and the text."""
    label = INADMISSIBILITY_REASONS[candidature.inadmissibility_code]
    queue_candidate_email(f"inadmissible:{candidature.id}:{now.isoformat()}", candidature,
                          _l("Votre candidature est irrecevable"),
                          [_l("L’agence régionale de santé (%(region)s) a déclaré votre candidature irrecevable.",
                              region=candidature.region.name), "",
                           _l("Motif : %(reason)s.", reason=LazyString(translated, label)),
                           _l("Précisions : %(details)s", details=candidature.inadmissibility_reason)], now)


def queue_requalified_email(candidature: Candidature, now: datetime) -> None:
    """Tell the candidate their dossier is admissible again."""
    queue_candidate_email(f"requalified:{candidature.id}:{now.isoformat()}", candidature,
                          _l("Votre candidature est de nouveau recevable"),
                          [_l("L’agence régionale de santé (%(region)s) est revenue sur sa décision : votre "
                              "candidature est de nouveau recevable et sera examinée par le jury régional.",
                              region=candidature.region.name)], now)


def queue_excused_email(candidature: Candidature, now: datetime) -> None:
    """Tell the candidate the truth when their region held no jury: their dossier could not be examined."""
    queue_candidate_email(f"excused:{candidature.id}:{now.isoformat()}", candidature,
                          _l("Votre candidature ne pourra pas être examinée cette année"),
                          [_l("La région %(region)s n’a pas réuni de jury régional pour cette édition du concours : "
                              "votre candidature ne pourra pas être examinée. Nous le regrettons.",
                              region=candidature.region.name), "",
                           _l("Motif indiqué par les organisateurs nationaux : %(reason)s",
                              reason=candidature.region.closing_reason)], now)


def queue_reinstated_email(candidature: Candidature, now: datetime) -> None:
    """Tell the candidate their region will hold its jury after all."""
    queue_candidate_email(f"reinstated:{candidature.id}:{now.isoformat()}", candidature,
                          _l("Votre candidature sera examinée"),
                          [_l("La région %(region)s réunira finalement son jury régional : votre candidature sera "
                              "examinée. Oubliez notre précédent message.", region=candidature.region.name)], now)


def queue_outcome_email(candidature: Candidature, now: datetime) -> None:
    """Tell the candidate the outcome of their candidature, once per candidature."""
    edition = candidature.edition
    queue_candidate_email(f"results:{edition.id}:{candidature.id}", candidature,
                          _l("Résultats du concours — %(contest)s", contest=edition.contest.name),
                          [_l("Les résultats du concours « %(title)s » sont publiés.", title=edition.contest.title), "",
                           OUTCOMES[State(candidature.state)], "",
                           _l("Les résultats : %(link)s", link=absolute_url("results.index"))], now)
