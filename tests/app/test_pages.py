"""The public pages: home with the edition's rules and countdown, the login form, errors in French,
English on request, and markup a strict Content-Security-Policy will accept."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from tests.conftest import PARIS
from workflows.states import Role

NBSP = "\u00a0"


def test_home_shows_the_rules_of_the_edition(client, edition):
    page = client.get("/").get_data(as_text=True)

    contest = edition.contest
    assert contest.title in page
    assert all(criterion.label in page for criterion in contest.criteria)
    assert all(category.label in page for category in contest.categories)
    assert "3 pièces jointes au maximum par projet, de 10 Mo chacune au plus" in page
    assert "voie postale ne sont pas prises en compte" in page
    assert "de 1 à 2 projets" in page
    assert 'lang="fr"' in page


def test_home_states_the_deadline_in_paris_time(client, edition):
    page = client.get("/").get_data(as_text=True)

    assert "Avant le dimanche 15 octobre 2017 à minuit, heure de Paris." in page
    assert (f'Le dépôt ferme le <time datetime="2017-10-16T00:00:00+02:00">lundi 16 octobre 2017 à 0{NBSP}h{NBSP}00'
            "</time> (heure de Paris).") in page


@pytest.mark.parametrize(("day", "said"), [
    (21, "Le projet lauréat sera primé au ministère le 21 novembre 2017."),
    (22, "Le projet lauréat a été primé au ministère le 21 novembre 2017."),
])
def test_home_says_the_ceremony_in_the_future_until_its_day_is_over(client, edition, clock, day, said):
    clock.set(datetime(2017, 11, day, 0, 30, tzinfo=PARIS))

    page = " ".join(client.get("/").get_data(as_text=True).split())

    assert said in page


def test_home_countdown_counts_days_and_hours(client, edition, clock):
    clock.set(datetime(2017, 10, 12, 20, 0, tzinfo=PARIS))

    page = client.get("/").get_data(as_text=True)

    assert "Il reste 3 jours et 4 heures." in page
    assert 'data-deadline="2017-10-16T00:00:00+02:00"' in page
    assert "moins de 24 heures" not in page


def test_home_warns_during_the_last_day(client, edition, clock):
    clock.set(datetime(2017, 10, 15, 23, 59, 0, tzinfo=PARIS))

    page = client.get("/").get_data(as_text=True)

    assert "Il reste 1 minute." in page
    assert "il reste moins de 24 heures" in page


def test_home_after_deadline_says_closed(client, edition, clock):
    clock.set(datetime(2017, 10, 16, 0, 0, tzinfo=PARIS))

    page = client.get("/").get_data(as_text=True)

    assert "Le dépôt des candidatures est clos." in page


def test_home_without_edition_says_none_is_open(client):
    page = client.get("/").get_data(as_text=True)

    assert "Aucune édition du concours n’est ouverte pour le moment." in page


def test_home_in_english_on_request(client, edition):
    client.get("/langue/en?next=/")

    page = client.get("/").get_data(as_text=True)

    assert '<html lang="en"' in page
    assert "Who may apply?" in page
    assert ('Submissions close on <time datetime="2017-10-16T00:00:00+02:00">Monday 16 October 2017 at 00:00</time>'
            " (Paris time).") in page
    assert "Avant le dimanche" not in page
    # The definition's items show their English wording; its texts without one stay French, and say so.
    assert f"<li>{edition.contest.criteria[0].label_en}</li>" in page
    assert f'<h1><span lang="fr">{edition.contest.name}</span></h1>' in page


def test_language_switch_marks_the_current_language(client):
    page = client.get("/").get_data(as_text=True)

    current = re.findall(r'<a class="fr-btn" lang="(\w+)"[^>]*aria-current="true"', page)
    assert current == ["fr"]


def test_language_switch_refuses_external_next(client):
    response = client.get("/langue/en?next=//evil.example/")

    assert response.headers["Location"] == "/"


def test_login_form_links_hints_and_errors_to_inputs(client):
    response = client.form("/connexion", {"email": "pas-une-adresse", "password": ""})

    page = response.get_data(as_text=True)
    email = re.search(r'<input [^>]*id="email"[^>]*>', page).group(0)
    assert 'aria-describedby="email-hint email-error"' in email
    assert 'aria-invalid="true"' in email
    assert 'autocomplete="email"' in email
    assert '<p id="email-error" class="fr-error-text">Adresse électronique invalide.</p>' in page
    assert 'autocomplete="current-password"' in page
    assert '<p id="password-error" class="fr-error-text">Indiquez votre mot de passe.</p>' in page


def test_header_offers_logout_with_csrf_when_signed_in(client, login, make_user):
    user = make_user()
    login(user)

    page = client.get("/").get_data(as_text=True)

    assert user.email in page
    assert re.search(r'<form method="post" action="/deconnexion">\s*<input type="hidden" name="csrf_token" value="[^"]+">',
                     page)
    assert "Se connecter" not in page


def test_error_flash_is_an_alert_and_others_a_status(client):
    page = client.form("/connexion", {"email": "inconnu@example.org", "password": "x"}).get_data(as_text=True)

    assert ('<div class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w" role="alert">\n'
            "        <p>Adresse électronique ou mot de passe incorrect.</p>") in page


def test_not_found_page_is_french_and_leaks_nothing(client):
    response = client.get("/nulle-part")

    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<title>Page introuvable — Concours SSP</title>" in page
    assert "Erreur 404" in page
    assert "Traceback" not in page and "werkzeug" not in page.lower()


def test_request_too_large_gets_french_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 10

    response = client.post("/connexion", data={"email": "x" * 100})

    assert response.status_code == 413
    assert "Fichier trop volumineux" in response.get_data(as_text=True)


def test_unexpected_error_gets_french_500_without_details(app, client):
    from app.access import public

    def broken():
        raise RuntimeError("SELECT secret FROM users")

    app.add_url_rule("/casse", "broken", public(broken))

    response = client.get("/casse")

    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Erreur du serveur" in page
    assert "secret" not in page


@pytest.mark.parametrize("url", ["/", "/connexion", "/nulle-part"])
def test_pages_have_no_inline_script_or_style(client, edition, url):
    page = client.get(url).get_data(as_text=True)

    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts and all(" src=" in tag for tag in scripts)
    assert re.findall(r"\s(?:style|on[a-z]+)=", page) == []


def test_home_countdown_uses_french_plurals(client, edition, clock):
    clock.set(datetime(2017, 10, 12, 0, 0, tzinfo=PARIS))

    page = client.get("/").get_data(as_text=True)

    assert "Il reste 4 jours et 0 heure." in page


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accessibilite", "Déclaration d’accessibilité"),
        ("/mentions-legales", "Mentions légales"),
        ("/donnees-personnelles", "Données personnelles"),
    ],
)
def test_footer_pages_are_public_and_linked_from_every_page(client, url, heading):
    page = client.get(url).get_data(as_text=True)

    assert f"<h1>{heading}</h1>" in page
    assert f'href="{url}"' in client.get("/").get_data(as_text=True)


def menu(client) -> list[str]:
    page = client.get("/").get_data(as_text=True)
    nav = page.split('aria-label="Menu principal"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'class="fr-nav__link" href="[^"]*" target="_self"[^>]*>([^<]+)</a>', nav)


@pytest.mark.parametrize(
    ("role", "region", "expected"),
    [
        (None, None, ["Résultats"]),
        (Role.CANDIDATE, None, ["Mes candidatures", "Résultats"]),
        (Role.REGIONAL_ORGANISER, "HDF", ["ARS Hauts-de-France", "Exports", "Résultats"]),
        (Role.REGIONAL_JUROR, "IDF", ["Jury régional", "Exports", "Résultats"]),
        (Role.NATIONAL_ORGANISER, None, ["Étape nationale", "Exports", "Résultats"]),
    ],
)
def test_menu_offers_each_role_its_spaces(client, edition, make_user, login, role, region, expected):
    if role:
        login(make_user(role, region=region))

    assert menu(client) == expected


def test_error_page_stays_french_when_no_page_can_be_drawn(app, client):
    def unreachable_database():  # what loading the user for the menu does when the database is down
        raise ConnectionError("could not connect to 10.0.0.5:5432 as concours")

    app.context_processor(unreachable_database)

    response = client.get("/")

    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Le service est momentanément indisponible" in page
    assert "10.0.0.5" not in page and "Traceback" not in page
