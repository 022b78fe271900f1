"""What a person typed is never lost: every refused form comes back with the typed values and a
state (CSRF token, hidden version) from which the next save succeeds; a real conflict shows both
versions, and saving again keeps the typed one.

Each next step posts the refused page's own form, as a browser would, never a freshly loaded one.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import AuditEntry, ConflictDeclaration, Scoresheet
from tests.app.dossier_helpers import step_url
from tests.app.jury_helpers import CRITERIA, jury, marks_form, post_sheet, urls  # noqa: F401  (fixture)
from tests.app.test_dossier import candidate, complete_form, draft, post_dossier, reload  # noqa: F401  (fixtures)
from workflows.dossier import step_of


class _Forms(HTMLParser):
    """The POST forms of a page: for each, the pairs a browser would send (buttons aside)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._text = ""
        self._open = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.forms.append([])
            self._open = True
        if not self._open or "name" not in attrs and tag != "option":
            return
        fields = self.forms[-1]
        kind = (attrs.get("type") or "text").lower()
        if tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in attrs:
                fields.append((attrs["name"], attrs.get("value", "on")))
        elif tag == "input" and kind not in ("submit", "button", "file", "reset"):
            fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = attrs["name"], ""
        elif tag == "select":
            self._select, self._options = attrs["name"], []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value") or "", "selected" in attrs))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = False
        elif tag == "textarea" and self._textarea is not None:
            text = self._text[2:] if self._text.startswith("\r\n") else self._text.removeprefix("\n")
            self.forms[-1].append((self._textarea, text))  # a browser drops the first line break
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected] or [v for v, _ in self._options[:1]]
            self.forms[-1].extend((self._select, value) for value in chosen)
            self._select = None


def page_form(html: str, carrying: str = "version") -> MultiDict:
    """The page's form that carries a field named ``carrying``, as a browser would send it."""
    parser = _Forms()
    parser.feed(html)
    forms = [MultiDict(fields) for fields in parser.forms if any(name == carrying for name, _ in fields)]
    assert len(forms) == 1, f"no single form with a {carrying} field on the page"
    return forms[0]


def post_page(client, url: str, html: str, action: str, **typed):
    """Type ``typed`` into the form of ``html`` (already on screen) and press the ``action`` button."""
    data = page_form(html)
    for name, value in typed.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    data["action"] = action
    return client.post(url, data=data)


def hidden_version(html: str) -> int:
    return int(re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1))


def stored_fields(html: str) -> list[str]:
    """The fields the conflict page lists as differing from the stored version, in order."""
    return re.findall(r'<a href="#(\w+)-stored">', html)


def stored_value(html: str, name: str) -> str:
    match = re.search(rf'id="{name}-stored">\s*<p[^>]*><strong>Version enregistrée :</strong> (.*?)</p>', html, re.S)
    assert match, f"no stored value shown for {name}"
    return match.group(1)


def edits() -> list[dict]:
    return [entry.data["changes"] for entry in db.session.scalars(
        db.select(AuditEntry).filter_by(action="candidature.edit").order_by(AuditEntry.id))]


# The candidate's dossier.
def test_dossier_refused_submission_shows_the_new_version_and_the_next_save_succeeds(client, draft):
    url = f"/candidatures/{draft.id}"

    refused = post_dossier(client, draft, {"title": "Mon projet"}, action="submit")
    page = refused.get_data(as_text=True)
    saved = post_page(client, url, page, "save", summary="Tapé après le refus")

    assert refused.status_code == 422
    assert "Élément manquant : le résumé du projet." in page
    assert 'value="Mon projet"' in page
    assert hidden_version(page) == 2  # the draft saved before the refused submission
    assert saved.status_code == 302
    assert "Votre dossier est enregistré." in client.get(saved.headers["Location"]).get_data(as_text=True)
    stored = reload(draft)
    assert (stored.state, stored.title, stored.summary, stored.version) == (
        "draft", "Mon projet", "Tapé après le refus", 3)


def test_dossier_refused_submission_twice_keeps_every_typed_text(client, draft):
    url = f"/candidatures/{draft.id}"
    first = post_dossier(client, draft, {"title": "Mon projet"}, action="submit").get_data(as_text=True)

    second = post_page(client, url, first, "submit", summary="Un résumé")
    third = post_page(client, url, second.get_data(as_text=True), "save", description="Une description")

    assert second.status_code == 422
    assert third.status_code == 302
    stored = reload(draft)
    assert (stored.title, stored.summary, stored.description) == ("Mon projet", "Un résumé", "Une description")


def test_dossier_invalid_value_is_kept_and_the_corrected_save_succeeds(client, draft):
    url = f"/candidatures/{draft.id}"

    refused = post_dossier(client, draft, complete_form(contact_email="pas-une-adresse"))
    page = refused.get_data(as_text=True)

    assert refused.status_code == 422
    assert "Adresse électronique invalide." in page
    assert 'value="pas-une-adresse"' in page and 'value="Patients traceurs de leur sortie"' in page
    assert hidden_version(page) == reload(draft).version == 1

    saved = post_page(client, url, page, "save", contact_email="jeanne.martin@example.org")

    assert saved.status_code == 302
    stored = reload(draft)
    assert (stored.contact_email, stored.title, stored.partners[1].name) == (
        "jeanne.martin@example.org", "Patients traceurs de leur sortie", "Dr Claire Petit")


def test_dossier_conflict_shows_both_versions_and_saving_again_keeps_the_typed_one(client, draft):
    url = step_url(draft, 3)  # the project: title, summary, description
    first_tab = client.get(url).get_data(as_text=True)
    second_tab = client.get(url).get_data(as_text=True)
    post_page(client, url, second_tab, "next", title="Titre du second onglet", summary="Résumé du second onglet")

    conflict = post_page(client, url, first_tab, "next", title="Titre du premier onglet",
                         description="Tapé dans le premier onglet")
    page = conflict.get_data(as_text=True)

    assert conflict.status_code == 409
    assert "Pour garder vos saisies, appuyez de nouveau sur « Enregistrer »" in page
    assert 'value="Titre du premier onglet"' in page and "Tapé dans le premier onglet</textarea>" in page
    assert stored_fields(page) == ["title", "summary", "description"]
    assert [stored_value(page, name) for name in stored_fields(page)] == [
        "Titre du second onglet", "Résumé du second onglet", "(vide)"]
    assert hidden_version(page) == reload(draft).version == 2
    assert reload(draft).title == "Titre du second onglet"

    kept = post_page(client, url, page, "next")

    assert (kept.status_code, kept.headers["Location"]) == (302, step_url(draft, 4))
    stored = reload(draft)
    assert (stored.title, stored.description, stored.summary) == (
        "Titre du premier onglet", "Tapé dans le premier onglet", None)
    assert edits()[-1] == {"description": [None, "Tapé dans le premier onglet"],
                           "title": ["Titre du second onglet", "Titre du premier onglet"],
                           "summary": ["Résumé du second onglet", None]}


def test_dossier_conflict_shows_stored_choices_partners_and_answers_by_their_labels(client, draft):
    tabs = {number: client.get(step_url(draft, number)).get_data(as_text=True) for number in (1, 2, 3, 4, 5)}
    post_dossier(client, draft, complete_form())

    pages = {number: post_page(client, step_url(draft, number), tab, "save", **(
        {"title": "Patients traceurs de leur sortie"} if number == 3 else {})).get_data(as_text=True)
        for number, tab in tabs.items()}

    assert stored_value(pages[1], "sectors") == "Ville, Sanitaire"  # in the form's order
    assert stored_value(pages[2], "partners") == (
        "Usagers : Association des patients du Pas-de-Calais, France Assos Santé, Co-pilote\n"
        "Professionnels de santé : Dr Claire Petit, CH de Lens, Médecin référente")
    assert "title" not in stored_fields(pages[3])  # the same in both versions
    assert '<a href="#project_stage-stored">État d’avancement du projet</a>' in pages[3]
    assert stored_value(pages[4], "answer_securite") == "Moins de réhospitalisations évitables."
    assert stored_value(pages[5], "attestation_non_commercial") == "cochée"
    # Each step lists the differences of its own fields only.
    assert {number: {step_of(name) for name in stored_fields(page)} for number, page in pages.items()} == {
        number: {number} for number in pages}


def test_dossier_stale_page_that_typed_what_is_stored_saves_without_conflict(client, draft):
    url = step_url(draft, 3)
    first_tab = client.get(url).get_data(as_text=True)
    post_dossier(client, draft, {"title": "Le même titre"})

    saved = post_page(client, url, first_tab, "next", title="Le même titre")

    assert saved.status_code == 302  # nothing to save, hence no conflict
    assert reload(draft).version == 2


# The juror's scoresheet.
def scoresheet_of(juror) -> Scoresheet:
    db.session.expire_all()
    return db.session.scalar(db.select(Scoresheet).filter_by(juror_id=juror.id))


@pytest.fixture
def declared(client, login, jury):  # noqa: F811
    login(jury.juror)
    assert client.form(urls(jury.dossier)["declaration"], {"choice": "none"}).status_code == 302
    return jury


def test_scoresheet_refused_submission_keeps_the_typed_marks_and_the_next_save_succeeds(client, declared):
    url = urls(declared.dossier)["scoresheet"]
    post_sheet(client, declared.dossier, marks_form({"partenariat": 2}))

    refused = post_sheet(client, declared.dossier, marks_form({"partenariat": 4, "securite": 3}, action="submit",
                                                          comment="Commentaire tapé"))
    page = refused.get_data(as_text=True)

    assert refused.status_code == 422
    assert "Donnez une note à ce critère pour rendre votre fiche." in page
    assert '<input checked id="mark_partenariat-4" name="mark_partenariat" type="radio" value="4">' in page
    assert "Commentaire tapé" in page
    assert hidden_version(page) == scoresheet_of(declared.juror).version == 1

    saved = post_page(client, url, page, "submit", mark_reproductibilite="1", mark_originalite="5")

    assert saved.status_code == 302
    sheet = scoresheet_of(declared.juror)
    assert (sheet.status, sheet.overall_comment, sorted((m.criterion, m.value) for m in sheet.marks)) == (
        "submitted", "Commentaire tapé",
        [("originalite", 5), ("partenariat", 4), ("reproductibilite", 1), ("securite", 3)])


def test_scoresheet_conflict_shows_both_versions_and_saving_again_keeps_the_typed_one(client, declared):
    url = urls(declared.dossier)["scoresheet"]
    post_sheet(client, declared.dossier, marks_form({"partenariat": 2, "securite": 2}))
    first_tab = client.get(url).get_data(as_text=True)
    second_tab = client.get(url).get_data(as_text=True)
    post_page(client, url, second_tab, "save", mark_partenariat="3", comment="Avis du second onglet")

    conflict = post_page(client, url, first_tab, "save", mark_securite="4",
                         justification_securite="Justification du premier onglet")
    page = conflict.get_data(as_text=True)

    assert conflict.status_code == 409
    assert "Votre fiche a été modifiée entre-temps" in page
    assert '<input checked id="mark_securite-4" name="mark_securite" type="radio" value="4">' in page
    assert "Justification du premier onglet" in page
    assert stored_fields(page) == ["mark_partenariat", "mark_securite", "justification_securite", "comment"]
    assert [stored_value(page, name) for name in stored_fields(page)] == [
        "3 — Satisfaisant", "2 — Insuffisant", "(vide)", "Avis du second onglet"]
    assert hidden_version(page) == scoresheet_of(declared.juror).version == 2

    kept = post_page(client, url, page, "save")

    assert kept.status_code == 302
    sheet = scoresheet_of(declared.juror)
    marks = sorted((m.criterion, m.value, m.justification) for m in sheet.marks)
    assert (sheet.version, sheet.overall_comment, marks) == (
        3, "", [("partenariat", 2, ""), ("securite", 4, "Justification du premier onglet")])


def test_scoresheet_conflict_with_a_first_save_of_another_tab(client, declared):
    url = urls(declared.dossier)["scoresheet"]
    first_tab = client.get(url).get_data(as_text=True)
    post_sheet(client, declared.dossier, marks_form(1, action="submit"))

    conflict = post_page(client, url, first_tab, "submit", **{f"mark_{key}": "5" for key in CRITERIA})
    page = conflict.get_data(as_text=True)
    kept = post_page(client, url, page, "submit")

    assert conflict.status_code == 409
    assert stored_value(page, "mark_partenariat") == "1 — Très insuffisant"
    assert kept.status_code == 302
    assert sorted(m.value for m in scoresheet_of(declared.juror).marks) == [5, 5, 5, 5]


# The juror's conflict-of-interest declaration.
def test_declaration_refused_keeps_the_choice_and_the_completed_one_succeeds(client, login, jury):  # noqa: F811
    login(jury.juror)
    url = urls(jury.dossier)["declaration"]

    refused = client.form(url, {"choice": "conflict", "reason": "  "})
    page = refused.get_data(as_text=True)
    data = page_form(page, carrying="choice")
    data["reason"] = "J’ai conseillé l’équipe du projet en 2016."
    declared = client.post(url, data=data)

    assert refused.status_code == 422
    assert "Indiquez la nature de votre lien d’intérêt avec ce projet." in page
    assert data.getlist("choice") == ["conflict"]
    assert declared.status_code == 302
    declaration = db.session.scalar(db.select(ConflictDeclaration).filter_by(juror_id=jury.juror.id))
    assert (declaration.has_conflict, declaration.reason) == (True, "J’ai conseillé l’équipe du projet en 2016.")

