"""The one family of refusals: every rule that says no raises one of these, with French words.

Invariants: an operation that refuses has changed nothing the caller may keep (the request rolls
back, see ``app.endings``); ``reasons`` are whole French sentences to show as they are (a
``workflows.texts.Text`` among them is said in the reader's language where it is shown).
- ``Refused``: the act is not possible now (a state, a stage, a limit, a missing item);
- ``Invalid``: values that may not be stored, by form field (``problems``), shown beside each field;
- ``Stale``: what the person saw changed meanwhile (another tab, another person): nothing was saved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from workflows.texts import _l


class Refused(Exception):
    """The act is refused; ``reasons`` are the French sentences to show."""

    def __init__(self, reasons: Iterable[str]):
        # A Text stays one (it is translated where it is shown); anything else (a lazy string) is made
        # a str now, in the request's language.
        self.reasons = [reason if isinstance(reason, str) else str(reason) for reason in reasons]
        super().__init__(" ".join(self.reasons))


class Invalid(Refused):
    """Values that may not be stored: form field -> French message."""

    def __init__(self, problems: Mapping[str, str]):
        self.problems = dict(problems)
        super().__init__(self.problems.values())


CHANGED_MEANWHILE = _l("Les données ont changé entre-temps (dans un autre onglet ou par une autre personne) : rien "
                       "n’a été enregistré. Vérifiez la page avant de recommencer.")


class Stale(Refused):
    """What the person saw changed meanwhile; nothing was saved."""

    def __init__(self, reasons: Iterable[str] = (CHANGED_MEANWHILE,)):
        super().__init__(reasons)
