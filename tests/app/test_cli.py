"""The command line: checking and loading contest files, creating accounts."""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
import tomli_w

from app.extensions import db
from app.models import Edition, Region, RoleMembership, User
from app.passwords import verify_password
from tests import factories
from tests.conftest import CONTEST_FILE

CONTEST_TEXT = CONTEST_FILE.read_text(encoding="utf-8")
PASSWORD_INPUT = "a-long-password-123\na-long-password-123\n"


@pytest.fixture
def run(app):
    """``run("contest", "check", path)``: the command as ``flask --app app`` would run it."""
    runner = app.test_cli_runner()

    def invoke(*args, input: str | None = None):
        db.session.commit()  # the command commits or rolls back; it must not wait for our transaction
        result = runner.invoke(args=[str(arg) for arg in args], input=input)
        db.session.rollback()
        return result

    return invoke


@pytest.fixture
def write_contest(tmp_path):
    """``write_contest(mutate)``: the 2017 file after ``mutate`` changed its raw data, as a path."""

    def write(mutate) -> str:
        data = tomllib.loads(CONTEST_TEXT)
        mutate(data)
        path = tmp_path / "ssp-2017.toml"
        path.write_text(tomli_w.dumps(data), encoding="utf-8")
        return path

    return write


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# contest check


def test_contest_check_2017_file_prints_summary(run):
    result = run("contest", "check", CONTEST_FILE)

    lines = result.output.splitlines()
    assert result.exit_code == 0
    assert "Date limite de dépôt (UTC) : 2017-10-15T22:00:00Z" in lines
    assert "Date limite de dépôt : 2017-10-16T00:00:00+02:00 (Europe/Paris)" in lines
    assert [line for line in lines if line.startswith("  - ")] == [
        "  - partenariat (poids 1) : Effectivité du partenariat quelles qu’en soient les modalités "
        "(co-construction, concertation, co-décision, consultation) entre usagers et soignants",
        "  - securite (poids 1) : Enjeux en termes de sécurité des patients et d’amélioration des prises en charge",
        "  - reproductibilite (poids 1) : Caractère reproductible du projet",
        "  - originalite (poids 1) : Originalité de la méthodologie de réalisation du projet",
    ]
    assert "Régions : 17" in lines


def rename_contest_name(data):
    data["contest"]["nom"] = data["contest"].pop("name")


def naive_deadline(data):
    data["calendar"]["submission_deadline"] = datetime(2017, 10, 16, 0, 0)


def quota_min_above_max(data):
    data["quota"]["min"] = 3


@pytest.mark.parametrize(
    ("mutate", "errors"),
    [
        (rename_contest_name, ["ssp-2017.toml: contest.nom: clé inconnue",
                               "ssp-2017.toml: contest.name: clé obligatoire manquante"]),
        (naive_deadline, ["ssp-2017.toml: calendar.submission_deadline: "
                          "la date doit porter un fuseau horaire (ex. +02:00)"]),
        (quota_min_above_max, ["ssp-2017.toml: quota.min: ne doit pas dépasser max (2)"]),
    ],
)
def test_contest_check_broken_file_names_the_key(run, write_contest, mutate, errors):
    path = write_contest(mutate)

    result = run("contest", "check", path)

    assert result.exit_code == 1
    assert result.output.splitlines() == errors


def test_contest_check_missing_file_refused(run, tmp_path):
    result = run("contest", "check", tmp_path / "absent.toml")

    assert result.exit_code == 1
    assert result.output.startswith(f"{tmp_path / 'absent.toml'}: ")


# contest load


def test_contest_load_creates_edition_with_regions(run):
    result = run("contest", "load", CONTEST_FILE)

    assert (result.exit_code, result.output) == (0, "Édition « ssp-2017 » créée.\n")
    assert db.session.execute(sa.select(Edition.slug, Edition.title)).all() == [
        ("ssp-2017", "Usagers, soignants : partenaires pour la sécurité des patients")]
    assert db.session.scalars(sa.select(Region.code).order_by(Region.id)).all() == [
        "ARA", "BFC", "BRE", "CVL", "COR", "GES", "HDF", "IDF", "NOR", "NAQ", "OCC", "PDL", "PAC",
        "GUA", "MAR", "GUY", "OI"]


def test_contest_load_creates_no_account(run):
    run("contest", "load", CONTEST_FILE)

    assert (count(Edition), count(User), count(RoleMembership)) == (1, 0, 0)


def test_contest_load_again_updates_without_duplicate(run):
    run("contest", "load", CONTEST_FILE)
    regions_before = db.session.execute(sa.select(Region.id, Region.code).order_by(Region.id)).all()

    result = run("contest", "load", CONTEST_FILE)

    assert (result.exit_code, result.output) == (0, "Édition « ssp-2017 » mise à jour.\n")
    assert count(Edition) == 1
    assert db.session.execute(sa.select(Region.id, Region.code).order_by(Region.id)).all() == regions_before


def test_contest_load_broken_file_creates_nothing(run, write_contest):
    result = run("contest", "load", write_contest(quota_min_above_max))

    assert result.exit_code == 1
    assert result.output == "ssp-2017.toml: quota.min: ne doit pas dépasser max (2)\n"
    assert (count(Edition), count(Region)) == (0, 0)


def test_contest_load_limits_beyond_2017_stored_for_the_database(run, write_contest):
    def more_slots(data):
        data["attachments"]["max_count"], data["quota"]["max"] = 4, 3

    result = run("contest", "load", write_contest(more_slots))

    assert (result.exit_code, result.output) == (0, "Édition « ssp-2017 » créée.\n")
    assert db.session.execute(sa.select(Edition.max_attachments, Edition.max_picks)).all() == [(4, 3)]


@pytest.fixture
def edition_with_candidature(edition, make_user, clock):
    db.session.add(factories.candidature(edition, make_user(), at=clock()))
    db.session.commit()
    return edition


def edition_row() -> tuple:
    return db.session.execute(sa.select(
        Edition.slug, Edition.title, Edition.definition_toml, Edition.submission_deadline, Edition.updated_at
    )).one()


def relabel_first_criterion(data):
    data["criteria"][0]["label"] = "Partenariat"


def two_attachments(data):
    data["attachments"]["max_count"] = 2


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (relabel_first_criterion,
         "Des candidatures existent déjà pour « ssp-2017 » : les critères ne peuvent plus changer.\n"),
        (two_attachments,
         "Des candidatures existent déjà pour « ssp-2017 » : "
         "les limites des pièces jointes ne peuvent plus changer.\n"),
    ],
)
def test_contest_load_frozen_part_changed_after_candidature_refused(
    run, write_contest, edition_with_candidature, clock, mutate, message
):
    before = edition_row()
    clock.advance(timedelta(days=1))

    result = run("contest", "load", write_contest(mutate))

    assert (result.exit_code, result.output) == (1, message)
    assert edition_row() == before
    assert before[2] == CONTEST_TEXT


def test_contest_load_title_changed_after_candidature_accepted(run, write_contest, edition_with_candidature):
    def retitle(data):
        data["contest"]["title"] = "Usagers et soignants, partenaires"

    result = run("contest", "load", write_contest(retitle))

    assert (result.exit_code, result.output) == (0, "Édition « ssp-2017 » mise à jour.\n")
    assert db.session.scalars(sa.select(Edition.title)).all() == ["Usagers et soignants, partenaires"]


def without_region_oi(data):
    data["regions"] = [region for region in data["regions"] if region["code"] != "OI"]


def test_contest_load_region_removed_before_candidatures_deletes_it(run, write_contest, edition):
    result = run("contest", "load", write_contest(without_region_oi))

    assert (result.exit_code, result.output) == (0, "Édition « ssp-2017 » mise à jour.\n")
    assert (count(Region), db.session.scalar(sa.select(Region.id).filter_by(code="OI"))) == (16, None)


def test_contest_load_unused_region_removed_after_candidatures_elsewhere(run, write_contest, edition_with_candidature):
    result = run("contest", "load", write_contest(without_region_oi))

    assert (result.exit_code, count(Region)) == (0, 16)


def test_contest_load_region_with_an_account_cannot_be_removed(run, write_contest, edition, make_user):
    make_user("regional_juror", region="OI")

    result = run("contest", "load", write_contest(without_region_oi))

    assert (result.exit_code, result.output) == (
        1, "Les régions OI ne peuvent pas être retirées : des comptes, des candidatures ou des traces du "
           "journal y sont rattachés.\n")
    assert count(Region) == 17


# user create


def memberships() -> list[tuple]:
    return db.session.execute(
        sa.select(User.email, RoleMembership.role, Region.code)
        .join(RoleMembership, RoleMembership.user_id == User.id)
        .outerjoin(Region, Region.id == RoleMembership.region_id)
        .order_by(User.email)
    ).all()


def test_user_create_regional_organiser_with_region(run, edition):
    result = run("user", "create", "--email", "ARS.Lille@example.org", "--role", "regional_organiser",
                 "--region", "HDF", input=PASSWORD_INPUT)

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "Compte créé : ars.lille@example.org (organisateur régional (ARS))."
    assert memberships() == [("ars.lille@example.org", "regional_organiser", "HDF")]
    user = db.session.scalar(sa.select(User))
    assert verify_password(user.password_hash, "a-long-password-123") is True
    assert user.email_verified_at is not None


def test_user_create_national_role_without_region(run, edition):
    result = run("user", "create", "--email", "jury@example.org", "--role", "national_juror", input=PASSWORD_INPUT)

    assert result.exit_code == 0, result.output
    assert memberships() == [("jury@example.org", "national_juror", None)]


def test_user_create_regional_role_without_region_refused(run, edition):
    result = run("user", "create", "--email", "ars@example.org", "--role", "regional_organiser", input=PASSWORD_INPUT)

    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "Le rôle « organisateur régional (ARS) » demande une région (--region)."
    assert count(User) == 0


def test_user_create_national_role_with_region_refused(run, edition):
    result = run("user", "create", "--email", "jury@example.org", "--role", "national_juror", "--region", "HDF",
                 input=PASSWORD_INPUT)

    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "Le rôle « juré national » n’est pas rattaché à une région."
    assert count(User) == 0


def test_user_create_unknown_region_refused(run, edition):
    result = run("user", "create", "--email", "ars@example.org", "--role", "regional_juror", "--region", "XYZ",
                 input=PASSWORD_INPUT)

    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "Région inconnue pour l’édition ssp-2017 : XYZ"
    assert count(User) == 0


def test_user_grant_gives_a_returning_organiser_next_years_role(run, edition):
    run("user", "create", "--email", "ars.lille@example.org", "--role", "regional_organiser", "--region", "HDF",
        input=PASSWORD_INPUT)

    granted = run("user", "grant", "--email", "ARS.Lille@example.org", "--role", "regional_juror", "--region", "IDF")
    again = run("user", "grant", "--email", "ars.lille@example.org", "--role", "regional_juror", "--region", "IDF")
    nobody = run("user", "grant", "--email", "nobody@example.org", "--role", "national_juror")

    assert granted.exit_code == 0, granted.output
    assert granted.output.splitlines()[-1] == "Rôle ajouté : ars.lille@example.org (juré régional)."
    assert sorted(memberships()) == [("ars.lille@example.org", "regional_juror", "IDF"),
                                     ("ars.lille@example.org", "regional_organiser", "HDF")]
    assert (again.exit_code, again.output.splitlines()[-1]) == (1, "ars.lille@example.org a déjà ce rôle dans cette édition.")
    assert nobody.exit_code == 1
    assert nobody.output.splitlines()[-1] == "Aucun compte pour nobody@example.org : créez-le avec « user create »."


def test_user_create_regional_role_before_any_edition_refused(run):
    result = run("user", "create", "--email", "ars@example.org", "--role", "regional_organiser", "--region", "HDF",
                 input=PASSWORD_INPUT)

    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "Aucune édition n’est chargée : lancez d’abord « flask --app app contest load ».")
    assert count(User) == 0


def test_user_create_short_password_refused(run, edition):
    result = run("user", "create", "--email", "ars@example.org", "--role", "regional_organiser", "--region", "HDF",
                 input="short-pass\nshort-pass\n")

    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "Le mot de passe doit compter au moins 12 caractères."
    assert count(User) == 0


def test_user_create_duplicate_email_refused(run, edition, make_user):
    make_user(email="jeanne@example.org")

    result = run("user", "create", "--email", "Jeanne@Example.org", "--role", "national_juror", input=PASSWORD_INPUT)

    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "Un compte existe déjà pour jeanne@example.org."
    assert memberships() == [("jeanne@example.org", "candidate", None)]


def test_contest_new_writes_next_years_file_beside_the_source(run, tmp_path):
    source = tmp_path / "ssp-2017.toml"
    source.write_text(CONTEST_TEXT, encoding="utf-8")

    result = run("contest", "new", source, "ssp-2018", "--shift-years", "1")

    target = tmp_path / "ssp-2018.toml"
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [f"Fichier écrit : {target}",
                                              "À vérifier, ces dates changent de jour de la semaine :"]
    assert tomllib.loads(target.read_text(encoding="utf-8"))["contest"]["slug"] == "ssp-2018"
    assert run("contest", "check", target).exit_code == 0


def test_contest_new_over_existing_file_refused(run, tmp_path):
    source, target = tmp_path / "ssp-2017.toml", tmp_path / "ssp-2018.toml"
    source.write_text(CONTEST_TEXT, encoding="utf-8")
    target.write_text("mine", encoding="utf-8")

    result = run("contest", "new", source, "ssp-2018")

    assert (result.exit_code, result.output) == (1, f"{target} existe déjà : rien n’a été écrit.\n")
    assert target.read_text(encoding="utf-8") == "mine"


def test_contest_new_unsafe_slug_refused(run, tmp_path):
    result = run("contest", "new", CONTEST_FILE, "../ssp", "--output", tmp_path / "out.toml")

    assert result.exit_code == 1
    assert result.output == "../ssp : identifiant invalide (lettres minuscules, chiffres et tirets, 64 au plus).\n"


def test_contest_diff_prints_the_changes_in_french(run, tmp_path):
    source = tmp_path / "ssp-2017.toml"
    source.write_text(CONTEST_TEXT, encoding="utf-8")
    assert run("contest", "new", source, "ssp-2018").exit_code == 0

    result = run("contest", "diff", source, tmp_path / "ssp-2018.toml")

    assert (result.exit_code, result.output.splitlines()) == (0, [
        "Identifiant : « ssp-2017 » → « ssp-2018 »",
        "Nom : « Semaine de la sécurité des patients 2017 » → « Semaine de la sécurité des patients 2018 »",
        "Numéro d’édition : 7 → 8",
        "Calendrier — date limite de dépôt : dimanche 15 octobre 2017 à minuit → lundi 15 octobre 2018 à minuit",
        "Calendrier — début de la semaine : lundi 20 novembre 2017 → mardi 20 novembre 2018",
        "Calendrier — fin de la semaine : vendredi 24 novembre 2017 → samedi 24 novembre 2018",
        "Calendrier — cérémonie : mardi 21 novembre 2017 → mercredi 21 novembre 2018",
    ])


def test_contest_diff_same_file_says_so(run):
    result = run("contest", "diff", CONTEST_FILE, CONTEST_FILE)

    assert (result.exit_code, result.output) == (0, "Aucune différence entre les deux définitions.\n")


def test_contest_diff_invalid_file_exits_1(run, write_contest):
    result = run("contest", "diff", CONTEST_FILE, write_contest(quota_min_above_max))

    assert (result.exit_code, result.output) == (1, "ssp-2017.toml: quota.min: ne doit pas dépasser max (2)\n")


def test_contest_load_files_larger_than_the_server_accepts_refused(run, write_contest):
    def fifty_megabytes(data):
        data["attachments"]["max_bytes"] = 50 * 1024 * 1024

    result = run("contest", "load", write_contest(fifty_megabytes))

    assert result.exit_code == 1
    assert result.output == ("attachments.max_bytes : ce serveur accepte des fichiers de 31 Mo au plus ; augmentez "
                             "MAX_CONTENT_LENGTH (octets) dans l’environnement pour en accepter de plus gros.\n")
    assert count(Edition) == 0


def two_winners(data):
    data["judging"]["winners"] = 2


def test_contest_load_winners_changed_before_any_winner_accepted(run, write_contest, edition_with_candidature):
    result = run("contest", "load", write_contest(two_winners))

    assert (result.exit_code, result.output) == (0, "Édition « ssp-2017 » mise à jour.\n")
    assert db.session.execute(sa.select(Edition.max_winners)).all() == [(2,)]


def test_contest_load_winners_changed_once_a_winner_is_declared_refused(run, write_contest, edition, make_user, clock):
    db.session.add(factories.candidature(edition, make_user(), at=clock(), state="winner"))
    db.session.commit()

    result = run("contest", "load", write_contest(two_winners))

    assert (result.exit_code, result.output) == (
        1, "Un lauréat est déjà désigné pour « ssp-2017 » : le nombre de lauréats ne peut plus changer.\n")
    assert db.session.execute(sa.select(Edition.max_winners)).all() == [(1,)]
