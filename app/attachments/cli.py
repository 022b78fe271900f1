from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from app.uploads import storage

uploads_cli = AppGroup("uploads", help="Fichiers déposés par les candidats.")


@uploads_cli.command("clean")
@click.option("--dry-run", is_flag=True, help="Lister sans supprimer.")
def uploads_clean(dry_run: bool) -> None:
    """Remove files without an attachment row and temporary files left by a crash (older than an hour)."""
    # File times come from the system clock, so the age is judged on it, not on the contest clock.
    moment = datetime.now(UTC)
    paths = storage.find_orphans(moment) if dry_run else storage.clean_orphans(moment)
    for path in paths:
        click.echo(path.name)
    click.echo(f"{len(paths)} fichier(s) orphelin(s) {'trouvé(s)' if dry_run else 'supprimé(s)'}.")
