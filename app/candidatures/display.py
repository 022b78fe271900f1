"""What a candidate is told about their candidature's progress."""

from __future__ import annotations

from flask_babel import gettext as _

from app.i18n import translated
from app.models import Candidature
from workflows.dossier import INADMISSIBILITY_REASONS
from workflows.states import NationalStage, State

# Until the national results are published, the jury's steps are confidential to candidates.
UNDER_REVIEW = frozenset({
    State.REGIONAL_JURY, State.NATIONAL_SHORTLIST, State.REGIONAL_NOT_SELECTED, State.WINNER,
    State.NATIONAL_NOT_SELECTED,
})


def state_shown_to_candidate(candidature: Candidature) -> str:
    """The state label a candidate sees: « en cours d’examen » while results are confidential,
    and the reason when the dossier was declared inadmissible."""
    state = State(candidature.state)
    if state in UNDER_REVIEW and candidature.edition.stage != NationalStage.PUBLISHED:
        return _("en cours d’examen")
    if state == State.INADMISSIBLE:
        reason = INADMISSIBILITY_REASONS.get(candidature.inadmissibility_code, "")
        return _("%(state)s — %(reason)s : %(details)s", state=translated(state.label), reason=translated(reason),
                 details=candidature.inadmissibility_reason)
    return translated(state.label)
