"""Ten simultaneous uploads on a dossier holding two files: one wins the last slot, nine are refused."""

from __future__ import annotations

import io
import threading

from tests.app.attachment_helpers import (  # noqa: F401  (fixtures)
    PDF, candidature, files_on_disk, owner, page_text, rows, upload, upload_url,
)
from tests.conftest import csrf_token

RACERS = 10


def signed_in_copy(app, client):
    """A client of its own carrying ``client``'s session cookie (ten logins would hit the login throttle)."""
    cookie = client.get_cookie("session")
    racer = app.test_client()
    racer.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return racer


def test_ten_parallel_uploads_on_two_files_give_one_success_and_nine_refusals(app, client, login, owner, candidature):
    login(owner)
    for name in ("a.pdf", "b.pdf"):
        assert upload(client, candidature, name, PDF).status_code == 302
    url = upload_url(candidature)
    racers = [signed_in_copy(app, client) for _ in range(RACERS)]
    tokens = [csrf_token(racer.get(url).get_data(as_text=True)) for racer in racers]
    barrier = threading.Barrier(RACERS)
    outcomes: list[tuple[int, str]] = []

    def race(racer, token: str, number: int) -> None:
        with app.app_context():
            barrier.wait()
            response = racer.post(url, data={"csrf_token": token, "file": (io.BytesIO(PDF), f"course-{number}.pdf")})
            outcomes.append((response.status_code, page_text(response) if response.status_code == 200 else ""))

    threads = [threading.Thread(target=race, args=(racer, token, n)) for n, (racer, token) in enumerate(zip(racers, tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(status for status, _text in outcomes) == [200] * 9 + [302]
    assert sum("3 pièces jointes maximum" in text for _status, text in outcomes) == 9
    assert [a.slot for a in rows()] == [1, 2, 3]
    assert files_on_disk(app) == sorted(a.stored_name for a in rows())
