"""``flask --app app audit verify``: anyone holding the database can check the log and what it decided."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.journal.verification import verify_log

audit_cli = AppGroup("audit", help="The audit log.")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Recompute the log's hash chain, the marks, picks, rankings and winners; print the chain's head.

    Exit code 0 with « 0 écart », else 1 with each discrepancy, the first bad row first."""
    report = verify_log()
    for line in report.lines():
        click.echo(line)
    if report.gaps:
        raise SystemExit(1)
