"""Every staff page and export runs the same number of queries whatever the number of dossiers.

The contest is seeded at 5 and at 50 dossiers (``tests.volume``: 15 regional jurors with every
sheet submitted, two picks, the national jury at work); each page is requested as the person who
reads it, and its SQL statements are counted. A page whose count grows with the data loads rows
one by one (the N+1 queries that made the rankings take 40 s at 5,000 dossiers).
"""

from __future__ import annotations

from app.extensions import db
from app.transitions.regional import close_region, selection_fingerprint
from tests.conftest import PASSWORD, sign_in
from tests.volume import counted, pages, seed

CEILING = 20  # the aim; a page above it is reported with its count
PER_DOSSIER = 3  # statements a bulk transition may add per dossier: its update, its audit row, its email


def readers(app, volume) -> dict[str, object]:
    """A client signed in as each reader, once (a second-factor code is accepted once)."""
    clients = {}
    for reader in pages(volume):
        clients[reader] = app.test_client()
        sign_in(clients[reader], getattr(volume, reader).email)
    return clients


def measure(volume, clients) -> dict[str, int]:
    """The number of SQL statements of each page, by URL (the region's id written R)."""
    result = {}
    for reader, urls in pages(volume).items():
        client = clients[reader]
        for url in urls:
            with counted() as statements:
                response = client.get(url)
                response.get_data()  # a streamed body (the CSV) runs its queries as it is read
            assert response.status_code == 200, (url, response.status_code)
            result[url.replace(f"/{volume.region.id}", "/R")] = len(statements)
    return result


def test_no_page_runs_more_queries_with_more_dossiers(app, edition, clock):
    contest = seed(edition, 5, clock(), PASSWORD)
    clients = readers(app, contest.volume)
    measure(contest.volume, clients)  # first visits write once (audit rows, detected conflicts): not counted
    small = measure(contest.volume, clients)
    contest.grow(45, clock())

    large = measure(contest.volume, clients)

    assert {url: (small[url], count) for url, count in large.items() if count != small[url]} == {}
    assert {url: count for url, count in large.items() if count > CEILING} == {}, large


def test_closing_a_region_costs_a_few_statements_per_dossier(app, edition, clock):
    """A bulk transition reads its facts once: each dossier adds its own writes, nothing more."""
    contest = seed(edition, 5, clock(), PASSWORD)

    def close() -> int:
        region = contest.volume.region
        with counted() as statements:
            close_region(region, actor=contest.volume.organiser, now=clock(), reason="Sélection faite.",
                         fingerprint=selection_fingerprint(region))
        db.session.rollback()
        return len(statements)

    small = close()
    contest.grow(45, clock())
    large = close()

    assert (large - small) / 45 <= PER_DOSSIER, (small, large)
