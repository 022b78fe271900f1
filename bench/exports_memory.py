"""Benchmark: peak memory of the CSV, XLSX and ZIP exports at 500 and 5,000 dossiers.

Seeds a fresh database (SQLite in a temporary directory, or with ``--postgresql`` a database created
on the ``DATABASE_URL`` server) with the dossiers, spread over the regions, three submitted regional
scoresheets each and one attachment each; then runs each export in a process of its own and prints
its time, output size, tracemalloc peak (CSV and XLSX) and the process's maxrss before and after.

The ZIP is ``archive.write_shortlist`` fed with every seeded dossier, read from the database one at a
time as the writer asks (a real shortlist has at most two per region): it measures the writer, whose
entries go to a file one by one. Every attachment entry reads the same 256 kB file from disk. The
book at its root is a small one; the book's own cost is ``bench/shortlist_book.py``'s.

Run: ``.venv/bin/python bench/exports_memory.py [--postgresql] [--sizes 500,5000]`` (a benchmark: it prints,
asserts nothing).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (500, 5000)
CASES = ("candidatures.csv", "notes.csv", "candidatures.xlsx", "notes.xlsx", "archive.zip")
JURORS = 3
NOW = datetime(2017, 10, 20, 9, 0, tzinfo=UTC)
ATTACHMENT = os.urandom(256 * 1024)  # incompressible, as PDFs mostly are
PROSE = ("Les usagers et les soignants de l’unité écrivent ensemble le livret de sortie ; la commission des "
         "usagers relit chaque version et l’équipe « qualité » mesure les effets à six mois. ")


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def make_app(url: str, scratch: Path):
    from app import create_app
    from config import TestingConfig

    return create_app(TestingConfig, overrides={"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": str(scratch / "up"),
                                                "EXPORT_DIR": str(scratch / "exports")})


def seed(url: str, size: int, scratch: Path) -> None:
    """The edition, a candidate, three jurors, ``size`` submitted dossiers with realistic text lengths."""
    import flask_migrate

    from app.accounts import create_user
    from app.editions import load_edition
    from app.extensions import db
    from app.jury.operations import store_figures
    from app.models import Attachment, Mark, Scoresheet
    from tests import factories
    from workflows.states import Role

    app = make_app(url, scratch)
    with app.app_context():
        flask_migrate.upgrade()
        contest_file = ROOT / "workflows" / "contests" / "ssp-2017.toml"
        edition, _ = load_edition(contest_file.read_text(encoding="utf-8"), source=contest_file.name, now=NOW)
        owner = create_user(email="candidat@bench.example.org", password_hash=None, role=Role.CANDIDATE,
                            region_code=None, now=NOW, verified=True)
        jurors = [create_user(email=f"jure{n}@bench.example.org", password_hash=None,
                              role=Role.REGIONAL_JUROR, region_code="HDF", now=NOW, verified=True)
                  for n in range(JURORS)]
        codes = [region.code for region in edition.regions]
        keys = [criterion.key for criterion in edition.contest.criteria]
        for start in range(0, size, 250):
            batch = [factories.candidature(
                edition, owner, at=NOW, region=codes[n % len(codes)], state="regional_jury",
                title=f"Projet n° {n} : le livret de sortie écrit à deux", structure_name=f"Centre hospitalier {n}",
                category="etablissement", identifier="620100057", sectors=["sanitaire"],
                contact_name="Jeanne Martin", contact_email="jeanne.martin@example.org", summary=PROSE * 4,
                description=PROSE * 20, modalities=["co_construction"], domains=["sortie_hospitalisation"],
                project_stage="en_cours", answers={key: PROSE * 10 for key in keys},
            ) for n in range(start, min(size, start + 250))]
            db.session.add_all(batch)
            db.session.flush()
            for candidature in batch:
                db.session.add(Attachment(candidature_id=candidature.id, slot=1, display_name="programme.pdf",
                                          stored_name=f"{candidature.id:032x}", mime_type="application/pdf",
                                          size=len(ATTACHMENT), sha256=hashlib.sha256(ATTACHMENT).hexdigest(),
                                          uploaded_at=NOW))
                for number, juror in enumerate(jurors):
                    sheet = Scoresheet(candidature_id=candidature.id, juror_id=juror.id, stage="regional",
                                       status="submitted", submitted_at=NOW, updated_at=NOW,
                                       overall_comment=PROSE * 2)
                    sheet.marks = [Mark(criterion=key, value=(number + index) % 6, justification=PROSE)
                                   for index, key in enumerate(keys)]
                    store_figures(sheet, edition.contest)
                    db.session.add(sheet)
            db.session.commit()
        db.engine.dispose()


class Picks:
    """Every dossier as a pick, read from the database in batches as the ZIP writer iterates."""

    def __init__(self, contest, count: int):
        self.contest, self.count = contest, count

    def __len__(self) -> int:
        return self.count

    def __iter__(self):
        from sqlalchemy.orm import selectinload

        from app.exports.data import Pick, dossier_of
        from app.extensions import db
        from app.models import Candidature

        query = (db.select(Candidature).options(selectinload(Candidature.partners),
                                                selectinload(Candidature.attachments), selectinload(Candidature.region))
                 .order_by(Candidature.id).execution_options(yield_per=100))
        for candidature in db.session.scalars(query):
            yield Pick(dossier_of(candidature, self.contest), PROSE, None, None)


def export(case: str, out) -> None:
    """Write one export into ``out`` (a file)."""
    from app.exports import archive, tables
    from app.exports.book import book_pdf
    from app.exports.data import Book, criteria_headings
    from app.exports.dossier_pdf import dossier_pdf
    from app.extensions import db
    from app.models import Candidature, Edition

    edition = db.session.scalar(db.select(Edition))
    contest, region_ids = edition.contest, [region.id for region in edition.regions]
    kind, fmt = case.split(".")
    if kind == "archive":
        count = db.session.scalar(db.select(db.func.count(Candidature.id)))
        book = Book(edition_name=contest.name, theme=contest.title, ceremony=contest.calendar.ceremony,
                    printed_at=NOW, published=False, scale_max=contest.scale.max, criteria=criteria_headings(contest),
                    picks=Picks(contest, count))
        small = dataclasses.replace(book, picks=())
        attachment = Path(out.name).with_suffix(".attachment")
        attachment.write_bytes(ATTACHMENT)
        archive.write_shortlist(out, book, io.BytesIO(book_pdf(small)), lambda d: dossier_pdf(d, book.edition_name, NOW),
                                lambda _stored_name: attachment, lambda _fraction: None)
        return
    sheet = (tables.candidatures_sheet(region_ids, contest) if kind == "candidatures"
             else tables.marks_sheet(region_ids, ("regional",), contest))
    if fmt == "csv":
        for chunk in tables.to_csv(sheet):  # what the response streams
            out.write(chunk)
    else:
        tables.to_xlsx(sheet, out)


def one(url: str, case: str, size: int, scratch: Path) -> None:
    app = make_app(url, scratch)
    trace = not case.endswith(".zip")  # tracemalloc slows ReportLab tenfold: the ZIP is judged on maxrss
    with app.app_context(), tempfile.NamedTemporaryFile(dir=scratch) as out:
        before = maxrss_mb()
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        export(case, out)
        elapsed = time.perf_counter() - started
        peak = f"{tracemalloc.get_traced_memory()[1] / 1e6:6.1f} MB" if trace else "   (not traced)"
        print(f"{size:>5} dossiers  {case:<18} {elapsed:7.1f} s  {out.tell() / 1e6:8.2f} MB out  "
              f"tracemalloc peak {peak}  maxrss {before:5.0f} -> {maxrss_mb():5.0f} MB", flush=True)


@contextmanager
def database(postgresql: bool, scratch: Path):
    if not postgresql:
        yield f"sqlite:///{scratch / 'bench.db'}"
        return
    from tests.databases import postgresql_database, server_url

    with postgresql_database(server_url(), prefix="concours_bench") as url:
        yield url


def main(postgresql: bool, sizes: tuple[int, ...]) -> None:
    print(f"exports on {'PostgreSQL' if postgresql else 'SQLite'}; each line is one process", flush=True)
    for size in sizes:
        with tempfile.TemporaryDirectory() as scratch, database(postgresql, Path(scratch)) as url:
            started = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--seed", url, str(size), scratch], check=True)
            print(f"{size:>5} dossiers  seeded in {time.perf_counter() - started:.0f} s", flush=True)
            for case in CASES:
                subprocess.run([sys.executable, __file__, "--one", url, case, str(size), scratch], check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--seed"]:
        seed(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))
    elif sys.argv[1:2] == ["--one"]:
        one(sys.argv[2], sys.argv[3], int(sys.argv[4]), Path(sys.argv[5]))
    else:
        chosen = sys.argv[sys.argv.index("--sizes") + 1] if "--sizes" in sys.argv else None
        main("--postgresql" in sys.argv, tuple(int(n) for n in chosen.split(",")) if chosen else SIZES)
