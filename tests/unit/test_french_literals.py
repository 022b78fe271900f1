"""What the web pages say in French goes through the catalogue, so that English readers read English.

A French sentence written as a plain literal in the app's Python code would show French on an English
page (a refusal, a form error, a flag) without any catalogue test noticing: this scan finds them. The
modules below speak French only, on purpose, each for the reason given.
"""

import ast
import re
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"

FRENCH_ONLY = {
    # Operators' command lines: the server's administrators read French.
    "cli.py", "accounts.py", "editions.py", "attachments/cli.py", "backup/cli.py", "backup/archive.py",
    "privacy/cli.py", "journal/cli.py", "journal/verification.py",
    # The contest's official documents, in the language of the French administration.
    "exports/book.py", "exports/dossier_pdf.py", "exports/archive.py", "exports/tables.py",
    "selection/minutes.py", "candidatures/receipt_pdf.py", "pdf/document.py", "synthesis/report.py",
    # The open-data schema says each field in French and in English, side by side, for every reader.
    "national/open_data.py",
    # The demonstration's story: French data typed by French people.
    "demo/__init__.py", "demo/cast.py", "demo/story.py",
    # Stored once, read in the log: the audit reason of a retention sweep.
    "privacy/retention.py",
}
# Single sentences, by module and opening words.
FRENCH_ONLY_TEXTS = {
    # The page drawn when nothing else can be (no database, no template): no catalogue either.
    ("errors.py", "<!doctype html>"),
    # A conflict detected automatically: its reason is stored and read as evidence, as written.
    ("jury/operations.py", "L’identifiant de votre organisation"),
    # Words of the official documents, prepared beside them: the dossier PDF, the synthesis report.
    ("exports/data.py", "saisi par l’ARS"),
    ("synthesis/routes.py", "toutes les régions"),
}
# A sentence: three words or more, with a French letter or apostrophe.
SENTENCE = re.compile(r"\w+ \w+ \w+", re.UNICODE)
FRENCH = re.compile(r"[éèêàâùûçôîœ’]")
TRANSLATING = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "Text"}
# Click's texts (help, echo) belong to the command lines, wherever they are declared.
COMMAND_LINE = {"echo", "AppGroup", "option", "command", "group", "argument", "fail"}


def called(node: ast.Call) -> str:
    return node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")


def untranslated(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and SENTENCE.search(node.value) and FRENCH.search(node.value)):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Expr):  # a docstring
            continue
        while parent is not None and not isinstance(parent, ast.Call | ast.stmt):
            parent = parents.get(parent)
        if isinstance(parent, ast.Call) and called(parent) in TRANSLATING | COMMAND_LINE:
            continue
        module = str(path.relative_to(APP))
        if any(module == where and node.value.startswith(opening) for where, opening in FRENCH_ONLY_TEXTS):
            continue
        found.append(f"{module}:{node.lineno}: {node.value[:60]}")
    return found


def test_the_app_says_its_french_sentences_through_the_catalogue():
    modules = [path for path in sorted(APP.rglob("*.py")) if str(path.relative_to(APP)) not in FRENCH_ONLY]
    assert len(modules) > 50  # the scan really read the app
    assert [line for path in modules for line in untranslated(path)] == []
