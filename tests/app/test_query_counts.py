"""Every staff page and export runs the same number of queries whatever the number of dossiers.

The contest is seeded at 5 and at 50 dossiers (``tests.volume``: 15 regional jurors with every
sheet submitted, two picks, the national jury at work); each page is requested as the person who
reads it, and its SQL statements are counted. A page whose count grows with the data loads rows
one by one (the N+1 queries that made the rankings take 40 s at 5,000 dossiers).
"""

from __future__ import annotations

from tests.conftest import PASSWORD
from tests.volume import counted, pages, seed

CEILING = 20  # the aim; a page above it is reported with its count


def measure(app, volume) -> dict[str, int]:
    """The number of SQL statements of each page, by URL (the region's id written R)."""
    result = {}
    for reader, urls in pages(volume).items():
        client = app.test_client()
        client.form("/connexion", {"email": getattr(volume, reader).email, "password": PASSWORD})
        for url in urls:
            with counted() as statements:
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            result[url.replace(f"/{volume.region.id}", "/R")] = len(statements)
    return result


def test_no_page_runs_more_queries_with_more_dossiers(app, edition, clock):
    contest = seed(edition, 5, clock(), PASSWORD)
    measure(app, contest.volume)  # first visits write once (audit rows, detected conflicts): not counted
    small = measure(app, contest.volume)
    contest.grow(45, clock())

    large = measure(app, contest.volume)

    assert {url: (small[url], count) for url, count in large.items() if count != small[url]} == {}
    assert {url: count for url, count in large.items() if count > CEILING} == {}, large
