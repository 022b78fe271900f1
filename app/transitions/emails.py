"""What candidates are told of the decisions on their dossier, in French, queued in the outbox."""

from __future__ import annotations

from datetime import datetime

from app.auth.emails import SIGNATURE, absolute_url
from app.mail import queue_email
from app.models import Candidature
from workflows.dossier import INADMISSIBILITY_REASONS
from workflows.states import State

# What each candidate is told at publication, by the state their candidature ended in.
OUTCOMES = {
    State.WINNER: "Félicitations : votre projet est le lauréat national du concours.",
    State.NATIONAL_NOT_SELECTED: ("Votre projet a été retenu par votre région et étudié par le jury national ; "
                                  "il n’a pas été désigné lauréat national."),
    State.REGIONAL_NOT_SELECTED: "Votre projet n’a pas été retenu par le jury régional.",
    State.INADMISSIBLE: "Votre candidature a été déclarée irrecevable, comme l’agence régionale de santé vous "
                        "l’a indiqué.",
    State.REGION_EXCUSED: ("Votre région n’a pas réuni de jury régional cette année : votre projet n’a pas pu "
                           "être examiné, comme nous vous l’avons indiqué."),
}


def queue_candidate_email(key: str, candidature: Candidature, subject: str, lines: list[str], now: datetime) -> None:
    body = "\n".join(["Bonjour,", "", *lines, "", f"Projet : {candidature.title}",
                      f"Numéro de récépissé : {candidature.receipt_number}"])
    queue_email(key, candidature.owner.email, subject, body + SIGNATURE, now, candidature=candidature)


def queue_inadmissible_email(candidature: Candidature, now: datetime) -> None:
    """Tell the candidate their dossier was set aside, with the listed reason and the text."""
    label = INADMISSIBILITY_REASONS[candidature.inadmissibility_code]
    queue_candidate_email(f"inadmissible:{candidature.id}:{now.isoformat()}", candidature,
                          "Votre candidature est irrecevable",
                          [f"L’agence régionale de santé ({candidature.region.name}) a déclaré votre candidature "
                           "irrecevable.", "", f"Motif : {label}.",
                           f"Précisions : {candidature.inadmissibility_reason}"], now)


def queue_requalified_email(candidature: Candidature, now: datetime) -> None:
    """Tell the candidate their dossier is admissible again."""
    queue_candidate_email(f"requalified:{candidature.id}:{now.isoformat()}", candidature,
                          "Votre candidature est de nouveau recevable",
                          [f"L’agence régionale de santé ({candidature.region.name}) est revenue sur sa décision : "
                           "votre candidature est de nouveau recevable et sera examinée par le jury régional."], now)


def queue_excused_email(candidature: Candidature, now: datetime) -> None:
    """Tell the candidate the truth when their region held no jury: their dossier could not be examined."""
    queue_candidate_email(f"excused:{candidature.id}:{now.isoformat()}", candidature,
                          "Votre candidature ne pourra pas être examinée cette année",
                          [f"La région {candidature.region.name} n’a pas réuni de jury régional pour cette édition "
                           "du concours : votre candidature ne pourra pas être examinée. Nous le regrettons.", "",
                           f"Motif indiqué par les organisateurs nationaux : {candidature.region.closing_reason}"],
                          now)


def queue_reinstated_email(candidature: Candidature, now: datetime) -> None:
    """Tell the candidate their region will hold its jury after all."""
    queue_candidate_email(f"reinstated:{candidature.id}:{now.isoformat()}", candidature,
                          "Votre candidature sera examinée",
                          [f"La région {candidature.region.name} réunira finalement son jury régional : "
                           "votre candidature sera examinée. Oubliez notre précédent message."], now)


def queue_outcome_email(candidature: Candidature, now: datetime) -> None:
    """Tell the candidate the outcome of their candidature, once per candidature."""
    outcome = OUTCOMES[State(candidature.state)]
    edition = candidature.edition
    queue_candidate_email(f"results:{edition.id}:{candidature.id}", candidature,
                          f"Résultats du concours — {edition.contest.name}",
                          [f"Les résultats du concours « {edition.contest.title} » sont publiés.", "", outcome, "",
                           f"Les résultats : {absolute_url('results.index')}"], now)
