"""Every French message in the code and templates has its English translation."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
ENGLISH = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def test_english_catalogue_translates_every_message(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        # The same command as `make messages`; without --ignore-dirs Babel skips templates/_macros.
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
         "--ignore-dirs", ".* __pycache__ node_modules", "-o", str(template), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    english = read_po(ENGLISH.open("rb"), locale="en")
    messages = [m.id for m in read_po(template.open("rb")) if m.id]

    untranslated = [id_ for id_ in messages if not (english.get(id_) and translated(english.get(id_)))]

    assert "Accès refusé" in messages  # the extraction really read the sources
    assert untranslated == []


def test_french_catalogue_gives_french_plurals():
    french = read_po((ROOT / "app" / "translations" / "fr" / "LC_MESSAGES" / "messages.po").open("rb"), locale="fr")
    plurals = [m for m in french if m.id and isinstance(m.id, tuple)]

    assert french.plural_expr == "(n > 1)"  # « 0 heure », « 1 heure », « 2 heures »
    assert plurals and all(m.string == m.id for m in plurals)
