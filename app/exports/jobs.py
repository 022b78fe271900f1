"""Files too long to build inside a request, prepared by a job for the organiser who asked: the shortlist
archive and a large book (national organisers), a region's minutes and the candidature and marks tables
(organisers, within their regions).

Invariants:
- one ``ExportJob`` row per request, carrying what the file is made of (its region, a table's format,
  regions, stages and filters, its download name), fixed when asked; only the person who asked may
  follow it and download its file (``policy.requested``), and only while they organise its edition
  nationally or, for a regional file, its region;
- the job first marks its row running (a short transaction), then reads and builds in a transaction
  that only reads (a table streams from a cursor: memory stays bounded); it writes its progress (0–100)
  on a connection of its own, committed at once, so the page that follows it reads it from any web
  server while the reading transaction goes on;
- a job prepares its row once: a second worker (or a retry) finds it no longer queued;
- the file is written under ``EXPORT_DIR`` with a server-made name, complete before it gets that
  name (a temporary file renamed), and removed with its row after ``KEEP`` (``clean_expired``,
  run at each new request and by ``flask --app app exports clean``).
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import click
from flask import current_app
from flask.cli import AppGroup

from app import clock, tasks
from app.database import reading_only
from app.exports import archive
from app.exports.book import book_needs_job, write_book
from app.exports.data import Book, shortlist_book
from app.exports.dossier_pdf import dossier_pdf
from app.exports.tables import candidatures_sheet, marks_sheet, searched, to_csv, to_xlsx
from app.extensions import db
from app.jury.juries import Jury
from app.models import Edition, ExportJob, Region, RegionalPick, User
from app.search import DossierFilter
from app.selection.minutes import minutes_pdf
from app.selection.ranking import declared_conflicts, region_ranking
from app.uploads import storage

KEEP = timedelta(hours=24)
STORED_NAME = re.compile(r"[0-9a-f]{32}")
TEMP_PREFIX = ".export-"
Progress = Callable[[float], None]  # the fraction done, from 0 to 1


def export_dir() -> Path:
    return Path(current_app.config["EXPORT_DIR"])


def path_of(stored_name: str) -> Path:
    if not STORED_NAME.fullmatch(stored_name):
        raise ValueError(f"not a stored name: {stored_name!r}")
    return export_dir() / stored_name


def book_is_large(edition: Edition) -> bool:
    """Whether the edition's book is prepared by a job rather than inside the request (``book_needs_job``)."""
    return book_needs_job(db.session.scalar(db.select(db.func.count(RegionalPick.id)).join(Region)
                                            .where(Region.edition_id == edition.id)))


def request_export(kind: str, edition: Edition, *, actor: User, now: datetime, region: Region | None = None,
                   parameters: dict | None = None) -> ExportJob:
    """Record the request and ask for the job once it is committed; the caller commits."""
    clean_expired(now)
    job = ExportJob(kind=kind, edition_id=edition.id, requested_by_id=actor.id, requested_at=now, state="queued",
                    progress=0, region_id=region.id if region else None, parameters=parameters or {})
    db.session.add(job)
    db.session.flush()
    tasks.after_commit(prepare_exports, job.id)
    return job


Build = Callable[[BinaryIO, Progress], None]  # writes the file, reporting its progress


def _shortlist_file(write: Callable[[BinaryIO, Book, Progress], None]) -> Callable[[ExportJob], Build]:
    def read(job: ExportJob) -> Build:
        book = shortlist_book(db.session.get(Edition, job.edition_id), clock.now())
        return lambda out, progress: write(out, book, progress)

    return read


def _book(out: BinaryIO, book: Book, progress: Progress) -> None:
    write_book(book, out, lambda done, total: progress(done / max(total, 1)))


def _archive(out: BinaryIO, book: Book, progress: Progress) -> None:
    with tempfile.TemporaryFile() as pdf:
        # The book holds every dossier once more: about half the work.
        write_book(book, pdf, lambda done, total: progress(done / max(total, 1) / 2))
        pdf.seek(0)
        archive.write_shortlist(out, book, pdf,
                                lambda dossier: dossier_pdf(dossier, book.edition_name, book.printed_at),
                                storage.path_of, lambda fraction: progress(0.5 + fraction / 2))


def _minutes(job: ExportJob) -> Build:
    def build(out: BinaryIO, progress: Progress) -> None:
        region = db.session.get(Region, job.region_id)
        ranking = region_ranking(region)
        progress(0.5)  # the ranking read; the PDF's layout is the other half
        out.write(minutes_pdf(region, ranking, Jury.of_region(region).jurors(), declared_conflicts(region.id),
                              clock.now()))

    return build


def _table(job: ExportJob) -> Build:
    """The table the request described (``parameters``: format, regions, stages for the marks, the list's
    filters), its rows streamed into the file."""
    asked = job.parameters
    contest = db.session.get(Edition, job.edition_id).contest
    conditions = searched(DossierFilter(**asked["filters"]))
    sheet = (marks_sheet(asked["regions"], tuple(asked["stages"]), contest, conditions) if job.kind == "notes"
             else candidatures_sheet(asked["regions"], contest, conditions))

    def build(out: BinaryIO, progress: Progress) -> None:
        counted = replace(sheet, rows=_reporting(sheet.rows, sheet.size(), progress))
        if asked["format"] == "xlsx":
            to_xlsx(counted, out)
        else:
            out.writelines(to_csv(counted))

    return build


def _reporting(rows: Iterable, total: int, progress: Progress) -> Iterator:
    for number, row in enumerate(rows, start=1):
        yield row
        progress(number / max(total, 1))


READERS: dict[str, Callable[[ExportJob], Build]] = {
    "book": _shortlist_file(_book), "archive": _shortlist_file(_archive), "minutes": _minutes,
    "candidatures": _table, "notes": _table,
}


@tasks.job()
def prepare_exports(job_ids: list[int]) -> None:
    """The job: build each requested file, reporting its progress."""
    for job_id in job_ids:
        _prepare(job_id)


def _prepare(job_id: int) -> None:
    job = db.session.scalar(db.select(ExportJob).where(ExportJob.id == job_id, ExportJob.state == "queued")
                            .with_for_update(skip_locked=True))
    if job is None:
        db.session.rollback()
        return
    job.state, job.progressed_at = "running", clock.now()
    db.session.commit()
    try:
        with reading_only():
            build = READERS[job.kind](job)
            stored_name = _write(lambda out: build(out, _reporter(job_id)))
    except Exception:
        db.session.rollback()
        _update(job_id, state="failed", finished_at=clock.now())
        raise  # Huey logs it
    db.session.rollback()  # the reading transaction: it wrote nothing
    _update(job_id, state="done", progress=100, stored_name=stored_name, finished_at=clock.now())


def _reporter(job_id: int) -> Progress:
    """Writes the percentage when it changes (at most a hundred short transactions); 100 means the
    file is there, so the job reports at most 99 while it builds."""
    reported = [0]

    def report(fraction: float) -> None:
        percent = min(99, int(fraction * 100))
        if percent > reported[0]:
            reported[0] = percent
            _update(job_id, progress=percent, progressed_at=clock.now())

    return report


def _update(job_id: int, **values) -> None:
    """On a connection of its own: the job's reading transaction (a table's cursor) goes on."""
    with reading_only(False), db.engine.begin() as connection:
        connection.execute(db.update(ExportJob).where(ExportJob.id == job_id).values(**values))


def _write(build: Callable[[BinaryIO], None]) -> str:
    """Build a file under EXPORT_DIR and give it a server-made name once complete."""
    directory = export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    with tempfile.NamedTemporaryFile(dir=directory, prefix=TEMP_PREFIX, delete=False) as out:
        try:
            build(out)
            out.flush()
            os.fsync(out.fileno())
        except BaseException:
            os.unlink(out.name)
            raise
    os.replace(out.name, path_of(stored_name))
    return stored_name


def clean_expired(now: datetime) -> int:
    """Remove the jobs requested more than ``KEEP`` ago with their files, and temporary files as old."""
    expired = db.session.scalars(db.select(ExportJob).where(ExportJob.requested_at < now - KEEP)).all()
    for job in expired:
        if job.stored_name:
            path_of(job.stored_name).unlink(missing_ok=True)
        db.session.delete(job)
    directory = export_dir()
    if directory.is_dir():
        # A crashed worker's file; file times come from the system clock, so its age is judged on it.
        for path in directory.glob(f"{TEMP_PREFIX}*"):
            if path.stat().st_mtime < time.time() - KEEP.total_seconds():
                path.unlink(missing_ok=True)
    db.session.flush()
    return len(expired)


exports_cli = AppGroup("exports", help="Fichiers préparés pour les organisateurs.")


@exports_cli.command("clean")
def exports_clean() -> None:
    """Remove the prepared files (and their jobs) older than a day."""
    removed = clean_expired(clock.now())
    db.session.commit()
    click.echo(f"{removed} fichier(s) préparé(s) supprimé(s).")
