"""Dates as people read them: « 1er janvier », and a period's year said once unless it spans two years."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_babel import force_locale

from app.i18n import day, period, when


def test_day_says_premier_in_french_only(app):
    with app.test_request_context():
        french = day(date(2027, 1, 1))
        with force_locale("en"):
            english = day(date(2027, 1, 1))

    assert (french, english) == ("1er janvier 2027", "1 January 2027")


def test_a_moment_on_the_first_says_premier_in_paris_time(app):
    with app.test_request_context():
        first = when(datetime(2026, 11, 30, 23, 30, tzinfo=UTC))  # already 1 December in Paris
        with force_locale("en"):
            english = when(datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
        last = when(datetime(2026, 11, 30, 22, 30, tzinfo=UTC))

    assert (first, english, last) == ("1er décembre 2026 à 00:30", "1 December 2026, 00:30",
                                      "30 novembre 2026 à 23:30")


def test_period_over_new_year_names_both_years(app):
    with app.test_request_context():
        spanning = period(date(2026, 12, 31), date(2027, 1, 4))
        within = period(date(2017, 11, 20), date(2017, 11, 24))

    assert (spanning, within) == (("31 décembre 2026", "4 janvier 2027"), ("20 novembre", "24 novembre 2017"))
