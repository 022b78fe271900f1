"""The audit log's hash chain: how a row's hash is computed, so that anyone can recompute it.

Each row of ``audit_log`` carries ``prev_hash``, the ``hash`` of the row before it (ids in
ascending order), and its own ``hash``. The first row's ``prev_hash`` is ``GENESIS`` (64 zeros).
Changing, inserting or removing a row anywhere breaks the chain from that row on; removing the
last rows is seen by comparing the head (last id and hash, printed by ``flask --app app audit
verify``) with the one the organisers wrote down earlier.

A row's hash, exactly:

1. Take the row's 13 fields as one JSON object, every key present (``null`` when empty):
   ``id`` (integer), ``at`` (text ``YYYY-MM-DDTHH:MM:SS.ffffffZ``: the instant in UTC, always six
   digits of microseconds), ``actor_id``, ``actor_role``, ``action``, ``edition_id``,
   ``region_id``, ``candidature_id``, ``from_state``, ``to_state``, ``reason`` (integers or text
   as stored), ``data`` (the stored JSON object) and ``prev_hash`` (64 lowercase hexadecimal
   digits).
2. Write it as canonical JSON (RFC 8785, JCS): object keys sorted, no whitespace, text as UTF-8
   with only ``"``, ``\\`` and control characters escaped. The log holds only objects, lists,
   text, integers, booleans and null (never a fraction: exact figures are written as text such
   as ``"47/3"``), for which this is exactly Python's
   ``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``.
3. ``hash`` is the SHA-256 of those UTF-8 bytes, in lowercase hexadecimal.

Example: ``{"action":"user.login","actor_id":3,"actor_role":null,"at":"2017-10-01T08:00:00.000000Z",
"candidature_id":null,"data":{},"edition_id":null,"from_state":null,"id":1,"prev_hash":"000…000",
"reason":null,"region_id":null,"to_state":null}``.

Pure functions: no Flask, no database (the migration that hashed the rows written before the
chain existed uses them too).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
FIELDS = ("id", "at", "actor_id", "actor_role", "action", "edition_id", "region_id", "candidature_id",
          "from_state", "to_state", "reason", "data")


def canonical_json(value: Any) -> str:
    """RFC 8785 text of ``value`` for the types the log holds (see the module docstring)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def as_stored(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """``data`` as the database gives it back (tuples as lists, keys as text): what gets hashed."""
    return json.loads(canonical_json(data or {}))


def utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime refused: pass an aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(fields: Mapping[str, Any], prev_hash: str) -> str:
    """The hash of one row: ``fields`` holds the 12 columns of ``FIELDS`` (``at`` an aware datetime)."""
    document = {name: fields[name] for name in FIELDS}
    document["at"] = utc_text(fields["at"])
    document["prev_hash"] = prev_hash
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()
