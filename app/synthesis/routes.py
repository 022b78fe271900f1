"""The synthesis pages and files: national organisers read every region of each edition they organise
(/national/synthese), an ARS its own region in each edition it organised it (/ars/<region>/synthese; national
organisers may read it too). A region out of scope answers 404; another role, 403. Each download leaves an
audit row, as every export does."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import contains_eager

from app import policy
from app.access import roles_required
from app.audit import record
from app.clock import now
from app.database import writes
from app.downloads import download
from app.exports.tables import Sheet, to_csv
from app.extensions import db
from app.models import Edition, Region
from app.synthesis.reading import Scope, french, shown, syntheses
from app.synthesis.report import synthesis_pdf
from workflows.states import Role
from workflows.synthesis import NOTES, SEVERAL_LINES

bp = Blueprint("synthesis", __name__)
NATIONAL, REGIONAL = Role.NATIONAL_ORGANISER, Role.REGIONAL_ORGANISER
CSV_HEADER = ("dimension", "valeur", "libellé", "nombre", "édition")


# -- what each page covers ------------------------------------------------------------------------

def _national() -> tuple[Scope, Edition]:
    """Every edition the organiser organised nationally, and the one shown (``?edition=``, else the latest)."""
    editions = policy.organised_editions()
    if chosen := request.args.get("edition", type=int):
        return Scope(tuple(editions)), policy.get_or_404(Edition, chosen, policy.organises_nationally)
    if not editions:
        abort(404)
    return Scope(tuple(editions)), editions[0]


def _regional(region_id: int) -> tuple[Scope, Region, list[Region]]:
    """The region, and the same region in every edition the user organises it (a national organiser reading
    the page: this edition's only), the most recent first."""
    region = policy.get_or_404(Region, region_id, policy.staff_of(REGIONAL))
    same = db.session.scalars(
        db.select(Region).join(Edition, Edition.id == Region.edition_id).options(contains_eager(Region.edition))
        .where(Region.id.in_(current_user.region_ids(REGIONAL) | {region.id}), Region.code == region.code)
        .order_by(Edition.submission_deadline.desc(), Edition.id.desc())).all()
    return Scope(tuple(r.edition for r in same), region.code), region, same


def _acting_role(region: Region | None) -> Role:
    return REGIONAL if region is not None and region.id in current_user.region_ids(REGIONAL) else NATIONAL


# -- the page and the files -----------------------------------------------------------------------

def _page(scope: Scope, edition: Edition, *, title: str, choices: list, region: Region | None, files: dict):
    shown_synthesis, = syntheses(Scope((edition,), scope.region_code))
    return render_template(
        "synthesis/page.html", title=title, region=region, choices=choices, shown_synthesis=shown_synthesis,
        notes=NOTES, several_lines=SEVERAL_LINES, shown=shown, csv_label=(
            _("Toutes les éditions, en un tableau (CSV)") if len(scope.editions) > 1 else _("Tableau des nombres (CSV)")),
        **files)


def _csv(scope: Scope, region: Region | None, edition: Edition, name: str):
    def rows() -> Iterator[tuple]:
        for counted in syntheses(scope):
            for dimension in counted.dimensions:
                for line in dimension.lines:
                    yield dimension.key, line.key, french(line.label), line.count, counted.edition.slug

    # Read before the audit row commits: the rows stream afterwards from what was counted here.
    sheet = Sheet("Synthèse", CSV_HEADER, list(rows()))
    _log_download(edition, region, "csv", scope)
    return download(to_csv(sheet), f"synthese-{name}.csv", "text/csv; charset=utf-8")


def _pdf(scope: Scope, region: Region | None, edition: Edition, name: str):
    counted, = syntheses(Scope((edition,), scope.region_code))
    content = synthesis_pdf(counted, scope_name=region.name if region else "toutes les régions", printed_at=now())
    _log_download(edition, region, "pdf", Scope((edition,), scope.region_code))
    return download(content, f"synthese-{name}-{edition.slug}.pdf", "application/pdf")


def _log_download(edition: Edition, region: Region | None, fmt: str, scope: Scope) -> None:
    """One audit row per download, in the region's log for an ARS's synthesis, else in the contest's."""
    record("export.synthesis", actor=current_user, role=_acting_role(region).value, at=now(), edition_id=edition.id,
           region_id=region.id if region else None,
           data={"format": fmt, "editions": [e.slug for e in scope.editions]})


@bp.get("/national/synthese")
@roles_required(NATIONAL)
def national():
    scope, edition = _national()
    choices = [(e.contest.name, url_for(".national", edition=e.id), e.id == edition.id) for e in scope.editions]
    return _page(scope, edition, title=_("Synthèse nationale des candidatures"), choices=choices, region=None,
                 files={"csv_url": url_for(".national_csv"), "pdf_url": url_for(".national_pdf", edition=edition.id)})


@bp.get("/national/synthese.csv")
@roles_required(NATIONAL)
@writes  # the audit row of the download
def national_csv():
    scope, edition = _national()
    return _csv(scope, None, edition, "nationale")


@bp.get("/national/synthese.pdf")
@roles_required(NATIONAL)
@writes  # the audit row of the download
def national_pdf():
    scope, edition = _national()
    return _pdf(scope, None, edition, "nationale")


@bp.get("/ars/<int:region_id>/synthese")
@roles_required(REGIONAL, NATIONAL)
def regional(region_id: int):
    scope, region, same = _regional(region_id)
    choices = [(r.edition.contest.name, url_for(".regional", region_id=r.id), r.id == region.id) for r in same]
    return _page(scope, region.edition, title=_("Synthèse des candidatures : %(region)s", region=region.name),
                 choices=choices, region=region,
                 files={"csv_url": url_for(".regional_csv", region_id=region.id),
                        "pdf_url": url_for(".regional_pdf", region_id=region.id)})


@bp.get("/ars/<int:region_id>/synthese.csv")
@roles_required(REGIONAL, NATIONAL)
@writes  # the audit row of the download
def regional_csv(region_id: int):
    scope, region, _same = _regional(region_id)
    return _csv(scope, region, region.edition, region.code)


@bp.get("/ars/<int:region_id>/synthese.pdf")
@roles_required(REGIONAL, NATIONAL)
@writes  # the audit row of the download
def regional_pdf(region_id: int):
    scope, region, _same = _regional(region_id)
    return _pdf(scope, region, region.edition, region.code)
