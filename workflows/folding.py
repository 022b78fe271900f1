"""Text as people type it when they search: without case, accents, ligatures or extra spaces.

Invariants: ``fold`` is pure and idempotent (``fold(fold(t)) == fold(t)``); a folded text holds no
capital, no combining mark, no « œ » or « æ » (« oe », « ae »), one kind of apostrophe, no hyphen
and single spaces. The app stores each dossier's folded search text (``search_text``) and folds the query the
same way, so a search reads the same on SQLite and PostgreSQL: the database compares plain strings.
"""

from __future__ import annotations

import unicodedata

# NFKD splits « é » into « e » and a mark, « ﬁ » into « fi », but leaves « œ » and « æ » whole (they are
# letters of their own in Unicode), and French keyboards type ’ where others type '. A hyphen or dash
# is a space: « identito vigilance » finds « Identito-vigilance », « SSP 000384 » finds « SSP-000384 ».
_SPELLED_OUT = str.maketrans({"œ": "oe", "æ": "ae", "’": "'", "‘": "'", "ʼ": "'",
                              **dict.fromkeys("-‐‑‒–—", " ")})


def fold(text: str | None) -> str:
    """``text`` casefolded, its accents and ligatures spelled out plainly, its spaces collapsed."""
    # casefold first: it may itself produce a combining mark (« İ » gives « i » and a dot above).
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold().translate(_SPELLED_OUT))
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).split())


def search_text(*fields: str | None) -> str:
    """The fields folded, one per line: a search finds a phrase within one field, never across two."""
    return "\n".join(folded for folded in map(fold, fields) if folded)
