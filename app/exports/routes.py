"""Downloads: the shortlist book and ZIP (national organisers), CSV/XLSX tables (organisers, scoped to their
regions), a region's minutes (its organisers and the national ones), a dossier as PDF (whoever may see it).
Each download leaves an audit row.

What grows with the dossiers is prepared by a job (``app.exports.jobs``): the ZIP, a book too large for a
request (``book_needs_job``), the minutes and the candidature and marks tables (at 5,000 dossiers: 1 to
30 s, ``bench/pages.py``). The person presses a button that asks for the file, follows its progress on a
page that refreshes itself, and downloads the file. A table's or the minutes' former address leads to the
page that asks for it. What stays small stays direct: the shortlist table (two picks a region at most),
a small book, a dossier."""

from __future__ import annotations

import functools
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from typing import BinaryIO

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.access import roles_required
from app.audit import record
from app.clock import now
from app.downloads import download
from app.i18n import file_size
from app.auth.forms import ConfirmForm
from app.database import writes
from app.editions import current_edition
from app.exports import jobs
from app.exports.book import book_pdf
from app.exports.data import dossier_of, shortlist_book
from app.exports.dossier_pdf import dossier_pdf
from app.exports.tables import Sheet, candidatures_sheet, searched, to_csv, to_xlsx
from app.extensions import db
from app.jury.juries import KINDS, Jury
from app.models import Candidature, Edition, ExportJob, Region, RegionalPick
from app.search import HANDED_IN, SHORTLISTED, DossierFilter
from app import policy
from workflows.states import Role

bp = Blueprint("exports", __name__, url_prefix="/exports")

ORGANISERS = (Role.NATIONAL_ORGANISER, Role.REGIONAL_ORGANISER)
FILTERED = "-filtre"  # a file made from a filtered list says so in its name
READERS = (*ORGANISERS, Role.REGIONAL_JUROR, Role.NATIONAL_JUROR)


def _xlsx_file(sheet: Sheet) -> BinaryIO:
    out = tempfile.TemporaryFile()  # on disk, removed once sent
    to_xlsx(sheet, out)
    out.seek(0)
    return out


FORMATS = {
    "csv": (to_csv, "text/csv; charset=utf-8"),
    "xlsx": (_xlsx_file, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
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


@dataclass(frozen=True)
class Table:
    """A table as the request describes it: its regions, its list's filters and its file's name."""

    edition: Edition
    regions: list[Region]
    filters: DossierFilter
    file_name: str
    audit: dict  # the details of the download's audit row


def _asked_table(kind: str, fmt: str, states=HANDED_IN, name: str = "") -> Table:
    """The table of the user's regions, filtered as the list it was reached from when the query string
    carries that list's filters (``app.search``); its file is named ``name`` (by default ``kind``) and the
    regions."""
    if fmt not in FORMATS:
        abort(404)
    edition = _edition()
    regions, suffix = _regions(edition)
    filters = DossierFilter.from_request(edition.contest, states)
    # A table of one region is logged in that region's log; one of several, in the contest's.
    audit = {"format": fmt, "regions": [region.code for region in regions],
             "region_id": regions[0].id if len(regions) == 1 else None,
             **({"filters": filters.args} if filters.active else {})}
    return Table(edition, regions, filters, f"{name or kind}-{suffix}{FILTERED if filters.active else ''}.{fmt}",
                 audit)


def _direct_table(kind: str, fmt: str, build, states, scope, name: str) -> object:
    """A small table sent at once (``scope`` narrows it to a list's dossiers)."""
    table = _asked_table(kind, fmt, states, name)
    sheet: Sheet = build([region.id for region in table.regions], table.edition.contest,
                         searched(table.filters, scope))
    writer, mimetype = FORMATS[fmt]
    # The audit row is committed when the request ends, before the CSV's rows are read and sent.
    _audit(f"export.{kind}", table.edition, *ORGANISERS, **table.audit)
    return download(writer(sheet), table.file_name, mimetype)


@bp.get("/")
@roles_required(*READERS)
def index():
    edition = current_edition()
    national = edition is not None and policy.organises_nationally(edition)
    regions = [region for region in (edition.regions if edition else [])
               if national or region.id in current_user.region_ids(Role.REGIONAL_ORGANISER)]
    readable = {candidature.id: candidature for name in KINDS for jury in Jury.sitting(current_user, name)
                for candidature in jury.readable_by(current_user)}
    prepared = [job for job in db.session.scalars(
        db.select(ExportJob).filter_by(requested_by_id=current_user.id, edition_id=edition.id)
        .order_by(ExportJob.id.desc())) if policy.requested(job)] if national or regions else []
    return render_template("exports/index.html", edition=edition, regions=regions, readable=list(readable.values()),
                           national=national, large_book=national and jobs.book_is_large(edition),
                           jobs=prepared, titles={job.id: _title(job) for job in prepared},
                           kinds=PREPARED, job_states=STATE_LABELS,
                           form=ConfirmForm())


@bp.get("/<any(candidatures, notes):kind>.<fmt>")
@roles_required(*ORGANISERS)
def table(kind: str, fmt: str):
    """A table's former address (bookmarks, tabs left open): the page that asks for it, with its filters."""
    if fmt not in FORMATS:
        abort(404)
    return redirect(url_for(".prepare", word=f"{kind}.{fmt}", **request.args), 303)


@bp.get("/selection-nationale.<fmt>")
@roles_required(Role.NATIONAL_ORGANISER)
@writes  # the audit row of the download
def shortlist(fmt: str):
    """The candidatures of the national shortlist page (the regions' picks), filtered as that page."""
    picked = Candidature.id.in_(db.select(RegionalPick.candidature_id))  # the table's regions: the edition's
    return _direct_table("shortlist", fmt, candidatures_sheet, SHORTLISTED, [picked], name="selection-nationale")


@bp.get("/livret.pdf")
@roles_required(Role.NATIONAL_ORGANISER)
@writes  # the audit row of the download
def book():
    edition = policy.national_edition()
    if jobs.book_is_large(edition):
        flash(_("Le livret est volumineux : préparez-le, puis téléchargez-le quand il est prêt."), "info")
        return redirect(url_for(".index"), 303)
    content = book_pdf(shortlist_book(edition, now()))
    _audit("export.book", edition, Role.NATIONAL_ORGANISER)
    return download(content, f"livret-selection-nationale-{edition.slug}.pdf", "application/pdf")


# kind -> (the URL's word, the page's title, the file's name) of the national organisers' files
PREPARED = {
    "book": ("livret", _l("Livret de la sélection nationale (PDF)"), "livret-selection-nationale-{slug}.pdf"),
    "archive": ("archive", _l("Archive de la sélection : livret, dossiers et pièces jointes (ZIP)"),
                "selection-nationale-{slug}.zip"),
}
TABLE_TITLES = {"candidatures": _l("Tableau des candidatures"), "notes": _l("Tableau des notes des jurys")}
MIMETYPES = {"book": "application/pdf", "archive": "application/zip", "minutes": "application/pdf",
             **{fmt: mimetype for fmt, (_writer, mimetype) in FORMATS.items()}}
REFRESH_SECONDS = 2  # the progress page reloads itself this often while the job works
# A job still waiting after this long has no worker taking it (none started, or all stopped): the page
# says so rather than leaving the person in front of a bar that never moves.
WORKER_PATIENCE = timedelta(minutes=2)
# A running job reports each percent; silent this long, its worker has died (a restart, a crash, memory):
# the page says so and offers to start again, rather than « en préparation » forever.
SILENCE = timedelta(minutes=10)
STATE_LABELS = {"queued": _l("en attente"), "running": _l("en préparation"), "done": _l("prêt"),
                "failed": _l("échec")}


@dataclass(frozen=True)
class Asked:
    """What a request asks a job for, read from its URL (404 outside the user's scope)."""

    kind: str
    edition: Edition
    region: Region | None = None
    parameters: dict = field(default_factory=dict)


def _asked_shortlist_file(kind: str) -> Asked:
    return Asked(kind, policy.national_edition())


def _asked_minutes() -> Asked:
    region = policy.get_or_404(Region, request.args.get("region", type=int),
                               policy.staff_of(Role.REGIONAL_ORGANISER))
    return Asked("minutes", region.edition, region, {"file_name": f"proces-verbal-{region.code}.pdf"})


def _asked_table_job(kind: str, fmt: str) -> Asked:
    table = _asked_table(kind, fmt)
    national = policy.organises_nationally(table.edition)
    if not national and len(table.regions) != 1:
        abort(404)  # a regional organiser's file is about one region, its scope (the pages ask for each)
    # The national jury's sheets are for national organisers; a region exports its own jury's.
    stages = ["regional", "national"] if national else ["regional"]
    return Asked(kind, table.edition, table.regions[0] if len(table.regions) == 1 else None,
                 {"format": fmt, "regions": [region.id for region in table.regions], "stages": stages,
                  "filters": table.filters.args, "file_name": table.file_name, "audit": table.audit})


# The URL's word -> what it asks for
ASKED = {
    "livret": lambda: _asked_shortlist_file("book"),
    "archive": lambda: _asked_shortlist_file("archive"),
    "proces-verbal": _asked_minutes,
    **{f"{kind}.{fmt}": functools.partial(_asked_table_job, kind, fmt)
       for kind in TABLE_TITLES for fmt in FORMATS},
}


def _title(job: ExportJob) -> str:
    if job.kind in PREPARED:
        return str(PREPARED[job.kind][1])
    region = f" — {db.session.get(Region, job.region_id).name}" if job.region_id else ""
    if job.kind == "minutes":
        return _("Procès-verbal de délibération (PDF)") + region
    named = {"table": TABLE_TITLES[job.kind], "format": job.parameters["format"].upper()}
    title = (_("%(table)s (%(format)s, filtré)", **named) if job.parameters.get("filters")
             else _("%(table)s (%(format)s)", **named))
    return title + region


@bp.route("/preparer/<word>", methods=["GET", "POST"])
@roles_required(*ORGANISERS)
def prepare(word: str):
    """GET: the page that asks for a file (a former address leads here); POST: ask, then follow the job."""
    if word not in ASKED:
        abort(404)
    asked = ASKED[word]()
    form = ConfirmForm()
    if request.method == "GET":
        probe = ExportJob(kind=asked.kind, region_id=asked.region.id if asked.region else None,
                          parameters=asked.parameters)
        return render_template("exports/ask.html", title=_title(probe), form=form, word=word)
    if not form.validate_on_submit():
        abort(400)
    job = jobs.request_export(asked.kind, asked.edition, actor=current_user, now=now(), region=asked.region,
                              parameters={"word": word, "query": request.args.to_dict(), **asked.parameters})
    return redirect(url_for(".preparation", job_id=job.id), 303)


@bp.get("/preparations/<int:job_id>")
@roles_required(*ORGANISERS)
def preparation(job_id: int):
    job = policy.get_or_404(ExportJob, job_id, policy.requested)
    size = file_size(jobs.path_of(job.stored_name).stat().st_size) if job.state == "done" else None
    # Starting again asks for the same file (a job from before its word was kept: a national file).
    word = job.parameters.get("word") or PREPARED[job.kind][0]
    return render_template("exports/preparation.html", job=job, word=word, title=_title(job), size=size,
                           query=job.parameters.get("query", {}),
                           state=STATE_LABELS[job.state], refresh_seconds=REFRESH_SECONDS,
                           unattended=job.state == "queued" and now() - job.requested_at > WORKER_PATIENCE,
                           stalled=job.state == "running" and now() - (job.progressed_at or job.requested_at) > SILENCE,
                           form=ConfirmForm(), keep_hours=int(jobs.KEEP.total_seconds() // 3600))


@bp.get("/preparations/<int:job_id>/fichier")
@roles_required(*ORGANISERS)
@writes  # the audit row of the download
def prepared_file(job_id: int):
    job = policy.get_or_404(ExportJob, job_id, policy.requested)
    if job.state != "done":
        abort(404)
    edition = db.session.get(Edition, job.edition_id)
    if job.kind in PREPARED:
        _audit(f"export.{job.kind}", edition, Role.NATIONAL_ORGANISER)
        name, mimetype = PREPARED[job.kind][2].format(slug=edition.slug), MIMETYPES[job.kind]
    else:
        _audit(f"export.{job.kind}", edition, *ORGANISERS,
               **job.parameters.get("audit", {"region_id": job.region_id}))
        name, mimetype = job.parameters["file_name"], MIMETYPES[job.parameters.get("format", job.kind)]
    return download(jobs.path_of(job.stored_name).open("rb"), name, mimetype)


@bp.get("/candidatures/<int:candidature_id>/dossier.pdf")
@roles_required(*READERS)
@writes  # the audit row of the download
def dossier(candidature_id: int):
    candidature = policy.get_or_404(Candidature, candidature_id, policy.viewable)
    contest = candidature.edition.contest
    content = dossier_pdf(dossier_of(candidature, contest), contest.name, now().astimezone(contest.tz))
    _audit("export.dossier", candidature.edition, *READERS, candidature=candidature)
    return download(content, f"dossier-{candidature.receipt_number or candidature.id}.pdf", "application/pdf")
