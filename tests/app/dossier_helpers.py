"""The candidate's dossier form, one step a page: the addresses the tests visit."""

from __future__ import annotations

from workflows.dossier import STEPS


def step_url(candidature, number: int) -> str:
    return f"/candidatures/{candidature.id}/etape/{number}"


def review_url(candidature) -> str:
    """The last step: review, attachments, submission and the thread with the ARS."""
    return step_url(candidature, len(STEPS))
