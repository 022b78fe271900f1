"""The national stage's emails, in French, queued in the outbox (links built on ``BASE_URL``)."""

from __future__ import annotations

from datetime import datetime

from app.auth.emails import SIGNATURE, absolute_url
from app.mail import queue_email
from app.models import Candidature, Edition, User, UserToken
from app.regional.emails import queue_candidate_email
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


def queue_outcome_email(candidature: Candidature, now: datetime) -> None:
    """Tell the candidate the outcome of their candidature, once per candidature."""
    outcome = OUTCOMES[State(candidature.state)]
    edition = candidature.edition
    queue_candidate_email(f"results:{edition.id}:{candidature.id}", candidature,
                  f"Résultats du concours — {edition.contest.name}",
                  [f"Les résultats du concours « {edition.contest.title} » sont publiés.", "", outcome, "",
                   f"Les résultats : {absolute_url('results.index')}"], now)


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


def queue_national_invitation_email(user: User, edition: Edition, token: UserToken, raw: str, now: datetime) -> None:
    """The link with which a new national juror chooses a password (valid seven days, single use)."""
    link = absolute_url("regional.accept_invitation", token=raw)
    queue_email(f"national-jury-invitation:{token.id}", user.email, f"Invitation au jury national — {edition.contest.name}",
                f"Bonjour {user.display_name},\n\nLes organisateurs nationaux vous invitent à siéger au jury national "
                "du concours.\nPour créer votre compte, choisissez un mot de passe en ouvrant ce lien (valable 7 jours, "
                f"utilisable une seule fois) :\n\n{link}" + SIGNATURE, now)


def queue_national_juror_added_email(user: User, edition: Edition, now: datetime) -> None:
    """Tell someone who already has an account that they joined the national jury."""
    queue_email(f"national-jury-added:{edition.id}:{user.id}", user.email,
                f"Vous faites partie du jury national — {edition.contest.name}",
                "Bonjour,\n\nLes organisateurs nationaux vous ont ajouté au jury national du concours.\n"
                f"Connectez-vous avec votre compte habituel : {absolute_url('auth.login')}" + SIGNATURE, now)
