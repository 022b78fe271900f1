"""Benchmark: the time and the query count of every staff page and export at 50, 500 and 5,000 dossiers.

One region with 15 jurors and every sheet submitted, two picks and the national jury at work
(``tests.volume``), on SQLite (default) or on PostgreSQL (``DATABASE_URL`` names a server; the
benchmark creates and drops its own database). Each page is requested once to warm up, then
``--runs`` times; the median is printed with the number of SQL statements. A file prepared by a job
(the minutes, the tables) is timed twice: the request that asks for it (``POST``, what the person
waits for) and, apart, the job itself, run in this process as a worker would (``job``).

    .venv/bin/python bench/pages.py                       # SQLite: 50, 500, 5,000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --sizes 50 500 --runs 3
    .venv/bin/python bench/pages.py --sizes 5000 --only /classement /jury   # the pages whose URL holds one
    .venv/bin/python bench/pages.py --sizes 5000 --only '/ars/R$' /national$   # exactly these URLs

It prints; it asserts nothing (the query counts are asserted by tests/app/test_query_counts.py).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.clock import FixedClock  # noqa: E402
from app.editions import load_edition  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import ExportJob  # noqa: E402
from tests.conftest import (  # noqa: E402
    BEFORE_DEADLINE, CONTEST_FILE, PASSWORD, Client, csrf_token, make_app, migrate_to_head, sign_in)
from tests.databases import postgresql_database, server_url  # noqa: E402
from tests.volume import counted, pages, prepared, seed  # noqa: E402


def _matches(url: str, part: str) -> bool:
    """``part`` is in ``url``; a ``part`` ending with ``$`` must be the whole URL (``/ars/R$``: the dashboard only)."""
    return url == part[:-1] if part.endswith("$") else part in url


def measure(size: int, runs: int, only: list[str], analyze: bool = True,
            freeze: bool = True) -> dict[str, tuple[float, int]]:
    """Median milliseconds and statement count of each page, in a fresh database of ``size`` dossiers."""
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        server = server_url()
        url = stack.enter_context(postgresql_database(server, "concours_bench")) if server \
            else f"sqlite:///{scratch / 'bench.db'}"
        migrate_to_head(url, scratch)
        clock = FixedClock(BEFORE_DEADLINE)
        # The jobs wait in a queue, as in production: the request that asks for a file only records it.
        app = make_app(url, scratch, CLOCK=clock, PASSWORD_HASH_PROFILE="fast", TASKS_IMMEDIATE=False,
                       TASKS_SQLITE_FILE=str(scratch / "tasks.db"))
        app.test_client_class = Client
        with app.app_context():
            edition, _ = load_edition(CONTEST_FILE.read_text(encoding="utf-8"), source=CONTEST_FILE.name, now=clock())
            started = time.perf_counter()
            volume = seed(edition, size, clock(), PASSWORD).volume
            if server and analyze:
                # A database in service has its statistics (autovacuum analyses a table as it grows); the
                # test server runs without autovacuum, and a freshly seeded table without them is planned
                # as if it held a row or two (nested loops over 75,000 pairs). --no-analyze measures that.
                db.session.commit()
                db.session.execute(sa.text("ANALYZE"))
                db.session.commit()
            print(f"  seeded {size} dossiers in {time.perf_counter() - started:.1f} s", flush=True)
            if freeze:
                # As a server's worker does once the app is loaded (gunicorn.conf.py): the long-lived
                # objects leave the collector's scans. Thawed below, for the next size's app.
                gc.collect()
                gc.freeze()
            result = {}
            for reader, urls in pages(volume).items():
                client = app.test_client()
                sign_in(client, getattr(volume, reader).email)
                for url in urls:
                    shown = url.replace(f"/{volume.region.id}", "/R")
                    if only and not any(_matches(shown, part) for part in only):
                        continue
                    client.get(url).get_data()  # warm-up: first visits write once (audit rows, detected conflicts)
                    times = []
                    for _ in range(runs):
                        with counted() as statements:
                            started = time.perf_counter()
                            response = client.get(url)
                            response.get_data()  # a streamed export is timed to its last byte
                            times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
                    result[shown] = (statistics.median(times), len(statements))
                for url in prepared(volume).get(reader, []):
                    shown = url.replace(f"={volume.region.id}", "=R")
                    if not only or any(part in shown for part in only):
                        result[f"POST {shown}"], result[f"job  {shown}"] = _ask_and_prepare(app, client, url)
            db.session.remove()
            db.engine.dispose()
            gc.unfreeze()
        return result


def _ask_and_prepare(app, client, url: str) -> tuple[tuple[float, int], tuple[float, int]]:
    """The request that asks for a file (its job queued), then the job run here as a worker runs it."""
    token = csrf_token(client.get(url).get_data(as_text=True))
    with counted() as statements:
        started = time.perf_counter()
        response = client.post(url, data={"csrf_token": token})
        asked = ((time.perf_counter() - started) * 1000, len(statements))
    assert response.status_code == 303, (url, response.status_code)
    huey = app.extensions["huey"]
    db.session.commit()  # as a worker's, the job's transactions are its own
    with counted() as statements:
        started = time.perf_counter()
        while (task := huey.dequeue()) is not None:
            huey.execute(task)
        prepared_in = ((time.perf_counter() - started) * 1000, len(statements))
    db.session.expire_all()
    assert db.session.scalar(db.select(ExportJob.state).order_by(ExportJob.id.desc()).limit(1)) == "done", url
    return asked, prepared_in


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-analyze", dest="analyze", action="store_false",
                        help="PostgreSQL: measure before the seeded tables have statistics")
    parser.add_argument("--no-freeze", dest="freeze", action="store_false",
                        help="leave the app's objects in the collector's scans (a server without gunicorn.conf.py)")
    parser.add_argument("--only", nargs="+", default=[], help="only the pages whose URL (region as /R) holds one, or is one ending with $")
    args = parser.parse_args()
    print(f"database: {'PostgreSQL' if server_url() else 'SQLite'}; median of {args.runs} runs"
          + ("" if args.freeze else "; the app's objects not frozen"))
    results = {}
    for size in args.sizes:
        results[size] = measure(size, args.runs, args.only, args.analyze, args.freeze)
    urls = list(results[args.sizes[0]])
    print(f"\n{'page':60}" + "".join(f"{size:>10} dossiers   " for size in args.sizes))
    for url in urls:
        cells = "".join(f"{results[size][url][0]:>9.0f} ms {results[size][url][1]:>3} q   " for size in args.sizes)
        print(f"{url:60}{cells}")
    slowest = {size: max(value for url, value in results[size].items() if not url.startswith("job"))[0]
               for size in args.sizes}
    print("\nslowest request: " + ", ".join(f"{slowest[size]:.0f} ms at {size}" for size in args.sizes))


if __name__ == "__main__":
    main()
