"""Pages of a list that can grow: the page number asked for, and a page of a list ordered in Python.

Lists ordered by the database use Flask-SQLAlchemy's ``db.paginate``; a ranking is ordered by
``scoring`` in Python, so it is cut here. Both give the template the same attributes, read by
the one pagination macro (``_macros/pagination.html``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import request

PAGE_SIZE = 50
Item = TypeVar("Item")


def page_number() -> int:
    """The page asked for in the query string; 1 when absent or not a positive number."""
    return max(request.args.get("page", 1, type=int) or 1, 1)


@dataclass(frozen=True)
class ListPage(Generic[Item]):
    items: Sequence[Item]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(-(-self.total // self.per_page), 1)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_of(items: Sequence[Item], page: int, per_page: int = PAGE_SIZE) -> ListPage[Item]:
    """The ``page``-th slice of ``items`` (past the end: the last page)."""
    page = min(page, max(-(-len(items) // per_page), 1))
    return ListPage(items[(page - 1) * per_page:page * per_page], page, per_page, len(items))
