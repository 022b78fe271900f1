"""Next year's definition file, written from this year's for the organisers to edit.

tomlkit keeps the file as written (comments, order, layout): only the slug, the name's year, the
edition number and the calendar change. Every calendar moment keeps its wall-clock time in the
contest's timezone (« minuit, heure de Paris » stays midnight, even when the UTC offset of the new
date differs); 29 February becomes 28 February. The result is checked by ``loads_contest`` before
it is returned, so a file that would not load is never written.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import tomlkit

from workflows.comparison import LABELS
from workflows.definition import Contest, loads_contest
from workflows.texts import french_date, french_moment


def _same_day_years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February of a leap year
        return day.replace(year=day.year + years, day=28)


def _shifted(value: date, years: int, zone: ZoneInfo) -> date:
    if not isinstance(value, datetime):
        return _same_day_years_later(value, years)
    local = value.astimezone(zone)
    moved = datetime.combine(_same_day_years_later(local.date(), years), local.time(), zone)
    # A fixed offset, as the file writes it (2018-10-16T00:00:00+02:00), not a zone name.
    return moved.astimezone(timezone(moved.utcoffset()))


def next_edition(text: str, *, slug: str, years: int, source: str) -> tuple[str, Contest]:
    """The definition ``text`` for the edition ``years`` later, under ``slug``; with its parsed contest.

    Raises ``ContestError`` when the source, or the file written from it, does not load.
    """
    old = loads_contest(text, source=source)
    document = tomlkit.parse(text)
    contest, calendar = document["contest"], document["calendar"]
    zone = ZoneInfo(old.timezone)
    for key, value in list(calendar.items()):
        calendar[key] = _shifted(value, years, zone)
    old_year = old.calendar.submission_deadline.astimezone(zone).year
    contest["slug"] = slug
    contest["name"] = old.name.replace(str(old_year), str(old_year + years))
    contest["edition"] = old.edition + years
    header = tomlkit.comment(f"Écrit par « contest new » depuis {source}, calendrier décalé de {years} an{'s' if years > 1 else ''} : "
                             "relire le thème, les dates et les règles avant « contest load ».")
    document.body.insert(0, (None, header))
    written = tomlkit.dumps(document)
    return written, loads_contest(written, source=f"{slug}.toml")


def weekday_changes(old: Contest, new: Contest) -> list[str]:
    """Calendar days that fall on another weekday once shifted (a deadline on a Sunday may move to a Monday)."""
    lines = []
    for key in ("submission_deadline", "week_start", "week_end", "ceremony", "submissions_open"):
        before, after = getattr(old.calendar, key), getattr(new.calendar, key)
        if before is None:
            continue
        if isinstance(before, datetime):
            before, after = before.astimezone(old.tz), after.astimezone(new.tz)
            words = french_moment
        else:
            words = french_date
        if before.weekday() != after.weekday():
            lines.append(f"{LABELS[key]} : {words(before)} devient {words(after)}")
    return lines
