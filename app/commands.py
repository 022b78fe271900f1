"""How a command ends: its operation commits once, or a refusal keeps nothing, prints its reasons
(in French, on stderr) and exits with code 1. Every command module (``app.cli``, ``app.backup.cli``)
ends this way."""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn, TypeVar

import click

from app.extensions import db
from workflows.refusals import Refused

T = TypeVar("T")


def fail(lines: list[str]) -> NoReturn:
    for line in lines:
        click.echo(line, err=True)
    raise SystemExit(1)


def committed(operation: Callable[[], T]) -> T:
    """Run ``operation`` and commit; on a refusal, nothing is kept, its reasons are printed, exit 1."""
    try:
        result = operation()
    except Refused as error:
        db.session.rollback()
        fail([str(error)])
    db.session.commit()
    return result
