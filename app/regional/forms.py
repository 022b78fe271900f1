"""Forms of the regional organiser's pages (the rules themselves are checked by the operations)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.sql import ColumnElement
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Regexp, ValidationError

from app.extensions import db
from app.models import Candidature, User
from app.receipts import receipt_number_key, stored_receipt_key
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


class _ConflictForm(FlaskForm):
    """A juror of the jury, a dossier it judges and why they conflict; each jury's form names the
    dossier its own way (its ``candidature`` field and ``dossier()``)."""

    juror = SelectField(_l("Juré"), validators=[InputRequired(_l("Choisissez un juré."))])
    reason = reason_field(_l("Raison du conflit d’intérêts"), _l("Indiquez la raison du conflit d’intérêts."))

    def _offer(self, jurors) -> None:
        self.juror.choices = [SelectChoice(str(j.id), f"{j.display_name} <{j.email}>") for j in jurors]

    def _stranger(self, field: SelectField) -> bool:
        return bool(field.data) and field.data not in {choice.value for choice in field.choices}

    def names_a_stranger(self) -> bool:
        """True when a juror was sent that is not among the choices: not this jury's."""
        return self._stranger(self.juror)

    def chosen(self) -> tuple[User, Candidature]:
        return db.session.get(User, int(self.juror.data)), self.dossier()


class ConflictRecordForm(_ConflictForm):
    """The national jury's: its dossiers are the regions' few picks, offered in a list."""

    candidature = SelectField(_l("Dossier"), validators=[InputRequired(_l("Choisissez un dossier."))])

    @classmethod
    def among(cls, jurors, candidatures, formdata=None) -> ConflictRecordForm:
        """The form offering only the jury's own jurors and dossiers."""
        form = cls(formdata=formdata)
        form._offer(jurors)
        form.candidature.choices = [SelectChoice(str(c.id), c.title or str(c.id)) for c in candidatures]
        return form

    def names_a_stranger(self) -> bool:
        """True when a juror or dossier was sent that is not among the choices: not this jury's."""
        return super().names_a_stranger() or self._stranger(self.candidature)

    def dossier(self) -> Candidature:
        return db.session.get(Candidature, int(self.candidature.data))


class RegionalConflictForm(_ConflictForm):
    """A region's jury: its dossiers may be thousands, too many for a list; the organiser types the
    dossier's receipt number, the one its lists and its page show, and the form finds it in the region."""

    candidature = StringField(
        _l("Numéro de récépissé du dossier"), validators=[DataRequired(_l("Indiquez le numéro de récépissé du dossier."))],
        description=_l("Tel qu’il figure dans la liste des dossiers déposés, par exemple K3QF-7ZLA-P2MD-X9RT."),
        filters=[lambda typed: (typed or "").strip()])

    @classmethod
    def within(cls, jurors, dossiers: ColumnElement, formdata=None) -> RegionalConflictForm:
        """The form offering the jury's jurors and finding the dossier among ``dossiers`` (a condition
        on Candidature: the region's dossiers before its jury)."""
        form = cls(formdata=formdata)
        form._offer(jurors)
        form.dossiers = dossiers
        return form

    def validate_candidature(self, field: StringField) -> None:
        self.found = db.session.scalar(db.select(Candidature).where(
            self.dossiers, stored_receipt_key() == receipt_number_key(field.data)))
        if self.found is None:
            raise ValidationError(_l("Aucun dossier soumis au jury de la région ne porte le numéro « %(number)s » : "
                                     "recopiez le numéro de récépissé de la liste des dossiers déposés.",
                                     number=field.data))

    def dossier(self) -> Candidature:
        return self.found


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
