"""The public results: the page (the winners and the regional picks of each edition once its organisers
publish them, the most recent edition first), the same as CSV and JSON, and their schema. Nothing of
an edition before its publication; of a project whose candidate did not consent, only that it counts
(``app.national.open_data`` decides both, for every format).

Everything here is public and the same for every visitor: the pages are served from the anonymous
cache, the files may be kept by any cache for a few minutes.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, make_response, render_template

from app.access import public
from app.editions import current_edition, published_editions
from app.exports.tables import to_csv
from app.extensions import db
from app.i18n import weekday
from app.models import Edition
from app.national.open_data import DETAILS, FIELDS, published_results, results_document, \
    results_sheet, table_schema
from app.page_cache import cached_for_anonymous
from app.uploads.names import DOWNLOAD_HEADERS, content_disposition
from workflows.states import NationalStage

bp = Blueprint("results", __name__)
# Public data, identical for everyone: shared caches may keep it, briefly (the page of an edition
# being published changes once); any site may read it (open data, no credentials involved).
OPEN_DATA_HEADERS = {"Content-Security-Policy": DOWNLOAD_HEADERS["Content-Security-Policy"],
                     "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}
# The organisers' CSV convention (``app.exports.tables``): UTF-8 with a BOM and « ; », because that is
# what a French spreadsheet opens correctly on a double click (without the BOM Excel reads the accents
# as Windows-1252, and with « , » it puts each line in one column, the comma being the decimal sign).
FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@bp.get("/resultats")
@public
@cached_for_anonymous
def index():
    """The open edition's results once published (else when they will be), then every past edition's."""
    edition = current_edition()
    editions = published_editions()
    return render_template("national/results.html", edition=edition,
                           published=[published_results(past) for past in editions],
                           latest=editions[0] if editions else None, details=DETAILS,
                           awaited=edition is not None and edition.stage != NationalStage.PUBLISHED,
                           ceremony=weekday(edition.contest.calendar.ceremony) if edition else None)


def _published(slug: str | None) -> Edition:
    """The edition named by ``slug``, or the latest published; 404 unless its results are published."""
    if slug is None:
        editions = published_editions()
        edition = editions[0] if editions else None
    else:
        edition = db.session.scalar(db.select(Edition).filter_by(slug=slug))
    if edition is None or edition.published_at is None:
        abort(404)
    return edition


def _open_data(body, mimetype: str, name: str) -> Response:
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = content_disposition(name)
    response.headers.update(OPEN_DATA_HEADERS)
    return response


@bp.get("/resultats.<any(csv, json):fmt>", defaults={"slug": None})
@bp.get("/resultats/<slug>.<any(csv, json):fmt>")
@public
def data(fmt: str, slug: str | None):
    """The published projects of the latest published edition (or of ``slug``'s) as CSV or JSON."""
    results = published_results(_published(slug))
    if fmt == "csv":
        body = b"".join(to_csv(results_sheet(results)))
    else:
        body = json.dumps(results_document(results), ensure_ascii=False, indent=2)
    return _open_data(body, FORMATS[fmt], f"resultats-{results.edition.slug}.{fmt}")


@bp.get("/resultats.schema.json")
@public
def table_schema_file():
    return _open_data(json.dumps(table_schema(), ensure_ascii=False, indent=2), FORMATS["json"],
                      "resultats.schema.json")


@bp.get("/resultats/schema")
@public
@cached_for_anonymous
def schema():
    """Every field of the files, and the codes of the latest published edition's definition (else the open one's)."""
    editions = published_editions()
    reference = editions[0] if editions else current_edition()
    return render_template("national/results_schema.html", fields=FIELDS,
                           contest=reference.contest if reference else None)
