"""The account emails, in French, queued in the outbox.

Links are built on ``BASE_URL``, never on the request's Host header: a forged Host would otherwise
make us email a reset link pointing at someone else's server.
"""

from __future__ import annotations

from datetime import datetime

from app.mail import queue_email
from app.urls import absolute_url
from app.models import User, UserToken

SIGNATURE = "\n\n--\nConcours « Usagers, soignants : partenaires pour la sécurité des patients »\n" \
            "Message automatique : merci de ne pas y répondre."


def _queue(key: str, user: User, subject: str, body: str, now: datetime) -> None:
    queue_email(key, user.email, subject, body + SIGNATURE, now)


def queue_verification_email(user: User, token: UserToken, raw: str, *, now: datetime) -> None:
    """The link that confirms a new account's address (valid 48 hours)."""
    link = absolute_url("auth.verify_email", token=raw)
    _queue(f"verify-email:{token.id}", user, "Confirmez votre adresse électronique",
           "Bonjour,\n\nUn compte candidat vient d’être créé avec cette adresse sur la plateforme du concours.\n"
           f"Pour confirmer votre adresse, ouvrez ce lien (valable 48 heures) :\n\n{link}\n\n"
           "Si vous n’êtes pas à l’origine de cette demande, ignorez ce message.", now)


def queue_account_exists_email(user: User, *, now: datetime) -> None:
    """Someone tried to register an address that already has an account (at most one per hour)."""
    _queue(f"account-exists:{user.id}:{now:%Y%m%d%H}", user, "Vous avez déjà un compte",
           "Bonjour,\n\nUne demande de création de compte a été faite avec cette adresse, "
           "mais un compte existe déjà.\n\n"
           f"Pour vous connecter : {absolute_url('auth.login')}\n"
           f"Mot de passe oublié : {absolute_url('auth.forgot_password')}\n\n"
           "Si vous n’êtes pas à l’origine de cette demande, ignorez ce message.", now)


def queue_reset_email(user: User, token: UserToken, raw: str, *, now: datetime) -> None:
    """The single-use link to choose a new password (valid one hour)."""
    link = absolute_url("auth.reset_password", token=raw)
    _queue(f"reset-password:{token.id}", user, "Réinitialisation de votre mot de passe",
           "Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure, "
           f"utilisable une seule fois) :\n\n{link}\n\n"
           "Si vous n’avez pas demandé à changer de mot de passe, ignorez ce message : "
           "votre mot de passe actuel reste valable.", now)


def queue_password_changed_email(user: User, token: UserToken, *, now: datetime) -> None:
    """Tell the owner that the password changed, in case it was not them."""
    _queue(f"password-changed:{token.id}", user, "Votre mot de passe a été modifié",
           "Bonjour,\n\nLe mot de passe de votre compte vient d’être modifié ; "
           "toutes les sessions ouvertes ont été fermées.\n\n"
           "Si vous n’êtes pas à l’origine de ce changement, demandez un nouveau mot de passe : "
           f"{absolute_url('auth.forgot_password')}", now)
