"""A juror's acts: conflict-of-interest declarations and scoresheets, at either jury stage.

Operations check every rule whatever the browser sent, write one audit row each, flush and
never commit: the request handler commits once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from app.audit import record
from app.extensions import db
from app.jury.independence import declaration_of, has_submitted, sheet_of
from app.jury.juries import Jury
from app.jury.workload import weighted_criteria
from app.models import Candidature, ConflictDeclaration, Mark, Scoresheet, User
from scoring import weighted_total
from workflows.definition import Contest
from workflows.identifiers import normalise
from workflows.refusals import Invalid, Refused, Stale

INTEGER = re.compile(r"[+-]?\d+")


def declare_conflict(candidature: Candidature, juror: User, *, has_conflict: bool, reason: str, now: datetime,
                     jury: Jury) -> ConflictDeclaration:
    """Record the juror's own declaration: no conflict, or a conflict with its reason."""
    reason = (reason or "").strip()
    limit = candidature.edition.contest.limits.reason
    existing = declaration_of(juror, candidature, jury)
    reasons = [blocker] if (blocker := jury.blocker(now)) else []
    if has_conflict and not reason:
        reasons.append(_l("Indiquez la nature de votre lien d’intérêt avec ce projet."))
    if len(reason) > limit:
        reasons.append(_l("La nature du lien d’intérêt tient en %(limit)s caractères au maximum.", limit=limit))
    if has_submitted(juror, candidature, jury):
        reasons.append(_l("Vous avez rendu votre fiche de notation pour ce projet : "
                          "votre déclaration ne peut plus être modifiée."))
    if existing is not None and existing.has_conflict and existing.source != "juror":
        reasons.append(_l("Un lien d’intérêt a été enregistré pour vous sur ce projet (détecté automatiquement) : "
                          "seul l’organisateur peut le lever.") if existing.source == "automatic" else
                       _l("Un lien d’intérêt a été enregistré pour vous sur ce projet par l’organisateur : "
                          "seul l’organisateur peut le lever."))
    if reasons:
        raise Refused(reasons)
    declaration = _store(existing, candidature, juror, jury, has_conflict=has_conflict,
                         reason=reason if has_conflict else None, source="juror", by=juror, now=now)
    record("conflict.declare", actor=juror, role=jury.kind.juror_role.value, at=now, candidature=candidature,
           reason=declaration.reason, data={"stage": jury.name, "has_conflict": has_conflict})
    db.session.flush()
    return declaration


def detect_conflicts(juror: User, candidatures: Iterable[Candidature], now: datetime,
                     jury: Jury) -> list[ConflictDeclaration]:
    """Record a conflict where the juror's organisation identifier is the candidate's own."""
    mine = normalise(juror.organisation_identifier or "")
    if not mine:
        return []
    found = []
    for candidature in candidatures:
        # Once the jury has finished, nothing changes what its figures were computed from.
        if normalise(candidature.identifier or "") != mine or jury.blocker(now):
            continue
        existing = declaration_of(juror, candidature, jury)
        # A conflict already on record, or an organiser's decision (a lifted false match), stands.
        if (existing is not None and (existing.has_conflict or existing.source == "organiser")) \
                or has_submitted(juror, candidature, jury):
            continue
        reason = (f"L’identifiant de votre organisation ({mine}) est celui de la structure candidate "
                  f"« {candidature.structure_name or '—'} ».")
        found.append(_store(existing, candidature, juror, jury, has_conflict=True, reason=reason,
                            source="automatic", by=None, now=now))
        record("conflict.detect", actor=None, role=None, at=now, candidature=candidature, reason=reason,
               data={"stage": jury.name, "juror_id": juror.id})
    db.session.flush()
    return found


def _store(existing: ConflictDeclaration | None, candidature: Candidature, juror: User, jury: Jury, *,
           has_conflict: bool, reason: str | None, source: str, by: User | None,
           now: datetime) -> ConflictDeclaration:
    declaration = existing or ConflictDeclaration(candidature_id=candidature.id, juror_id=juror.id, stage=jury.name)
    declaration.has_conflict, declaration.reason, declaration.source = has_conflict, reason, source
    declaration.declared_by_id, declaration.declared_at = by.id if by else None, now
    db.session.add(declaration)
    return declaration


def save_scoresheet(candidature: Candidature, juror: User, marks: Mapping[str, object],
                    justifications: Mapping[str, str], comment: str, *, submit: bool, now: datetime,
                    jury: Jury, version: int | None = None, automatic: bool = False) -> Scoresheet:
    """Save the juror's marks as a draft, or submit them (every mark required); a submitted sheet stays submitted.

    ``automatic``: the page saves the draft by itself as the juror types (static/js/autosave.js). A
    submitted sheet counts for the jury as it stands, so it changes only when the juror says so."""
    declaration = declaration_of(juror, candidature, jury)
    if declaration is None or declaration.has_conflict:
        raise Refused([_l("Déclarez d’abord n’avoir aucun lien d’intérêt avec ce projet.")])
    if blocker := jury.blocker(now):
        raise Refused([blocker])
    sheet = sheet_of(juror, candidature, jury)
    if automatic and sheet is not None and sheet.status == "submitted":
        raise Refused([_l("Votre fiche est rendue : vos modifications ne s’enregistrent pas d’elles-mêmes. "
                          "Enregistrez-les avec le bouton « Enregistrer les modifications ».")])
    if version is not None and version != (sheet.version if sheet else 0):
        raise Stale()
    submit = submit or (sheet is not None and sheet.status == "submitted")
    contest = candidature.edition.contest
    values = checked_marks(marks, justifications, comment, contest, complete=submit)
    if sheet is None:
        sheet = Scoresheet(candidature_id=candidature.id, juror_id=juror.id, stage=jury.name, status="draft")
        db.session.add(sheet)
    _replace_marks(sheet, values)
    first_submission = submit and sheet.status != "submitted"
    sheet.status = "submitted" if submit else "draft"
    sheet.submitted_at = now if first_submission else sheet.submitted_at
    store_figures(sheet, contest)
    sheet.overall_comment = comment.strip()
    sheet.updated_at = now
    flag_modified(sheet, "updated_at")  # bumps the version even when only marks changed
    record("scoresheet.submit" if first_submission else "scoresheet.save", actor=juror, role=jury.kind.juror_role.value,
           at=now, candidature=candidature,
           data={"stage": jury.name, "status": sheet.status, "marks": {k: v for k, (v, _) in values.items()}})
    try:
        db.session.flush()
    except (IntegrityError, StaleDataError) as race:
        raise Stale() from race
    return sheet


def checked_marks(marks: Mapping[str, object], justifications: Mapping[str, str], comment: str, contest: Contest,
                  *, complete: bool) -> dict[str, tuple[int | None, str]]:
    """criterion -> (mark or None, justification); raises Invalid naming each bad field."""
    keys = [criterion.key for criterion in contest.criteria]
    scale, limit = contest.scale, contest.limits.reason
    problems = {}
    if unknown := sorted((set(marks) | set(justifications)) - set(keys)):
        problems["marks"] = _l("Critère inconnu : %(keys)s.", keys=", ".join(unknown))
    values = {}
    for key in keys:
        raw = "" if marks.get(key) is None else str(marks[key]).strip()
        text = (justifications.get(key) or "").strip()
        value = int(raw) if INTEGER.fullmatch(raw) else None
        if raw and value is None:
            problems[f"mark_{key}"] = _l("La note doit être un nombre entier de %(min)s à %(max)s.", min=scale.min, max=scale.max)
        elif value is not None and not scale.min <= value <= scale.max:
            problems[f"mark_{key}"] = _l("La note doit être comprise entre %(min)s et %(max)s.", min=scale.min, max=scale.max)
        elif value is None and complete:
            problems[f"mark_{key}"] = _l("Donnez une note à ce critère pour rendre votre fiche.")
        elif value is None and text:
            problems[f"mark_{key}"] = _l("Choisissez une note pour enregistrer la justification de ce critère.")
        if len(text) > limit:
            problems[f"justification_{key}"] = _l("%(limit)s caractères au maximum.", limit=limit)
        values[key] = (value, text)
    if len(comment.strip()) > limit:
        problems["comment"] = _l("%(limit)s caractères au maximum.", limit=limit)
    if problems:
        raise Invalid(problems)
    return values


def store_figures(sheet: Scoresheet, contest: Contest) -> None:
    """Write a submitted sheet's figures from its marks, as ``scoring`` computes them (the weighted total
    and the mark per criterion that the rankings add up); clear them on a draft, which counts for nothing."""
    if sheet.status != "submitted":
        sheet.total = sheet.criterion_marks = None
        return
    marks = {mark.criterion: mark.value for mark in sheet.marks}
    sheet.total = int(weighted_total(marks, weighted_criteria(contest)))
    sheet.criterion_marks = marks


def _replace_marks(sheet: Scoresheet, values: dict[str, tuple[int | None, str]]) -> None:
    existing = {mark.criterion: mark for mark in sheet.marks}
    for key, (value, text) in values.items():
        mark = existing.get(key)
        if value is None:
            if mark is not None:
                sheet.marks.remove(mark)
            continue
        if mark is None:
            mark = Mark(criterion=key)
            sheet.marks.append(mark)
        mark.value, mark.justification = value, text
