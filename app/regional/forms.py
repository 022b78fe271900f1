"""Forms of the regional organiser's pages (the rules themselves are checked by the operations)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Regexp

from app.extensions import db
from app.models import Candidature, User
from workflows.dossier import INADMISSIBILITY_REASONS


def reason_field(label, message) -> TextAreaField:
    return TextAreaField(label, validators=[DataRequired(message)])


class InadmissibilityForm(FlaskForm):
    code = RadioField(_l("Motif d’irrecevabilité"),
                      choices=[SelectChoice(key, label) for key, label in INADMISSIBILITY_REASONS.items()],
                      validators=[InputRequired(_l("Choisissez un motif dans la liste."))])
    reason = reason_field(_l("Précisions communiquées au candidat"), _l("Précisez le motif d’irrecevabilité."))


class RequalifyForm(FlaskForm):
    reason = reason_field(_l("Motif de la requalification"), _l("Indiquez pourquoi la candidature redevient recevable."))


class JurorInviteForm(FlaskForm):
    email = EmailField(_l("Adresse électronique du juré"),
                       validators=[DataRequired(_l("Indiquez l’adresse électronique du juré.")),
                                   Email(_l("Adresse électronique invalide.")), Length(max=254)])
    name = StringField(_l("Nom et prénom"), validators=[DataRequired(_l("Indiquez le nom du juré.")), Length(max=200)])
    organisation_identifier = StringField(
        _l("Identifiant de l’organisation du juré (facultatif)"), validators=[Length(max=20)],
        description=_l("FINESS, SIRET ou RNA : un dossier de la même organisation sera signalé en conflit d’intérêts."))


class ConflictRecordForm(FlaskForm):
    juror = SelectField(_l("Juré"), validators=[InputRequired(_l("Choisissez un juré."))])
    candidature = SelectField(_l("Dossier"), validators=[InputRequired(_l("Choisissez un dossier."))])
    reason = reason_field(_l("Raison du conflit d’intérêts"), _l("Indiquez la raison du conflit d’intérêts."))

    @classmethod
    def among(cls, jurors, candidatures, formdata=None) -> ConflictRecordForm:
        """The form offering only the jury's own jurors and dossiers."""
        form = cls(formdata=formdata)
        form.juror.choices = [SelectChoice(str(j.id), f"{j.display_name} <{j.email}>") for j in jurors]
        form.candidature.choices = [SelectChoice(str(c.id), c.title or str(c.id)) for c in candidatures]
        return form

    def chosen(self) -> tuple[User, Candidature]:
        return db.session.get(User, int(self.juror.data)), db.session.get(Candidature, int(self.candidature.data))

    def names_a_stranger(self) -> bool:
        """True when a juror or dossier was sent that is not among the choices: not this jury's."""
        return any(chosen.data and chosen.data not in {choice.value for choice in chosen.choices}
                   for chosen in (self.juror, self.candidature))


class ConflictLiftForm(FlaskForm):
    reason = reason_field(_l("Pourquoi lever ce conflit"), _l("Indiquez pourquoi le conflit d’intérêts est levé."))


class AssignmentSizeForm(FlaskForm):
    """How many jurors score each dossier: read from the address to preview, posted to apply."""

    # Text, not IntegerField: WTForms' own message for « abc » would be English only.
    n = StringField(_l("Nombre de jurés par dossier"),
                    validators=[InputRequired(_l("Indiquez le nombre de jurés par dossier.")),
                                Regexp(r"^\s*\d{1,4}\s*$", message=_l("Indiquez un nombre entier de jurés."))])

    @property
    def size(self) -> int:
        return int(self.n.data)


class UnassignForm(FlaskForm):
    drop_draft = BooleanField(_l("Supprimer son brouillon"))
