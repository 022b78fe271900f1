"""The hash of an audit row is what ``app.audit_chain``'s docstring says: re-implemented here from the text."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.audit_chain import GENESIS, as_stored, row_hash

ROW = {"id": 1, "at": datetime(2017, 10, 1, 8, 0, tzinfo=UTC), "actor_id": 3, "actor_role": None,
       "action": "user.login", "edition_id": None, "region_id": None, "candidature_id": None,
       "from_state": None, "to_state": None, "reason": None, "data": {}}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_row_hash_is_the_docstring_example():
    text = ('{"action":"user.login","actor_id":3,"actor_role":null,"at":"2017-10-01T08:00:00.000000Z",'
            '"candidature_id":null,"data":{},"edition_id":null,"from_state":null,"id":1,"prev_hash":"'
            + "0" * 64 + '","reason":null,"region_id":null,"to_state":null}')

    assert row_hash(ROW, GENESIS) == sha256(text)


def test_row_hash_writes_text_as_utf8_sorts_nested_keys_and_states_the_instant_in_utc():
    paris = timezone(timedelta(hours=2))
    row = {**ROW, "id": 7, "at": datetime(2017, 10, 15, 23, 59, 59, 123, tzinfo=paris),
           "reason": "Avis « favorable »\n\"cité\" \\ fin", "data": {"marks": {"securite": 4, "partenariat": None},
                                                                    "ok": True}}
    text = ('{"action":"user.login","actor_id":3,"actor_role":null,"at":"2017-10-15T21:59:59.000123Z",'
            '"candidature_id":null,"data":{"marks":{"partenariat":null,"securite":4},"ok":true},'
            '"edition_id":null,"from_state":null,"id":7,"prev_hash":"' + "a" * 64 + '",'
            '"reason":"Avis « favorable »\\n\\"cité\\" \\\\ fin","region_id":null,"to_state":null}')

    assert row_hash(row, "a" * 64) == sha256(text)


def test_row_hash_changes_with_any_field_and_with_the_previous_hash():
    others = [{**ROW, name: value} for name, value in [("id", 2), ("actor_id", 4), ("reason", ""), ("data", {"a": 1}),
                                                        ("at", ROW["at"] + timedelta(microseconds=1))]]

    hashes = {row_hash(ROW, GENESIS), row_hash(ROW, "1" * 64), *(row_hash(row, GENESIS) for row in others)}

    assert len(hashes) == 2 + len(others)


def test_data_is_hashed_as_the_database_gives_it_back():
    assert as_stored({"ids": (1, 2), "none": None}) == {"ids": [1, 2], "none": None}
    assert as_stored(None) == {}


def test_a_naive_instant_is_refused():
    with pytest.raises(ValueError, match="naive"):
        row_hash({**ROW, "at": datetime(2017, 10, 1, 8, 0)}, GENESIS)
