"""Table rows as JSON values and back, by each column's type, so that an archive made on one database
restores into the other.

Invariants: ``decode(encode(value)) == value`` for every type the models use (aware datetimes stay
aware and in UTC, bytes stay bytes, JSON columns keep their nested values); a column whose type has
no rule stops the backup, since a value silently turned into text would not come back as it was.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]


def _same(value: Any) -> Any:
    return value


def _isoformat(value: Any) -> str:
    return value.isoformat()


# By the column's Python type: (to JSON, from JSON). fromisoformat keeps the offset a value had.
CODECS: dict[type, Codec] = {
    bool: (_same, _same),
    int: (_same, _same),
    float: (_same, _same),
    str: (_same, _same),
    dt.datetime: (_isoformat, dt.datetime.fromisoformat),
    dt.date: (_isoformat, dt.date.fromisoformat),
    dt.time: (_isoformat, dt.time.fromisoformat),
    bytes: (lambda value: base64.b64encode(value).decode("ascii"), base64.b64decode),
    decimal.Decimal: (str, decimal.Decimal),
    uuid.UUID: (str, uuid.UUID),
}


def _json_codec(column: sa.Column) -> Codec:
    # SQL NULL and JSON null both read back as None: a nullable column gets SQL NULL again, a column
    # that may not be NULL can only have held JSON null.
    return _same, (lambda value: sa.null() if value is None and column.nullable else value)


def codec(column: sa.Column) -> Codec:
    """How the values of ``column`` go to JSON and come back; TypeError for a type with no rule."""
    kind = column.type
    while isinstance(kind, sa.types.TypeDecorator):  # UTCDateTime: stored as its underlying type
        kind = kind.impl_instance
    if isinstance(kind, sa.JSON):
        return _json_codec(column)
    try:
        python_type = kind.python_type
    except NotImplementedError:  # SQLAlchemy's answer for a type without a Python equivalent: refused below
        python_type = None
    if python_type not in CODECS:
        raise TypeError(f"{column.table.name}.{column.name}: type {column.type!r} has no backup rule (app.backup.rows)")
    to_json, from_json = CODECS[python_type]
    return (lambda value: None if value is None else to_json(value)), (
        lambda value: None if value is None else from_json(value))


class TableCodec:
    """Every column's codec, once per table."""

    def __init__(self, table: sa.Table):
        self.table = table
        self.columns = [column.name for column in table.columns]
        self._codecs = {column.name: codec(column) for column in table.columns}

    def encode(self, row: sa.Row) -> dict[str, Any]:
        return {name: self._codecs[name][0](value) for name, value in row._mapping.items()}

    def decode(self, values: dict[str, Any]) -> dict[str, Any]:
        return {name: self._codecs[name][1](value) for name, value in values.items()}
