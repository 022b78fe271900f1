"""The action log: each action in words, filters by person, action and Paris dates, its CSV, the national log."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta

from app.audit import record
from app.extensions import db
from app.journal.labels import NO_CONFLICT, key_of, label_of
from app.models import AuditEntry, Edition
from tests.app.jury_helpers import declare_free, jury  # noqa: F401  (fixture)
from tests.app.regional_helpers import organiser, page, region  # noqa: F401  (fixture)
from tests.conftest import PARIS, sign_in
from tests.volume import counted
from workflows.states import Role

ORGANISER = Role.REGIONAL_ORGANISER.value


def journal(code: str = "HDF", suffix: str = "") -> str:
    return f"/ars/{region(code).id}/journal{suffix}"


def write(action: str, at: datetime, *, actor=None, code: str | None = "HDF", **details) -> None:
    record(action, actor=actor, role=ORGANISER if actor else None, at=at,
           region_id=region(code).id if code else None, edition_id=region("HDF").edition_id, **details)


def rows(response) -> list[list[str]]:
    """The CSV's rows, header first, after checking its BOM and separator."""
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff") and "\r\n" in text
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def body(response) -> str:
    """The table's rows (the action select above it names every action)."""
    return page(response).split("<tbody>")[1]


def signed_in(app, user):
    other = app.test_client()
    assert sign_in(other, user.email).status_code == 302
    return other


def test_log_tells_a_jurors_no_conflict_from_a_conflict(app, client, login, make_user, jury, clock):
    declare_free(signed_in(app, jury.juror), jury.dossier)  # the real declaration: « aucun lien d’intérêt »
    record("conflict.declare", actor=jury.colleague, role=Role.REGIONAL_JUROR.value, at=clock(),
           candidature=jury.dossier, reason="Salarié de l’établissement.",
           data={"stage": "regional", "has_conflict": True})
    login(make_user(Role.REGIONAL_ORGANISER, region="HDF"))

    everything = page(client.get(journal()))
    none_only = page(client.get(journal(), query_string={"action": NO_CONFLICT}))
    conflicts_only = page(client.get(journal(), query_string={"action": "conflict.declare"}))

    assert "Conflit d’intérêts : aucun lien d’intérêt, déclaré par le juré" in everything
    assert "Conflit d’intérêts : lien d’intérêt déclaré par le juré" in everything
    assert "conflict.declare" not in everything.split("<tbody>")[1]  # no raw code left
    assert jury.juror.email in none_only and jury.colleague.email not in none_only
    assert jury.colleague.email in conflicts_only and jury.juror.email not in conflicts_only


def test_log_filters_by_person_action_and_paris_days(client, organiser, make_user, clock):
    juror = make_user(Role.REGIONAL_JUROR, region="HDF", email="bruno.jure@example.org")
    late_evening = datetime(2017, 9, 30, 23, 30, tzinfo=PARIS)  # 21:30 UTC on 30 September
    just_after_midnight = datetime(2017, 10, 1, 0, 30, tzinfo=PARIS)  # still 30 September in UTC
    write("jury.remind", late_evening, actor=organiser, reason="veille")
    write("jury.remind", just_after_midnight, actor=organiser, reason="jour J")
    write("scoresheet.submit", just_after_midnight, actor=juror, reason="fiche")

    def reasons(**filters) -> list[str]:
        text = page(client.get(journal(), query_string=filters))
        return [reason for reason in ("veille", "jour J", "fiche") if f"<td>{reason}</td>" in text]

    assert reasons() == ["jour J", "fiche", "veille"] or reasons() == ["veille", "jour J", "fiche"]
    assert reasons(personne="BRUNO.JURE") == ["fiche"]
    assert reasons(personne="%") == []  # a wildcard is a character like the others
    assert reasons(action="jury.remind") == ["veille", "jour J"]
    assert reasons(du="2017-10-01", au="2017-10-01") == ["jour J", "fiche"]
    assert reasons(au="2017-09-30") == ["veille"]
    assert reasons(du="2017-10-01", action="jury.remind", personne=organiser.email) == ["jour J"]


def test_log_order_is_newest_first_with_its_labels(client, organiser, clock):
    write("jury.remind", clock(), actor=organiser, reason="premier")
    write("export.dossier", clock() + timedelta(minutes=1), actor=organiser, reason="second")

    text = body(client.get(journal(), query_string={"personne": organiser.email}))

    assert text.index("Téléchargement : dossier en PDF") < text.index("Jury : jurés relancés")
    assert "2 actions, les plus récentes d’abord (heure de Paris)" in page(
        client.get(journal(), query_string={"personne": organiser.email, "action": ""}))


def test_a_jury_row_names_the_juror_it_concerns(client, organiser, clock):
    write("jury.remove", clock(), actor=organiser, data={"user_id": 7, "email": "nadia.morel@example.org"})

    assert "Jury : juré retiré : nadia.morel@example.org" in body(client.get(journal()))


def test_pagination_and_csv_links_keep_the_filters(client, organiser, clock):
    for minute in range(51):
        write("jury.remind", clock() + timedelta(minutes=minute), actor=organiser)
    write("export.dossier", clock(), actor=organiser)

    text = page(client.get(journal(), query_string={"action": "jury.remind", "personne": "organiser"}))

    assert "Page 1 sur 2" in text
    assert f'href="{journal()}?page=2&action=jury.remind&personne=organiser"' in text or \
        f'href="{journal()}?page=2&personne=organiser&action=jury.remind"' in text
    assert f"{journal(suffix='.csv')}?" in text and "Télécharger ces 51 actions (CSV)" in text


def test_invalid_filters_are_shown_and_not_applied(client, organiser, clock):
    write("jury.remind", clock(), actor=organiser, reason="relance")

    unknown = client.get(journal(), query_string={"action": "drop table", "du": "demain"})
    backwards = page(client.get(journal(), query_string={"du": "2017-10-02", "au": "2017-10-01"}))

    assert unknown.status_code == 200
    assert {"N'est pas un choix valide.", "N'est pas une date valide."} <= set(re.findall(r'fr-error-text">([^<]*)',
                                                                                     page(unknown)))
    assert "<td>relance</td>" in page(unknown)
    assert "La date de fin précède la date de début." in backwards
    assert "<td>relance</td>" not in backwards  # « du » stands, « au » is dropped


def test_csv_exports_the_filtered_log_neutralised_and_logs_the_download(client, organiser, make_user, clock):
    juror = make_user(Role.REGIONAL_JUROR, region="HDF", email="=cmd@example.org")
    write("jury.remove", clock(), actor=organiser, reason="=HYPERLINK(\"http://evil\")")
    write("scoresheet.submit", clock() + timedelta(minutes=1), actor=juror, reason="-2+3")
    write("jury.remind", clock(), actor=organiser, code="IDF", reason="ailleurs")

    response = client.get(journal(suffix=".csv"))
    filtered = rows(client.get(journal(suffix=".csv"), query_string={"action": "jury.remove"}))

    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "journal-HDF.csv" in response.headers["Content-Disposition"]
    header, *lines = rows(response)
    lines = [line for line in lines if line[4] != "user.create"]  # the accounts made above
    assert header == ["Date (heure de Paris)", "Auteur", "Rôle", "Action", "Code", "Dossier", "De", "À", "Motif"]
    assert lines == [
        ["01/10/2017 10:01:00", "'=cmd@example.org", "organisateur régional (ARS)",
         "Fiche de notation : remise", "scoresheet.submit", "", "", "", "'-2+3"],
        ["01/10/2017 10:00:00", organiser.email, "organisateur régional (ARS)", "Téléchargement : journal des actions",
         "export.journal", "", "", "", ""],  # the download itself, logged before the rows are read
        ["01/10/2017 10:00:00", organiser.email, "organisateur régional (ARS)", "Jury : juré retiré", "jury.remove",
         "", "", "", "'=HYPERLINK(\"http://evil\")"],
    ]
    assert [line[4] for line in filtered[1:]] == ["jury.remove"]
    downloads = db.session.execute(db.select(AuditEntry.action, AuditEntry.region_id, AuditEntry.data)
                                   .where(AuditEntry.action == "export.journal").order_by(AuditEntry.id)).all()
    assert downloads == [("export.journal", region("HDF").id, {"filters": {}}),
                         ("export.journal", region("HDF").id, {"filters": {"action": "jury.remove"}})]


def test_another_regions_organiser_gets_404_and_national_organiser_reads_it(app, client, login, make_user, edition):
    login(make_user(Role.REGIONAL_ORGANISER, region="IDF"))
    national = signed_in(app, make_user(Role.NATIONAL_ORGANISER))

    assert client.get(journal()).status_code == 404
    assert client.get(journal(suffix=".csv")).status_code == 404
    assert client.get("/national/journal").status_code == 403
    assert national.get(journal()).status_code == 200
    download = national.get(journal(suffix=".csv"))
    assert download.status_code == 200 and download.get_data()  # read: the stream ends with its request
    assert db.session.execute(db.select(AuditEntry.actor_role).where(AuditEntry.action == "export.journal")
                              ).scalars().all() == [Role.NATIONAL_ORGANISER.value]


def test_national_log_lists_the_editions_acts_and_staff_acts_on_accounts(client, login, make_user, edition, clock):
    national = make_user(Role.NATIONAL_ORGANISER, email="nation@example.org")
    login(national)
    record("edition.open_national_jury", actor=national, role=Role.NATIONAL_ORGANISER.value, at=clock(),
           edition_id=edition.id, from_state="regional", to_state="national_jury")
    write("jury.remind", clock(), actor=national, reason="relance régionale")
    record("user.anonymise", actor=national, role=Role.NATIONAL_ORGANISER.value, at=clock(), data={"user_id": 9})
    record("user.login", actor=national, role=None, at=clock())  # a person's own sign-in: nobody's log

    text = page(client.get("/national/journal"))
    csv_rows = rows(client.get("/national/journal.csv"))

    assert 'href="/national/journal"' in page(client.get("/national"))
    assert "Concours : ouverture du jury national" in text
    assert "sélections régionales en cours → jury national ouvert" in text
    assert "relance régionale" in text and "Compte : connexion" not in text.split("<tbody>")[1]
    assert [line[4] for line in csv_rows[1:]] == ["export.journal", "user.anonymise", "jury.remind",
                                                   "edition.open_national_jury", "edition.load"]
    offered = re.findall(r'<option value="([^"]*)"', text.split('name="action"')[1].split("</select>")[0])
    assert sorted(offered) == sorted(["", "edition.load", "edition.open_national_jury", "jury.remind",
                                      "user.anonymise"])  # only what the log holds (the download comes after)
    assert db.session.scalar(db.select(AuditEntry.region_id).where(AuditEntry.action == "export.journal")) is None


def test_log_reads_in_english(client, organiser, clock):
    write("candidature.submit", clock(), actor=organiser)
    client.get("/langue/en")

    text = page(client.get(journal()))

    assert "Application file: submission" in text
    assert "Dossier : dépôt" not in text


def test_labels_read_a_jurors_declaration_and_keep_unknown_codes(app):
    with app.test_request_context():
        assert label_of("conflict.declare", {"stage": "regional", "has_conflict": True}) == \
            "Conflit d’intérêts : lien d’intérêt déclaré par le juré"
        assert label_of("conflict.declare", {"stage": "regional", "has_conflict": False}) == \
            "Conflit d’intérêts : aucun lien d’intérêt, déclaré par le juré"
        assert key_of("conflict.declare", {"has_conflict": False}) == NO_CONFLICT
        assert label_of("candidature.submit", {}) == "Dossier : dépôt"
        assert label_of("test.unknown", {}) == "test.unknown"


def test_log_page_runs_as_many_queries_for_fifty_actors_as_for_three(client, organiser, make_user, clock):
    def statements() -> int:
        with counted() as seen:
            assert client.get(journal(), query_string={"action": "jury.remind", "personne": "@"}).status_code == 200
        return len(seen)

    def actors(count: int) -> None:
        for _ in range(count):
            write("jury.remind", clock(), actor=make_user(Role.REGIONAL_ORGANISER, region="HDF"))

    actors(3)
    few = statements()
    actors(47)

    assert statements() == few
