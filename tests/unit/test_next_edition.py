"""Next year's file from this year's (``next_edition``) and the French list of what changes (``differences``)."""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from workflows.comparison import LABELS, differences
from workflows.definition import CONTESTS_DIR, Contest, ContestError, load_contest, loads_contest
from workflows.next_edition import next_edition, weekday_changes

CONTEST_FILE = CONTESTS_DIR / "ssp-2017.toml"
VARIANT_FILE = Path(__file__).resolve().parents[1] / "contests" / "ssp-variante.toml"

TEXT = CONTEST_FILE.read_text(encoding="utf-8")
CONTEST = load_contest(CONTEST_FILE)
WINTER, SUMMER = timezone(timedelta(hours=1)), timezone(timedelta(hours=2))


def test_next_edition_changes_only_slug_name_number_and_calendar():
    written, contest = next_edition(TEXT, slug="ssp-2018", years=1, source="ssp-2017.toml")

    old, new = tomllib.loads(TEXT), tomllib.loads(written)
    assert new["contest"] | {"slug": "ssp-2017", "name": CONTEST.name, "edition": 7} == old["contest"]
    assert {key: value for key, value in new.items() if key not in ("contest", "calendar")} == {
        key: value for key, value in old.items() if key not in ("contest", "calendar")}
    assert (contest.slug, contest.name, contest.edition) == (
        "ssp-2018", "Semaine de la sécurité des patients 2018", 8)
    assert contest.calendar == dataclasses.replace(
        CONTEST.calendar, submission_deadline=datetime(2018, 10, 16, 0, 0, tzinfo=SUMMER),
        week_start=date(2018, 11, 20), week_end=date(2018, 11, 24), ceremony=date(2018, 11, 21))


def test_next_edition_keeps_the_files_comments():
    written, _contest = next_edition(TEXT, slug="ssp-2018", years=1, source="ssp-2017.toml")

    old_comments = [line for line in TEXT.splitlines() if line.startswith("#")]
    assert [line for line in written.splitlines() if line.startswith("#")] == [
        "# Écrit par « contest new » depuis ssp-2017.toml, calendrier décalé de 1 an : relire le thème, "
        "les dates et les règles avant « contest load »."] + old_comments


def test_next_edition_deadline_keeps_its_paris_time_when_the_offset_changes():
    # 28 October 2017 is summer time in Paris; 28 October 2018 at noon is winter time.
    text = TEXT.replace("submission_deadline = 2017-10-16T00:00:00+02:00",
                        "submission_deadline = 2017-10-28T12:00:00+02:00")

    _written, contest = next_edition(text, slug="ssp-2018", years=1, source="ssp-2017.toml")

    assert contest.calendar.submission_deadline == datetime(2018, 10, 28, 12, 0, tzinfo=WINTER)


def test_next_edition_29_february_becomes_28_february():
    text = TEXT.replace("[calendar]\n", "[calendar]\nsubmissions_open = 2016-02-29T09:00:00+01:00\n")

    _written, contest = next_edition(text, slug="ssp-2017-bis", years=1, source="ssp-2016.toml")

    assert contest.calendar.submissions_open == datetime(2017, 2, 28, 9, 0, tzinfo=WINTER)


def test_next_edition_invalid_source_refused():
    with pytest.raises(ContestError, match="quota.min: ne doit pas dépasser max"):
        next_edition(TEXT.replace("min = 1\nmax = 2", "min = 3\nmax = 2"), slug="x", years=1, source="x.toml")


def test_weekday_changes_lists_the_days_that_move():
    _written, contest = next_edition(TEXT, slug="ssp-2018", years=1, source="ssp-2017.toml")

    assert weekday_changes(CONTEST, contest) == [
        "date limite de dépôt : dimanche 15 octobre 2017 à minuit devient lundi 15 octobre 2018 à minuit",
        "début de la semaine : lundi 20 novembre 2017 devient mardi 20 novembre 2018",
        "fin de la semaine : vendredi 24 novembre 2017 devient samedi 24 novembre 2018",
        "cérémonie : mardi 21 novembre 2017 devient mercredi 21 novembre 2018",
    ]


def test_differences_of_identical_definitions_is_empty():
    assert differences(CONTEST, load_contest(CONTEST_FILE)) == []


def test_differences_name_each_change_in_french():
    text = (TEXT.replace('weight = 1\n\n[[criteria]]\nkey = "securite"', 'weight = 3\n\n[[criteria]]\nkey = "securite"')
            .replace("min = 1\nmax = 2", "min = 1\nmax = 3")
            .replace('[[regions]]\ncode = "COR"\nname = "Corse"\n\n', "")
            .replace('required = false', 'required = true'))

    assert differences(CONTEST, loads_contest(text)) == [
        "Critères — « partenariat » — poids : 1 → 3",
        "Régions : retrait de « COR » (Corse)",
        "Projets retenus par région — maximum : 2 → 3",
        "Attestations — « publication » — obligatoire : non → oui",
    ]


def test_differences_variant_lists_its_rules():
    lines = differences(CONTEST, load_contest(VARIANT_FILE))

    assert {
        "Calendrier — date limite de dépôt : dimanche 15 octobre 2017 à minuit → lundi 29 octobre 2018 à 12 h",
        "Critères : ajout de « evaluation » (Évaluation des effets du projet)",
        "Échelle de notation — maximum : 5 → 10",
        "Ordre de départage : « partenariat », « securite », « reproductibilite », « originalite » → "
        "« securite », « evaluation », « partenariat », « originalite », « reproductibilite »",
        "Pièces jointes — nombre maximal : 3 → 2",
        "Données personnelles — durée de conservation (mois après la publication des résultats) : 24 → 12",
    } <= set(lines)


def _field_names(cls) -> set[str]:
    names = set()
    for f in dataclasses.fields(cls):
        names.add(f.name)
        for hint in (typing.get_type_hints(cls)[f.name], *typing.get_args(typing.get_type_hints(cls)[f.name])):
            if dataclasses.is_dataclass(hint):
                names |= _field_names(hint)
    return names


def test_differences_labels_every_field_of_a_definition():
    assert _field_names(Contest) - LABELS.keys() == set()
