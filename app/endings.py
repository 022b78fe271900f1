"""How every request ends: one commit after the view, a rollback as soon as anything refuses.

- A view that acts runs its operation inside ``refusals()``: a ``Refused`` (or the database's own
  refusal of a concurrent change: a stale version, a slot taken meanwhile) rolls back at once, so
  the page the view shows next reads the data as it was, with what the person typed and why.
- After each request the session commits what it still holds (what the view did and nothing it
  refused), unless the request failed (an error page, which rolls back first): no view commits by
  hand. The emails the request queued leave after that commit (``app.mail``), the files it dropped
  are removed (``app.uploads.storage``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from flask import Flask, Response, flash
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms import FieldList, FormField

from app.extensions import db
from app.i18n import translated
from workflows.refusals import Invalid, Refused, Stale

T = TypeVar("T")


@dataclass
class Outcome:
    """What ``refusals()`` caught; true when the operation was refused."""

    reasons: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)  # Invalid: form field -> message
    stale: bool = False  # the data changed meanwhile (another tab, another person)

    def __bool__(self) -> bool:
        return bool(self.reasons)

    def place_on(self, form) -> list[str]:
        """Show each problem beside its field (a row's too: ``partners-1-side``); return the reasons with no
        field of their own."""
        unplaced = [reason for reason in self.reasons if reason not in self.problems.values()]
        fields = {item.name: item for item in _every_field(form)}
        for name, message in self.problems.items():
            if name in fields:
                fields[name].errors = [*fields[name].errors, message]
            else:
                unplaced.append(message)
        return unplaced

    def flash(self) -> None:
        for reason in self.reasons:
            flash(translated(reason), "error")  # the session keeps plain strings: said now, in this request's language


def _every_field(fields: Iterable) -> Iterator:
    """A form's fields and those of its lists' rows (WTForms' ``FieldList`` of ``FormField``)."""
    for item in fields:
        yield item
        if isinstance(item, FieldList):
            yield from _every_field(item.entries)
        elif isinstance(item, FormField):
            yield from _every_field(item.form)


@contextmanager
def refusals(changed_meanwhile: str | None = None, *, keep_before: bool = False) -> Iterator[Outcome]:
    """Run the operation of the ``with`` block; on a refusal roll back and keep why in the outcome.

    ``keep_before``: roll back only the block, keeping what the request did before it (a draft
    saved before its submission is refused)."""
    outcome = Outcome()
    undo = db.session.begin_nested() if keep_before else db.session
    try:
        yield outcome
        db.session.flush()  # the database judges now what the operation changed, not at the commit
        if keep_before:
            undo.commit()
    except Refused as refused:
        undo.rollback()
        outcome.reasons = list(refused.reasons)
        outcome.problems = refused.problems if isinstance(refused, Invalid) else {}
        outcome.stale = isinstance(refused, Stale)
        if outcome.stale and changed_meanwhile:
            outcome.reasons = [changed_meanwhile]
    except (StaleDataError, IntegrityError):
        undo.rollback()
        outcome.reasons, outcome.stale = [changed_meanwhile or Stale().reasons[0]], True


def attempt(operation: Callable[[], T], success: str | Callable[[T], str],
            changed_meanwhile: str | None = None) -> Outcome:
    """Run ``operation`` and flash what happened: ``success`` (a message, or a function of the result), or
    the reasons it was refused. The view then redirects, or shows its form again when refused."""
    with refusals(changed_meanwhile) as refused:
        result = operation()
    if refused:
        refused.flash()
    else:
        flash(success(result) if callable(success) else success, "success")
    return refused


def register(app: Flask) -> None:
    @app.after_request
    def _end(response: Response) -> Response:
        # A refusal answers 4xx with nothing left to commit; a server error has rolled back already.
        if response.status_code < 500:
            db.session.commit()
        else:
            db.session.rollback()
        return response
