"""Juror assignment for large regions: the ARS proposes, applies and adjusts n jurors per dossier;
jurors, progress and the closing gate follow it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.jury.juries import Jury
from app.jury.workload import Work, missing
from app.listing import PAGE_SIZE
from app.models import ConflictDeclaration, JuryAssignment, Mark, Region, Scoresheet
from app.regional.assignment import NAMED
from tests import factories
from tests.app.attachment_helpers import page_text
from tests.app.regional_helpers import AFTER_DEADLINE
from tests.app.test_selection import close
from tests.conftest import csrf_token, sign_in
from tests.volume import counted
from tests.app.selection_helpers import (  # noqa: F401  (fixtures)
    audit, hdf, make_candidature, organiser, owner, score, state_of,
)
from workflows.states import Role

NAMES = ("Alice", "Bruno", "Chloé", "David", "Emma")


@pytest.fixture
def jurors(make_user, hdf):
    return [make_user(Role.REGIONAL_JUROR, region="HDF", display_name=f"{name} Juré") for name in NAMES]


@pytest.fixture
def dossiers(make_candidature):
    return [make_candidature(f"Projet {number}") for number in range(1, 7)]


@pytest.fixture
def as_organiser(login, organiser):
    login(organiser)
    return organiser


def url(region, *parts) -> str:
    return "/".join([f"/ars/{region.id}/jury/repartition", *map(str, parts)])


def conflict(juror, candidature, clock) -> None:
    db.session.add(ConflictDeclaration(candidature_id=candidature.id, juror_id=juror.id, stage="regional",
                                       has_conflict=True, reason="Ancien salarié.", source="organiser",
                                       declared_at=clock()))
    db.session.commit()


def draft(juror, candidature, clock) -> None:
    """A begun sheet: one criterion marked."""
    sheet = Scoresheet(candidature_id=candidature.id, juror_id=juror.id, stage="regional", status="draft",
                       updated_at=clock())
    sheet.marks = [Mark(criterion="partenariat", value=3)]
    db.session.add(sheet)
    db.session.commit()


def assigned() -> dict[int, set[int]]:
    """candidature id -> its assigned jurors' ids."""
    db.session.expire_all()
    result: dict[int, set[int]] = {}
    for row in db.session.scalars(db.select(JuryAssignment)):
        result.setdefault(row.candidature_id, set()).add(row.juror_id)
    return result


def apply(client, region, n):
    return client.form(url(region), {"n": str(n)}, page=url(region) + f"?n={n}")


def test_jury_page_links_to_the_assignment_page(client, as_organiser, hdf):
    assert f'href="{url(hdf)}"' in client.get(f"/ars/{hdf.id}/jury").get_data(as_text=True)


def test_proposal_respects_conflicts_and_begun_sheets(client, as_organiser, hdf, jurors, dossiers, clock):
    alice, bruno, *_ = jurors
    conflict(alice, dossiers[0], clock)
    draft(bruno, dossiers[1], clock)

    preview = page_text(client.get(url(hdf) + "?n=2"))
    response = apply(client, hdf, 2)

    assert "Proposition : 2 jurés par dossier" in preview
    assert response.status_code == 302
    pairs = assigned()
    assert {dossier.id: len(pairs[dossier.id]) for dossier in dossiers} == {dossier.id: 2 for dossier in dossiers}
    assert alice.id not in pairs[dossiers[0].id]
    assert bruno.id in pairs[dossiers[1].id]
    loads = [sum(juror.id in chosen for chosen in pairs.values()) for juror in jurors]
    assert max(loads) - min(loads) <= 1
    assert db.session.get(Region, hdf.id).jurors_per_dossier == 2
    assert [row[0] for row in audit("jury.assignment_apply")] == [None]


def test_applying_changes_expected_work_progress_and_the_closing_gate(client, as_organiser, hdf, jurors, dossiers,
                                                                     score):
    everyone = missing(Work.regional(hdf))

    apply(client, hdf, 2)

    pairs = assigned()
    assert everyone == len(jurors) * len(dossiers)
    assert missing(Work.regional(hdf)) == 2 * len(dossiers)
    progress = {row.juror.id: row.expected for row in Jury.of_region(db.session.get(Region, hdf.id)).progress()}
    assert progress == {juror.id: sum(juror.id in chosen for chosen in pairs.values()) for juror in jurors}
    refused = close(client, hdf, "Aucun projet retenu.")
    assert "Il manque 12 grilles d’évaluation du jury régional." in page_text(refused)
    for dossier in dossiers:
        for juror in jurors:
            if juror.id in pairs[dossier.id]:
                score(dossier, juror, [3, 3, 3, 3])
    closed = close(client, hdf, "Aucun projet retenu.")
    assert closed.status_code == 302
    assert db.session.get(Region, hdf.id).stage == "closed"


def test_adjusting_adds_and_removes_a_juror_on_one_dossier(client, as_organiser, hdf, jurors, dossiers):
    apply(client, hdf, 2)
    dossier = dossiers[0]
    juror = next(j for j in jurors if j.id not in assigned()[dossier.id])
    other = next(iter(assigned()[dossier.id]))

    client.form(url(hdf, dossier.id, juror.id, "ajouter"), page=url(hdf))
    client.form(url(hdf, dossier.id, other, "retirer"), page=url(hdf))

    assert other not in assigned()[dossier.id] and juror.id in assigned()[dossier.id]
    assert [row[0] for row in audit("jury.assignment_add") + audit("jury.assignment_remove")] == [dossier.id] * 2


def test_adjusting_refuses_a_conflicted_juror(client, as_organiser, hdf, jurors, dossiers, clock):
    apply(client, hdf, 2)
    dossier = dossiers[0]
    juror = next(j for j in jurors if j.id not in assigned()[dossier.id])
    conflict(juror, dossier, clock)

    client.form(url(hdf, dossier.id, juror.id, "ajouter"), page=url(hdf))
    response = client.get(url(hdf))

    assert f"{juror.email} a un conflit d’intérêts avec ce dossier : ce juré ne peut pas le noter." \
        in page_text(response)
    assert juror.id not in assigned()[dossier.id]
    assert audit("jury.assignment_add") == []


def test_removing_a_juror_with_a_begun_sheet_needs_saying_so_and_never_a_submitted_one(
        client, as_organiser, hdf, jurors, dossiers, clock, score):
    alice, bruno, *_ = jurors
    draft(alice, dossiers[0], clock)
    score(dossiers[1], bruno, [3, 3, 3, 3])
    apply(client, hdf, 1)

    client.form(url(hdf, dossiers[0].id, alice.id, "retirer"), page=url(hdf))
    kept = client.get(url(hdf))
    client.form(url(hdf, dossiers[1].id, bruno.id, "retirer"), page=url(hdf))
    submitted = client.get(url(hdf))
    assert "a commencé sa grille pour ce dossier : cochez la suppression de son brouillon" in page_text(kept)
    assert "a remis sa grille pour ce dossier : ce juré ne peut plus en être retiré." in page_text(submitted)
    assert assigned()[dossiers[0].id] == {alice.id} and assigned()[dossiers[1].id] == {bruno.id}

    client.form(url(hdf, dossiers[0].id, alice.id, "retirer"), {"drop_draft": "y"}, page=url(hdf))

    assert dossiers[0].id not in assigned()
    assert db.session.scalar(db.select(Scoresheet).filter_by(juror_id=alice.id, candidature_id=dossiers[0].id)) is None
    assert db.session.scalar(db.select(db.func.count(Mark.id))) == 4  # Bruno's submitted sheet's, no longer Alice's
    assert [row[0] for row in audit("jury.assignment_remove")] == [dossiers[0].id]


def test_a_juror_sees_and_opens_only_the_assigned_dossiers(client, app, as_organiser, hdf, jurors, dossiers, login):
    apply(client, hdf, 2)
    alice = jurors[0]
    mine = {dossier.id for dossier in dossiers if alice.id in assigned()[dossier.id]}
    juror_client = app.test_client()
    sign_in(juror_client, alice.email)

    listing = page_text(juror_client.get("/jury"))

    assert [dossier.title in listing for dossier in dossiers] == [dossier.id in mine for dossier in dossiers]
    other = next(dossier for dossier in dossiers if dossier.id not in mine)
    assert juror_client.get(f"/jury/regional/{other.id}/declaration").status_code == 404


def test_without_assignment_every_juror_scores_every_dossier(client, as_organiser, hdf, jurors, dossiers):
    assert "Aucune répartition : chaque juré de la région note chaque dossier." in page_text(client.get(url(hdf)))
    assert missing(Work.regional(hdf)) == len(jurors) * len(dossiers)


@pytest.mark.parametrize("n, message", [("0", "Le nombre de jurés par dossier va de 1 à 5"),
                                        ("6", "Le nombre de jurés par dossier va de 1 à 5"),
                                        ("deux", "Indiquez un nombre entier de jurés.")])
def test_a_bad_number_of_jurors_is_refused_and_kept(client, as_organiser, hdf, jurors, dossiers, n, message):
    response = client.form(url(hdf), {"n": n})

    assert response.status_code == 422
    assert message in page_text(response)
    assert re.search(rf'name="n"[^>]*value="{n}"', response.get_data(as_text=True))
    assert assigned() == {} and db.session.get(Region, hdf.id).jurors_per_dossier is None


def test_another_regions_organiser_is_refused(client, make_user, hdf, jurors, dossiers, login):
    login(make_user(Role.REGIONAL_ORGANISER, region="IDF"))
    idf = db.session.scalar(db.select(Region).filter_by(code="IDF"))
    token = csrf_token(client.get(f"/ars/{idf.id}/jury").get_data(as_text=True))

    assert client.get(url(hdf)).status_code == 404
    assert client.post(url(hdf), data={"n": "2", "csrf_token": token}).status_code == 404
    assert client.post(url(hdf, dossiers[0].id, jurors[0].id, "ajouter"), data={"csrf_token": token}).status_code == 404
    assert assigned() == {} and db.session.get(Region, hdf.id).jurors_per_dossier is None


def test_assignment_page_runs_as_many_queries_for_more_dossiers(client, as_organiser, hdf, jurors, dossiers, clock,
                                                                 make_candidature):
    conflict(jurors[0], dossiers[0], clock)
    draft(jurors[1], dossiers[1], clock)
    apply(client, hdf, 3)

    def statements() -> int:
        client.get(url(hdf) + "?n=3")  # a first visit may record a detected conflict: not counted
        with counted() as run:
            assert client.get(url(hdf) + "?n=3").status_code == 200
        return len(run)

    few = statements()
    for number in range(12):
        make_candidature(f"Projet supplémentaire {number}")
    apply(client, hdf, 3)

    assert statements() == few


def test_a_juror_taken_off_the_jury_loses_their_assigned_dossiers(client, as_organiser, hdf, jurors, dossiers):
    apply(client, hdf, 2)
    leaving = jurors[4]
    before = {dossier: chosen - {leaving.id} for dossier, chosen in assigned().items()}

    client.form(f"/ars/{hdf.id}/jury/{leaving.id}/retirer")

    assert assigned() == before


def test_the_database_refuses_zero_jurors_per_dossier(hdf):
    hdf.jurors_per_dossier = 0

    with pytest.raises(IntegrityError):
        db.session.commit()


def test_a_dossier_requalified_after_the_assignment_gets_its_n_least_loaded_jurors(
        client, as_organiser, hdf, jurors, dossiers, edition, owner, clock, score):
    clock.set(AFTER_DEADLINE)  # the requalified dossier goes before the jury, open after the deadline
    apply(client, hdf, 2)
    loads = {juror.id: sum(juror.id in chosen for chosen in assigned().values()) for juror in jurors}
    least = sorted(jurors, key=lambda juror: (loads[juror.id], juror.email))
    late = factories.candidature(edition, owner, at=clock(), state="inadmissible", title="Projet requalifié",
                                 inadmissibility_code="doublon", inadmissibility_reason="Doublon.")
    db.session.add(late)
    db.session.commit()
    conflict(least[0], late, clock)
    dossier_url = f"/ars/{hdf.id}/candidatures/{late.id}"

    client.form(f"{dossier_url}/requalifier", {"reason": "Ce n’était pas un doublon."}, page=dossier_url)

    pairs = assigned()
    assert state_of(late) == "regional_jury"
    assert pairs[late.id] == {least[1].id, least[2].id}
    assert [row[0] for row in audit("jury.assignment_cover")] == [late.id]
    for dossier in dossiers:
        for juror in jurors:
            if juror.id in pairs[dossier.id]:
                score(dossier, juror, [3, 3, 3, 3])
    refused = close(client, hdf, "Aucun projet retenu.")
    assert "Il manque 2 grilles d’évaluation du jury régional." in page_text(refused)
    for juror_id in pairs[late.id]:
        score(late, db.session.get(type(jurors[0]), juror_id), [3, 3, 3, 3])
    assert close(client, hdf, "Aucun projet retenu.").status_code == 302


def test_proposal_says_which_dossiers_keep_more_jurors_than_asked_and_why(client, as_organiser, hdf, jurors,
                                                                          dossiers, clock):
    alice, bruno, *_ = jurors
    draft(alice, dossiers[1], clock)
    draft(bruno, dossiers[1], clock)

    preview = page_text(client.get(url(hdf) + "?n=1"))

    assert ("1 dossier garde plus de jurés que demandé, car ils ont déjà commencé sa grille : "
            f"{dossiers[1].title} (2 jurés)") in preview
    assert dossiers[0].title + " (" not in preview.split("garde plus de jurés")[1].split("Dossiers proposés")[0]


def test_the_applied_assignment_is_shown_a_page_of_dossiers_at_a_time(client, as_organiser, hdf, jurors, dossiers,
                                                                      make_candidature):
    more = [make_candidature(f"Dossier supplémentaire {number:02d}") for number in range(PAGE_SIZE)]
    apply(client, hdf, 2)

    first, second = page_text(client.get(url(hdf))), page_text(client.get(url(hdf) + "?page=2"))

    assert dossiers[0].title in first and more[-1].title not in first and "Page 1 sur 2" in first
    assert more[-1].title in second and dossiers[0].title not in second
    assert "Proposition" not in second  # a page number alone asks for no proposal


def test_an_alert_names_a_few_dossiers_and_counts_the_others(client, as_organiser, hdf, jurors, make_candidature,
                                                             clock):
    alice, bruno, *_ = jurors
    for number in range(NAMED + 2):
        dossier = make_candidature(f"Dossier commencé {number:02d}")
        draft(alice, dossier, clock)
        draft(bruno, dossier, clock)

    preview = page_text(client.get(url(hdf) + "?n=1"))

    assert f"{NAMED + 2} dossiers gardent plus de jurés que demandé" in preview
    assert f"Dossier commencé {NAMED - 1:02d} (2 jurés) et 2 autres dossiers" in preview
    assert f"Dossier commencé {NAMED:02d}" not in preview
