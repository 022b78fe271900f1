"""The shortlist archive and a large book, prepared by a job for the national organiser who asked.

Invariants:
- one ``ExportJob`` row per request; only the person who asked may follow it and download its
  file (``policy.requested``), and only while they are a national organiser (the routes' role);
- the job reads the shortlist in one transaction and builds the file outside any (on SQLite a
  transaction holds the write lock); it writes its progress (0–100) into its row in short
  transactions of their own, so the page that follows it reads it from any web server;
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
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import click
from flask import current_app
from flask.cli import AppGroup

from app import clock, tasks
from app.exports import archive
from app.exports.book import book_needs_job, write_book
from app.exports.data import Book, shortlist_book
from app.exports.dossier_pdf import dossier_pdf
from app.extensions import db
from app.models import Edition, ExportJob, Region, RegionalPick, User
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


def request_export(kind: str, edition: Edition, *, actor: User, now: datetime) -> ExportJob:
    """Record the request and ask for the job once it is committed; the caller commits."""
    clean_expired(now)
    job = ExportJob(kind=kind, edition_id=edition.id, requested_by_id=actor.id, requested_at=now, state="queued",
                    progress=0)
    db.session.add(job)
    db.session.flush()
    tasks.after_commit(prepare_exports, job.id)
    return job


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


BUILDERS: dict[str, Callable[[BinaryIO, Book, Progress], None]] = {"book": _book, "archive": _archive}
SUFFIXES = {"book": ".pdf", "archive": ".zip"}


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
    job.state, kind = "running", job.kind
    book = shortlist_book(db.session.get(Edition, job.edition_id), clock.now())
    db.session.commit()
    try:
        stored_name = _write(lambda out: BUILDERS[kind](out, book, _reporter(job_id)))
    except Exception:
        db.session.rollback()
        _update(job_id, state="failed", finished_at=clock.now())
        raise  # Huey logs it
    _update(job_id, state="done", progress=100, stored_name=stored_name, finished_at=clock.now())


def _reporter(job_id: int) -> Progress:
    """Writes the percentage when it changes (at most a hundred short transactions); 100 means the
    file is there, so the job reports at most 99 while it builds."""
    reported = [0]

    def report(fraction: float) -> None:
        percent = min(99, int(fraction * 100))
        if percent > reported[0]:
            reported[0] = percent
            _update(job_id, progress=percent)

    return report


def _update(job_id: int, **values) -> None:
    db.session.execute(db.update(ExportJob).where(ExportJob.id == job_id).values(**values))
    db.session.commit()


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


exports_cli = AppGroup("exports", help="Fichiers préparés pour les organisateurs nationaux.")


@exports_cli.command("clean")
def exports_clean() -> None:
    """Remove the prepared files (and their jobs) older than a day."""
    removed = clean_expired(clock.now())
    db.session.commit()
    click.echo(f"{removed} fichier(s) préparé(s) supprimé(s).")
