"""Benchmark: the shortlist book from generated plain data, 34 picks then 1,000 dossiers.

Prints, for 34 picks, the book's build time against ReportLab's own single pass
(SimpleDocTemplate.build) on the same flowables in the same run, and their ratio; then the time
and peak resident set size of a 1,000-dossier book written by a job in a child process.
Run: ``.venv/bin/python bench/shortlist_book.py [--rounds N] [--no-job]`` (a benchmark, not a test);
``--no-job`` leaves the 1,000-dossier job out (about two minutes).
"""

from __future__ import annotations

import io
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from statistics import median
from zoneinfo import ZoneInfo

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.exports.book import book_pdf, cover, pick_section, pick_title, summary_table, write_book  # noqa: E402
from app.exports.data import (  # noqa: E402
    Answer, AttachmentFile, Book, CriterionHeading, Dossier, JuryMarks, Partner, Pick,
)
from app.pdf.document import markup  # noqa: E402
from app.pdf.grid import Styles  # noqa: E402

CRITERIA = (
    CriterionHeading("C1", "Effectivité du partenariat entre usagers et soignants"),
    CriterionHeading("C2", "Enjeux en termes de sécurité des patients et d’amélioration des prises en charge"),
    CriterionHeading("C3", "Caractère reproductible du projet"),
    CriterionHeading("C4", "Originalité de la méthodologie de réalisation du projet"),
)
REGIONS = ("ARA", "BFC", "BRE", "CVL", "COR", "GES", "HDF", "IDF", "NOR", "NAQ", "OCC", "PDL", "PAC",
           "GUA", "GUY", "MAR", "OI")
WORDS = ("usagers", "soignants", "sécurité", "partenariat", "éducation", "thérapeutique", "commission",
         "œuvre", "qualité", "prise", "en", "charge", "médicament", "sortie", "hôpital", "à", "domicile",
         "« livret »", "l’équipe", "coût", "10 €", "réunion", "évaluation", "ça", "élèves", "infirmières")


def text(rng: random.Random, words: int) -> str:
    """French-looking prose with paragraphs, about six characters a word."""
    sentences = []
    while words > 0:
        length = min(words, rng.randint(8, 20))
        sentences.append(" ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + ".")
        words -= length
    return "\n\n".join(" ".join(sentences[i:i + 5]) for i in range(0, len(sentences), 5))


def marks(rng: random.Random, sheets: int, comments: bool) -> JuryMarks:
    means = tuple(Fraction(rng.randint(0, 5 * sheets), sheets) for _ in CRITERIA)
    notes = tuple(text(rng, 40) for _ in range(sheets)) if comments else ()
    return JuryMarks(sheets, means, sum(means), rng.randint(1, 34), notes)


def sample_pick(rng: random.Random, number: int, national: bool) -> Pick:
    """A dossier filled to realistic lengths (answers of about 1,500 characters)."""
    region = REGIONS[number % len(REGIONS)]
    dossier = Dossier(
        id=number, receipt_number=f"SSP-{number:06d}", region_code=region, region_name=f"Région {region}",
        title=f"Projet n° {number} : des usagers et des soignants écrivent ensemble le livret de sortie",
        structure=f"Centre hospitalier n° {number}", category="Établissements de santé", identifier="620100057",
        sectors=("Sanitaire", "Médico-social")[: 1 + number % 2], contact="Jeanne Martin, cadre — jeanne@example.org",
        summary=text(rng, 100), description=text(rng, 500),
        modalities=("Co-construction", "Concertation"), domains=("La sortie d’hospitalisation",),
        project_stage="Projet en cours de réalisation", link="https://example.org/projet",
        answers=tuple(Answer(c.label, text(rng, 250)) for c in CRITERIA),
        partners=tuple(Partner(side, f"Partenaire {i}", "Association des usagers", "Co-animation")
                       for side in ("usager", "soignant") for i in range(3)),
        attachments=tuple(AttachmentFile(f"pièce {i}.pdf", 250_000 * i, f"{number:060x}{i:04x}", f"{i:032x}")
                          for i in range(1, 4)),
    )
    return Pick(dossier, text(rng, 80), marks(rng, 5, False), marks(rng, 7, True) if national else None)


def sample_book(picks: int, national: bool = True, seed: int = 2017) -> Book:
    rng = random.Random(seed)
    return Book(edition_name="Semaine de la sécurité des patients 2017",
                theme="Usagers, soignants : partenaires pour la sécurité des patients", ceremony=date(2017, 11, 21),
                printed_at=datetime(2017, 11, 10, 9, 30, tzinfo=ZoneInfo("Europe/Paris")), published=False, scale_max=5,
                criteria=CRITERIA, picks=tuple(sample_pick(rng, n, national) for n in range(1, picks + 1)))


def reference_pdf(book: Book) -> bytes:
    """ReportLab's own single pass on the book's flowables: SimpleDocTemplate.build, no contents, no footer."""
    styles = Styles.create()
    story = [*cover(book, styles), *summary_table(book, Paragraph("Tableau récapitulatif", styles["Heading1"]), styles)]
    for pick in book.picks:
        story += pick_section(book, pick, Paragraph(markup(pick_title(pick)), styles["Heading1"]), styles)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                      bottomMargin=20 * mm).build(story)
    return buffer.getvalue()


def timed(build: Callable[[Book], bytes], book: Book) -> tuple[float, float, int]:
    """Wall and CPU seconds of one build, and its page count."""
    wall, cpu = time.perf_counter(), time.process_time()
    pdf = build(book)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def compare(picks: int, rounds: int) -> None:
    """The book and the reference built in turn, ``rounds`` times each; medians, since the machine is shared."""
    book = sample_book(picks)
    runs: dict[str, list[tuple[float, float, int]]] = {"book": [], "reference": []}
    for _round in range(rounds):
        runs["book"].append(timed(book_pdf, book))
        runs["reference"].append(timed(reference_pdf, book))
    (book_wall, book_cpu), (ref_wall, ref_cpu) = (
        (median(r[0] for r in runs[name]), median(r[1] for r in runs[name])) for name in ("book", "reference"))
    print(f"{picks} picks, median of {rounds}: book {book_wall:.2f} s wall / {book_cpu:.2f} s CPU, "
          f"{runs['book'][0][2]} pages; ReportLab single pass on the same flowables {ref_wall:.2f} s wall / "
          f"{ref_cpu:.2f} s CPU, {runs['reference'][0][2]} pages; ratio {book_wall / ref_wall:.2f} wall, "
          f"{book_cpu / ref_cpu:.2f} CPU; load average {Path('/proc/loadavg').read_text().split()[0]}", flush=True)


def job(picks: int) -> None:
    """The book written to a file as a background job would, with progress; run in a child process."""
    book = sample_book(picks)
    reports: list[tuple[int, int]] = []
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        write_book(book, out, lambda done, total: reports.append((done, total)))
        elapsed = time.perf_counter() - started
        size = out.tell()
    assert reports[-1] == (picks, picks), reports[-1]
    print(f"{picks} dossiers in a job: {elapsed:.1f} s, {size / 1e6:.1f} Mo of PDF, "
          f"{len(reports)} progress reports", flush=True)


def main(arguments: list[str]) -> None:
    """34 picks here; the 1,000-dossier job in a child process, whose peak resident set size is its own."""
    compare(34, rounds=int(arguments[arguments.index("--rounds") + 1]) if "--rounds" in arguments else 5)
    if "--no-job" in arguments:
        return
    subprocess.run([sys.executable, __file__, "--job", "1000"], check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # kilobytes on Linux
    print(f"1000 dossiers in a job: peak resident set size {peak:.0f} Mo (data, imports and layout)", flush=True)


if __name__ == "__main__":
    if "--job" in sys.argv:
        job(int(sys.argv[sys.argv.index("--job") + 1]))
    else:
        main(sys.argv[1:])
