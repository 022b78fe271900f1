"""Forms of the regional selection; the rules (quota, completeness, lengths) live in the operations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired


class PickOpinionForm(FlaskForm):
    opinion = TextAreaField(_l("Avis de l’ARS"), validators=[DataRequired(_l("Rédigez l’avis de l’ARS."))])


class RegionCloseForm(FlaskForm):
    reason = TextAreaField(_l("Motif de la clôture"))
    # The selection as the organiser saw it (see operations.selection_fingerprint).
    fingerprint = HiddenField()
