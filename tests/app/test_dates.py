"""Dates as people read them: « 1er janvier », and a period's year said once unless it spans two years."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale

from app.i18n import day, period


def test_day_says_premier_in_french_only(app):
    with app.test_request_context():
        french = day(date(2027, 1, 1))
        with force_locale("en"):
            english = day(date(2027, 1, 1))

    assert (french, english) == ("1er janvier 2027", "1 January 2027")


def test_period_over_new_year_names_both_years(app):
    with app.test_request_context():
        spanning = period(date(2026, 12, 31), date(2027, 1, 4))
        within = period(date(2017, 11, 20), date(2017, 11, 24))

    assert (spanning, within) == (("31 décembre 2026", "4 janvier 2027"), ("20 novembre", "24 novembre 2017"))
