"""Jury forms: they parse and display; which values are acceptable is decided by the operations."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.i18n import worded
from workflows.definition import Contest

NO_CONFLICT, CONFLICT = "none", "conflict"


class ConflictDeclarationForm(FlaskForm):
    choice = RadioField(_l("Votre déclaration"), validate_choice=False, choices=[
        SelectChoice(NO_CONFLICT, _l("Je n’ai aucun lien d’intérêt avec ce projet")),
        SelectChoice(CONFLICT, _l("J’ai un lien d’intérêt")),
    ])
    reason = TextAreaField(_l("Nature du lien d’intérêt"), description=_l(
        "Obligatoire si vous avez un lien d’intérêt : le dossier vous sera alors masqué."))


class ScoresheetBaseForm(FlaskForm):
    version = HiddenField()
    comment = TextAreaField(_l("Commentaire général"))


def _level(level) -> Markup:
    return Markup("%s — %s") % (level.value, worded(level))


def scoresheet_form_class(contest: Contest) -> type[ScoresheetBaseForm]:
    """One mark (radio buttons labelled with the scale's descriptors) and one justification per criterion."""
    levels = [SelectChoice(str(level.value), _level(level)) for level in contest.scale.levels]
    fields = {}
    for criterion in contest.criteria:
        fields[f"mark_{criterion.key}"] = RadioField(worded(criterion), choices=levels, validate_choice=False,
                                                      description=worded(criterion, "description"))
        fields[f"justification_{criterion.key}"] = TextAreaField(_l("Justification de la note"))
    return type("ScoresheetForm", (ScoresheetBaseForm,), fields)


def scoresheet_data(sheet, contest: Contest) -> dict:
    """What the form shows for a stored sheet (or an empty one, version 0)."""
    if sheet is None:
        return {"version": 0}
    data = {"version": sheet.version, "comment": sheet.overall_comment}
    for mark in sheet.marks:
        data[f"mark_{mark.criterion}"] = str(mark.value)
        data[f"justification_{mark.criterion}"] = mark.justification
    return data


def sheet_differences(form: ScoresheetBaseForm, sheet, contest: Contest) -> dict[str, dict]:
    """Where the stored sheet differs from what was typed: field name -> its label and the stored value shown."""
    stored = scoresheet_data(sheet, contest)
    levels = {str(level.value): _level(level) for level in contest.scale.levels}
    differences = {}

    def differ(name: str, label: str, shown: str) -> None:
        if (form[name].data or "").strip() != (stored.get(name) or "").strip():
            differences[name] = {"label": label, "value": shown}

    for criterion in contest.criteria:
        mark, text = stored.get(f"mark_{criterion.key}"), stored.get(f"justification_{criterion.key}")
        differ(f"mark_{criterion.key}", worded(criterion), levels.get(mark, mark) if mark else _("aucune note"))
        differ(f"justification_{criterion.key}",
               Markup("%s — %s") % (worded(criterion), form[f"justification_{criterion.key}"].label.text),
               text or _("(vide)"))
    differ("comment", str(form.comment.label.text), stored.get("comment") or _("(vide)"))
    return differences


def prefixed(form_data, prefix: str) -> dict[str, str]:
    """Every posted ``<prefix><criterion>`` value by criterion, known or not (the operation judges)."""
    return {key[len(prefix):]: value for key, value in form_data.items() if key.startswith(prefix)}
