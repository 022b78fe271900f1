"""The account emails, queued in the outbox in their recipient's language (``app.mail.written_for``).

Links are built on ``BASE_URL``, never on the request's Host header: a forged Host would otherwise
make us email a reset link pointing at someone else's server.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from app.mail import queue_email, signature, written_for
from app.urls import absolute_url
from app.models import User, UserToken


def queue_verification_email(user: User, token: UserToken, raw: str, *, now: datetime) -> None:
    """The link that confirms a new account's address (valid 48 hours)."""
    link = absolute_url("auth.verify_email", token=raw)
    with written_for(user):
        queue_email(f"verify-email:{token.id}", user.email, _("Confirmez votre adresse électronique"),
                    _("Bonjour,\n\nUn compte candidat vient d’être créé avec cette adresse sur la plateforme du "
                      "concours.\nPour confirmer votre adresse, ouvrez ce lien (valable 48 heures) :\n\n%(link)s\n\n"
                      "Si vous n’êtes pas à l’origine de cette demande, ignorez ce message.", link=link)
                    + signature(), now)


def queue_account_exists_email(user: User, *, now: datetime) -> None:
    """Someone tried to register an address that already has an account (at most one per hour)."""
    with written_for(user):
        queue_email(f"account-exists:{user.id}:{now:%Y%m%d%H}", user.email, _("Vous avez déjà un compte"),
                    _("Bonjour,\n\nUne demande de création de compte a été faite avec cette adresse, "
                      "mais un compte existe déjà.\n\nPour vous connecter : %(login)s\n"
                      "Mot de passe oublié : %(forgot)s\n\n"
                      "Si vous n’êtes pas à l’origine de cette demande, ignorez ce message.",
                      login=absolute_url("auth.login"), forgot=absolute_url("auth.forgot_password"))
                    + signature(), now)


def queue_reset_email(user: User, token: UserToken, raw: str, *, now: datetime) -> None:
    """The single-use link to choose a new password (valid one hour)."""
    link = absolute_url("auth.reset_password", token=raw)
    with written_for(user):
        queue_email(f"reset-password:{token.id}", user.email, _("Réinitialisation de votre mot de passe"),
                    _("Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure, "
                      "utilisable une seule fois) :\n\n%(link)s\n\n"
                      "Si vous n’avez pas demandé à changer de mot de passe, ignorez ce message : "
                      "votre mot de passe actuel reste valable.", link=link) + signature(), now)


def queue_password_changed_email(user: User, token: UserToken, *, now: datetime) -> None:
    """Tell the owner that the password changed, in case it was not them."""
    with written_for(user):
        queue_email(f"password-changed:{token.id}", user.email, _("Votre mot de passe a été modifié"),
                    _("Bonjour,\n\nLe mot de passe de votre compte vient d’être modifié ; "
                      "toutes les sessions ouvertes ont été fermées.\n\n"
                      "Si vous n’êtes pas à l’origine de ce changement, demandez un nouveau mot de passe : "
                      "%(forgot)s", forgot=absolute_url("auth.forgot_password")) + signature(), now)
