"""The retention period: whole calendar months after the results' publication, in the contest's local time."""

from __future__ import annotations

import copy
import tomllib
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import tomli_w

from workflows.definition import CONTESTS_DIR, load_contest, loads_contest
from workflows.retention import add_months, retention_end

PARIS = ZoneInfo("Europe/Paris")
CONTEST = load_contest(CONTESTS_DIR / "ssp-2017.toml")


@pytest.mark.parametrize(("start", "months", "expected"), [
    (datetime(2017, 11, 15, 11), 24, datetime(2019, 11, 15, 11)),
    (datetime(2018, 1, 31), 1, datetime(2018, 2, 28)),
    (datetime(2019, 1, 31), 13, datetime(2020, 2, 29)),
    (datetime(2017, 12, 10), 1, datetime(2018, 1, 10)),
    (datetime(2017, 8, 31), 10, datetime(2018, 6, 30)),
])
def test_add_months_clamps_to_the_months_last_day(start, months, expected):
    assert add_months(start, months) == expected


def test_retention_end_keeps_the_paris_hour_across_summer_time():
    published = datetime(2017, 11, 15, 10, tzinfo=UTC)  # 11:00 in Paris, winter time

    end = retention_end(published, CONTEST)

    assert end.astimezone(PARIS).replace(tzinfo=None) == datetime(2019, 11, 15, 11)
    assert retention_end(datetime(2018, 7, 1, 8, tzinfo=UTC), CONTEST) == datetime(2020, 7, 1, 8, tzinfo=UTC)


def test_retention_months_default_to_24_when_the_table_is_left_out():
    raw = copy.deepcopy(tomllib.loads((CONTESTS_DIR / "ssp-2017.toml").read_text(encoding="utf-8")))
    del raw["data"]

    assert loads_contest(tomli_w.dumps(raw)).data.retention_months == 24
    assert CONTEST.data.retention_months == 24
