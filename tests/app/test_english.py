"""English complete: no French message of the catalogue on an English page, whoever reads it.

Each role of the demo (built through the real operations) signs in, switches to English and reads
its workspace and the pages it links to. The visible text, without what the contest definition
or people wrote in French (marked lang="fr", or typed into dossiers), must hold none of the
catalogue's French messages whose English differs."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po

from app.demo import DEMO_SLUG, cast
from app.extensions import db
from app.models import AuditEntry, Candidature, Edition, RoleMembership, User
from tests.app.test_demo import NOW, run_demo
from workflows.states import Role

ENGLISH = Path(__file__).resolve().parents[2] / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
SHORTEST_FRAGMENT = 12  # a longer piece of a message with parameters cannot be there by chance
PAGES_PER_ROLE = 25
SKIPPED = re.compile(r"/(deconnexion|langue)/?|\.(csv|xlsx|pdf|zip)$|/telecharger|/fichier|/export")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def catalogue():
    return read_po(ENGLISH.open("rb"), locale="en")


def french_messages() -> tuple[set[str], set[str]]:
    """The French messages whose English differs: whole ones, and long fixed pieces of the others."""
    whole, pieces = set(), set()
    for message in catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for french in ids:
            if french in strings:
                continue
            fragments = [part.strip(" .,:;«»()—") for part in PLACEHOLDER.split(french)]
            if len(fragments) == 1 and fragments[0]:  # a message of punctuation only (" ; ") is in no language
                whole.add(fragments[0])
            pieces.update(f for f in fragments if len(f) >= SHORTEST_FRAGMENT)
    return whole, pieces


class VisibleText(HTMLParser):
    """Text nodes a reader sees (and the titles of abbreviations), without elements in French."""

    def __init__(self, typed: set[str]):
        super().__init__(convert_charrefs=True)
        self.typed, self.nodes, self.stack = typed, [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # lang="fr" inside the page marks French on an English page (the root element names the page's language).
        hidden = tag in ("script", "style", "template") or (tag != "html" and attributes.get("lang") == "fr")
        if tag not in VOID:
            self.stack.append(hidden)
        if not any(self.stack) and attributes.get("title"):
            self.nodes.append(attributes["title"])

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        text = " ".join(data.split())
        for value in self.typed:  # what people typed, even inside one of our sentences
            text = text.replace(value, "")
        if text and not any(self.stack):
            self.nodes.append(text)


def french_on(html: str, typed: set[str], whole: set[str], pieces: set[str]) -> set[str]:
    parser = VisibleText(typed)
    parser.feed(html)
    found = set()
    for node in parser.nodes:
        for text in {node, node.strip(" .,:;«»()—*")}:
            if text in whole:
                found.add(text)
        found.update(piece for piece in pieces if piece in node)
    return found


def typed_by_people() -> set[str]:
    """What candidates and organisers wrote (titles, names, reasons): French by nature."""
    rows = db.session.execute(db.select(Candidature.title, Candidature.structure_name, Candidature.summary,
                                        Candidature.inadmissibility_reason)).all()
    reasons = db.session.scalars(db.select(AuditEntry.reason).where(AuditEntry.reason.is_not(None))).all()
    values = [value for row in rows for value in row] + list(reasons)
    return {" ".join(value.split()) for value in values if value}


def links(html: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"]+)"', html):
        path = urlsplit(href.replace("&amp;", "&"))
        if not path.netloc and path.path.startswith("/") and not path.path.startswith("/static") \
                and not SKIPPED.search(path.path):
            found.append(path.path + (f"?{path.query}" if path.query else ""))
    return found


def one_account_per_role() -> dict[Role, User]:
    edition = db.session.scalar(db.select(Edition).filter_by(slug=DEMO_SLUG))
    accounts = {}
    for role in Role:
        query = db.select(User).join(RoleMembership).where(RoleMembership.role == role.value,
                                                      User.email.like("%@demo.example.org"))
        if role.is_edition_staff:
            query = query.where(RoleMembership.edition_id == edition.id)
        if user := db.session.scalars(query.order_by(User.id)).first():
            accounts[role] = user
    return accounts


def read_in_english(app, user: User) -> dict[str, int]:
    """Sign in, switch to English, read the workspace and what it links to; path -> status."""
    client = app.test_client()
    client.get("/langue/en")
    signed_in = client.form("/connexion", {"email": user.email, "password": cast.PASSWORD})
    assert signed_in.status_code == 302
    client.get("/langue/en")  # kept in the account too (the emails' language)
    queue, read = [signed_in.headers["Location"], "/"], {}
    while queue and len(read) < PAGES_PER_ROLE:
        path = queue.pop(0)
        if path in read:
            continue
        response = client.get(path)
        read[path] = response
        if response.status_code == 200 and response.mimetype == "text/html":
            queue += [link for link in links(response.get_data(as_text=True)) if link not in read]
    return read


@pytest.fixture
def demo_at(app, clock):
    clock.set(NOW)

    def at(stage: str):
        run_demo(app, "--stage", stage)
        db.session.expire_all()

    return at


def test_catalogue_has_no_empty_english_message():
    empty = [m.id for m in catalogue() if m.id and not all(
        m.string if isinstance(m.string, tuple) else (m.string,))]

    assert empty == []


def test_french_messages_are_found_on_a_page_in_french(app, client, edition):
    """The check itself: the French home page shows catalogue messages, the English one none."""
    whole, pieces = french_messages()

    french = french_on(client.get("/").get_data(as_text=True), set(), whole, pieces)
    client.get("/langue/en")
    english = french_on(client.get("/").get_data(as_text=True), set(), whole, pieces)

    assert {"Qui peut candidater ?", "Les critères de sélection"} <= french
    assert english == set()


@pytest.mark.parametrize("stages", [("jury-regional",), ("jury-regional", "resultats")], ids=["jury", "results"])
def test_no_french_message_on_english_pages_for_any_role(app, demo_at, stages):
    for stage in stages:
        demo_at(stage)
    whole, pieces = french_messages()
    typed = typed_by_people()
    accounts = one_account_per_role()

    french, statuses = {}, {}
    for role, user in accounts.items():
        for path, response in read_in_english(app, user).items():
            statuses[f"{role} {path}"] = response.status_code
            if response.mimetype == "text/html":
                if found := french_on(response.get_data(as_text=True), typed, whole, pieces):
                    french[f"{role} {path}"] = sorted(found)

    assert set(accounts) == set(Role)
    assert [page for page, status in statuses.items() if status >= 500] == []
    assert len(statuses) > 5 * len(accounts)
    assert french == {}


def test_emails_are_written_in_the_language_their_reader_chose(app, client, make_user, login, smtp_server):
    english_reader, french_reader = make_user(Role.CANDIDATE), make_user(Role.CANDIDATE)
    login(english_reader)
    client.get("/langue/en")  # kept in the account
    client.form("/deconnexion", page="/")

    anonymous = app.test_client()  # asks in French for both: the reader's choice decides
    for user in (english_reader, french_reader):
        anonymous.form("/mot-de-passe/oubli", {"email": user.email})

    english, french = (smtp_server.to(user.email)[-1].message for user in (english_reader, french_reader))
    english_body, french_body = (m.get_content().replace("\r\n", "\n") for m in (english, french))
    assert (english["Subject"], french["Subject"]) == ("Resetting your password",
                                                       "Réinitialisation de votre mot de passe")
    assert english_body.startswith("Hello,\n\nTo choose a new password, open this link")
    assert english_body.endswith("\n--\nContest “Patients and carers: partners for patient safety”\n"
                                 "Automatic message: please do not reply.\n")
    assert french_body.startswith("Bonjour,\n\nPour choisir un nouveau mot de passe")
