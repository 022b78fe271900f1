"""One journey per role, each from a demo stage built by the real command (``flask demo --stage``).

Every person signs in on the login page and goes on by the links and buttons of the pages they
reach, in Debian's Chromium against the live server; only a link read from an email is opened by
its address. What the others do meanwhile (jurors scoring, juries closing) is played between two
browser steps through the same operations as the demo's story. Each journey asserts what it
changed: rows, emails, the downloaded PDFs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from app.demo import DEMO_SLUG
from app.demo import cast as demo_cast
from app.demo.story import Cast, Timeline, finish_regional_juries, score_nation, score_region
from app.extensions import db
from app.models import AuditEntry, Candidature, ConflictDeclaration, Edition, Region, RegionalPick, RoleMembership, \
    Scoresheet, User
from tests.browser.accessibility import assert_accessible
from tests.browser.helpers import fill_steps, tick, type_code_if_asked
from tests.browser.test_candidate_journey import PDF, PNG, attach, fill_dossier

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # a Monday afternoon in Paris
DEMO_PASSWORD = demo_cast.PASSWORD
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def page(new_context, request):
    """A fresh browser context per test; ``indirect`` parametrisation gives its options (a phone's viewport)."""
    return new_context(accept_downloads=True, **getattr(request, "param", DESKTOP)).new_page()


# --- Steps shared by the journeys ------------------------------------------------------------------

def build_stage(app, clock, stage: str) -> str:
    """The demo at ``stage``, built by the command as ``make demo STAGE=…`` does; its printed output."""
    clock.set(NOW)
    result = app.test_cli_runner().invoke(args=["demo", "--stage", stage])
    assert result.exit_code == 0, result.output
    return result.output


def demo_story() -> Cast:
    edition = db.session.scalar(db.select(Edition).filter_by(slug=DEMO_SLUG))
    users = db.session.scalars(db.select(User).where(User.email.endswith("@" + demo_cast.DOMAIN)))
    return Cast(edition, {user.email: user for user in users})


def meanwhile(clock, act: Callable[[Cast, Timeline], None], hours: int = 3) -> None:
    """Others act between two browser steps, dated over the next ``hours``; the browser goes on after them."""
    start = clock()
    clock.advance(timedelta(hours=hours))
    act(demo_story(), Timeline(start, clock()))
    db.session.commit()


def sign_in_here(page, email: str, password: str = DEMO_PASSWORD, button: str = "Se connecter") -> None:
    """Fill the login page the browser shows and sign in."""
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    type_code_if_asked(page, email, demo_cast.TOTP_SECRET)  # the demo's organisers share one printed key


def sign_in(page, live_server: str, email: str) -> None:
    page.goto(live_server + "/connexion")
    sign_in_here(page, email)


def menu(page, name: str) -> None:
    """Follow an entry of the main menu, opening it first where it is folded (small screens)."""
    entry = page.locator("#navigation-principale").get_by_role("link", name=name, exact=True)
    if not entry.is_visible():
        page.locator("#bouton-menu").click()
    entry.click()


def pdf_text(download) -> str:
    """The text of a downloaded PDF, its whitespace (line breaks included) made single spaces."""
    reader = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    return " ".join("".join(p.extract_text() for p in reader.pages).split())


def wait_for_messages(smtp_server, recipient: str, subject: str, count: int, timeout: float = 15) -> list:
    """The ``count`` (or more) messages with ``subject`` to ``recipient``, waiting for them to arrive."""

    def found() -> list:
        return [m for m in smtp_server.to(recipient) if m.message["Subject"] == subject]

    with smtp_server.handler.arrival:
        smtp_server.handler.arrival.wait_for(lambda: len(found()) >= count, timeout)
    return found()


def mark_every_criterion(page, value: str) -> dict[str, int]:
    """Tick ``value`` for each criterion of the scoresheet shown; the marks by criterion."""
    names = dict.fromkeys(page.locator('input[type="radio"][name^="mark_"]').evaluate_all(
        "inputs => inputs.map(input => input.name)"))
    for name in names:
        tick(page, page.locator(f'input[name="{name}"][value="{value}"]'))
    return {name.removeprefix("mark_"): int(value) for name in names}


def declared_on(page) -> int:
    """The candidature whose declaration page the browser shows, read from the address bar."""
    return int(re.search(r"/jury/(?:regional|national)/(\d+)/declaration", page.url).group(1))


def region_id(code: str) -> int:
    return db.session.scalar(db.select(Region.id).join(Edition).filter(Edition.slug == DEMO_SLUG, Region.code == code))


def user_id(email: str) -> int:
    return db.session.scalar(db.select(User.id).filter_by(email=email))


# --- 1. Candidate, stage « depot » -----------------------------------------------------------------

CANDIDATE = "mathilde.leroy@demo.example.org"
CANDIDATE_PASSWORD = "une phrase de passe sûre"
FIRST_TITLE = "Le livret de sortie écrit avec les patients"
FIRST_SUMMARY = "Des usagers et des soignants écrivent ensemble le livret de sortie du service."


def test_candidate_registers_and_submits_from_the_depot_stage(page, shot, live_server, app, clock, smtp_server,
                                                              settle):
    build_stage(app, clock, "depot")
    settle()

    page.goto(live_server + "/")
    page.get_by_role("link", name="Créer un compte pour candidater").click()
    page.locator("#email").fill(CANDIDATE)
    page.locator("#password").fill(CANDIDATE_PASSWORD)
    page.locator("#confirmation").fill(CANDIDATE_PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_text("Si l’adresse est valide")).to_be_visible()
    page.goto(live_server + smtp_server.wait_for(CANDIDATE)[0].link(app.config["BASE_URL"]))  # the emailed link
    page.get_by_role("button", name="Confirmer mon adresse").click()
    expect(page.get_by_text("Votre adresse électronique est confirmée.")).to_be_visible()
    sign_in_here(page, CANDIDATE, CANDIDATE_PASSWORD)

    expect(page.get_by_role("heading", name="Mes candidatures")).to_be_visible()
    page.get_by_label("Région (agence régionale de santé)").select_option(label="Île-de-France")
    page.get_by_role("button", name="Créer un dossier").click()
    fill_steps(page, {"title": FIRST_TITLE, "summary": FIRST_SUMMARY})
    page.get_by_role("button", name="Enregistrer et déposer ma candidature").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("ne peut pas encore être déposé")
    expect(refusal).to_contain_text("la description du projet")
    shot("depot-refuse")
    refusal.get_by_role("link", name="Élément manquant : la description du projet.").click()
    expect(page.get_by_label("Résumé du projet", exact=True)).to_have_value(FIRST_SUMMARY)
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Votre dossier est enregistré.")).to_be_visible()
    settle()
    saved = db.session.scalars(db.select(Candidature).join(User, User.id == Candidature.owner_id).filter(User.email == CANDIDATE)).one()
    assert (saved.state, saved.title, saved.summary) == ("draft", FIRST_TITLE, FIRST_SUMMARY)
    settle()

    menu(page, "Mes candidatures")
    page.get_by_role("link", name=FIRST_TITLE).click()  # the dossier's last step: review, attachments, submission
    page.get_by_role("link", name="Gérer les pièces jointes").click()
    attach(page, "Bilan 2017 – évaluation.pdf", PDF, "application/pdf")
    attach(page, "affiche.png", PNG, "image/png")
    second_tab = page.context.new_page()  # the same person, in a second tab opened while a slot is free
    second_tab.goto(live_server + "/")
    menu(second_tab, "Mes candidatures")
    second_tab.get_by_role("link", name=FIRST_TITLE).click()
    second_tab.get_by_role("link", name="Gérer les pièces jointes").click()
    attach(page, "article de presse.pdf", PDF, "application/pdf")
    expect(page.get_by_text("3 sur 3 pièces jointes.")).to_be_visible()
    expect(page.get_by_text("3 pièces jointes maximum : remplacez ou supprimez un fichier")).to_be_visible()
    shot("trois-pieces-jointes")
    attach(second_tab, "quatrième.pdf", PDF, "application/pdf")
    expect(second_tab.get_by_role("alert")).to_contain_text("3 pièces jointes maximum")
    shot("quatrieme-refusee", second_tab)
    assert_accessible(second_tab)  # an upload refused, as a form's error

    page.get_by_role("link", name=FIRST_TITLE).click()  # back to the dossier's last step
    page.get_by_role("link", name="Le candidat", exact=True).click()  # its first step
    fill_dossier(page)
    shot("dossier-complet")
    page.get_by_role("button", name="Enregistrer et déposer ma candidature").click()
    expect(page.get_by_text("Votre candidature est déposée. Récépissé n°")).to_be_visible()
    shot("deposee")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le récépissé (PDF)").click()

    settle()
    candidature = db.session.scalars(db.select(Candidature).join(User, User.id == Candidature.owner_id).filter(User.email == CANDIDATE)).one()
    number, region = candidature.receipt_number, candidature.region.code
    attachments = [a.display_name for a in candidature.attachments]
    settle()  # on SQLite an open read would keep the sender of the receipt waiting
    assert (candidature.state, region) == ("submitted", "IDF")
    assert attachments == ["Bilan 2017 – évaluation.pdf", "affiche.png", "article de presse.pdf"]
    assert number in pdf_text(download)
    assert smtp_server.wait_for(CANDIDATE, subject=f"Récépissé de dépôt — {number}")


# --- 2. Regional organiser (ARS), stage « jury-regional », Corse ------------------------------------

ARS_COR = "ars.cor@demo.example.org"
HOLDER_COR = "porteur.cor@demo.example.org"
INVITEE = "lucie.roux@demo.example.org"
INADMISSIBLE_TEXT = "Ce projet reprend mot pour mot le dossier déposé sous un autre titre par la même équipe."
ARS_OPINION = "Un partenariat exemplaire entre usagers et soignants, que l’ARS souhaite voir essaimer en Corse."


def test_ars_sets_aside_opens_the_jury_picks_closes_and_downloads_the_minutes(page, shot, live_server, app, clock,
                                                                              smtp_server, settle):
    build_stage(app, clock, "jury-regional")
    corse = region_id("COR")
    titles = db.session.scalars(db.select(Candidature.title).filter_by(region_id=corse, state="submitted")
                                .order_by(Candidature.id)).all()
    settle()
    set_aside = titles[0]

    sign_in(page, live_server, ARS_COR)
    expect(page.get_by_role("heading", name="Tableau de bord : Corse")).to_be_visible()
    shot("tableau-de-bord")
    page.get_by_role("link", name=set_aside, exact=True).click()
    tick(page, page.locator('input[name="code"][value="doublon"]'))
    page.get_by_label("Précisions communiquées au candidat").fill(INADMISSIBLE_TEXT)
    shot("irrecevabilite")
    assert_accessible(page)
    page.get_by_role("button", name="Déclarer irrecevable").click()
    expect(page.get_by_text("La candidature est déclarée irrecevable ; le candidat est prévenu")).to_be_visible()
    told = smtp_server.wait_for(HOLDER_COR, subject="Votre candidature est irrecevable")

    page.get_by_role("link", name="Tableau de bord", exact=True).click()
    page.get_by_role("button", name="Ouvrir le jury régional").click()
    assert len(titles) - 1 > 1  # the plural sentence below
    expect(page.get_by_text(f"Le jury régional est ouvert : {len(titles) - 1} dossiers lui sont soumis.")) \
        .to_be_visible()
    page.get_by_role("link", name="Jury régional", exact=True).click()
    page.get_by_label("Adresse électronique du juré").fill(INVITEE)
    page.get_by_label("Nom et prénom").fill("Lucie Roux")
    page.get_by_role("button", name="Inviter", exact=True).click()
    expect(page.get_by_text(f"{INVITEE} fait partie du jury ; un courriel lui est envoyé.")).to_be_visible()
    shot("jure-invite")
    invitation = smtp_server.wait_for(INVITEE, subject="Invitation au jury régional — Corse")
    page.get_by_role("row").filter(has_text=INVITEE).get_by_role("link", name="Retirer du jury").click()
    expect(page.get_by_text("Son invitation, encore sans réponse, ne pourra plus servir.")).to_be_visible()
    shot("jure-retrait")
    page.get_by_role("button", name="Retirer du jury").click()
    expect(page.get_by_text(f"{INVITEE} ne fait plus partie du jury.")).to_be_visible()

    meanwhile(clock, lambda story, tl: score_region(story, story.region("COR"), tl, complete=True))
    page.get_by_role("link", name="Classement et sélection").click()
    expect(page.get_by_text("Toutes les grilles d’évaluation attendues ne sont pas reçues")).to_have_count(0)
    shot("classement")
    page.get_by_role("link", name="Retenir", exact=True).first.click()
    pick_title = re.search(r"Retenir « (.+) » pour l’étape nationale", page.locator("h1").inner_text()).group(1)
    page.get_by_label("Avis de l’ARS").fill(ARS_OPINION)
    page.get_by_role("button", name="Retenir cette candidature").click()
    expect(page.get_by_text(f"« {pick_title} » est retenue pour l’étape nationale.")).to_be_visible()
    page.get_by_role("link", name="Clôturer la sélection régionale").click()
    shot("cloture")
    page.get_by_role("button", name="Clôturer la sélection", exact=True).click()
    expect(page.get_by_text("La sélection régionale est close.")).to_be_visible()
    shot("close")
    page.get_by_role("button", name="Procès-verbal de délibération (PDF)").click()  # a job prepares it
    expect(page.get_by_text("Le fichier est prêt.")).to_be_visible()
    shot("proces-verbal")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Télécharger \(")).click()

    settle()
    region = db.session.get(Region, corse)
    states = dict(db.session.execute(db.select(Candidature.title, Candidature.state).filter_by(region_id=corse)).all())
    inadmissible = db.session.scalar(db.select(Candidature).filter_by(region_id=corse, title=set_aside))
    picks = [(p.candidature.title, p.opinion) for p in db.session.scalars(db.select(RegionalPick)
                                                                          .filter_by(region_id=corse))]
    organiser = user_id(ARS_COR)
    invitee_seats = db.session.scalars(db.select(RoleMembership).filter_by(user_id=user_id(INVITEE))).all()
    sheets = db.session.scalars(db.select(Scoresheet.status).join(Candidature).filter(
        Candidature.region_id == corse)).all()
    removals = [(e.actor_id, e.data["email"]) for e in db.session.scalars(db.select(AuditEntry).filter_by(
        region_id=corse, action="jury.remove"))]
    assert (inadmissible.state, inadmissible.inadmissibility_code, inadmissible.inadmissibility_reason) == (
        "inadmissible", "doublon", INADMISSIBLE_TEXT)
    assert "Motif : Doublon d’un autre dossier." in told[0].body and INADMISSIBLE_TEXT in told[0].body
    assert invitation[0].link(app.config["BASE_URL"]).startswith("/ars/invitation/")
    assert (invitee_seats, removals) == ([], [(organiser, INVITEE)])
    assert sheets == ["submitted"] * 2 * (len(titles) - 1)  # both Corse jurors, every dossier before the jury
    assert picks == [(pick_title, ARS_OPINION)]
    assert region.stage == "closed"
    assert states[pick_title] == "national_shortlist"
    assert sorted(states.values()) == sorted(["inadmissible", "national_shortlist"]
                                             + ["regional_not_selected"] * (len(titles) - 2))
    minutes = pdf_text(download)
    assert "Corse" in minutes and pick_title in minutes


# --- 3. Regional juror, stage « jury-regional », Auvergne-Rhône-Alpes -------------------------------

JUROR_ARA = "jure3.ara@demo.example.org"
CONFLICT_NATURE = "Je siège au conseil d’administration de l’établissement qui porte ce projet."
# The labels the juror follows, in each language of the interface.
JUROR_WORDS = {
    "fr": {"sign in": "Se connecter", "declare": "Déclarer mes liens d’intérêt", "save": "Enregistrer ma déclaration",
           "sheet": "Fiche de notation", "submit": "Rendre ma fiche", "back": "Retour à la liste",
           "list": "Mes candidatures à évaluer", "nature": "Nature du lien d’intérêt",
           "declared": "Votre déclaration est enregistrée : vous pouvez lire le dossier.",
           "conflict": "Votre lien d’intérêt est enregistré", "submitted": "Votre fiche de notation est rendue."},
    "en": {"sign in": "Sign in", "declare": "Declare my conflicts of interest", "save": "Save my declaration",
           "sheet": "Score sheet", "submit": "Submit my score sheet", "back": "Back to the list",
           "list": "My applications to assess", "nature": "Nature of the conflict of interest",
           "declared": "Your declaration has been saved: you can read the application file.",
           "conflict": "Your conflict of interest has been recorded",
           "submitted": "Your score sheet has been submitted."},
}


@pytest.mark.parametrize(("language", "page"), [("fr", DESKTOP), ("en", PHONE)], indirect=["page"],
                         ids=["fr-desktop", "en-phone"])
def test_regional_juror_declares_and_scores(language, page, shot, live_server, app, clock, settle):
    words = JUROR_WORDS[language]
    build_stage(app, clock, "jury-regional")
    settle()

    page.goto(live_server + "/connexion")
    if language != "fr":  # the header's language switch, folded in the menu on small screens
        if not page.locator(f'a[hreflang="{language}"]:visible').count():
            page.locator("#bouton-menu").click()
        page.locator(f'a[hreflang="{language}"]:visible').click()
        assert page.locator("html").get_attribute("lang") == language
    sign_in_here(page, JUROR_ARA, button=words["sign in"])
    expect(page.get_by_role("heading", name=words["list"])).to_be_visible()
    shot("liste")
    page.get_by_role("link", name=words["declare"]).first.click()
    scored = declared_on(page)
    tick(page, page.locator('input[name="choice"][value="none"]'))
    page.get_by_role("button", name=words["save"]).click()
    expect(page.get_by_text(words["declared"])).to_be_visible()
    expect(page.get_by_role("heading", name=words["sheet"])).to_be_visible()  # beside the dossier
    marks = mark_every_criterion(page, "4")
    shot("fiche-remplie")
    page.get_by_role("button", name=words["submit"]).click()
    expect(page.get_by_text(words["submitted"])).to_be_visible()

    page.get_by_role("link", name=words["back"]).click()
    page.get_by_role("link", name=words["declare"]).first.click()
    conflicted = declared_on(page)
    tick(page, page.locator('input[name="choice"][value="conflict"]'))
    page.get_by_label(words["nature"]).fill(CONFLICT_NATURE)
    shot("lien-d-interet")
    assert_accessible(page)  # a form of radio buttons revealing a text field, in both languages and widths
    page.get_by_role("button", name=words["save"]).click()
    expect(page.get_by_text(words["conflict"])).to_be_visible()
    shot("liste-apres")

    settle()
    juror = user_id(JUROR_ARA)
    declarations = {d.candidature_id: (d.has_conflict, d.reason, d.source, d.stage) for d in db.session.scalars(
        db.select(ConflictDeclaration).filter_by(juror_id=juror))}
    sheets = [(s.candidature_id, s.status, s.stage, {m.criterion: m.value for m in s.marks})
              for s in db.session.scalars(db.select(Scoresheet).filter_by(juror_id=juror))]
    criteria = [c.key for c in demo_story().edition.contest.criteria]
    regions = db.session.scalars(db.select(Region.code).join(Candidature).where(
        Candidature.id.in_([scored, conflicted]))).all()
    assert regions == ["ARA", "ARA"]
    assert declarations == {scored: (False, None, "juror", "regional"),
                            conflicted: (True, CONFLICT_NATURE, "juror", "regional")}
    assert sheets == [(scored, "submitted", "regional", marks)]
    assert sorted(marks) == sorted(criteria)


# --- 4. National organiser, stage « jury-regional » ------------------------------------------------

NATIONAL = "national@demo.example.org"
EXCUSE = "L’ARS de Corse n’a pas pu réunir son jury régional : trois jurés sur quatre se sont désistés."
RATIONALE = "Le jury national distingue un partenariat exemplaire, évalué et transposable dans toutes les régions."


def test_national_organiser_excuses_a_region_declares_the_winner_and_publishes(page, shot, live_server, app, clock,
                                                                               smtp_server, settle):
    build_stage(app, clock, "jury-regional")
    corse = region_id("COR")
    excused_count = db.session.scalar(db.select(db.func.count(Candidature.id)).filter_by(region_id=corse,
                                                                                         state="submitted"))
    settle()

    sign_in(page, live_server, NATIONAL)
    expect(page.get_by_role("heading", name=re.compile("^Étape nationale"))).to_be_visible()
    shot("vue-d-ensemble")
    page.get_by_role("link", name="Excuser Corse").click()
    page.get_by_label("Motif").fill(EXCUSE)
    page.get_by_role("button", name="Excuser la région").click()
    expect(page.get_by_text("La région Corse est excusée ; ses candidats sont prévenus par courriel.")).to_be_visible()
    told = wait_for_messages(smtp_server, HOLDER_COR, "Votre candidature ne pourra pas être examinée cette année",
                             excused_count)

    meanwhile(clock, finish_regional_juries)
    page.get_by_role("link", name="Vue d’ensemble").click()
    expect(page.get_by_text("Toutes les régions ont clôturé leur sélection ou sont excusées.")).to_be_visible()
    page.get_by_role("button", name="Ouvrir le jury national").click()
    expect(page.get_by_text("Le jury national est ouvert.")).to_be_visible()
    meanwhile(clock, lambda story, tl: score_nation(story, tl, complete=True))
    page.get_by_role("link", name="Classement national").click()
    shot("classement-national")
    page.get_by_role("link", name="Désigner lauréat").first.click()
    winner_title = re.search(r"Désigner « (.+) » lauréat national", page.locator("h1").inner_text()).group(1)
    page.get_by_label("Motivation de la décision du jury national").fill(RATIONALE)
    page.get_by_role("button", name="Désigner le lauréat").click()
    expect(page.get_by_text(f"« {winner_title} » est le lauréat national.")).to_be_visible()
    page.get_by_role("link", name="Publication des résultats").click()
    page.get_by_role("button", name="Publier les résultats").click()
    expect(page.get_by_text("Les résultats sont publiés")).to_be_visible()
    shot("publies")
    menu(page, "Exports")
    with page.expect_download() as download:
        page.get_by_role("link", name="Livret de la sélection nationale (PDF)").click()

    settle()
    edition = demo_story().edition
    winner = db.session.scalars(db.select(Candidature).filter_by(edition_id=edition.id, state="winner")).one()
    winner_owner, winner_got = winner.owner.email, winner.title
    corse_states = set(db.session.scalars(db.select(Candidature.state).filter_by(region_id=corse)
                                          .filter(Candidature.state != "draft")))
    stages = {region.code: region.stage for region in edition.regions}
    national_stage, rationale, published = edition.national_stage, edition.winner_rationale, edition.published_at
    results = f"Résultats du concours — {edition.contest.name}"
    settle()  # on SQLite an open read would keep the sender of the results waiting
    assert winner_got == winner_title and rationale == RATIONALE
    assert (national_stage, published is not None) == ("published", True)
    assert stages.pop("COR") == "excused" and set(stages.values()) == {"closed"}
    assert corse_states == {"region_excused"}
    assert len(told) == excused_count
    for message in told:
        assert "n’a pas réuni de jury régional" in message.body and EXCUSE in message.body
        assert "non retenu" not in message.body.lower()
    assert smtp_server.wait_for(winner_owner, subject=results)
    corse_results = wait_for_messages(smtp_server, HOLDER_COR, results, excused_count)
    assert len(corse_results) == excused_count
    for message in corse_results:
        assert "Votre région n’a pas réuni de jury régional" in message.body
        assert "non retenu" not in message.body.lower()
    assert winner_title in pdf_text(download)


# --- 5. National juror, stage « jury-national » ----------------------------------------------------

NATIONAL_JUROR = "jure2.national@demo.example.org"


def test_national_juror_declares_no_conflict_and_submits_a_sheet(page, shot, live_server, app, clock, settle):
    build_stage(app, clock, "jury-national")
    juror = user_id(NATIONAL_JUROR)
    settle()

    sign_in(page, live_server, NATIONAL_JUROR)
    expect(page.get_by_role("heading", name="Mes candidatures à évaluer")).to_be_visible()
    expect(page.get_by_text("Jury : jury national.")).to_be_visible()
    shot("liste")
    page.get_by_role("link", name="Déclarer mes liens d’intérêt").first.click()
    candidature_id = declared_on(page)
    tick(page, page.locator('input[name="choice"][value="none"]'))
    page.get_by_role("button", name="Enregistrer ma déclaration").click()
    expect(page.get_by_text("Votre déclaration est enregistrée : vous pouvez lire le dossier.")).to_be_visible()
    expect(page.get_by_role("heading", name="Fiche de notation")).to_be_visible()  # beside the dossier
    marks = mark_every_criterion(page, "3")
    page.get_by_label("Commentaire général").fill("Un projet solide, à faire connaître.")
    shot("fiche-remplie")
    page.get_by_role("button", name="Rendre ma fiche").click()
    expect(page.get_by_text("Votre fiche de notation est rendue.")).to_be_visible()

    settle()
    candidature = db.session.get(Candidature, candidature_id)
    declaration = db.session.scalars(db.select(ConflictDeclaration).filter_by(
        juror_id=juror, candidature_id=candidature.id, stage="national")).one()
    sheet = db.session.scalars(db.select(Scoresheet).filter_by(
        juror_id=juror, candidature_id=candidature.id, stage="national")).one()
    assert candidature.state == "national_shortlist"
    assert (declaration.has_conflict, declaration.source) == (False, "juror")
    assert (sheet.status, {m.criterion: m.value for m in sheet.marks}, sheet.overall_comment) == (
        "submitted", marks, "Un projet solide, à faire connaître.")
    assert len(marks) == len(candidature.edition.contest.criteria)


# --- 6. Visitor, stage « resultats » ---------------------------------------------------------------

def test_visitor_follows_the_home_page_to_the_results_on_a_computer_and_a_phone(new_context, page, shot, live_server,
                                                                             app, clock, settle):
    build_stage(app, clock, "resultats")
    winner = db.session.scalars(db.select(Candidature).filter_by(state="winner")).one().title
    settle()
    phone = new_context(**PHONE).new_page()

    for screen, visitor in (("ordinateur", page), ("telephone", phone)):
        visitor.goto(live_server + "/")
        shot(f"accueil-{screen}", visitor)
        menu(visitor, "Résultats")

        expect(visitor.get_by_role("heading", name="Résultats du concours")).to_be_visible()
        expect(visitor.get_by_role("heading", name="Lauréat national", exact=True)).to_be_visible()
        expect(visitor.get_by_role("heading", name=winner, exact=True).first).to_be_visible()  # winners come first
        shot(f"resultats-{screen}", visitor)

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger les résultats (CSV, UTF-8, séparateur « ; »)").click()
    assert winner in download.value.path().read_text(encoding="utf-8-sig")
