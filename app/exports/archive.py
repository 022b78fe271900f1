"""The shortlist as a ZIP: the book at the root, then one folder per pick with its PDF and attachments.

Entry names come from candidate text, so each part of a path is made safe for every unzip tool:
no path separator, no '..', no control character, at most 100 characters, unique in its
folder regardless of case (Windows and macOS file systems ignore it).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from app.exports.data import Book, Dossier
from app.uploads.names import clean_display_name

MAX_NAME = 100
DOTS = re.compile(r"\.{2,}")


def safe_part(name: str) -> str:
    """One path part: separators turned into dashes, then cleaned and cut to ``MAX_NAME`` characters."""
    name = DOTS.sub(".", clean_display_name(name.replace("/", "-").replace("\\", "-")))
    if len(name) <= MAX_NAME:
        return name
    stem, dot, extension = name.rpartition(".")
    suffix = f".{extension}" if dot and stem and len(extension) <= 10 else ""
    return name[: MAX_NAME - len(suffix)].rstrip(". ") + suffix


class Folder:
    """Hands out safe names, unique (case-insensitively) within one folder: « a.pdf », « a (2).pdf »."""

    def __init__(self):
        self._taken: set[str] = set()

    def name(self, wanted: str, *, folder: bool = False) -> str:
        name = safe_part(wanted)
        stem, dot, extension = name.rpartition(".")
        if folder or not (dot and stem):
            stem, dot, extension = name, "", ""
        number = 1
        while name.casefold() in self._taken:
            number += 1
            tail = f" ({number}){dot}{extension}"
            name = stem[: MAX_NAME - len(tail)].rstrip(". ") + tail
        self._taken.add(name.casefold())
        return name


def dossier_folder(dossier: Dossier) -> str:
    return f"{dossier.region_code} - {dossier.structure or dossier.title or dossier.receipt_number}"


def write_shortlist(out: BinaryIO, book: Book, book_pdf: BinaryIO, dossier_pdf: Callable[[Dossier], bytes],
                    file_of: Callable[[str], Path], progress: Callable[[float], None]) -> None:
    """Write the archive to ``out`` (a file: entries go to it one by one); the book is copied from the open
    file ``book_pdf``, attachments are streamed from ``file_of(stored_name)``; ``progress`` gets the
    fraction done after each dossier."""
    root = Folder()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(root.name("Livret de la sélection nationale.pdf"), "w", force_zip64=True) as entry:
            shutil.copyfileobj(book_pdf, entry)
        for done, pick in enumerate(book.picks, start=1):
            dossier = pick.dossier
            folder, files = root.name(dossier_folder(dossier), folder=True), Folder()
            archive.writestr(f"{folder}/{files.name(f'Dossier {dossier.receipt_number}.pdf')}", dossier_pdf(dossier))
            for attachment in dossier.attachments:
                archive.write(file_of(attachment.stored_name), f"{folder}/{files.name(attachment.name)}")
            progress(done / len(book.picks))
