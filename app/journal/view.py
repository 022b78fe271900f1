"""One action log over a scope of rows: the filter form, the page and its CSV.

The filters are GET parameters (``personne``, ``action``, ``du``, ``au``): a filtered page can be
bookmarked, its pagination and its CSV link keep them. Dates are the contest's local days (Paris),
``au`` included. A filter that does not validate is shown with its error and not applied.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import ColumnElement, and_, func
from wtforms import DateField, SearchField, SelectField
from wtforms.validators import Length, Optional, ValidationError

from app.audit import record
from app.clock import now
from app.exports.tables import Sheet, to_csv
from app.extensions import db
from app.i18n import translated
from app.journal.labels import LABELS, NO_CONFLICT, label_of
from app.listing import PAGE_SIZE
from app.models import AuditEntry, User
from app.downloads import download
from workflows.states import RegionStage, Role, State, NationalStage

FILTERS = ("personne", "action", "du", "au")
BATCH = 500


class JournalFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a search: reading the log changes nothing, and the URL must stay shareable

    personne = SearchField(_l("Personne"), validators=[Optional(), Length(max=254)],
                           description=_l("Tout ou partie de son adresse électronique"))
    action = SelectField(_l("Action"), validators=[Optional()])
    du = DateField(_l("Du"), validators=[Optional()])
    au = DateField(_l("Au (inclus)"), validators=[Optional()])

    def __init__(self, *args, present: set[str] | None = None, **kwargs):
        """``present``: the actions the journal holds; the filter offers those only (and the one chosen)."""
        super().__init__(*args, **kwargs)
        chosen = (kwargs.get("formdata") or {}).get("action")
        labelled = sorted(((key, str(label)) for key, label in LABELS.items()
                           if present is None or _code(key) in present or key == chosen),
                          key=lambda choice: choice[1].lower())
        self.action.choices = [("", _("Toutes les actions")), *labelled]

    def validate_au(self, field) -> None:
        if field.data and self.du.data and field.data < self.du.data:
            raise ValidationError(_("La date de fin précède la date de début."))


def _code(key: str) -> str:
    """The action code of a filter's key (a « no conflict » declaration is a ``conflict.declare`` row)."""
    return "conflict.declare" if key == NO_CONFLICT else key


def _action(key: str) -> ColumnElement[bool]:
    """The rows of a filter's key; a juror's declaration is told by its data, as ``labels.key_of`` does."""
    declared = AuditEntry.data["has_conflict"].as_boolean()
    if key == NO_CONFLICT:
        return and_(AuditEntry.action == "conflict.declare", declared.is_(False))
    if key == "conflict.declare":
        return and_(AuditEntry.action == key, declared.is_not(False))
    return AuditEntry.action == key


def _start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tz)


class Journal:
    """The rows of ``scope`` that the request's filters keep, newest first."""

    def __init__(self, scope: ColumnElement[bool], tz: ZoneInfo):
        self.tz = tz
        present = set(db.session.scalars(db.select(AuditEntry.action).where(scope).distinct()))
        self.form = JournalFilterForm(formdata=request.args, present=present)
        self.form.validate()
        self.filters = {name: request.args[name] for name in FILTERS
                        if request.args.get(name) and not self.form[name].errors}
        conditions = [scope]
        if person := self.filters.get("personne"):
            conditions.append(AuditEntry.actor_id.in_(
                db.select(User.id).where(func.lower(User.email).contains(person.strip().lower(), autoescape=True))))
        if "action" in self.filters:
            conditions.append(_action(self.form.action.data))
        if "du" in self.filters:
            conditions.append(AuditEntry.at >= _start(self.form.du.data, tz))
        if "au" in self.filters:
            conditions.append(AuditEntry.at < _start(self.form.au.data + timedelta(days=1), tz))
        self.query = db.select(AuditEntry).where(*conditions).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())

    def page(self, endpoint: str, csv_endpoint: str, nav: str, title: str, scope_args: dict, **context):
        """The page: the form, the CSV link and a page of rows (three queries, whatever the rows).

        ``scope_args`` are the endpoints' URL arguments; ``context`` goes to the navigation."""
        page = db.paginate(self.query, per_page=PAGE_SIZE, max_per_page=PAGE_SIZE, error_out=False)
        actor_ids = {entry.actor_id for entry in page.items if entry.actor_id}
        actors = {user.id: user for user in db.session.scalars(db.select(User).where(User.id.in_(actor_ids)))}
        return render_template("journal.html", page=page, actors=actors, tz=self.tz, form=self.form, title=title,
                               nav=nav, endpoint=endpoint, csv_endpoint=csv_endpoint, scope_args=scope_args,
                               link_args={**scope_args, **self.filters}, label_of=label_of,
                               roles=ROLE_LABELS, states=STATES, **context)

    def csv(self, name: str, *, role: Role, edition_id: int, region_id: int | None = None):
        """The filtered rows as CSV, streamed; the download is logged, as every file carrying personal data
        (committed before the rows are read, so the file lists its own download when the filters keep it)."""
        content = to_csv(Sheet(_("Journal"), _header(), self._rows()))
        record("export.journal", actor=current_user, role=role.value, at=now(), edition_id=edition_id,
               region_id=region_id, data={"filters": self.filters})
        return download(content, name, "text/csv; charset=utf-8")

    def _rows(self) -> Iterator[tuple[str | int | None, ...]]:
        query = (self.query.add_columns(User.email).outerjoin(User, User.id == AuditEntry.actor_id)
                 .execution_options(yield_per=BATCH))
        for entry, email in db.session.execute(query):
            yield (entry.at.astimezone(self.tz).strftime("%d/%m/%Y %H:%M:%S"), email or _("système"),
                   translated(ROLE_LABELS.get(entry.actor_role, entry.actor_role)), label_of(entry.action, entry.data),
                   entry.action, entry.candidature_id, translated(STATES.get(entry.from_state, entry.from_state)),
                   translated(STATES.get(entry.to_state, entry.to_state)), entry.reason)


def _header() -> tuple[str, ...]:
    return (_("Date (heure de Paris)"), _("Auteur"), _("Rôle"), _("Action"), _("Code"), _("Dossier"), _("De"),
            _("À"), _("Motif"))


ROLE_LABELS = {role.value: role.label for role in Role}
STATES = {state.value: state.label for enum in (State, RegionStage, NationalStage) for state in enum}
