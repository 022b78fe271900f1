"""``flask --app app backup create|restore FILE``: the whole instance in one archive, and back."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app import clock
from app.backup.archive import Summary, create_backup, restore_backup
from app.commands import committed

backup_cli = AppGroup("backup", help="Sauvegarde et restauration de l’instance (base et fichiers).")


def _described(summary: Summary) -> str:
    size = f"{summary.size / 2**20:.1f}".replace(".", ",")
    return f"{summary.rows} lignes, {summary.files} fichiers, révision {summary.revision}, {size} Mo"


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_create(path: Path) -> None:
    """Write the archive of the database, the files its rows name and the definitions to PATH."""
    summary = committed(lambda: create_backup(path, now=clock.now()))
    click.echo(f"Sauvegarde écrite : {path} ({_described(summary)}).")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def backup_restore(path: Path) -> None:
    """Rebuild this instance, its database empty, from the archive PATH (checked before anything is written)."""
    summary = committed(lambda: restore_backup(path))
    click.echo(f"Restauration terminée depuis {path} ({_described(summary)}).")
