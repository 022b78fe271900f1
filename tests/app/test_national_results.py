"""Results stay confidential until published; publishing tells every candidate and opens the public page."""

from __future__ import annotations

from app.extensions import db
from app.models import Candidature, User
from tests.app.attachment_helpers import page_text
from tests.app.dossier_helpers import review_url
from tests.app.national_helpers import audit, fresh, shortlist, states  # noqa: F401  (fixture)
from tests.conftest import PASSWORD
from tests.smtp import smtp_server  # noqa: F401
from workflows.states import Role

NAMES = ("Alpha", "Beta", "Gamma", "Structure")
NOT_PUBLISHED = "Les résultats ne sont pas encore publiés. Ils seront annoncés le mardi 21 novembre 2017."


def declared(shortlist, winner) -> None:
    """The national jury chose ``winner``; results not published yet."""
    shortlist.edition.national_stage = "winner_declared"
    shortlist.edition.winner_rationale = "Motivation."
    for pick in shortlist.picks:
        pick.state = "winner" if pick is winner else "national_not_selected"
    db.session.commit()


def candidate_pages(app, candidature) -> str:
    """What the candidate reads on their list and on their dossier, signed in with their own client."""
    client = app.test_client()
    owner = db.session.get(User, candidature.owner_id)
    assert client.form("/connexion", {"email": owner.email, "password": PASSWORD}).status_code == 302
    return page_text(client.get("/candidatures")) + " " + page_text(client.get(review_url(candidature)))


def test_results_before_publication_show_no_name_anywhere(app, client, shortlist):
    declared(shortlist, shortlist.alpha)

    public = page_text(client.get("/resultats"))
    candidate = candidate_pages(app, shortlist.alpha)

    assert NOT_PUBLISHED in public
    assert [name for name in NAMES if name in public] == []
    assert "en cours d’examen" in candidate
    assert "lauréate" not in candidate


def test_publish_refused_before_the_winner_is_declared(client, login, shortlist, smtp_server):
    shortlist.edition.national_stage = "national_jury"
    db.session.commit()
    login(shortlist.organiser)

    response = client.form("/national/publication", {})

    assert response.status_code == 422
    assert ("Cette action n’est pas possible pour le concours à l’étape « jury national ouvert »."
            in page_text(response))
    assert (fresh(shortlist.edition).published_at, smtp_server.messages) == (None, [])


def test_publishing_emails_every_candidate_their_outcome(client, login, shortlist, smtp_server, clock):
    declared(shortlist, shortlist.alpha)
    login(shortlist.organiser)
    confirmation = page_text(client.get("/national/publication"))

    response = client.form("/national/publication", {})

    assert response.status_code == 302
    edition = fresh(shortlist.edition)
    assert (edition.national_stage, edition.published_at) == ("published", clock())
    assert audit("edition.publish_results") == [(None, None, "winner_declared", "published", None)]
    received = {message.envelope_to[0]: message.body for message in smtp_server.messages}
    assert sorted(received) == ["alpha@example.org", "beta@example.org", "delta@example.org", "epsilon@example.org",
                                "gamma@example.org"]
    assert "votre projet est le lauréat national du concours" in received["alpha@example.org"]
    assert "il n’a pas été désigné lauréat national" in received["beta@example.org"]
    assert "il n’a pas été désigné lauréat national" in received["gamma@example.org"]
    assert "n’a pas été retenu par le jury régional" in received["delta@example.org"]
    assert "déclarée irrecevable" in received["epsilon@example.org"]
    assert f"{len(received)} candidats recevront leur résultat par courriel." in confirmation
    assert "Résultats publiés le 15/11/2017 11:00" in page_text(client.get("/national/publication"))


def test_publishing_again_sends_nothing_more(client, login, shortlist, smtp_server):
    declared(shortlist, shortlist.alpha)
    login(shortlist.organiser)
    page = "/national/classement"  # any page of the organiser carries the session's CSRF token
    client.form("/national/publication", {}, page=page)

    again = client.form("/national/publication", {}, page=page)

    assert again.status_code == 422
    assert len(smtp_server.messages) == 5


def test_public_page_after_publication_names_only_consenting_picks(app, client, login, shortlist, smtp_server):
    declared(shortlist, shortlist.beta)
    login(shortlist.organiser)
    client.form("/national/publication", {})
    visitor = app.test_client()

    public = page_text(visitor.get("/resultats"))

    assert ("Lauréat national Le projet lauréat n’est pas nommé : son porteur n’a pas autorisé la publication. "
            "Projets retenus par les régions Hauts-de-France Alpha Structure Alpha "
            "Partenaires usagers 0 Partenaires soignants 0 Île-de-France Gamma Structure Gamma "
            "Partenaires usagers 0 Partenaires soignants 0 Données ouvertes") in public
    assert [name for name in ("Beta", "Delta", "Epsilon", "Zeta") if name in public] == []
    assert "lauréate" in candidate_pages(app, shortlist.beta)
    assert "non retenue au national" in candidate_pages(app, shortlist.alpha)


def test_public_page_shows_a_consenting_winner_first(app, client, login, make_user, shortlist, smtp_server):
    declared(shortlist, shortlist.gamma)
    login(shortlist.organiser)
    client.form("/national/publication", {})

    public = page_text(app.test_client().get("/resultats"))

    assert ("Résultats du concours Semaine de la sécurité des patients 2017 Usagers, soignants : partenaires pour la sécurité des patients "
            "Résultats publiés le 15 novembre 2017. Lauréat national Lauréat national Gamma Structure Gamma "
            "(Île-de-France) Partenaires usagers 0 Partenaires soignants 0 Projets retenus par les régions "
            "Hauts-de-France Alpha Structure Alpha Partenaires usagers 0 Partenaires soignants 0 "
            "1 autre projet retenu dont le porteur n’a pas autorisé la publication.") in public
    assert "Beta" not in public


def test_regional_staff_cannot_publish(client, login, make_user, shortlist):
    declared(shortlist, shortlist.alpha)
    login(make_user(Role.REGIONAL_ORGANISER))

    assert client.get("/national/publication").status_code == 403
    assert fresh(shortlist.edition).published_at is None


def test_no_pick_once_the_winner_is_declared(client, login, shortlist, make_user):
    declared(shortlist, shortlist.alpha)
    delta = db.session.get(Candidature, shortlist.delta.id)
    hdf = delta.region
    hdf.stage = "jury_open"  # as if the region had never closed: the edition's stage still forbids it
    delta.state = "regional_jury"
    db.session.commit()
    login(make_user(Role.REGIONAL_ORGANISER, region="HDF"))

    response = client.form(f"/ars/{hdf.id}/selection/{delta.id}", {"opinion": "Trop tard."})

    assert response.status_code == 422
    assert ("Le lauréat national est désigné : le choix d’un dossier pour l’étape nationale n’est plus possible."
            in page_text(response))
    assert states(shortlist.delta) == ["regional_jury"]
