"""Benchmark: the deadline rush against Concours and against a bare Flask + SQLAlchemy app.

K candidates at once (threads, one HTTP client and cookie jar each) sign in, open their dossier,
save a step of it (the project's, with its own fields as a browser posts them), upload three 1 MB
PDFs and submit, against Concours and against ``bench/bare_app.py``,
both under gunicorn with the same settings, on SQLite and then on PostgreSQL (with Redis). The
two apps are interleaved phase by phase (Concours' sign-ins, the bare app's, Concours' dossier
pages, ...) so that a change in the machine's load falls on both. Each phase is one rush: its
req/s is its requests over its wall time. Afterwards the database and the upload directory are
read back: rows = files = successes, or the difference is printed as lost.

    .venv/bin/python bench/rush.py                   # K=16, 3 rounds, SQLite then PostgreSQL
    .venv/bin/python bench/rush.py --db sqlite -k 16 --rounds 2

Concours runs its development configuration (the production Argon2id profile, real SMTP to a
local sink); accounts are seeded with the demo machinery (``flask demo``) and ``create_user``.
A benchmark prints; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Read by config.py at import: Concours' development settings, with a key every worker shares.
os.environ.setdefault("CONCOURS_ENV", "development")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))

from bench.bare_app import HASHER, metadata as bare_metadata, make_engine, users as bare_users  # noqa: E402
from workflows.dossier import STEPS  # noqa: E402

PASSWORD = "phrase de passe du rush 2017"
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/7"  # a database of its own on the shared server
GUNICORN = [sys.executable, "-m", "gunicorn", "-w", "2", "--timeout", "60", "--log-level", "warning"]
TYPES = ("sign-in", "dossier GET", "save", "upload", "submit")
PDF = b"%PDF-1.4\n" + b"".join(b"% " + b"0" * 1021 + b"\n" for _ in range(1023)) + b"%%EOF\n"  # 1 MB
DOSSIER = {
    "category": "etablissement", "structure_name": "Centre hospitalier de Lens", "identifier": "620100057",
    "sectors": ["sanitaire", "ville"], "contact_name": "Jeanne Martin", "contact_function": "Cadre de santé",
    "contact_email": "jeanne.martin@example.org", "contact_phone": "03 21 00 00 00",
    "title": "Patients traceurs de leur sortie",
    "summary": "Des usagers et des soignants écrivent ensemble le livret de sortie. " * 8,
    "description": "Depuis 2016, la commission des usagers et l’équipe de chirurgie… " * 40,
    "partners-0-side": "usager", "partners-0-name": "Association des patients du Pas-de-Calais",
    "partners-0-organisation": "France Assos Santé", "partners-0-role": "Co-pilote",
    "partners-1-side": "soignant", "partners-1-name": "Dr Claire Petit", "partners-1-organisation": "CH de Lens",
    "partners-1-role": "Médecin référente", "modalities": ["co_construction"], "domains": ["sortie_hospitalisation"],
    "project_stage": "en_cours", "link": "https://video.example.org/projet",
    "answer_partenariat": "Un comité paritaire usagers-soignants décide de chaque étape. " * 20,
    "answer_securite": "Moins de réhospitalisations évitables. " * 30,
    "answer_reproductibilite": "Le livret et la méthode sont publiés sous licence libre. " * 20,
    "answer_originalite": "Les patients testent eux-mêmes le parcours de sortie. " * 20,
    "attestation_non_commercial": "y", "attestation_pas_de_subvention": "y",
}
STEP = 3  # the project: title, summary, description and their lists, what a candidate rewrites last
# What a browser posts from that step: its own fields (``workflows.dossier.STEPS``), not the whole dossier's.
STEP_FIELDS = {name: value for name, value in DOSSIER.items() if name in STEPS[STEP - 1].keys}
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


# The bare app checks no token: one as long as Concours' (Flask-WTF's signed token), so that both parse the same bytes.
BARE_TOKEN = "0" * 91


def step_body(token: str, version: int) -> dict[str, str]:
    """The body of a step's save: the token, the version the page showed, the button, the step's fields."""
    return {"csrf_token": token, "version": str(version), "action": "next", **STEP_FIELDS}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Candidates: one HTTP client each; every step returns the latencies and outcomes of its measured requests.

class Failed(Exception):
    pass


@dataclass
class Candidate:
    base_url: str
    email: str
    dossier_id: int = 0
    http: httpx.Client = field(init=False)
    samples: list[tuple[str, float, bool]] = field(default_factory=list)

    def __post_init__(self):
        self.http = httpx.Client(base_url=self.base_url, timeout=120, follow_redirects=False)

    def measure(self, kind: str, send: Callable[[], httpx.Response], expected: int) -> httpx.Response | None:
        start = time.perf_counter()
        try:
            response = send()
            ok = response.status_code == expected
        except httpx.HTTPError:
            response, ok = None, False
        self.samples.append((kind, time.perf_counter() - start, ok))
        return response if ok else None


class ConcoursCandidate(Candidate):
    token = ""
    version = 0
    login_token = ""

    @property
    def url(self) -> str:
        return f"/candidatures/{self.dossier_id}"

    def before_sign_in(self):
        self.login_token = CSRF.search(self.http.get("/connexion").text).group(1)

    def sign_in(self):
        self.measure("sign-in", lambda: self.http.post(
            "/connexion", data={"csrf_token": self.login_token, "email": self.email, "password": PASSWORD}), 302)

    def open_dossier(self):
        # Its first step: the dossier's own address answers with a redirect to it since the form has steps.
        if page := self.measure("dossier GET", lambda: self.http.get(f"{self.url}/etape/1"), 200):
            self.token, self.version = CSRF.search(page.text).group(1), int(VERSION.search(page.text).group(1))

    def save(self):
        """A step's save, as a candidate's browser sends it (the bare app receives the same body)."""
        self.measure("save", lambda: self.http.post(f"{self.url}/etape/{STEP}", data=step_body(
            self.token, self.version)), 302)

    def upload(self):
        for number in range(3):
            self.measure("upload", lambda: self.http.post(
                f"{self.url}/pieces-jointes/", data={"csrf_token": self.token},
                files={"file": (f"annexe-{number + 1}.pdf", PDF, "application/pdf")}), 302)

    def submit(self):
        """The whole form at the dossier's former one-page address: the other steps' fields saved, then submitted."""
        data = {"csrf_token": self.token, "version": str(self.version + 1), "action": "submit", **DOSSIER}
        self.measure("submit", lambda: self.http.post(self.url, data=data), 302)


class BareCandidate(Candidate):
    def sign_in(self):
        self.measure("sign-in", lambda: self.http.post("/login", data={"email": self.email, "password": PASSWORD}), 302)

    def open_dossier(self):
        self.measure("dossier GET", lambda: self.http.get("/dossier"), 200)

    def save(self):
        self.measure("save", lambda: self.http.post("/save", data=step_body(BARE_TOKEN, 1)), 302)

    def upload(self):
        for number in range(3):
            self.measure("upload", lambda: self.http.post(
                "/upload", files={"file": (f"annexe-{number + 1}.pdf", PDF, "application/pdf")}), 302)

    def submit(self):
        self.measure("submit", lambda: self.http.post("/submit"), 302)


PHASES = (("sign-in", "sign_in"), ("dossier GET", "open_dossier"), ("save", "save"), ("upload", "upload"),
          ("submit", "submit"))


def rush(candidates: list[Candidate], method: str, server: "Server") -> tuple[float, float]:
    """Every candidate runs one step at once; the phase's wall time and the CPU its server's workers used."""
    barrier = threading.Barrier(len(candidates) + 1)
    for candidate in candidates:  # what a browser has before the rush (the sign-in form): not measured
        if prepare := getattr(candidate, "before_" + method, None):
            prepare()

    def run(candidate: Candidate) -> None:
        barrier.wait()
        getattr(candidate, method)()

    with ThreadPoolExecutor(len(candidates)) as pool:
        futures = [pool.submit(run, candidate) for candidate in candidates]
        cpu = workers_cpu(server.process.pid)
        barrier.wait()
        start = time.perf_counter()
        for future in futures:
            future.result()
        return time.perf_counter() - start, workers_cpu(server.process.pid) - cpu


# The two servers.

TICKS = os.sysconf("SC_CLK_TCK")


def workers_cpu(master: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn workers of ``master``."""
    total = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == master:  # fields[1] is the parent's pid
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


@dataclass(eq=False)
class Server:
    name: str
    base_url: str
    process: subprocess.Popen
    engine: sa.Engine
    upload_dir: Path

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)
        self.engine.dispose()


def start(name: str, wsgi: str, env: dict[str, str], engine: sa.Engine, upload_dir: Path) -> Server:
    port = free_port()
    process = subprocess.Popen([*GUNICORN, "-b", f"127.0.0.1:{port}", wsgi], cwd=ROOT,
                               env={**os.environ, "PYTHONPATH": str(ROOT), **env})
    base_url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base_url + "/", timeout=2).status_code < 500:
                return Server(name, base_url, process, engine, upload_dir)
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{name} did not start")


def database_url(db: str, workdir: Path, name: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{workdir / name}.db"
    admin = sa.create_engine(POSTGRES + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def seed_candidates(app, accounts: int) -> list[tuple[str, int]]:
    """Migrate, play the demo's « dépôt » stage, seed ``accounts`` candidates each with a draft (in
    ``app``'s context, hashed with its profile); their emails and dossier ids."""
    from flask_migrate import upgrade

    from app.accounts import create_user
    from app.candidatures.operations import create_candidature
    from app.clock import now
    from app.demo import demo_command
    from app.editions import current_edition
    from app.extensions import db as concours_db
    from app.models import Region
    from app.passwords import hash_password
    from workflows.states import Role

    seeded = []
    upgrade()
    result = app.test_cli_runner().invoke(demo_command, ["--stage", "depot"])
    assert result.exit_code == 0, result.output
    edition = current_edition()
    region = concours_db.session.scalar(sa.select(Region).filter_by(edition_id=edition.id, code="HDF"))
    password_hash = hash_password(PASSWORD)
    for number in range(accounts):
        user = create_user(email=f"rush-{number}@example.org", password_hash=password_hash, role=Role.CANDIDATE,
                           now=now(), verified=True)
        candidature = create_candidature(owner=user, edition=edition, region=region, now=now())
        concours_db.session.flush()
        seeded.append((user.email, candidature.id))
    concours_db.session.commit()
    return seeded


def concours_server(db: str, workdir: Path, accounts: int, smtp_port: int) -> tuple[Server, list[tuple[str, int]]]:
    """Concours seeded (``seed_candidates``) and started."""
    from app import create_app
    from app.extensions import db as concours_db

    url, upload_dir = database_url(db, workdir, "rush_concours"), workdir / "concours-uploads"
    env = {"DATABASE_URL": url, "UPLOAD_DIR": str(upload_dir), "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port),
           **({"REDIS_URL": REDIS} if db == "postgresql" else {})}
    app = create_app(overrides={"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": str(upload_dir),
                                "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port})
    # The production profile (app.passwords' "default"), as the real sign-ins will verify.
    assert app.config["PASSWORD_HASH_PROFILE"] == "default"
    with app.app_context():
        seeded = seed_candidates(app, accounts)
        concours_db.engine.dispose()
    return start("Concours", "app:create_app()", env, make_engine(url), upload_dir), seeded


def bare_server(db: str, workdir: Path, accounts: int) -> tuple[Server, list[tuple[str, int]]]:
    url, upload_dir = database_url(db, workdir, "rush_bare"), workdir / "bare-uploads"
    upload_dir.mkdir()
    engine = make_engine(url)
    bare_metadata.create_all(engine)
    password_hash = HASHER.hash(PASSWORD)
    emails = [f"rush-{number}@example.org" for number in range(accounts)]
    with engine.begin() as connection:
        connection.execute(sa.insert(bare_users), [{"email": email, "password_hash": password_hash} for email in emails])
    return start("bare", "bench.bare_app:create_app()", {"DATABASE_URL": url, "UPLOAD_DIR": str(upload_dir)},
                 engine, upload_dir), [(email, 0) for email in emails]


# Reading back what the servers stored.

def files_in(directory: Path) -> set[str]:
    return {path.name for path in directory.iterdir() if not path.name.startswith(".")}


def concours_stored(server: Server, dossier_ids: list[int]) -> dict[str, int]:
    with server.engine.connect() as connection:
        attachments = connection.execute(sa.text(
            "SELECT stored_name FROM attachments WHERE candidature_id IN (%s)" % ",".join(map(str, dossier_ids))
        )).scalars().all()
        submitted = connection.execute(sa.text(
            "SELECT count(*) FROM candidatures WHERE state = 'submitted' AND id IN (%s)"
            % ",".join(map(str, dossier_ids)))).scalar()
        edits = connection.execute(sa.text(
            "SELECT count(*) FROM audit_log WHERE action = 'candidature.edit' AND candidature_id IN (%s)"
            % ",".join(map(str, dossier_ids)))).scalar()
    on_disk = files_in(server.upload_dir)
    return {"upload rows": len(attachments), "upload files": sum(name in on_disk for name in attachments),
            "submit rows": submitted, "save rows": edits}


def bare_stored(server: Server) -> dict[str, int]:
    with server.engine.connect() as connection:
        uploads = connection.execute(sa.text("SELECT stored_name FROM uploads")).scalars().all()
        saves = connection.execute(sa.text("SELECT count(*) FROM saves")).scalar()
        submitted = connection.execute(sa.text("SELECT count(*) FROM users WHERE state = 'submitted'")).scalar()
    on_disk = files_in(server.upload_dir)
    return {"upload rows": len(uploads), "upload files": sum(name in on_disk for name in uploads),
            "submit rows": submitted, "save rows": saves}


# The run.

def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(db: str, k: int, rounds: int, smtp_port: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"rush-{db}-"))
    print(f"\n== {db}: K={k} candidates, {rounds} rounds after a warm-up round, gunicorn -w 2 ==", flush=True)
    concours, concours_accounts = concours_server(db, workdir, k * (rounds + 1), smtp_port)
    bare, bare_accounts = bare_server(db, workdir, k * (rounds + 1))
    samples: dict[str, list] = defaultdict(list)  # every request, the warm-up's included: they all stored
    walls: dict[tuple[str, str], float] = defaultdict(float)
    cpus: dict[tuple[str, str], float] = defaultdict(float)
    try:
        for number in range(rounds + 1):
            crowds = {
                server: [kind(server.base_url, email, dossier_id)
                         for email, dossier_id in accounts[number * k:(number + 1) * k]]
                for server, accounts, kind in ((concours, concours_accounts, ConcoursCandidate),
                                               (bare, bare_accounts, BareCandidate))}
            for phase, method in PHASES:
                for server, crowd in crowds.items():
                    wall, cpu = rush(crowd, method, server)
                    if number:  # round 0 warms the workers up (imports, templates): not timed
                        walls[server.name, phase] += wall
                        cpus[server.name, phase] += cpu
            for server, crowd in crowds.items():
                name = server.name
                for candidate in crowd:
                    samples[name].extend((kind, seconds, ok, number > 0) for kind, seconds, ok in candidate.samples)
                    candidate.http.close()
        report(samples, walls, cpus, {
            "Concours": concours_stored(concours, [dossier_id for _email, dossier_id in concours_accounts]),
            "bare": bare_stored(bare)})
    finally:
        concours.stop()
        bare.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def per_second(budget_ms: float, cost_ms: float) -> str:
    # The workers' CPU is read in clock ticks (10 ms): a phase of cheap requests may measure none.
    return f"{budget_ms / cost_ms:.0f}/s" if cost_ms else "—"


def ratio(concours: float, bare: float) -> str:
    return f"{concours / bare:.2f}×" if bare else "—"


def report(samples: dict[str, list], walls: dict[tuple[str, str], float], cpus: dict[tuple[str, str], float],
           stored: dict[str, dict[str, int]]) -> None:
    # CPU ms per request is what the workers spent, whatever else runs on the machine; 2 cores
    # divided by it is what two workers could serve on an idle machine.
    print(f"{'request':<12} {'app':<9} {'n':>5} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms':>7} "
          f"{'2 cores':>8} {'errors':>7}")
    figures = {}
    for kind in TYPES:
        for name in ("Concours", "bare"):
            rows = [(seconds, ok, timed) for sample_kind, seconds, ok, timed in samples[name] if sample_kind == kind]
            latencies = [seconds * 1000 for seconds, _ok, timed in rows if timed]
            rate = len(latencies) / walls[name, kind]
            errors = sum(not ok for _seconds, ok, _timed in rows)
            cpu = cpus[name, kind] * 1000 / len(latencies)
            figures[name, kind] = (rate, statistics.median(latencies), percentile(latencies, 0.95), errors, len(rows),
                                   cpu)
            print(f"{kind:<12} {name:<9} {len(latencies):>5} {rate:>8.1f} {figures[name, kind][1]:>8.0f} "
                  f"{figures[name, kind][2]:>8.0f} {cpu:>7.1f} {per_second(2000, cpu):>8} {errors:>7}")
        concours, bare = figures["Concours", kind], figures["bare", kind]
        print(f"{'':<12} {'ratio':<9} {'':>5} {bare[0] / concours[0]:>7.2f}× {concours[1] / bare[1]:>7.2f}× "
              f"{concours[2] / bare[2]:>7.2f}× {ratio(concours[5], bare[5]):>7}   (Concours/bare, per request)")
    for name in ("Concours", "bare"):
        successes = {kind: figures[name, kind][4] - figures[name, kind][3] for kind in TYPES}
        found = stored[name]
        lost = (max(0, successes["upload"] - min(found["upload rows"], found["upload files"]))
                + max(0, successes["submit"] - found["submit rows"]))
        errors = sum(figures[name, kind][3] for kind in TYPES)
        # Concours logs an edit per save and per submit (which saves the other steps' fields first).
        saves = successes["save"] + (successes["submit"] if name == "Concours" else 0)
        print(f"{name}: upload rows {found['upload rows']} = files {found['upload files']} = successes "
              f"{successes['upload']}; submitted {found['submit rows']} = successes {successes['submit']}; "
              f"saves logged {found['save rows']} (successes {saves}); errors {errors}, lost {lost}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", type=int, default=16, help="concurrent candidates")
    parser.add_argument("--rounds", type=int, default=3, help="rushes per app, interleaved")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    arguments = parser.parse_args()
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, _server, _session, _envelope):
            return "250 OK"

    smtp = Controller(Sink(), hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        for db in ("sqlite", "postgresql") if arguments.db == "both" else (arguments.db,):
            run(db, arguments.k, arguments.rounds, smtp.port)
    finally:
        smtp.stop()


if __name__ == "__main__":
    main()
