"""Forms of the national organiser's pages (the rules themselves are checked by the operations)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from app.regional.forms import reason_field


class RegionDecisionForm(FlaskForm):
    """The written reason of a national decision on a region (excuse, reinstate, reopen)."""

    reason = reason_field(_l("Motif"), _l("Indiquez le motif de cette décision."))


class WinnerForm(FlaskForm):
    rationale = reason_field(_l("Motivation de la décision du jury national"),
                             _l("Rédigez la motivation de la décision du jury national."))
