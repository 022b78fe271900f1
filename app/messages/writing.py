"""The POST that writes a message from a dossier page, the same for both sides of the thread: sent,
back to the thread with a confirmation; refused, the same page again with the typed text and why."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect
from flask_login import current_user

from app.clock import now
from app.endings import refusals
from app.messages.forms import MessageWriteForm
from app.messages.operations import post_message
from app.models import Candidature
from workflows.messages import Side


def write_from_page(candidature: Candidature, *, side: Side, sent: str, thread_url: str, page: Callable):
    """``page(message_form=..., message_reasons=...)`` renders the dossier page with the refused form."""
    form = MessageWriteForm.for_contest(candidature.edition.contest)
    reasons = []
    if form.validate_on_submit():
        with refusals() as refused:
            post_message(candidature, form.body.data or "", author=current_user, side=side, now=now())
        if not refused:
            flash(sent, "success")
            return redirect(thread_url)
        reasons = refused.place_on(form)
    return page(message_form=form, message_reasons=reasons)
