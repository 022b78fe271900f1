"""``flask --app app user reset-mfa EMAIL``: the administrator's reset, from the server's shell."""

from __future__ import annotations

import click

from app.extensions import db


@click.command("reset-mfa")
@click.argument("email")
def reset_mfa_command(email: str) -> None:
    """Erase an account's second factor (a lost phone) and end its sessions."""
    from app.accounts import normalise_email
    from app.cli import _committed, _fail
    from app.clock import now
    from app.mfa.operations import reset
    from app.models import User

    user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    if user is None:
        _fail([f"Aucun compte pour {normalise_email(email)}."])
    _committed(lambda: reset(user, actor=None, now=now()))
    click.echo(f"Double authentification réinitialisée : {user.email}. Ses sessions sont fermées ; à sa prochaine "
               "connexion, son mot de passe suffira puis, si son rôle l’exige, il activera un nouvel appareil.")
