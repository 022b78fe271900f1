"""Downloads: the shortlist book and ZIP (national organisers), CSV/XLSX tables (organisers, scoped to their
regions), a dossier as PDF (whoever may see it). Each download leaves an audit row."""

from __future__ import annotations

import tempfile

from flask import Blueprint, abort, make_response, render_template, request, send_file
from flask_login import current_user

from app.access import roles_required
from app.audit import record
from app.clock import now
from app.database import writes
from app.editions import current_edition
from app.exports import archive
from app.exports.book import book_pdf
from app.exports.data import dossier_of, shortlist_book
from app.exports.dossier_pdf import dossier_pdf
from app.exports.tables import Sheet, candidatures_sheet, marks_sheet, to_csv, to_xlsx
from app.extensions import db
from app.jury.juries import KINDS, Jury
from app.models import Candidature, Edition, Region
from app import policy
from app.uploads import storage
from app.uploads.names import DOWNLOAD_HEADERS, content_disposition
from workflows.states import Role

bp = Blueprint("exports", __name__, url_prefix="/exports")

ORGANISERS = (Role.NATIONAL_ORGANISER, Role.REGIONAL_ORGANISER)
READERS = (*ORGANISERS, Role.REGIONAL_JUROR, Role.NATIONAL_JUROR)
FORMATS = {
    "csv": (to_csv, "text/csv; charset=utf-8"),
    "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _edition() -> Edition:
    edition = current_edition()
    if edition is None:
        abort(404)
    return edition


def _acting_role(*allowed: Role) -> str:
    return next(role for role in allowed if current_user.has_role(role)).value


def _audit(action: str, edition: Edition, *allowed: Role, **details) -> None:
    """One audit row per download (the files carry personal data), committed before the file leaves."""
    record(action, actor=current_user, role=_acting_role(*allowed), at=now(), edition_id=edition.id,
           region_id=details.pop("region_id", None), candidature=details.pop("candidature", None), data=details)


def _download(content: bytes, name: str, mimetype: str):
    response = make_response(content)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = content_disposition(name)
    response.headers.update(DOWNLOAD_HEADERS)
    return response


def _regions(edition: Edition) -> tuple[list[Region], str]:
    """The regions a table covers and the file's suffix: ``?region=`` (404 outside the user's scope),
    else every region for national organisers, else the user's own."""
    if region_id := request.args.get("region", type=int):
        region = policy.get_or_404(Region, region_id, lambda found: policy.staff_of(Role.REGIONAL_ORGANISER)(found)
                                   and found.edition_id == edition.id)
        return [region], region.code
    if policy.organises_nationally(edition):
        return list(edition.regions), edition.slug
    mine = current_user.region_ids(Role.REGIONAL_ORGANISER)
    regions = [region for region in edition.regions if region.id in mine]
    return regions, "-".join(region.code for region in regions)


def _table(kind: str, fmt: str, build) -> object:
    if fmt not in FORMATS:
        abort(404)
    edition = _edition()
    regions, suffix = _regions(edition)
    sheet: Sheet = build([region.id for region in regions], edition.contest)
    writer, mimetype = FORMATS[fmt]
    content = writer(sheet)
    _audit(f"export.{kind}", edition, *ORGANISERS, format=fmt, regions=[region.code for region in regions])
    return _download(content, f"{kind}-{suffix}.{fmt}", mimetype)


@bp.get("/")
@roles_required(*READERS)
def index():
    edition = current_edition()
    national = edition is not None and policy.organises_nationally(edition)
    regions = [region for region in (edition.regions if edition else [])
               if national or region.id in current_user.region_ids(Role.REGIONAL_ORGANISER)]
    readable = {candidature.id: candidature for name in KINDS for jury in Jury.sitting(current_user, name)
                for candidature in jury.readable_by(current_user)}
    return render_template("exports/index.html", edition=edition, regions=regions, readable=list(readable.values()),
                           national=national)


@bp.get("/candidatures.<fmt>")
@roles_required(*ORGANISERS)
@writes  # the audit row of the download
def candidatures(fmt: str):
    return _table("candidatures", fmt, candidatures_sheet)


@bp.get("/notes.<fmt>")
@roles_required(*ORGANISERS)
@writes  # the audit row of the download
def marks(fmt: str):
    # The national jury's sheets are for national organisers; a region exports its own jury's.
    national = policy.organises_nationally(_edition())
    stages = ("regional", "national") if national else ("regional",)
    return _table("notes", fmt, lambda region_ids, contest: marks_sheet(region_ids, stages, contest))


@bp.get("/livret.pdf")
@roles_required(Role.NATIONAL_ORGANISER)
@writes  # the audit row of the download
def book():
    edition = policy.national_edition()
    content = book_pdf(shortlist_book(edition, now()))
    _audit("export.book", edition, Role.NATIONAL_ORGANISER)
    return _download(content, f"livret-selection-nationale-{edition.slug}.pdf", "application/pdf")


@bp.get("/selection.zip")
@roles_required(Role.NATIONAL_ORGANISER)
@writes  # the audit row of the download
def shortlist_archive():
    edition = policy.national_edition()
    shortlist = shortlist_book(edition, now())
    out = tempfile.TemporaryFile()  # attachments may weigh hundreds of megabytes: kept on disk, not in memory
    archive.write_shortlist(out, shortlist, book_pdf(shortlist),
                            lambda dossier: dossier_pdf(dossier, shortlist.edition_name, shortlist.printed_at),
                            storage.path_of)
    out.seek(0)
    _audit("export.archive", edition, Role.NATIONAL_ORGANISER)
    response = send_file(out, mimetype="application/zip", etag=False)
    response.headers["Content-Disposition"] = content_disposition(f"selection-nationale-{edition.slug}.zip")
    response.headers.update(DOWNLOAD_HEADERS)
    return response


@bp.get("/candidatures/<int:candidature_id>/dossier.pdf")
@roles_required(*READERS)
@writes  # the audit row of the download
def dossier(candidature_id: int):
    candidature = policy.get_or_404(Candidature, candidature_id, policy.viewable)
    contest = candidature.edition.contest
    content = dossier_pdf(dossier_of(candidature, contest), contest.name, now().astimezone(contest.tz))
    _audit("export.dossier", candidature.edition, *READERS, candidature=candidature)
    return _download(content, f"dossier-{candidature.receipt_number or candidature.id}.pdf", "application/pdf")
