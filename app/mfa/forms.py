from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


def code_field(label, description) -> StringField:
    return StringField(label, description=description,
                       validators=[DataRequired(_l("Saisissez le code.")), Length(max=32)])


class EnrolmentForm(FlaskForm):
    """The first code of the authenticator, proving it was set up with the secret shown."""

    code = code_field(_l("Code à 6 chiffres affiché par l’application"), _l("Exemple : 123456"))


class SecondFactorForm(FlaskForm):
    """A code of the authenticator, or one of the recovery codes."""

    code = code_field(_l("Code de vérification"),
                      _l("Les 6 chiffres affichés par votre application d’authentification, ou l’un de vos "
                         "codes de secours (exemple : 123456 ou abcde-fghjk)."))
