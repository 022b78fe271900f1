"""Benchmark: the CPU of each request of the deadline rush, measured in process (less noisy than ``rush.py``).

The rush's sequence for N seeded candidates of the demo at stage « dépôt » (Concours' development
settings, as ``rush.py``): open the dossier (its first step), save a step (the project's, its own
fields: what ``rush.py`` posts), save the whole form (a tab still open on the former one-page
address), upload three 1 MB PDFs, submit. The bare app receives the same bodies.
``time.process_time`` is read around the app's WSGI call (what a server's worker spends, not the test
client's encoding of the request, which alone is about a millisecond for a posted dossier); statements
are counted with an engine event. Prints the median CPU ms and statement count per request type;
``--profile KIND`` prints the cProfile of that request type instead (cumulative time, top 60).

    .venv/bin/python bench/rush_in_process.py                       # SQLite, 30 candidates
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/rush_in_process.py
    .venv/bin/python bench/rush_in_process.py --profile "step save"

It creates and drops its own database (PostgreSQL) or file (SQLite). It prints; it asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("CONCOURS_ENV", "development")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))

from bench.rush import BARE_TOKEN, CSRF, DOSSIER, PASSWORD, PDF, STEP, VERSION, seed_candidates, step_body  # noqa: E402
from tests.databases import postgresql_database, server_url  # noqa: E402
from tests.volume import counted  # noqa: E402

KINDS = ("dossier GET", "step save", "whole save", "upload", "submit")


def seeded_app(url: str, scratch: Path, accounts: int):
    """Concours migrated, at the demo's « dépôt » stage, with ``accounts`` candidates each with a draft."""
    from app import create_app
    from app.extensions import db

    app = create_app(overrides={"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": str(scratch / "uploads"),
                                "SMTP_HOST": "127.0.0.1", "SMTP_PORT": 1, "RATELIMIT_ENABLED": False})
    with app.app_context():
        seeded = seed_candidates(app, accounts)
        db.session.remove()
    return app, seeded


class ServerClock:
    """The CPU seconds of the app's last WSGI call (the response's body is built in it: none is streamed)."""

    def __init__(self, app):
        self.last, inner = 0.0, app.wsgi_app

        def timed(environ, start_response):
            started = time.process_time()
            try:
                return inner(environ, start_response)
            finally:
                self.last = time.process_time() - started

        app.wsgi_app = timed


class Meter:
    """CPU and statements of each request, by kind; or one cProfile for the requests of ``profiled``."""

    def __init__(self, app, profiled: str | None):
        self.app, self.profiled, self.clock = app, profiled, ServerClock(app)
        self.cpu: dict[str, list[float]] = defaultdict(list)
        self.statements: dict[str, list[int]] = defaultdict(list)
        self.profile = cProfile.Profile(time.process_time)  # CPU, as measured: not the waits (fsync)

    def __call__(self, kind: str, send, expected: int):
        from app.extensions import db

        with self.app.app_context(), counted() as statements:
            if kind == self.profiled:
                self.profile.enable()
            response = send()
            response.get_data()
            elapsed = self.clock.last
            if kind == self.profiled:
                self.profile.disable()
            count = len(statements)
            db.session.remove()
        assert response.status_code == expected, (kind, response.status_code, response.get_data(as_text=True)[:2000])
        self.cpu[kind].append(elapsed * 1000)
        self.statements[kind].append(count)
        return response


def whole_body(token: str, version: int, action: str) -> dict[str, str]:
    """The whole form's body, as the former one-page address receives it."""
    return {"csrf_token": token, "version": str(version), "action": action, **DOSSIER}


def candidate_sequence(app, meter: Meter, email: str, dossier_id: int) -> None:
    client = app.test_client()
    token = CSRF.search(client.get("/connexion").get_data(as_text=True)).group(1)
    response = client.post("/connexion", data={"csrf_token": token, "email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    url = f"/candidatures/{dossier_id}"
    page = meter("dossier GET", lambda: client.get(f"{url}/etape/1"), 200).get_data(as_text=True)
    token, version = CSRF.search(page).group(1), int(VERSION.search(page).group(1))
    meter("step save", lambda: client.post(f"{url}/etape/{STEP}", data=step_body(token, version)), 302)
    meter("whole save", lambda: client.post(url, data=whole_body(token, version + 1, "save")), 302)
    for number in range(3):
        meter("upload", lambda: client.post(f"{url}/pieces-jointes/", data={
            "csrf_token": token, "file": (io.BytesIO(PDF), f"annexe-{number + 1}.pdf", "application/pdf")}), 302)
    meter("submit", lambda: client.post(url, data=whole_body(token, version + 2, "submit")), 302)


def bare_sequence(scratch: Path, url: str, n: int) -> dict[str, list[float]]:
    """The same requests against ``bench/bare_app.py`` in process: CPU ms by kind (the yardstick)."""
    import sqlalchemy as sa

    from bench import bare_app

    os.environ.update(DATABASE_URL=url, UPLOAD_DIR=str(scratch / "bare-uploads"))
    (scratch / "bare-uploads").mkdir()
    engine = bare_app.make_engine(url)
    bare_app.metadata.create_all(engine)
    password_hash = bare_app.HASHER.hash(PASSWORD)
    with engine.begin() as connection:
        connection.execute(sa.insert(bare_app.users), [
            {"email": f"rush-{number}@example.org", "password_hash": password_hash} for number in range(n)])
    engine.dispose()
    app, cpu = bare_app.create_app(), defaultdict(list)
    clock = ServerClock(app)

    def meter(kind: str, send, expected: int) -> None:
        response = send()
        response.get_data()
        cpu[kind].append(clock.last * 1000)
        assert response.status_code == expected, (kind, response.status_code)

    for number in range(n):
        client = app.test_client()
        signed_in = client.post("/login", data={"email": f"rush-{number}@example.org", "password": PASSWORD})
        assert signed_in.status_code == 302
        meter("dossier GET", lambda: client.get("/dossier"), 200)
        meter("step save", lambda: client.post("/save", data=step_body(BARE_TOKEN, 1)), 302)
        meter("whole save", lambda: client.post("/save", data=whole_body(BARE_TOKEN, 2, "save")), 302)
        for index in range(3):
            meter("upload", lambda: client.post("/upload", data={
                "file": (io.BytesIO(PDF), f"annexe-{index + 1}.pdf", "application/pdf")}), 302)
        meter("submit", lambda: client.post("/submit"), 302)
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=30, help="candidates (default 30)")
    parser.add_argument("--profile", choices=KINDS, help="print the cProfile of this request type")
    args = parser.parse_args()
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        server = server_url()
        url = stack.enter_context(postgresql_database(server, "concours_rush")) if server \
            else f"sqlite:///{scratch / 'rush.db'}"
        app, seeded = seeded_app(url, scratch, args.n)
        meter = Meter(app, args.profile)
        for email, dossier_id in seeded:
            candidate_sequence(app, meter, email, dossier_id)
        with app.app_context():
            from app.extensions import db
            db.engine.dispose()
        bare = bare_sequence(scratch, url.replace("rush.db", "bare.db"), args.n) if not server else None
    print(f"database: {'PostgreSQL' if server else 'SQLite'}; {args.n} candidates; "
          f"load average {os.getloadavg()[0]:.1f}")
    if args.profile:
        pstats.Stats(meter.profile).sort_stats("cumulative").print_stats(60)
        return
    for kind in KINDS:
        ours = statistics.median(meter.cpu[kind])
        print(f"{kind:12} {ours:6.1f} ms CPU (median)  {statistics.median(meter.statements[kind]):3.0f} statements"
              + (f"   bare app {statistics.median(bare[kind]):5.1f} ms: {ours / statistics.median(bare[kind]):4.1f}x"
                 if bare else ""))


if __name__ == "__main__":
    main()
