"""Every page is reachable by links: each demo login, at each demo stage, follows the links of the
pages it can open from its landing page; a page that no one reaches that way could only be reached
by typing its address, and fails the test.

The demo is built through its real story and moved forward stage by stage, as ``make demo STAGE=…``
does; each person signs in with the printed password through the sign-in form.
"""

from __future__ import annotations

from collections import Counter, deque
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from werkzeug.exceptions import HTTPException

from app.demo import DEMO_SLUG, build, cast
from app.demo.story import Cast, Timeline, score_nation, score_region
from app.extensions import db
from app.models import Edition, User
from tests.conftest import sign_in

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
# The day each stage is played, moving the demo forward as its README says (a stage after the
# deposit only once the deadline has passed).
STAGE_DAYS = {"depot": 0, "jury-regional": 10, "jury-national": 11, "resultats": 12}
# One login per kind of work: a candidate, the ARS of a closed region and of a region still
# scoring, a regional juror, the national organiser and juror, the admin; None is the public.
VISITORS = (None, "candidat", "ars.hdf", "ars.idf", "jure.idf", "national", "jure.national", "admin")
# Reached from an email, by design: a link carrying a single-use token.
EMAIL_LINKS = {"auth.verify_email", "auth.reset_password", "regional.accept_invitation", "emailed.take_over"}
# Pages a form leads to: the sign-in's second step (after the password of an organiser), and an
# account found by the admin's search (an address typed in its field).
FORM_STEPS = {"mfa.code"}
# Former addresses that now redirect, kept for the bookmarks and tabs of people at work: no page links them.
# The minutes' and the tables' lead to the page that asks a job for them (the pages' buttons ask at once).
FORMER_ADDRESSES = {"jury.dossier", "candidatures.edit", "selection.minutes", "exports.table", "exports.prepare"}
SEARCHES = {"admin": [f"/admin/?email={cast.email('ars.hdf')}"]}
# Links that act rather than show (switching language): noted as reached, not followed.
NOT_FOLLOWED = {"i18n.switch_language"}
# Enough instances of each page to walk past it (a dossier, a region) without visiting them all.
PER_ENDPOINT = 3


# Buttons that only ask for something to be prepared: pressed, and the page they lead to followed.
PRESSED = {"exports.prepare"}


class _Links(HTMLParser):
    """The page's links, and the POST forms' actions with their hidden fields."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        elif tag == "form" and attrs.get("method", "get").lower() == "post":
            self.forms.append((attrs.get("action") or "", {}))
        elif tag == "input" and attrs.get("type") == "hidden" and self.forms:
            self.forms[-1][1][attrs.get("name", "")] = attrs.get("value") or ""


def local(href: str, base: str) -> str | None:
    url = urlsplit(urljoin(base, href))
    if url.scheme in ("", "http") and url.netloc in ("", "localhost") and url.path:
        return url.path + (f"?{url.query}" if url.query else "")
    return None


def endpoint_of(adapter, url: str, method: str = "GET") -> str | None:
    try:
        endpoint, _arguments = adapter.match(urlsplit(url).path, method=method)
    except HTTPException:
        return None
    return endpoint


class Crawl(NamedTuple):
    reached: set[str]  # the endpoints reached by links
    broken: list[str]  # the pages that failed (status >= 500)
    pages: dict[str, str]  # an address of each endpoint that answered with an HTML page


def crawl(app, client, start: str) -> Crawl:
    """Follow the links from ``start``, as ``client``."""
    adapter = app.url_map.bind("localhost")
    seen, reached, broken, pages = {start}, set(), [], {}
    visits: Counter = Counter()
    queue = deque([start])
    while queue:
        url = queue.popleft()
        endpoint = endpoint_of(adapter, url)
        if endpoint is None or endpoint == "static":
            continue
        reached.add(endpoint)
        if endpoint in NOT_FOLLOWED or visits[endpoint] >= PER_ENDPOINT:
            continue
        visits[endpoint] += 1
        response = client.get(url)
        body = response.get_data()  # a streamed body is read to its end, as a browser would
        if response.status_code >= 500:
            broken.append(f"{url} → {response.status_code}")
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        pages.setdefault(endpoint, url)
        parser = _Links()
        parser.feed(body.decode())
        links = [local(href, url) for href in parser.hrefs]
        for action, fields in parser.forms:
            if (target := local(action, url)) and endpoint_of(adapter, target, "POST") in PRESSED:
                pressed = client.post(target, data=fields)
                links.append(local(pressed.headers.get("Location", ""), target))
        for link in links:
            if link and link not in seen:
                seen.add(link)
                queue.append(link)
    return Crawl(reached, broken, pages)


def landing(client, account: str | None) -> str:
    """Sign ``account`` in through the form; its landing page is where the form sends it."""
    if account is None:
        return "/"
    response = sign_in(client, cast.email(account), cast.PASSWORD, cast.TOTP_SECRET)
    assert response.status_code == 302, f"{account} cannot sign in"
    return urlsplit(response.headers["Location"]).path


def story(clock) -> tuple[Cast, Timeline]:
    """The demo's cast, acting an hour from now: the moment of a stage that the demo stops before."""
    edition = db.session.scalar(db.select(Edition).filter_by(slug=DEMO_SLUG))
    users = db.session.scalars(db.select(User).where(User.email.like(f"%@{cast.DOMAIN}")))
    return Cast(edition, {user.email: user for user in users}), Timeline(clock(), clock() + timedelta(hours=1))


def finish_idf_jury(clock) -> None:
    """Île-de-France's jury hands in its last sheets: its ARS can now pick and close."""
    players, timeline = story(clock)
    score_region(players, players.region("IDF"), timeline, complete=True)


def finish_national_jury(clock) -> None:
    """The national jurors hand in their last sheets: the winner can now be declared."""
    players, timeline = story(clock)
    score_nation(players, timeline, complete=True)


# Who walks again, once the stage has moved on within itself.
LATER = {"jury-regional": (finish_idf_jury, ("ars.idf",)), "jury-national": (finish_national_jury, ("national",))}


# What each person must find by links somewhere in the contest: those who judge a dossier read it
# whole, with its attachments and its PDF.
EXPECTED = {
    "ars.hdf": {"regional.candidature", "attachments.download", "exports.dossier", "exports.prepared_file",
                "emailed.enter"},
    "national": {"regional.candidature", "attachments.download", "exports.dossier", "national.winner"},
    "jure.idf": {"attachments.download", "exports.dossier", "jury.scoresheet"},
    "candidat": {"candidatures.step", "attachments.index", "candidatures.receipt"},
    # The public, once the results are published: the page, its files and their schema.
    None: {"results.index", "results.data", "results.schema", "results.table_schema_file"},
}


def test_every_page_is_reachable_by_links(app, clock):
    reached: dict[str | None, set[str]] = {account: set() for account in VISITORS}
    broken: list[str] = []

    def walk(stage: str, accounts) -> None:
        db.session.commit()
        for account in accounts:
            client = app.test_client()
            for start in [landing(client, account), *SEARCHES.get(account, [])]:
                found, failures, _pages = crawl(app, client, start)
                reached[account] |= found
                broken.extend(f"{stage}, {account}: {failure}" for failure in failures)

    for stage, day in STAGE_DAYS.items():
        clock.set(NOW + timedelta(days=day))
        build(stage, clock())
        walk(stage, VISITORS)
        if stage in LATER:
            later, accounts = LATER[stage]
            clock.advance(timedelta(hours=2))
            later(clock)
            walk(stage, accounts)

    pages = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert not broken
    assert {account: sorted(wanted - reached[account]) for account, wanted in EXPECTED.items()} == {
        account: [] for account in EXPECTED}
    unreachable = sorted(pages - set().union(*reached.values()) - EMAIL_LINKS - FORM_STEPS - FORMER_ADDRESSES - {"static"})
    assert not unreachable, f"reachable only by typing their address: {', '.join(unreachable)}"
