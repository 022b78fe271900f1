"""The page that asks an organiser to confirm taking a juror off a jury (regional or national):
what will be deleted, who is told, or why it can no longer be done."""

from __future__ import annotations

from flask import render_template

from app.auth.forms import ConfirmForm
from app.jury.juries import Jury
from app.models import RoleMembership


def removal_page(jury: Jury, membership: RoleMembership, back: str):
    juror = membership.user
    sheets = jury.sheets_of(juror)
    return render_template("jury/remove_juror.html", jury=jury, juror=juror, drafts=len(sheets),
                           blocker=jury.removal_blocker(juror, sheets), form=ConfirmForm(), back=back)
