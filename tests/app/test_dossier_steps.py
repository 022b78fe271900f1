"""The dossier form in steps: one page a step, each saved by its buttons through the one save
operation, a refused step shown again with what was typed, the missing items linked to their fields,
the former one-page address leading to the first step, and a frozen dossier read-only on every step."""

from __future__ import annotations

import re
from datetime import timedelta

from app.extensions import db
from app.models import AuditEntry
from tests.app.dossier_helpers import review_url, step_url
from tests.app.test_dossier import DEADLINE, candidate, complete_form, draft, reload  # noqa: F401  (fixtures)
from tests.app.test_typed_input import hidden_version, post_page
from tests.volume import counted
from workflows.dossier import STEPS, dossier_key


def step(client, candidature, number: int, action: str = "next", **typed):
    """Type ``typed`` into step ``number`` as its page shows it, and press the ``action`` button."""
    url = step_url(candidature, number)
    return post_page(client, url, client.get(url).get_data(as_text=True), action, **typed)


def typed_on(number: int) -> dict:
    """The complete dossier's fields that step ``number`` holds."""
    return {name: value for name, value in complete_form().items() if dossier_key(name) in STEPS[number - 1].keys}


def field_links(html: str) -> list[str]:
    """The links of a page that lead to a dossier field: its step's page and the field's id."""
    return re.findall(r'<a href="(/candidatures/\d+/etape/\d+#[\w-]+)">', html)


def test_former_address_leads_to_the_first_step(client, draft):
    response = client.get(f"/candidatures/{draft.id}")

    assert (response.status_code, response.headers["Location"]) == (302, step_url(draft, 1))
    assert [client.get(step_url(draft, number)).status_code for number in (0, 1, len(STEPS), len(STEPS) + 1)] == [
        404, 200, 200, 404]


def test_each_step_shows_its_own_fields_under_the_stepper(client, draft):
    page = client.get(step_url(draft, 2)).get_data(as_text=True)

    assert 'data-fr-current-step="2" data-fr-steps="5"' in page
    assert "Étape 2 sur 5" in page and 'Étape suivante :</span> Le projet' in page
    assert 'name="partners-0-name"' in page and 'name="modalities"' in page
    assert 'name="title"' not in page and 'name="category"' not in page
    assert 'value="next"' in page and 'value="previous"' in page and 'value="submit"' not in page


def test_continue_saves_the_step_and_goes_to_the_next(client, draft):
    response = step(client, draft, 1, **typed_on(1))

    stored = reload(draft)
    assert (response.status_code, response.headers["Location"]) == (302, step_url(draft, 2))
    assert (stored.category, stored.structure_name, stored.sectors, stored.contact_email) == (
        "etablissement", "Centre hospitalier de Lens", ["sanitaire", "ville"], "jeanne.martin@example.org")
    edit = db.session.scalars(db.select(AuditEntry).filter_by(action="candidature.edit")).one()
    assert sorted(edit.data["changes"]) == ["category", "sectors", "structure_name"]
    assert edit.data["personal_fields"] == ["identifier", "contact_name", "contact_function", "contact_email",
                                            "contact_phone"]


def test_previous_saves_the_step_too_and_goes_back(client, draft):
    response = step(client, draft, 3, "previous", title="Tapé avant de revenir")

    assert (response.status_code, response.headers["Location"]) == (302, step_url(draft, 2))
    assert reload(draft).title == "Tapé avant de revenir"


def test_a_step_leaves_the_other_steps_as_they_are(client, draft):
    step(client, draft, 3, **typed_on(3))
    step(client, draft, 4, **typed_on(4))

    step(client, draft, 1, structure_name="CH de Lens")

    stored = reload(draft)
    assert (stored.structure_name, stored.title, stored.answers["securite"], stored.version) == (
        "CH de Lens", "Patients traceurs de leur sortie", "Moins de réhospitalisations évitables.", 4)


def test_refused_step_keeps_what_was_typed_with_the_reason_beside_its_field(client, draft):
    refused = step(client, draft, 1, structure_name="Centre hospitalier de Lens", contact_email="pas-une-adresse")
    page = refused.get_data(as_text=True)

    assert refused.status_code == 422
    assert "<p>Certaines informations ne sont pas valides : rien n’a été enregistré.</p>" in page  # not a reason
    assert '<p id="contact_email-error" class="fr-error-text">Adresse électronique invalide.</p>' in page
    assert 'aria-invalid="true"' in page and 'value="pas-une-adresse"' in page
    assert 'value="Centre hospitalier de Lens"' in page
    assert hidden_version(page) == reload(draft).version == 1
    assert reload(draft).structure_name is None

    corrected = post_page(client, step_url(draft, 1), page, "next", contact_email="jeanne.martin@example.org")

    assert (corrected.status_code, corrected.headers["Location"]) == (302, step_url(draft, 2))
    assert (reload(draft).structure_name, reload(draft).contact_email) == (
        "Centre hospitalier de Lens", "jeanne.martin@example.org")


def test_a_step_saved_without_moving_on_stays_on_its_page(client, draft):
    url = step_url(draft, 3)
    assert 'name="action" value="save">Enregistrer</button>' in client.get(url).get_data(as_text=True)

    response = step(client, draft, 3, "save", title="Mon projet")

    assert (response.status_code, response.location) == (302, url)
    assert reload(draft).dossier()["title"] == "Mon projet"


def test_a_partner_row_refused_says_which_partner_beside_its_field(client, draft):
    refused = step(client, draft, 2, **{"partners-0-side": "usager", "partners-0-name": "Association des patients",
                                        "partners-1-name": "Dr Claire Petit"})
    page = refused.get_data(as_text=True)

    assert refused.status_code == 422
    assert ('<p id="partners-1-side-error" class="fr-error-text">'
            "Partenaire 2 : indiquez son côté (usagers ou professionnels).</p>") in page
    assert 'id="partners-0-side-error"' not in page and 'value="Dr Claire Petit"' in page  # what was typed stays
    assert reload(draft).dossier().get("partners", []) == []  # nothing of the step was saved


def test_missing_items_link_to_their_step_and_field(client, draft):
    step(client, draft, 2, **{"partners-0-side": "usager", "partners-0-name": "Association des patients"})

    links = field_links(client.get(review_url(draft)).get_data(as_text=True))

    assert links == [step_url(draft, number) + "#" + field for number, field in [
        (1, "category"), (1, "structure_name"), (1, "contact_name"), (1, "contact_email"), (3, "title"),
        (3, "summary"), (3, "description"), (3, "project_stage"), (1, "sectors"), (2, "modalities"), (3, "domains"),
        (2, "partners"), (4, "answer_partenariat"), (4, "answer_securite"), (4, "answer_reproductibilite"),
        (4, "answer_originalite"), (5, "attestation_non_commercial"), (5, "attestation_pas_de_subvention")]]
    for link in links:  # the field is on the page the link leads to
        url, field = link.split("#")
        assert f'id="{field}"' in client.get(url).get_data(as_text=True)


def test_missing_items_name_criteria_and_statements_in_the_pages_language(client, draft):
    client.get("/langue/en")
    page = client.get(review_url(draft)).get_data(as_text=True)

    assert "the statement “I certify that the project is not commercial in nature.”" in page
    assert "the answer to the criterion “A real partnership between patients and carers" in page
    assert "Effectivité du partenariat" not in page


def test_refused_submission_links_each_missing_item_to_its_field(client, draft):
    step(client, draft, 3, title="Mon projet")

    refused = step(client, draft, len(STEPS), "submit")
    page = refused.get_data(as_text=True)

    assert refused.status_code == 422
    # The sentence introduces the list of the missing items, it is not one of them.
    assert "<p>Votre brouillon est enregistré, mais il ne peut pas encore être déposé :</p>" in page
    assert f'<a href="{step_url(draft, 3)}#summary">Élément manquant : le résumé du projet.</a>' in page
    assert f'<a href="{step_url(draft, 2)}#partners">Élément manquant : un partenaire côté professionnels de santé.</a>' in page
    assert "Pour déposer votre candidature, il manque" not in page  # the alert's list, not twice
    assert reload(draft).state == "draft"


def test_steps_filled_in_turn_then_submitted(client, draft, clock):
    moves = [step(client, draft, number, **typed_on(number)) for number in range(1, len(STEPS))]
    review = client.get(review_url(draft)).get_data(as_text=True)

    submitted = step(client, draft, len(STEPS), "submit", **typed_on(len(STEPS)))

    assert [move.headers["Location"] for move in moves] == [step_url(draft, n) for n in range(2, len(STEPS) + 1)]
    assert field_links(review) == [f"{step_url(draft, 5)}#attestation_non_commercial",
                                   f"{step_url(draft, 5)}#attestation_pas_de_subvention"]
    assert (submitted.status_code, submitted.headers["Location"]) == (302, review_url(draft))
    stored = reload(draft)
    assert (stored.state, stored.submitted_at, stored.partners[1].name) == ("submitted", clock(), "Dr Claire Petit")


def test_submitted_dossier_is_read_only_on_every_step_after_the_deadline(client, draft, clock):
    for number in range(1, len(STEPS) + 1):
        step(client, draft, number, "submit" if number == len(STEPS) else "next", **typed_on(number))
    assert reload(draft).state == "submitted"
    clock.set(DEADLINE + timedelta(hours=1))

    pages = [client.get(step_url(draft, number)).get_data(as_text=True) for number in range(1, len(STEPS) + 1)]
    refused = step(client, draft, 3, title="Changé après la date limite")

    for number, page in enumerate(pages, 1):
        assert "Ce dossier n’est plus modifiable." in page
        assert "<button" not in page.split('<form method="post" novalidate')[1].split("</form>")[0]
        assert ('Étape suivante</a>' in page) == (number < len(STEPS))
    assert refused.status_code == 422
    assert reload(draft).title == "Patients traceurs de leur sortie"


def test_a_step_form_parses_only_its_own_fields(app, draft):
    from app.candidatures.forms import dossier_form_class

    contest = draft.edition.contest
    with app.test_request_context():
        fields = {step.key: [field.name for field in dossier_form_class(contest, step.keys)(formdata=None)]
                  for step in STEPS}
        whole = [field.name for field in dossier_form_class(contest)(formdata=None)]

    hidden = ["csrf_token", "version"]
    assert sorted(fields["projet"]) == sorted([*hidden, "title", "summary", "description", "domains", "domain_other",
                                               "project_stage", "link"])
    assert sorted(fields["criteres"]) == sorted([*hidden, *(f"answer_{c.key}" for c in contest.criteria)])
    assert sorted({name for names in fields.values() for name in names}) == sorted(whole)


def test_a_step_save_reads_the_dossier_its_edition_and_partners_in_one_statement(client, draft):
    url = step_url(draft, 3)
    page = client.get(url).get_data(as_text=True)

    with counted() as statements:
        response = post_page(client, url, page, "next", title="Lu en une fois")

    assert response.status_code == 302
    reads = [re.search(r"\bFROM (\w+)", statement).group(1) for statement in statements
             if statement.lstrip().startswith("SELECT")]
    assert reads == ["users", "candidatures", "audit_chain_head"]


def test_a_step_page_reads_the_dossier_once_and_the_thread_on_the_last_step_only(client, draft):
    urls = [step_url(draft, number) for number in range(1, len(STEPS) + 1)]

    def reads(url: str) -> list[str]:
        with counted() as statements:
            assert client.get(url).status_code == 200
        return [re.search(r"\bFROM (\w+)", statement).group(1) for statement in statements
                if statement.lstrip().startswith("SELECT")]

    assert [reads(url) for url in urls] == [["users", "candidatures"]] * (len(STEPS) - 1) + [
        ["users", "candidatures", "messages", "attachments"]]
