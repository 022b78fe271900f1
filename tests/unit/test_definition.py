import copy
import tomllib
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
import tomli_w

from workflows.definition import (
    CONTESTS_DIR,
    ContestError,
    Region,
    load_contest,
    loads_contest,
    shift_calendar,
)
from workflows.texts import french_date

PATH = CONTESTS_DIR / "ssp-2017.toml"
RAW = tomllib.loads(PATH.read_text(encoding="utf-8"))
CONTEST = load_contest(PATH)
PARIS = ZoneInfo("Europe/Paris")


def errors_of(mutate) -> list[str]:
    """Errors raised when loading the 2017 file after ``mutate`` changed its raw data."""
    data = copy.deepcopy(RAW)
    mutate(data)
    with pytest.raises(ContestError) as refused:
        loads_contest(tomli_w.dumps(data), source="ssp-2017.toml")
    return refused.value.errors


def test_contest_2017_identity_matches_the_note():
    assert (CONTEST.slug, CONTEST.name, CONTEST.title, CONTEST.edition) == (
        "ssp-2017",
        "Semaine de la sécurité des patients 2017",
        "Usagers, soignants : partenaires pour la sécurité des patients",
        7,
    )
    assert CONTEST.organisers == (
        "Direction générale de l’offre de soins (DGOS) – Ministère des solidarités et de la santé",
        "France Assos Santé",
    )
    assert (CONTEST.timezone, CONTEST.tz) == ("Europe/Paris", PARIS)


def test_contest_2017_calendar_matches_the_note():
    calendar = CONTEST.calendar
    assert calendar.submission_deadline == datetime(2017, 10, 15, 22, 0, tzinfo=timezone.utc)
    assert (calendar.week_start, calendar.ceremony, calendar.week_end) == (
        date(2017, 11, 20), date(2017, 11, 21), date(2017, 11, 24))
    assert calendar.submissions_open is None
    assert CONTEST.deadline_local == datetime(2017, 10, 16, 0, 0, tzinfo=PARIS)


def test_contest_2017_categories_are_verbatim():
    assert [(c.key, c.label) for c in CONTEST.categories] == [
        ("association", "Les associations, fondations et structures exerçant leurs activités "
         "dans le domaine sanitaire et/ou médico-social (associations de patients et d’usagers, "
         "organisations professionnelles, associations et structures ayant pour objet la qualité "
         "des soins et la sécurité des patients)"),
        ("etablissement", "Les établissements de santé et les établissements médico-sociaux ; "
         "les professionnels de ces établissements"),
        ("professionnel_ville", "Les professionnels de santé exerçant une activité libérale ou "
         "salariée en ville, que ce soit à titre individuel ou dans le cadre d’un regroupement "
         "(réseaux, structures de proximité, maisons ou centres de santé, services de soins à "
         "domicile, etc.)"),
    ]


def test_contest_2017_choice_lists_match_the_note():
    keys = {name: [c.key for c in getattr(CONTEST, name)]
            for name in ("sectors", "modalities", "project_stages", "domains")}
    assert keys == {
        "sectors": ["ville", "medico_social", "sanitaire"],
        "modalities": ["co_construction", "concertation", "co_decision", "consultation"],
        "project_stages": ["realise", "en_cours", "phase_preparatoire"],
        "domains": ["prevention_eias", "information_communication", "medicament", "procedures",
                    "sortie_hospitalisation", "parcours", "representants_usagers", "autre"],
    }
    assert CONTEST.cross_sector_note.endswith(
        "les initiatives qui pourront être développées en coopération entre les différents "
        "secteurs seront bienvenues.")


def test_contest_2017_only_domain_autre_requires_text():
    assert [d.key for d in CONTEST.domains if d.requires_text] == ["autre"]


def test_contest_2017_domain_labels_are_verbatim():
    assert CONTEST.domains[0].label == (
        "La prévention des événements indésirables associés aux soins dans les différents "
        "secteurs ville, médico-social et sanitaire")
    assert CONTEST.domains[6].label == (
        "Les travaux avec les représentants des usagers et des associations, par ex. à la "
        "Commission des usagers en établissement de santé, le conseil de la vie sociale, etc.")


def test_contest_2017_criteria_are_verbatim_with_equal_weights():
    assert [(c.key, c.label, c.weight) for c in CONTEST.criteria] == [
        ("partenariat", "Effectivité du partenariat quelles qu’en soient les modalités "
         "(co-construction, concertation, co-décision, consultation) entre usagers et "
         "soignants", 1),
        ("securite", "Enjeux en termes de sécurité des patients et d’amélioration des prises en "
         "charge", 1),
        ("reproductibilite", "Caractère reproductible du projet", 1),
        ("originalite", "Originalité de la méthodologie de réalisation du projet", 1),
    ]
    assert CONTEST.tie_break == ("partenariat", "securite", "reproductibilite", "originalite")


def test_contest_2017_judging_rules():
    scale = CONTEST.scale
    assert (scale.min, scale.max) == (0, 5)
    assert [level.value for level in scale.levels] == [0, 1, 2, 3, 4, 5]
    assert (CONTEST.disagreement_threshold, CONTEST.winners) == (Fraction(2), 1)
    assert (CONTEST.quota.min, CONTEST.quota.max) == (1, 2)


def test_contest_2017_attachments_allow_three_files_of_10_mb():
    rules = CONTEST.attachments
    assert (rules.max_count, rules.max_bytes) == (3, 10 * 1024 * 1024)
    assert [t.extension for t in rules.file_types] == [
        "pdf", "png", "jpg", "jpeg", "odt", "ods", "odp", "docx", "xlsx", "pptx"]
    assert rules.examples == (
        "support de communication", "bilan", "outil d’évaluation", "article de presse")


def test_contest_2017_has_the_17_ars():
    assert [r.code for r in CONTEST.regions] == [
        "ARA", "BFC", "BRE", "CVL", "COR", "GES", "HDF", "IDF", "NOR", "NAQ", "OCC", "PDL",
        "PAC", "GUA", "MAR", "GUY", "OI"]
    assert CONTEST.region("IDF") == Region(code="IDF", name="Île-de-France")


def test_contest_2017_attestations():
    assert [(a.key, a.required) for a in CONTEST.attestations] == [
        ("non_commercial", True), ("pas_de_subvention", True), ("publication", False)]


def test_region_unknown_code_raises_keyerror():
    with pytest.raises(KeyError):
        CONTEST.region("XX")


def test_criterion_finds_by_key():
    assert CONTEST.criterion("originalite").label == (
        "Originalité de la méthodologie de réalisation du projet")


@pytest.mark.parametrize(("now", "expected"), [
    (datetime(2017, 10, 15, 23, 59, 59, tzinfo=PARIS), True),
    (datetime(2017, 10, 16, 0, 0, 0, tzinfo=PARIS), False),
    (datetime(2017, 10, 15, 21, 59, 59, tzinfo=timezone.utc), True),
    (datetime(2017, 10, 15, 22, 0, 0, tzinfo=timezone.utc), False),
])
def test_is_before_deadline_at_sunday_midnight_paris(now, expected):
    assert CONTEST.is_before_deadline(now) == expected


def test_deadline_label_reads_like_the_note():
    assert CONTEST.deadline_label == "dimanche 15 octobre 2017 à minuit, heure de Paris"


@pytest.mark.parametrize(("deadline", "expected"), [
    ("2017-10-16T14:30:00+02:00", "lundi 16 octobre 2017 à 14 h 30, heure de Paris"),
    ("2017-11-01T09:00:00+01:00", "mercredi 1er novembre 2017 à 9 h, heure de Paris"),
])
def test_deadline_label_other_times(deadline, expected):
    data = copy.deepcopy(RAW)
    data["calendar"]["submission_deadline"] = datetime.fromisoformat(deadline)
    assert loads_contest(tomli_w.dumps(data)).deadline_label == expected


def test_french_date_first_of_month():
    assert french_date(date(2017, 10, 1)) == "dimanche 1er octobre 2017"


def test_load_contest_names_the_file_in_errors(tmp_path):
    path = tmp_path / "ssp-2099.toml"
    path.write_text(PATH.read_text(encoding="utf-8").replace("edition = 7", "edition = 0"),
                    encoding="utf-8")
    with pytest.raises(ContestError) as refused:
        load_contest(path)
    assert refused.value.errors == [
        "ssp-2099.toml: contest.edition: doit être supérieur ou égal à 1"]


def test_loads_contest_invalid_toml_names_the_source():
    with pytest.raises(ContestError) as refused:
        loads_contest("slug = ", source="broken.toml")
    assert [e.split(" : ")[0] for e in refused.value.errors] == ["broken.toml: TOML illisible"]


def _set(path: str, value):
    """A mutation setting the value at a dotted path (integers index lists)."""
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]

    def mutate(data):
        for part in parents:
            data = data[part]
        data[last] = value
    return mutate


def _delete(path: str):
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]

    def mutate(data):
        for part in parents:
            data = data[part]
        del data[last]
    return mutate


def _duplicate_last(path: str):
    def mutate(data):
        data[path].append(copy.deepcopy(data[path][-1]))
    return mutate


F = "ssp-2017.toml: "


@pytest.mark.parametrize(("mutate", "expected"), [
    (_set("calendar.submission_deadline", datetime(2017, 10, 16)),
     [F + "calendar.submission_deadline: la date doit porter un fuseau horaire (ex. +02:00)"]),
    (_set("prize", {"amount": 1}), [F + "prize: clé inconnue"]),
    (_set("criteria.0.poids", 2), [F + "criteria[0].poids: clé inconnue"]),
    (_set("scale.levels.2.colour", "red"), [F + "scale.levels[2].colour: clé inconnue"]),
    (_delete("contest.slug"), [F + "contest.slug: clé obligatoire manquante"]),
    (_delete("judging"), [F + "judging: clé obligatoire manquante"]),
    (_delete("limits"), [F + "limits: clé obligatoire manquante"]),
    (_set("contest.edition", "septième"), [F + "contest.edition: doit être un entier"]),
    (_set("contest.edition", True), [F + "contest.edition: doit être un entier"]),
    (_set("contest.title", "  "), [F + "contest.title: ne doit pas être vide"]),
    (_set("calendar.week_start", datetime(2017, 11, 20, tzinfo=timezone.utc)),
     [F + "calendar.week_start: doit être une date (AAAA-MM-JJ)"]),
    (_set("calendar.ceremony", "21 novembre"),
     [F + "calendar.ceremony: doit être une date (AAAA-MM-JJ)"]),
    (_set("domains.7.requires_text", "oui"),
     [F + "domains[7].requires_text: doit valoir true ou false"]),
    (_set("regions", {"code": "BRE"}), [F + "regions: doit être une liste"]),
    (_set("quota", 2), [F + "quota: doit être une table"]),
    (_set("judging.disagreement_threshold", "deux"),
     [F + "judging.disagreement_threshold: doit être un nombre"]),
    (_set("judging.disagreement_threshold", -0.5),
     [F + "judging.disagreement_threshold: doit être supérieur ou égal à 0"]),
    (_set("criteria.3.key", "partenariat"),
     [F + "criteria[3].key: « partenariat » figure déjà plus haut"]),
    (_duplicate_last("regions"), [F + "regions[17].code: « OI » figure déjà plus haut"]),
    (_duplicate_last("categories"),
     [F + "categories[3].key: « professionnel_ville » figure déjà plus haut"]),
    (_set("attachments.examples", ["bilan", "bilan"]),
     [F + "attachments.examples[1]: « bilan » figure déjà plus haut"]),
    (_set("criteria", []), [F + "criteria: la liste ne doit pas être vide"]),
    (_set("judging.tie_break", ["partenariat", "securite", "originalite", "cout"]),
     [F + "judging.tie_break: critère inconnu : « cout »",
      F + "judging.tie_break: critères absents : « reproductibilite »"]),
    (_set("criteria.1.weight", 0), [F + "criteria[1].weight: doit être supérieur ou égal à 1"]),
    (_set("scale.max", 0), [F + "scale.max: doit être supérieur à min (0)"]),
    (_set("scale.max", 6), [F + "scale.levels: niveaux manquants : 6"]),
    (_set("scale.levels.5.value", 7),
     [F + "scale.levels: niveaux manquants : 5",
      F + "scale.levels: niveaux hors de l’échelle 0–5 : 7"]),
    (_set("quota.min", 3), [F + "quota.min: ne doit pas dépasser max (2)"]),
    (_set("quota.min", -1), [F + "quota.min: doit être supérieur ou égal à 0"]),
    (_set("attachments.max_count", 0),
     [F + "attachments.max_count: doit être supérieur ou égal à 1"]),
    (_set("attachments.max_bytes", 0),
     [F + "attachments.max_bytes: doit être supérieur ou égal à 1"]),
    (_set("contest.timezone", "Europe/Lutece"),
     [F + "contest.timezone: fuseau horaire inconnu : « Europe/Lutece »"]),
    (_set("calendar.ceremony", date(2017, 10, 1)),
     [F + "calendar.ceremony: doit avoir lieu après la date limite de dépôt",
      F + "calendar.ceremony: doit avoir lieu pendant la semaine (de week_start à week_end)"]),
    (_set("calendar.week_end", date(2017, 11, 20)),
     [F + "calendar.ceremony: doit avoir lieu pendant la semaine (de week_start à week_end)"]),
    (_set("calendar.submissions_open", datetime(2017, 10, 16, tzinfo=PARIS)),
     [F + "calendar.submission_deadline: doit suivre l’ouverture des dépôts (submissions_open)"]),
    (_set("data.retention_months", 0), [F + "data.retention_months: doit être supérieur ou égal à 1"]),
    (_set("data.retention_months", "deux ans"), [F + "data.retention_months: doit être un entier"]),
    (_set("data.retention_days", 30), [F + "data.retention_days: clé inconnue"]),
])
def test_loads_contest_refuses_invalid_definition(mutate, expected):
    assert errors_of(mutate) == expected


def test_loads_contest_collects_every_error():
    def break_three_things(data):
        data["contest"]["edition"] = "sept"
        data["calendar"]["submission_deadline"] = datetime(2017, 10, 16)
        data["criteria"][0]["weight"] = 0

    assert errors_of(break_three_things) == [
        F + "contest.edition: doit être un entier",
        F + "calendar.submission_deadline: la date doit porter un fuseau horaire (ex. +02:00)",
        F + "criteria[0].weight: doit être supérieur ou égal à 1",
    ]


def test_loads_contest_accepts_submissions_open_before_deadline():
    data = copy.deepcopy(RAW)
    data["calendar"]["submissions_open"] = datetime(2017, 6, 1, tzinfo=PARIS)
    assert loads_contest(tomli_w.dumps(data)).calendar.submissions_open == datetime(
        2017, 6, 1, tzinfo=PARIS)


def test_shift_calendar_moves_every_calendar_date_and_keeps_the_original():
    shifted = shift_calendar(RAW, timedelta(days=3))

    contest = loads_contest(tomli_w.dumps(shifted))

    assert contest.calendar.submission_deadline == datetime(2017, 10, 18, 22, tzinfo=timezone.utc)
    assert (contest.calendar.week_start, contest.calendar.ceremony, contest.calendar.week_end) == (
        date(2017, 11, 23), date(2017, 11, 24), date(2017, 11, 27))
    assert RAW["calendar"]["week_start"] == date(2017, 11, 20)
    assert shifted["regions"] == RAW["regions"]


def test_contest_2017_gives_an_english_wording_to_every_item_shown():
    items = (*CONTEST.categories, *CONTEST.sectors, *CONTEST.modalities, *CONTEST.project_stages, *CONTEST.domains,
             *CONTEST.criteria, *CONTEST.scale.levels, *CONTEST.attestations, *CONTEST.attachments.file_types)
    assert [item.label for item in items if not item.label_en] == []
    assert [c.key for c in (*CONTEST.sectors, *CONTEST.domains) if bool(c.hint) != bool(c.hint_en)] == []
    assert [c.key for c in CONTEST.criteria if not c.description_en] == []


def test_loads_contest_refuses_an_english_hint_without_its_french_one():
    def english_only(data):
        data["sectors"][1]["hint_en"] = "medico-social"

    assert errors_of(english_only) == [
        "ssp-2017.toml: sectors[1].hint_en: demande aussi « hint » (le texte français)"]


def test_loads_contest_refuses_a_blank_english_label():
    def blank(data):
        data["criteria"][0]["label_en"] = " "

    assert errors_of(blank) == ["ssp-2017.toml: criteria[0].label_en: ne doit pas être vide"]
