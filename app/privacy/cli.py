"""``flask --app app retention apply [--dry-run]``: anonymise what the retention period no longer covers."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.commands import committed
from app.privacy.retention import apply_retention, expired

retention_cli = AppGroup("retention", help="Durée de conservation des données personnelles.")


@retention_cli.command("apply")
@click.option("--dry-run", is_flag=True, help="Lister ce qui serait anonymisé, sans rien changer.")
def retention_apply(dry_run: bool) -> None:
    """Anonymise the dossiers (and accounts) whose retention period has ended, by the contest's clock."""
    from app.clock import now

    moment = now()
    plan = expired(moment)
    for item in plan.candidatures:
        candidature, contest = item.candidature, item.candidature.edition.contest
        click.echo(f"Dossier n° {candidature.id} ({contest.name}, {candidature.region.name}) : conservation "
                   f"échue le {item.since.astimezone(contest.tz).strftime('%d/%m/%Y')}.")
    for account in plan.accounts:
        click.echo(f"Compte n° {account.id} : plus aucun dossier à conserver.")
    if not dry_run:
        committed(lambda: apply_retention(plan, now=moment))
    verb = "seraient anonymisés" if dry_run else "anonymisés"
    click.echo(f"{len(plan.candidatures)} dossier(s) et {len(plan.accounts)} compte(s) {verb}."
               + (" Rien n’a été modifié." if dry_run else ""))
