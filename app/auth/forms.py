from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from app.passwords import MAX_LENGTH, MIN_LENGTH, password_problem


def email_field() -> EmailField:
    return EmailField(
        _l("Adresse électronique"),
        validators=[DataRequired(_l("Indiquez votre adresse électronique.")),
                    Email(_l("Adresse électronique invalide.")), Length(max=254)],
        description=_l("Format attendu : nom@domaine.fr"),
    )


def acceptable_password(form, field) -> None:
    """The length rule of app.passwords, and nothing else (any character is welcome)."""
    if problem := password_problem(field.data or ""):
        raise ValidationError(problem)


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    """A new password and its confirmation."""
    password = PasswordField(
        _l("Mot de passe"),
        validators=[InputRequired(_l("Choisissez un mot de passe.")), acceptable_password],
        description=_l("De %(min)s à %(max)s caractères, tous caractères admis, espaces compris. "
                       "Une phrase facile à retenir convient très bien.", min=MIN_LENGTH, max=MAX_LENGTH),
    )
    confirmation = PasswordField(
        _l("Confirmation du mot de passe"),
        validators=[InputRequired(_l("Saisissez de nouveau le mot de passe.")),
                    EqualTo("password", _l("Les deux mots de passe ne correspondent pas."))],
    )
    return password, confirmation


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Mot de passe"), validators=[DataRequired(_l("Indiquez votre mot de passe.")), Length(max=128)]
    )


class RegistrationForm(FlaskForm):
    email = email_field()
    password, confirmation = new_password_fields()


class PasswordForgotForm(FlaskForm):
    email = email_field()


class PasswordResetForm(FlaskForm):
    password, confirmation = new_password_fields()


class ConfirmForm(FlaskForm):
    """An empty form carrying only the CSRF token, for every POST button."""
