"""The ARS's entry form: the candidate's own dossier form, with the email's sender and arrival time."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, EmailField, HiddenField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from app.candidatures.forms import DossierBaseForm, dossier_form_class
from app.emailed.operations import new_entry_key
from workflows.definition import Contest


def entry_form_class(contest: Contest) -> type[DossierBaseForm]:
    """The dossier form of ``contest`` with the evidence of the email the region received."""
    fields = {
        "sender_email": EmailField(
            _l("Adresse électronique de l’expéditeur"),
            description=_l("Le dossier sera confié au compte de cette adresse ; un lien lui est envoyé pour le "
                           "reprendre."),
            validators=[DataRequired(_l("Indiquez l’adresse électronique de l’expéditeur.")),
                        Email(_l("Adresse électronique invalide.")), Length(max=254)]),
        "received_at": DateTimeLocalField(
            _l("Date et heure de réception du courriel (heure de Paris)"), format="%Y-%m-%dT%H:%M",
            description=_l("Celles du courriel reçu par l’ARS : elles doivent précéder la date limite de dépôt."),
            validators=[InputRequired(_l("Indiquez la date et l’heure de réception du courriel."))]),
        # New at each rendering, sent back with the form: the same form sent twice enters one dossier.
        "entry_key": HiddenField(default=new_entry_key, validators=[
            DataRequired(_l("Ce formulaire a expiré : rechargez la page.")), Length(min=16, max=32)]),
    }
    return type("EmailedDossierForm", (dossier_form_class(contest),), fields)


def received_at(form: DossierBaseForm, contest: Contest) -> datetime:
    """The typed arrival time, read in the contest's timezone (Paris), as a UTC instant."""
    return form.received_at.data.replace(tzinfo=contest.tz).astimezone(UTC)
