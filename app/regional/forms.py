"""Forms of the regional organiser's pages (the rules themselves are checked by the operations)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from app.candidatures.operations import INADMISSIBILITY_REASONS


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


class ConflictLiftForm(FlaskForm):
    reason = reason_field(_l("Pourquoi lever ce conflit"), _l("Indiquez pourquoi le conflit d’intérêts est levé."))
