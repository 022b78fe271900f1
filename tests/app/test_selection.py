"""Regional ranking and selection: the ranking page, picks with the ARS opinion, closing, scoping."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.models import ConflictDeclaration, Region
from tests.conftest import PARIS
from tests.jobs import prepared
from tests.app.attachment_helpers import page_text
from tests.app.selection_helpers import (  # noqa: F401  (fixtures)
    audit, hdf, jurors, make_candidature, organiser, owner, picks, score, state_of,
)
from workflows.states import Role

OPINION = "Un partenariat exemplaire avec la commission des usagers."


def ranking_url(region) -> str:
    return f"/ars/{region.id}/classement"


def select_url(region, candidature) -> str:
    return f"/ars/{region.id}/selection/{candidature.id}"


def select(client, region, candidature, opinion=OPINION):
    return client.form(select_url(region, candidature), {"opinion": opinion})


FOOTER = re.compile(r"\A\d+ / \d+\n.*\n")  # « page / total » and the title, read first on each page


def pdf_text(response) -> str:
    """The text of a PDF answer without its page footers, spaces collapsed (a wrapped line reads as one)."""
    pages = PdfReader(io.BytesIO(response.data)).pages
    return " ".join(" ".join(FOOTER.sub("", page.extract_text(), count=1) for page in pages).split())


def close_page_fields(client, region) -> dict[str, str]:
    """The hidden fields of the closing form (CSRF token, fingerprint of the selection shown)."""
    page = client.get(f"/ars/{region.id}/cloture").get_data(as_text=True)
    return dict(re.findall(r'name="(\w+)" type="hidden" value="([^"]*)"', page))


def close(client, region, reason="", fields=None):
    """Close as a browser would: POST the form of the closing page (or ``fields`` read earlier)."""
    fields = fields or close_page_fields(client, region)
    return client.post(f"/ars/{region.id}/cloture", data={**fields, "reason": reason})


@pytest.fixture
def scored(make_candidature, score, jurors):
    """Three candidatures fully scored by both jurors: Alpha first, Beta and Gamma tied."""
    alice, bruno = jurors
    alpha, beta, gamma = (make_candidature(title) for title in ("Alpha", "Beta", "Gamma"))
    score(alpha, alice, [5, 5, 4, 4])
    score(alpha, bruno, [4, 5, 4, 4])
    for candidature in (beta, gamma):
        score(candidature, alice, [3, 3, 3, 3])
        score(candidature, bruno, [3, 3, 3, 3])
    return alpha, beta, gamma


@pytest.fixture
def as_organiser(login, organiser):
    login(organiser)
    return organiser


def test_ranking_shows_means_totals_progress_and_flags_exact_ties(client, as_organiser, hdf, scored):
    response = client.get(ranking_url(hdf))

    text = page_text(response)
    assert response.status_code == 200
    assert re.findall(r"(\S+) (?:ex aequo )?(Alpha|Beta|Gamma) Structure", text) == [
        ("1", "Alpha"), ("2", "Beta"), ("2", "Gamma")]
    assert "1 Alpha Structure de Alpha 4,50 5,00 4,00 4,00 17,50 2 / 2 1,41" in text
    assert "2 ex aequo Beta Structure de Beta 3,00 3,00 3,00 3,00 12,00 2 / 2 -0,71" in text
    assert text.count("Ex aequo : égalité parfaite, non départagée") == 2


def test_ranking_names_the_criterion_that_broke_equal_totals(
        client, as_organiser, hdf, make_candidature, score, jurors):
    alice, bruno = jurors
    first, second = make_candidature("Premier"), make_candidature("Second")
    for juror in (alice, bruno):
        score(first, juror, [4, 3, 3, 3])
        score(second, juror, [3, 4, 3, 3])

    text = page_text(client.get(ranking_url(hdf)))

    assert "2 Second" in text
    assert "Même total que le rang précédent, départagée par le critère C1" in text
    assert "Ex aequo" not in text


def test_ranking_flags_disagreement_and_counts_missing_sheets(
        client, as_organiser, hdf, make_candidature, score, jurors):
    alice, bruno = jurors
    split, _unscored = make_candidature("Divisé"), make_candidature("Pas noté")
    score(split, alice, [5, 5, 5, 5])
    score(split, bruno, [1, 1, 1, 1])

    text = page_text(client.get(ranking_url(hdf)))

    assert "Désaccord du jury (écart de 16,00 points)" in text
    assert "— Pas noté Structure de Pas noté — — — — — 0 / 2" in text
    assert "Toutes les grilles d’évaluation attendues ne sont pas reçues" in text

    client.get("/langue/en")  # the spread as English writes a number
    assert "Jury disagreement (spread of 16.00 points)" in page_text(client.get(ranking_url(hdf)))


def test_ranking_offers_no_pick_while_sheets_are_missing_and_says_why(
        client, as_organiser, hdf, make_candidature, score, jurors):
    score(make_candidature("Pressé"), jurors[0], [4, 4, 4, 4])

    response = client.get(ranking_url(hdf))
    page, text = response.get_data(as_text=True), page_text(response)

    assert "Aucune candidature ne peut être retenue pour l’instant :" in text
    assert "Il manque 1 grille d’évaluation du jury régional." in text
    assert "/selection/" not in page and "Clôturer la sélection régionale" not in page


def test_ranking_offers_no_more_pick_once_the_quota_is_reached(client, as_organiser, hdf, scored):
    alpha, beta, gamma = scored
    select(client, hdf, alpha)
    select(client, hdf, beta)

    response = client.get(ranking_url(hdf))
    page = response.get_data(as_text=True)

    assert "La région a déjà retenu 2 candidatures, le maximum prévu." in page_text(response)
    assert select_url(hdf, gamma) not in page
    assert page.count("Ne plus retenir") == 2 and "Clôturer la sélection régionale" in page


def test_select_refused_until_every_expected_scoresheet_is_in(
        client, as_organiser, hdf, make_candidature, score, jurors):
    alice, _bruno = jurors
    candidature = make_candidature("Pressé")
    score(candidature, alice, [4, 4, 4, 4])

    response = select(client, hdf, candidature)

    assert response.status_code == 422
    assert "« Pressé » n’a pas été retenue : Il manque 1 grille d’évaluation du jury régional." in page_text(response)
    assert picks() == []
    assert state_of(candidature) == "regional_jury"
    assert audit("candidature.select_for_nation") == []


def test_select_records_the_pick_with_the_opinion_and_an_audit_row(client, as_organiser, hdf, scored):
    alpha, _beta, _gamma = scored

    response = select(client, hdf, alpha)

    assert response.status_code == 302
    assert picks() == [(1, alpha.id, OPINION)]
    assert state_of(alpha) == "national_shortlist"
    assert audit("candidature.select_for_nation") == [(alpha.id, "regional_jury", "national_shortlist", OPINION)]
    assert "« Alpha » est retenue pour l’étape nationale." in page_text(client.get(response.location))


def test_select_without_opinion_refused(client, as_organiser, hdf, scored):
    response = select(client, hdf, scored[0], opinion="   ")

    assert response.status_code == 422
    assert "Rédigez l’avis de l’ARS." in page_text(response)
    assert picks() == []


def test_select_with_too_long_opinion_refused_keeping_the_text(client, as_organiser, hdf, scored):
    response = select(client, hdf, scored[0], opinion="x" * 2001)

    assert response.status_code == 422
    assert "Le texte ne doit pas dépasser 2000 caractères (2001 saisis)." in page_text(response)
    assert "x" * 2001 in response.get_data(as_text=True)
    assert picks() == []


def test_third_pick_refused_with_the_quota_message(client, as_organiser, hdf, scored):
    alpha, beta, gamma = scored
    select(client, hdf, alpha)
    select(client, hdf, beta)

    response = select(client, hdf, gamma)

    assert response.status_code == 422
    assert "La région a déjà retenu 2 candidatures, le maximum prévu." in page_text(response)
    assert picks() == [(1, alpha.id, OPINION), (2, beta.id, OPINION)]


def test_select_twice_the_same_candidature_says_it_is_already_picked(client, as_organiser, hdf, scored):
    alpha = scored[0]
    select(client, hdf, alpha)

    response = select(client, hdf, alpha)

    assert response.status_code == 422
    assert ("Cette action n’est pas possible pour une candidature à l’état « présélectionnée pour le national »."
            in page_text(response))
    assert picks() == [(1, alpha.id, OPINION)]


def test_unselect_frees_the_slot_and_logs_the_withdrawn_opinion(client, as_organiser, hdf, scored):
    alpha, beta, _gamma = scored
    select(client, hdf, alpha)
    select(client, hdf, beta)

    response = client.form(f"{select_url(hdf, alpha)}/retirer", page=ranking_url(hdf))

    assert response.status_code == 302
    assert picks() == [(2, beta.id, OPINION)]
    assert state_of(alpha) == "regional_jury"
    assert audit("candidature.unselect") == [(alpha.id, "national_shortlist", "regional_jury", None)]


def test_close_without_pick_needs_a_written_reason(client, as_organiser, hdf, scored):
    response = close(client, hdf)

    assert response.status_code == 422
    assert "Clôturer sans candidature retenue demande une justification écrite." in page_text(response)
    assert db.session.get(Region, hdf.id).stage == "jury_open"
    assert [state_of(c) for c in scored] == ["regional_jury"] * 3


def test_close_refused_while_a_scoresheet_is_missing(client, as_organiser, hdf, scored, make_candidature):
    make_candidature("En retard")

    response = close(client, hdf, "Motif.")

    assert response.status_code == 422
    assert "Il manque 2 grilles d’évaluation du jury régional." in page_text(response)
    assert db.session.get(Region, hdf.id).stage == "jury_open"


def test_close_without_pick_with_a_reason_closes_the_region(client, as_organiser, hdf, scored):
    reason = "Aucun projet ne répond au critère de partenariat."

    response = close(client, hdf, reason)

    assert response.status_code == 302
    db.session.expire_all()
    region = db.session.get(Region, hdf.id)
    assert (region.stage, region.closing_reason) == ("closed", reason)
    assert audit("region.close_region") == [(None, "jury_open", "closed", reason)]
    text = pdf_text(prepared(client, f"/ars/{hdf.id}/proces-verbal.pdf"))
    assert re.findall(r"\b(Alpha|Beta|Gamma)\b Structure", text) == ["Alpha", "Beta", "Gamma"]
    assert f"Aucune candidature retenue. Motif de la clôture {reason}" in text


def test_close_turns_the_candidatures_not_picked_into_regional_not_selected(client, as_organiser, hdf, scored):
    alpha, beta, gamma = scored
    select(client, hdf, alpha)

    response = close(client, hdf)

    assert response.status_code == 302
    assert [state_of(c) for c in scored] == ["national_shortlist", "regional_not_selected", "regional_not_selected"]
    assert audit("candidature.close_region") == [(beta.id, "regional_jury", "regional_not_selected", None),
                                                 (gamma.id, "regional_jury", "regional_not_selected", None)]
    assert db.session.get(Region, hdf.id).stage == "closed"


def test_close_from_a_stale_page_is_refused_and_changes_nothing(client, as_organiser, hdf, scored):
    alpha, beta, _gamma = scored
    select(client, hdf, alpha)
    stale = close_page_fields(client, hdf)
    select(client, hdf, beta)  # another tab, or a colleague, picks meanwhile

    response = close(client, hdf, fields=stale)

    assert response.status_code == 422
    assert ("La sélection a changé depuis l’affichage de cette page : vérifiez-la avant de clôturer."
            in page_text(response))
    assert db.session.get(Region, hdf.id).stage == "jury_open"
    assert [state_of(c) for c in scored] == ["national_shortlist", "national_shortlist", "regional_jury"]
    assert audit("region.close_region") == []


def test_picked_candidate_still_sees_under_review(client, login, owner, hdf, scored, organiser):
    login(organiser)
    select(client, hdf, scored[0])
    client.form("/deconnexion", page="/")
    login(owner)

    text = page_text(client.get("/candidatures"))

    assert text.count("en cours d’examen") == 3
    assert "présélectionnée" not in text


def statuses(client, region, candidature) -> list[int]:
    """Status of each page and action of the selection, POSTs carrying a valid CSRF token."""
    return [client.get(url).status_code if method == "get" else client.form(url, page="/").status_code
            for method, url in staff_urls(region, candidature)]


def staff_urls(region, candidature) -> list[tuple[str, str]]:
    return [("get", ranking_url(region)), ("get", select_url(region, candidature)),
            ("post", select_url(region, candidature)), ("post", f"{select_url(region, candidature)}/retirer"),
            ("get", f"/ars/{region.id}/cloture"), ("post", f"/ars/{region.id}/cloture"),
            ("get", f"/ars/{region.id}/proces-verbal.pdf")]


def test_organiser_of_another_region_gets_404_everywhere(client, login, make_user, hdf, scored):
    login(make_user(Role.REGIONAL_ORGANISER, region="IDF"))

    found = statuses(client, hdf, scored[0])

    assert found == [404] * 7


def test_organiser_gets_404_for_a_candidature_of_another_region(client, as_organiser, hdf, make_candidature):
    elsewhere = make_candidature("Ailleurs", region="IDF")

    assert client.get(select_url(hdf, elsewhere)).status_code == 404


def test_juror_gets_403_everywhere(client, login, jurors, hdf, scored):
    login(jurors[0])

    found = statuses(client, hdf, scored[0])

    assert found == [403] * 7


def test_national_organiser_reads_ranking_and_minutes_but_does_not_pick(client, login, make_user, hdf, scored):
    login(make_user(Role.NATIONAL_ORGANISER))

    found = statuses(client, hdf, scored[0])

    assert found == [200, 403, 403, 403, 403, 403, 303]  # the minutes: to the page that asks for them
    assert prepared(client, f"/ars/{hdf.id}/proces-verbal.pdf").mimetype == "application/pdf"


def test_minutes_pdf_holds_jury_conflicts_ranking_in_order_opinions_and_date(client, as_organiser, clock, hdf, scored,
                                                                             jurors):
    alpha, beta, gamma = scored
    db.session.add(ConflictDeclaration(candidature_id=gamma.id, juror_id=jurors[1].id, stage="regional",
                                       has_conflict=True, reason="Ancien salarié de la structure.", source="juror",
                                       declared_at=clock()))
    db.session.commit()
    opinion = "Avis < unanime & « très favorable » <b>sic</b>"
    select(client, hdf, alpha, opinion=opinion)
    clock.set(datetime(2017, 11, 6, 18, 45, tzinfo=PARIS))

    response = prepared(client, f"/ars/{hdf.id}/proces-verbal.pdf")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    ranking = text[text.index("Classement"):text.index("Candidatures retenues pour l’étape nationale")]
    assert re.findall(r"\b(Alpha|Beta|Gamma)\b Structure", ranking) == ["Alpha", "Beta", "Gamma"]
    assert "1 Alpha Structure de Alpha 4,50 5,00 4,00 4,00 17,50 2 / 2" in ranking
    assert "2 Gamma Structure de Gamma 3,00 3,00 3,00 3,00 12,00 1 / 1" in ranking
    assert ranking.count("Ex aequo") == 2
    assert f"Alpha Structure de Alpha {opinion} 01/10/2017 à 10:00 (heure de Paris)" in text
    assert "Document édité le 06/11/2017 à 18:45 (heure de Paris)." in text
    assert "Alice Juré alice" not in text and "Alice Juré regional_juror" in text
    assert "Bruno Juré Gamma Ancien salarié de la structure." in text


def test_minutes_pdf_splits_an_opinion_taller_than_a_page(client, as_organiser, hdf, scored):
    alpha = scored[0]
    opinion = "W" * 2000  # no space, wide letters: one word, wrapped letter by letter into a row taller than a page
    select(client, hdf, alpha, opinion=opinion)

    response = prepared(client, f"/ars/{hdf.id}/proces-verbal.pdf")

    assert response.status_code == 200
    assert pdf_text(response).count("W") >= 2000  # every letter printed, over several pages


def test_minutes_pdf_numbers_its_pages_and_names_itself(client, as_organiser, hdf, scored):
    select(client, hdf, scored[0], opinion="W" * 2000)  # several pages

    response = prepared(client, f"/ars/{hdf.id}/proces-verbal.pdf")

    reader = PdfReader(io.BytesIO(response.data))
    total = len(reader.pages)
    assert total > 1
    assert [page.extract_text().split("\n")[0] for page in reader.pages] == [
        f"{number} / {total}" for number in range(1, total + 1)]
    assert reader.metadata.title == f"Procès-verbal — {hdf.name}"
    assert reader.trailer["/Root"]["/Lang"] == "fr"
