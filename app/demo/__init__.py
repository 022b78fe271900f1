"""``flask --app app demo --stage STAGE``: a demonstration edition at any stage of the contest.

STAGE is ``depot`` (the default), ``jury-regional``, ``jury-national`` or ``resultats``. A fresh demo
is the 2017 definition with its calendar shifted so that the real clock falls in that stage, and
its story played through the real operations (``app.demo.story``). Run again at the same stage,
it changes nothing; at a later stage, it moves the demo edition forward from where it stands
(from ``depot``, only once its deadline has passed); at an earlier stage, it refuses. The real
2017 edition, if loaded, is left alone.
"""

from __future__ import annotations

import tomllib
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import tomli_w
from flask import current_app

from app.accounts import create_user
from app.clock import now as clock_now
from app.demo import cast
from app.demo.story import PHASES, Cast, Timeline, reached
from app.editions import load_edition
from app.extensions import db
from app.mfa.codes import code_at, grouped, step_at
from app.mfa.operations import confirm_enrolment
from app.models import AuditEntry, Edition, User
from app.passwords import hash_password
from workflows.definition import shift_calendar
from workflows.refusals import Refused
from workflows.states import Role

DEMO_SLUG = "ssp-demo"
STAGES = tuple(PHASES)  # in the contest's order
LABELS = {"depot": "dépôt des candidatures", "jury-regional": "jurys régionaux",
          "jury-national": "jury national", "resultats": "résultats publiés"}
DAY, HOUR, MINUTE = timedelta(days=1), timedelta(hours=1), timedelta(minutes=1)


def _midnight(moment: datetime, zone: ZoneInfo) -> datetime:
    return datetime.combine(moment.astimezone(zone).date(), time(0), zone)


def plan(stage: str, now: datetime, zone: ZoneInfo) -> tuple[datetime, list[tuple[str, datetime, datetime]]]:
    """The deadline that puts ``now`` in ``stage``, and each phase's window, all before ``now``."""
    if stage == "depot":
        return _midnight(now + 6 * DAY, zone), [("depot", now - 2 * DAY, now - MINUTE)]
    deadline = _midnight(now - {"jury-regional": 4, "jury-national": 30, "resultats": 45}[stage] * DAY, zone)
    windows = [("depot", deadline - 12 * DAY, deadline - HOUR), ("jury-regional", deadline + 8 * HOUR, now - MINUTE)]
    if stage != "jury-regional":
        windows[-1] = ("jury-regional", deadline + 8 * HOUR, deadline + 18 * DAY)
        windows.append(("jury-national", deadline + 19 * DAY, now - MINUTE))
    if stage == "resultats":
        windows[-1] = ("jury-national", deadline + 19 * DAY, deadline + 35 * DAY)
        windows.append(("resultats", deadline + 36 * DAY, now - MINUTE))
    return deadline, windows


def demo_definition(source: Path, deadline: datetime) -> str:
    """The definition file with its calendar moved so that the deadline is ``deadline``."""
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    shifted = shift_calendar(data, deadline - data["calendar"]["submission_deadline"])
    shifted["contest"]["slug"] = DEMO_SLUG
    shifted["contest"]["name"] += " (démonstration)"
    return tomli_w.dumps(shifted)


def _ensure_accounts(edition: Edition, now: datetime) -> dict[str, User]:
    """Every account of the cast, created once; they share one password, hashed once, and those whose
    role requires a second factor share one authenticator key (``cast.TOTP_SECRET``)."""
    users, shared_hash = {}, hash_password(cast.PASSWORD)
    for account in cast.accounts(edition.contest):
        user = db.session.scalar(db.select(User).filter_by(email=account.email))
        if user is None:
            user = create_user(email=account.email, password_hash=shared_hash, role=account.role,
                               region_code=account.region, edition_slug=edition.slug, display_name=account.name,
                               now=now, verified=True)
        if user.must_enrol_second_factor:
            user.mfa_secret = cast.TOTP_SECRET  # as if its owner had scanned it on the enrolment page
            confirm_enrolment(user, code_at(cast.TOTP_SECRET, step_at(now)), now=now)
        users[account.email] = user
    return users


def _phases_to_play(edition: Edition | None, stage: str, now: datetime) -> list[str]:
    """The phases still to play to bring the demo edition to ``stage``; refuses to go back."""
    if edition is None:
        return list(STAGES[:STAGES.index(stage) + 1])
    at = reached(edition)
    if STAGES.index(stage) < STAGES.index(at):
        raise click.ClickException(
            f"La démonstration est déjà à l’étape « {at} » : elle ne revient pas en arrière. Pour la "
            f"reconstruire à l’étape « {stage} », supprimez sa base de données (avec SQLite : "
            "instance/concours.db) puis relancez la commande.")
    if at == "depot" and stage != "depot" and edition.contest.is_before_deadline(now):
        raise click.ClickException(
            f"La démonstration est à l’étape « depot » et sa date limite ({edition.contest.deadline_label}) "
            f"n’est pas passée : aucun jury ne peut siéger. Attendez cette date, ou supprimez sa base de données "
            f"(avec SQLite : instance/concours.db) pour construire directement l’étape « {stage} ».")
    return list(STAGES[STAGES.index(at) + 1:STAGES.index(stage) + 1])


def build(stage: str, now: datetime) -> Edition:
    """Bring the demo edition to ``stage`` through the real operations; the caller commits."""
    edition = db.session.scalar(db.select(Edition).filter_by(slug=DEMO_SLUG))
    phases = _phases_to_play(edition, stage, now)
    if edition is None:
        source = Path(current_app.config["CONTEST_FILE"])
        zone = ZoneInfo(tomllib.loads(source.read_text(encoding="utf-8"))["contest"]["timezone"])
        deadline, windows = plan(stage, now, zone)
        begins = windows[0][1] - HOUR
        edition, _created = load_edition(demo_definition(source, deadline), source=f"{DEMO_SLUG}.toml", now=begins)
        story = Cast(edition, _ensure_accounts(edition, begins))
    else:
        # Moving forward: the remaining phases share the time since the demo's last act.
        last = db.session.scalar(db.select(db.func.max(AuditEntry.at)).filter_by(edition_id=edition.id)) or now
        start = min(max(last, edition.contest.calendar.submission_deadline) + MINUTE, now)
        share = (now - start) / max(len(phases), 1)
        windows = [(phase, start + share * index, start + share * (index + 1)) for index, phase in enumerate(phases)]
        story = Cast(edition, _ensure_accounts(edition, start))
    for phase, start, end in windows:
        PHASES[phase](story, Timeline(start, end))
        db.session.flush()
    return edition


# What each person can do at each stage, as the command prints it.
DUTIES = {
    "depot": {
        "candidat": "complète son brouillon (Hauts-de-France) et modifie son dossier déposé jusqu’à la date limite",
        "candidat2": "un dossier déposé et un dossier irrecevable (Île-de-France), un dossier retiré ; a répondu "
                     "au message de l’ARS sur son dossier déposé",
        Role.CANDIDATE: "ses dossiers déposés dans sa région ; peut en créer d’autres",
        "ars.idf": "suit les dossiers déposés (un candidat a répondu à son message), déclare un dossier "
                   "irrecevable, invite des jurés ; le jury s’ouvre après la date limite",
        Role.REGIONAL_ORGANISER: "suit les dossiers déposés, écrit aux candidats, déclare un dossier irrecevable, "
                                 "invite des jurés ; le jury s’ouvre après la date limite",
        Role.REGIONAL_JUROR: "attend l’ouverture de son jury régional",
        Role.NATIONAL_ORGANISER: "suit les régions, invite des jurés nationaux",
        Role.NATIONAL_JUROR: "attend l’ouverture du jury national",
    },
    "jury-regional": {
        Role.CANDIDATE: "suit ses dossiers (« en cours d’examen »)",
        "candidat2": "suit ses dossiers ; après la date limite, a répondu par message à la question de l’ARS "
                     "(Île-de-France), son dossier restant tel qu’il l’a déposé",
        f"ars.{cast.CLOSED_EARLY.lower()}": "sélection close : classement, projets retenus, procès-verbal (PDF)",
        **{f"ars.{code.lower()}": "jury en cours : irrecevabilité, jurés, conflits d’intérêts, relances, "
                                  "classement, choix des projets, clôture" for code in cast.STILL_SCORING},
        f"ars.{cast.ASSIGNED.lower()}": f"jury en cours, dossiers répartis ({cast.ASSIGNED_N} jurés par dossier) : "
                                        "ajuste la répartition (page Jury régional), jurés, relances, clôture",
        f"ars.{cast.NO_JURY.lower()}": "n’a pas encore ouvert son jury régional",
        Role.REGIONAL_ORGANISER: "sélection close : classement, projets retenus, procès-verbal (PDF)",
        **{f"jure{seat}.{code.lower()}": "déclare ses liens d’intérêts et note les dossiers de sa région"
           for code in cast.STILL_SCORING for seat in ("", "2", "3")},
        **{f"jure{seat + 1 if seat else ''}.{cast.ASSIGNED.lower()}": "note les seuls dossiers qui lui sont attribués"
           for seat in range(cast.ASSIGNED_JURORS)},
        Role.REGIONAL_JUROR: "a rendu ses grilles ; le jury est clos (lecture seule)",
        Role.NATIONAL_ORGANISER: "suit les régions ; peut excuser une région sans jury ; ouvre le jury national "
                                 "quand toutes les régions sont closes ou excusées",
        Role.NATIONAL_JUROR: "attend l’ouverture du jury national",
    },
    "jury-national": {
        Role.CANDIDATE: "suit ses dossiers (« en cours d’examen » ; la Corse, excusée, est prévenue)",
        Role.REGIONAL_ORGANISER: "sélection close (lecture) ; plus d’action régionale sauf réouverture par "
                                 "l’organisation nationale",
        Role.REGIONAL_JUROR: "jury régional clos (lecture seule)",
        Role.NATIONAL_ORGANISER: "jury national ouvert : jurés, conflits d’intérêts, relances, classement national, "
                                 "désignation du lauréat, exports (livret PDF, tableaux, ZIP)",
        Role.NATIONAL_JUROR: "déclare ses liens d’intérêts et note les projets retenus (grilles en cours)",
    },
    "resultats": {
        Role.CANDIDATE: "lit le résultat de ses dossiers ; la page publique /resultats nomme les projets primés",
        Role.REGIONAL_ORGANISER: "résultats publiés : consultation, procès-verbal, exports",
        Role.REGIONAL_JUROR: "résultats publiés : consultation de ses grilles",
        Role.NATIONAL_ORGANISER: "résultats publiés : consultation, exports (livret PDF, tableaux, ZIP)",
        Role.NATIONAL_JUROR: "résultats publiés : consultation de ses grilles",
    },
}


def duty(stage: str, account: cast.Account) -> str:
    if account.role == Role.ADMIN:
        return "administration des comptes : réinitialise la double authentification d’un membre de l’équipe"
    if account.region == cast.NO_JURY and account.role == Role.REGIONAL_JUROR and stage != "depot":
        return "son jury régional ne s’est jamais réuni" + (" ; la région est excusée" if stage != "jury-regional"
                                                            else "")
    duties = DUTIES[stage]
    return duties.get(account.email.split("@")[0]) or duties[account.role]


@click.command("demo")
@click.option("--stage", type=click.Choice(STAGES), default="depot", show_default=True,
              help="L’étape du concours où placer la démonstration.")
def demo_command(stage: str) -> None:
    """Create the demonstration edition at STAGE, or move it forward (idempotent)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("La démonstration ne s’installe pas en production.")
    try:
        edition = build(stage, clock_now())
    except Refused as refused:
        db.session.rollback()
        raise click.ClickException("La démonstration n’a pas pu avancer : " + " ".join(refused.reasons)) from None
    db.session.commit()
    click.echo(f"Édition de démonstration « {edition.slug} », étape « {LABELS[stage]} » ; date limite de dépôt : "
               f"{edition.contest.deadline_label}.")
    click.echo(f"Comptes (mot de passe commun : {cast.PASSWORD}), par ce que chacun peut faire à cette étape :")
    click.echo("  Les organisateurs et l’administrateur ont la double authentification : ajoutez à votre application "
               f"d’authentification la clé {grouped(cast.TOTP_SECRET)} (basée sur le temps), ou obtenez le code "
               f"du moment avec : .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{cast.TOTP_SECRET}').now())\"")
    groups: dict[tuple[str, str], list[cast.Account]] = {}
    for account in cast.accounts(edition.contest):
        groups.setdefault((account.role.label, duty(stage, account)), []).append(account)
    for (role, what), members in groups.items():
        click.echo(f"  {role[0].upper() + role[1:]} — {what} :")
        for account in members:
            click.echo(f"    {account.email}" + (f" ({account.region})" if account.region else ""))
