"""Forms of the national organiser's pages (the rules themselves are checked by the operations)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from app.regional.forms import reason_field


class NationalJuryOpenForm(FlaskForm):
    reason = TextAreaField(_l("Pourquoi ouvrir le jury national sans ces régions"), description=_l(
        "Obligatoire tant qu’une région n’a pas clôturé sa sélection ; conservé au journal."))


class RegionReopenForm(FlaskForm):
    reason = reason_field(_l("Motif de la réouverture"), _l("Indiquez pourquoi la région est rouverte."))


class WinnerForm(FlaskForm):
    rationale = reason_field(_l("Motivation de la décision du jury national"),
                             _l("Rédigez la motivation de la décision du jury national."))
