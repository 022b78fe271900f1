"""Backup and restore: an archive of a whole instance rebuilds a fresh one row for row and byte for
byte, across databases; a damaged archive, an archive of another schema revision and a target that
holds data are refused with nothing written."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Attachment
from tests.app.attachment_helpers import PNG, upload
from tests.app.jury_helpers import attachment_row
from tests.app.national_helpers import Shortlist, shortlist  # noqa: F401  (fixture)
from tests.concurrency import signed_in_client
from tests.conftest import BEFORE_DEADLINE, PASSWORD, VARIANT_FILE, make_app
from tests.app.test_demo import NOW, run_demo
from tests.databases import postgresql_database, server_url

# The schema's last revision, read off the migrations folder (each revision is named after its file).
HEAD = sorted(Path(__file__).resolve().parents[2].joinpath("migrations", "versions").glob("0*.py"))[-1].stem
# Tables the data below fills: a restore that dropped one of them would show here.
FILLED = {"editions", "users", "regions", "candidatures", "role_memberships", "attachments", "audit_log",
          "email_outbox", "regional_picks", "scoresheets", "marks"}


def flask(app, *arguments: str, input: str | None = None):
    """``flask --app app ARGUMENTS`` run on ``app``, in a context of its own as a shell would."""
    db.session.commit()  # the test's own transaction ends first, as a separate process would see it
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(arguments), input=input)


def contents(app) -> tuple[dict[str, list[tuple]], dict[str, bytes]]:
    """Every table's rows in primary-key order, and every stored file's bytes by name."""
    with app.app_context(), db.engine.connect() as connection:
        rows = {table.name: [tuple(row) for row in connection.execute(
            sa.select(table).order_by(*table.primary_key.columns))] for table in db.metadata.sorted_tables}
    files = {f"{folder}/{path.name}": path.read_bytes() for folder in ("UPLOAD_DIR", "EXPORT_DIR")
             if Path(app.config[folder]).is_dir() for path in Path(app.config[folder]).iterdir()}
    return rows, files


def tables_of(app) -> list[str]:
    with app.app_context():
        return sa.inspect(db.engine).get_table_names()


@pytest.fixture
def instance(app, shortlist: Shortlist, clock) -> Shortlist:  # noqa: F811
    """Candidatures in every state with attachments (one uploaded through the form), regional sheets
    and picks, a winner declared and the results published (the outbox full), a second edition."""
    db.session.add(attachment_row(shortlist.alpha, clock()))
    db.session.commit()
    after_deadline = clock()
    clock.set(BEFORE_DEADLINE)
    candidate = signed_in_client(app, shortlist.draft.owner)
    assert upload(candidate, shortlist.draft, "affiche.png", PNG).status_code == 302
    clock.set(after_deadline)
    shortlist.edition.national_stage = "national_jury"
    organiser = signed_in_client(app, shortlist.organiser)
    assert organiser.form(f"/national/laureat/{shortlist.alpha.id}",
                          {"rationale": "Le partenariat le plus abouti."}).status_code == 302
    assert organiser.form("/national/publication").status_code == 302
    assert flask(app, "contest", "load", str(VARIANT_FILE)).exit_code == 0
    return shortlist


@pytest.fixture
def new_instance(tmp_path):
    """Factory: ``new_instance(name)`` is an app on an empty database of the suite's kind (SQLite with
    ``sqlite=True``), nothing migrated, with empty folders of its own."""
    with ExitStack() as stack:
        def make(name: str, *, sqlite: bool = False):
            server = None if sqlite else server_url()
            url = (f"sqlite:///{tmp_path / name}.db" if server is None
                   else stack.enter_context(postgresql_database(server)))
            made = make_app(url, tmp_path / name)
            stack.callback(lambda: made.extensions["sqlalchemy"].engines[None].dispose())
            return made

        yield make


@pytest.fixture
def archive(app, instance, tmp_path) -> Path:
    """The instance's backup."""
    path = tmp_path / "sauvegarde.zip"
    result = flask(app, "backup", "create", str(path))
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def restored(archive, new_instance):
    """The archive restored into a fresh database and folders: the restored app."""
    target = new_instance("restored")
    result = flask(target, "backup", "restore", str(archive))
    assert result.exit_code == 0, result.output
    return target


def test_restore_rebuilds_every_row_and_every_file(app, restored):
    rows, files = contents(restored)

    assert (rows, files) == contents(app)
    assert {name for name, table_rows in rows.items() if table_rows} >= FILLED
    assert len([name for name in files if name.startswith("UPLOAD_DIR/")]) == 2


def test_archive_manifest_names_every_member_with_its_sha256_the_revision_and_the_counts(app, archive, clock):
    rows, _files = contents(app)

    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
        hashes = {name: hashlib.sha256(opened.read(name)).hexdigest() for name in opened.namelist()
                  if name != "manifest.json"}
        definitions = {name: opened.read(name).decode() for name in opened.namelist()
                       if name.startswith("definitions/")}

    assert manifest["members"] == hashes
    assert manifest["tables"] == {name: len(table_rows) for name, table_rows in rows.items()}
    assert (manifest["alembic_revision"], manifest["created_at"], manifest["app_version"]) == (
        HEAD, clock().isoformat(), "0.1.0")
    assert manifest["files"] == {"uploads": 2, "exports": 0}
    assert sorted(definitions) == ["definitions/ssp-2017.toml", "definitions/ssp-variante.toml"]
    assert definitions["definitions/ssp-variante.toml"] == VARIANT_FILE.read_text(encoding="utf-8")


def test_restored_instance_takes_new_rows_after_the_restored_ones(restored):
    result = flask(restored, "user", "create", "--email", "nouvelle@example.org", "--role", "national_organiser",
                    input=f"{PASSWORD}\n{PASSWORD}\n")

    assert result.exit_code == 0, result.output
    with restored.app_context():
        assert db.session.scalar(sa.text("SELECT count(*) FROM users WHERE email = 'nouvelle@example.org'")) == 1


def test_restore_crosses_databases_through_sqlite_and_back(app, archive, new_instance, tmp_path):
    # On PostgreSQL: PostgreSQL -> SQLite -> PostgreSQL; on SQLite, a restored instance's backup restores too.
    relay = new_instance("relay", sqlite=True)
    assert flask(relay, "backup", "restore", str(archive)).exit_code == 0
    second = tmp_path / "relais.zip"
    assert flask(relay, "backup", "create", str(second)).exit_code == 0
    target = new_instance("target")

    result = flask(target, "backup", "restore", str(second))

    assert result.exit_code == 0, result.output
    assert contents(relay) == contents(app)
    assert contents(target) == contents(app)
    with zipfile.ZipFile(archive) as first, zipfile.ZipFile(second) as relayed:
        assert (json.loads(first.read("manifest.json"))["database"],
                json.loads(relayed.read("manifest.json"))["database"]) == (db.engine.dialect.name, "sqlite")


def rewritten(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """A valid ZIP with every member of ``source`` passed through ``change``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            new.writestr(name, change(name, old.read(name)))
    return target


def flipped(source: Path, target: Path, member: str) -> Path:
    """``source`` with one byte of ``member``'s compressed data inverted, as a failing disk would."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as opened:
        info = opened.getinfo(member)
    header = info.header_offset
    start = header + 30 + int.from_bytes(data[header + 26:header + 28], "little") + int.from_bytes(
        data[header + 28:header + 30], "little")
    data[start + info.compress_size // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    return target


def uploaded_png(app) -> str:
    return "uploads/" + db.session.scalar(db.select(Attachment.stored_name).filter_by(mime_type="image/png"))


@pytest.mark.parametrize("damage", ["rewritten", "flipped"])
def test_damaged_archive_refused_naming_the_member_and_nothing_written(app, archive, new_instance, tmp_path, damage):
    member = uploaded_png(app)
    if damage == "rewritten":
        damaged = rewritten(archive, tmp_path / "abimee.zip",
                            lambda name, content: content[:-1] + b"\x00" if name == member else content)
    else:
        damaged = flipped(archive, tmp_path / "abimee.zip", member)
    target = new_instance("target")

    result = flask(target, "backup", "restore", str(damaged))

    assert result.exit_code == 1
    assert result.output.startswith(f"Archive endommagée : le membre « {member} » ")
    assert result.output.endswith("Rien n’a été écrit.\n")
    assert tables_of(target) == []
    assert list(Path(target.config["UPLOAD_DIR"]).iterdir()) == []


def test_archive_of_another_schema_revision_refused(app, archive, new_instance, tmp_path):
    def older(name: str, content: bytes) -> bytes:
        if name != "manifest.json":
            return content
        return json.dumps(json.loads(content) | {"alembic_revision": "0006_export_jobs"}).encode()

    target = new_instance("target")

    result = flask(target, "backup", "restore", str(rewritten(archive, tmp_path / "ancienne.zip", older)))

    assert result.exit_code == 1
    assert result.output == (
        "Cette archive est à la révision 0006_export_jobs du schéma, cette version de l’application à la révision "
        f"{HEAD} : restaurez-la avec la version 0.1.0 de l’application, qui l’a créée, puis "
        "mettez-la à jour. Rien n’a été écrit.\n")
    assert tables_of(target) == []


def test_restore_into_a_database_holding_data_refused(app, archive, restored):
    before = contents(restored)

    result = flask(restored, "backup", "restore", str(archive))

    assert result.exit_code == 1
    assert result.output == ("La base cible contient déjà des données (table editions) : une sauvegarde ne se "
                             "restaure que dans une base vide. Rien n’a été écrit.\n")
    assert contents(restored) == before


def test_create_refuses_to_overwrite_a_file(app, archive):
    before = archive.read_bytes()

    result = flask(app, "backup", "create", str(archive))

    assert result.exit_code == 1
    assert result.output == f"{archive} existe déjà : choisissez un autre nom. Rien n’a été écrit.\n"
    assert archive.read_bytes() == before


def test_audit_verify_passes_after_a_restore_with_the_same_chain_head(app, clock, new_instance, tmp_path):
    """The demo played to its results through the real operations: its log verifies before and after."""
    clock.set(NOW)
    run_demo(app, "--stage", "resultats")
    before = flask(app, "audit", "verify")
    path = tmp_path / "resultats.zip"
    assert flask(app, "backup", "create", str(path)).exit_code == 0
    target = new_instance("verified")
    assert flask(target, "backup", "restore", str(path)).exit_code == 0

    after = flask(target, "audit", "verify")

    assert (before.exit_code, after.exit_code) == (0, 0), after.output
    assert after.output.splitlines()[-2:] == before.output.splitlines()[-2:]  # the same head, « 0 écart. »
    assert after.output.splitlines()[-1] == "0 écart."
