"""Benchmark: build the shortlist book from generated plain data, 34 picks then 1,000 dossiers.

Prints the wall time, the tracemalloc peak and the process's maximum resident set size of each
build. Run: ``.venv/bin/python bench/shortlist_book.py [--trace-all]`` (a benchmark, not a test).
"""

from __future__ import annotations

import random
import re
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.exports.book import book_pdf  # noqa: E402
from app.exports.data import (  # noqa: E402
    Answer, AttachmentFile, Book, CriterionHeading, Dossier, JuryMarks, Partner, Pick,
)

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
                printed_at=datetime(2017, 11, 10, 9, 30, tzinfo=ZoneInfo("Europe/Paris")), scale_max=5,
                criteria=CRITERIA, picks=tuple(sample_pick(rng, n, national) for n in range(1, picks + 1)))


def measure(picks: int, trace: bool) -> None:
    """One build in this process: wall time, maxrss, and the tracemalloc peak when ``trace``."""
    book = sample_book(picks)
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    pdf = book_pdf(book)
    elapsed = time.perf_counter() - started
    peak = f"{tracemalloc.get_traced_memory()[1] / 1e6:.0f} Mo" if trace else "not traced"
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    pages = len(re.findall(rb"/Type /Page\b(?!s)", pdf))
    print(f"{picks} picks: {elapsed:.1f} s{' (under tracemalloc)' if trace else ''}, {pages} pages, "
          f"{len(pdf) / 1e6:.1f} Mo of PDF, tracemalloc peak {peak}, maxrss {maxrss:.0f} Mo", flush=True)


def main(arguments: list[str]) -> None:
    """Each case in a fresh process (so maxrss is its own), timed without tracemalloc, which slows ReportLab
    about tenfold; the tracemalloc peak is a second run, for 1,000 dossiers only with ``--trace-all``."""
    for picks in (34, 1000):
        runs = [False, True] if picks == 34 or "--trace-all" in arguments else [False]
        for trace in runs:
            subprocess.run([sys.executable, __file__, "--one", str(picks), *(["--trace"] if trace else [])], check=True)


if __name__ == "__main__":
    if "--one" in sys.argv:
        measure(int(sys.argv[sys.argv.index("--one") + 1]), "--trace" in sys.argv)
    else:
        main(sys.argv[1:])
