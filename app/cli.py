"""Command-line tools: ``flask --app app contest|user|demo|outbox|uploads|exports|backup|retention|audit ...``."""

from __future__ import annotations

from datetime import UTC
import re
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.commands import committed, fail
from app.extensions import db
from workflows.comparison import differences
from workflows.definition import ContestError, load_contest
from workflows.next_edition import next_edition, weekday_changes
from workflows.refusals import Refused
from workflows.states import Role

contest_cli = AppGroup("contest", help="Contest definition files.")
user_cli = AppGroup("user", help="User accounts.")
# An edition's slug names its file and appears in URLs: kept to plain ASCII.
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def _utc_iso(value) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def summary_lines(contest) -> list[str]:
    """What ``contest check`` prints for a valid file."""
    deadline = contest.calendar.submission_deadline
    lines = [
        f"Concours : {contest.name} — « {contest.title} » ({contest.slug})",
        f"Date limite de dépôt : {deadline.astimezone(contest.tz).isoformat()} ({contest.timezone})",
        f"Date limite de dépôt (UTC) : {_utc_iso(deadline)}",
        f"Critères ({len(contest.criteria)}), échelle {contest.scale.min}–{contest.scale.max} :",
    ]
    lines += [f"  - {c.key} (poids {c.weight}) : {c.label}" for c in contest.criteria]
    lines += [
        f"Pièces jointes : {contest.attachments.max_count} au plus, "
        f"{contest.attachments.max_bytes // (1024 * 1024)} Mo chacune",
        f"Projets retenus par région : {contest.quota.min} à {contest.quota.max}",
        f"Lauréats : {contest.winners}",
        f"Régions : {len(contest.regions)}",
    ]
    return lines


def _contest_or_exit(path: Path):
    """The definition in ``path``, or its errors printed and exit code 1."""
    try:
        return load_contest(path)
    except (ContestError, OSError) as error:
        fail(getattr(error, "errors", None) or [f"{path}: {error}"])


@contest_cli.command("check")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def contest_check(path: Path) -> None:
    """Validate a definition file and print its summary, or its errors (exit code 1)."""
    for line in summary_lines(_contest_or_exit(path)):
        click.echo(line)


@contest_cli.command("new")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("slug")
@click.option("--shift-years", "years", type=click.IntRange(min=1), default=1, show_default=True,
              help="Years added to every date of the calendar.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the file (default: SLUG.toml beside SOURCE).")
def contest_new(source: Path, slug: str, years: int, output: Path | None) -> None:
    """Write next edition's definition from SOURCE: calendar shifted, slug, name and number changed."""
    if not SLUG.fullmatch(slug):
        fail([f"{slug} : identifiant invalide (lettres minuscules, chiffres et tirets, 64 au plus)."])
    target = output or source.with_name(f"{slug}.toml")
    if target.exists():
        fail([f"{target} existe déjà : rien n’a été écrit."])
    old = _contest_or_exit(source)
    try:
        text, new = next_edition(source.read_text(encoding="utf-8"), slug=slug, years=years, source=source.name)
    except ContestError as error:
        fail(error.errors)
    target.write_text(text, encoding="utf-8")
    click.echo(f"Fichier écrit : {target}")
    if moved := weekday_changes(old, new):
        click.echo("À vérifier, ces dates changent de jour de la semaine :")
        for line in moved:
            click.echo(f"  - {line}")
    click.echo(f"Relisez le fichier, puis : flask --app app contest diff {source} {target}")


@contest_cli.command("diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
def contest_diff(old: Path, new: Path) -> None:
    """Print, in French, what changes from the definition OLD to the definition NEW."""
    lines = differences(_contest_or_exit(old), _contest_or_exit(new))
    for line in lines or ["Aucune différence entre les deux définitions."]:
        click.echo(line)


@contest_cli.command("load")
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def contest_load(path: Path) -> None:
    """Create or update the edition described by a definition file."""
    from app.clock import now
    from app.editions import load_edition

    try:
        edition, created = load_edition(path.read_text(encoding="utf-8"), source=path.name, now=now())
    except (ContestError, Refused) as error:
        db.session.rollback()
        for line in getattr(error, "errors", None) or error.reasons:
            click.echo(line, err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(f"Édition « {edition.slug} » {'créée' if created else 'mise à jour'}.")


@user_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", "role_name", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--region", "region_code", help="Code of the region, for regional roles.")
@click.option("--edition", "edition_slug", help="Edition slug (default: the current edition).")
@click.option("--name", "display_name", default="")
@click.password_option(prompt="Mot de passe")
def user_create(email: str, role_name: str, region_code: str | None, edition_slug: str | None, display_name: str,
                password: str) -> None:
    """Create an account with one role (prompts for the password)."""
    from app.accounts import create_user
    from app.clock import now
    from app.passwords import hash_password, password_problem

    if problem := password_problem(password):
        click.echo(problem, err=True)
        raise SystemExit(1)
    user = committed(lambda: create_user(
        email=email, password_hash=hash_password(password), role=Role(role_name), region_code=region_code,
        edition_slug=edition_slug, display_name=display_name, now=now(), verified=True))
    click.echo(f"Compte créé : {user.email} ({Role(role_name).label}).")


@user_cli.command("grant")
@click.option("--email", required=True)
@click.option("--role", "role_name", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--region", "region_code", help="Code of the region, for regional roles.")
@click.option("--edition", "edition_slug", help="Edition slug (default: the current edition).")
def user_grant(email: str, role_name: str, region_code: str | None, edition_slug: str | None) -> None:
    """Give an existing account one more role: the same person in next year's edition."""
    from app.accounts import grant_role, normalise_email
    from app.clock import now
    from app.models import User

    user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    if user is None:
        fail([f"Aucun compte pour {normalise_email(email)} : créez-le avec « user create »."])
    committed(lambda: grant_role(user, role=Role(role_name), region_code=region_code, edition_slug=edition_slug,
                                 now=now()))
    click.echo(f"Rôle ajouté : {user.email} ({Role(role_name).label}).")


@user_cli.command("reset-mfa")
@click.argument("email")
def user_reset_mfa(email: str) -> None:
    """Erase an account's second factor (a lost phone) and end its sessions; the audit log keeps it."""
    from app.accounts import normalise_email
    from app.clock import now
    from app.mfa.operations import reset
    from app.models import User

    user = db.session.scalar(db.select(User).filter_by(email=normalise_email(email)))
    if user is None:
        fail([f"Aucun compte pour {normalise_email(email)}."])
    committed(lambda: reset(user, actor=None, now=now()))
    click.echo(f"Double authentification réinitialisée : {user.email}. Ses sessions sont fermées ; à sa prochaine "
               "connexion, son mot de passe suffira puis, si son rôle l’exige, il activera un nouvel appareil.")


def register(app: Flask) -> None:
    from app.attachments.cli import uploads_cli
    from app.backup.cli import backup_cli
    from app.demo import demo_command
    from app.exports.jobs import exports_cli
    from app.journal.cli import audit_cli
    from app.mail import outbox_cli
    from app.privacy.cli import retention_cli

    for command in (contest_cli, user_cli, demo_command, uploads_cli, outbox_cli, exports_cli, backup_cli,
                    retention_cli, audit_cli):
        app.cli.add_command(command)
