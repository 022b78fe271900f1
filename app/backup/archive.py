"""One archive holding a whole instance, and a fresh instance rebuilt from it.

The archive is a ZIP file:
- ``database/<table>.jsonl``: every row of every table of the models, one JSON object a line, in
  primary-key order, values encoded by column type (``app.backup.rows``): JSON Lines rather than a
  database dump, so that a PostgreSQL archive restores into SQLite and the other way round;
- ``uploads/<name>`` and ``exports/<name>``: exactly the files the rows name (attachments, prepared
  exports still kept);
- ``definitions/<slug>.toml``: each edition's definition file as loaded, to read without a database
  (restoring takes it from the editions' rows, which hold it);
- ``manifest.json``: the SHA-256 of every other member, the schema's Alembic revision, the creation
  time, the application's version and the row counts.

Invariants:
- the rows come from one read-only snapshot of the database (PostgreSQL REPEATABLE READ, SQLite one
  read transaction), and the files are those this snapshot names;
- the archive appears under its name only complete (written aside, then renamed);
- a restore checks every member against the manifest, the schema revision, and that the target
  database and folders hold nothing of it, before writing anything; the rows then go in in one
  transaction, in dependency order, and the files land before it commits (removed if it fails).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import flask_migrate
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from app.backup.rows import TableCodec
from app.database import reading_only
from app.extensions import db
from workflows.refusals import Refused

FORMAT = "concours-sauvegarde/1"
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024
BATCH = 500  # rows per INSERT statement on restore
NOTHING_WRITTEN = "Rien n’a été écrit."


@dataclass(frozen=True)
class StoredFiles:
    """Files on disk named by a column: where the archive keeps them, where the instance does."""

    prefix: str  # of their members in the archive
    column: sa.Column  # holds the server-made name of the file
    path_of: Callable[[str], Path]  # refuses any name the server would not have made
    temp_prefix: str  # of a file being written, which that folder's cleaner removes after a crash


def stored_files() -> tuple[StoredFiles, ...]:
    from app.exports import jobs
    from app.models import Attachment, ExportJob
    from app.uploads import storage

    return (StoredFiles("uploads/", Attachment.__table__.c.stored_name, storage.path_of, storage.TEMP_PREFIX),
            StoredFiles("exports/", ExportJob.__table__.c.stored_name, jobs.path_of, jobs.TEMP_PREFIX))


@dataclass(frozen=True)
class Summary:
    """What an archive holds, as the commands report it."""

    revision: str
    rows: int
    files: int
    size: int  # of the archive, in bytes


def code_revision() -> str:
    """The schema revision this code's models describe (the migrations' single head)."""
    config = current_app.extensions["migrate"].migrate.get_config()
    (head,) = ScriptDirectory.from_config(config).get_heads()
    return head


def _table_member(table: sa.Table) -> str:
    return f"database/{table.name}.jsonl"


# Creating


def create_backup(target: Path, *, now: datetime) -> Summary:
    """Write the archive of the whole instance to ``target``; Refused if it cannot be made."""
    if target.exists():
        raise Refused([f"{target} existe déjà : choisissez un autre nom. {NOTHING_WRITTEN}"])
    if not target.parent.is_dir():
        raise Refused([f"Le dossier {target.parent} n’existe pas. {NOTHING_WRITTEN}"])
    partial = target.with_name(f".{target.name}.partiel")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            hashes: dict[str, str] = {}
            revision, counts, files = _write_snapshot(archive, hashes)
            for spec, names in files.items():
                for name in names:
                    _copy_file(archive, hashes, spec, name)
            manifest = {
                "format": FORMAT,
                "created_at": now.astimezone(UTC).isoformat(),
                "app_version": importlib.metadata.version("concours"),
                "alembic_revision": revision,
                "database": db.engine.dialect.name,
                "tables": counts,
                "files": {spec.prefix.rstrip("/"): len(names) for spec, names in files.items()},
                "members": hashes,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        _sync(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return Summary(revision, sum(counts.values()), sum(len(names) for names in files.values()), target.stat().st_size)


@contextmanager
def _snapshot() -> Iterator[sa.Connection]:
    """One read-only transaction over the whole database: every table as of one instant."""
    with reading_only(), db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with connection.begin():
            yield connection


def _write_snapshot(archive: zipfile.ZipFile, hashes: dict[str, str]
                    ) -> tuple[str, dict[str, int], dict[StoredFiles, list[str]]]:
    """The rows, the definitions and the names of the files, all read in one snapshot."""
    from app.models import Edition

    with _snapshot() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
        if revision != code_revision():
            raise Refused([f"La base est à la révision {revision} du schéma, l’application à la révision "
                           f"{code_revision()} : mettez la base à jour (flask --app app db upgrade) avant de la "
                           f"sauvegarder. {NOTHING_WRITTEN}"])
        if unknown := _unknown_tables(connection):
            raise Refused([f"La base contient des tables que l’application ne connaît pas ({', '.join(unknown)}) : "
                           f"elles ne seraient pas sauvegardées. {NOTHING_WRITTEN}"])
        counts = {table.name: _write_table(archive, hashes, connection, table) for table in db.metadata.sorted_tables}
        for slug, text in connection.execute(sa.select(Edition.slug, Edition.definition_toml).order_by(Edition.id)):
            _write_member(archive, hashes, f"definitions/{slug}.toml", [text.encode()])
        files = {spec: list(connection.scalars(sa.select(spec.column).where(spec.column.is_not(None))
                                               .order_by(spec.column)))
                 for spec in stored_files()}
    return revision, counts, files


def _unknown_tables(connection: sa.Connection) -> list[str]:
    known = set(db.metadata.tables) | {"alembic_version"}
    return sorted(set(sa.inspect(connection).get_table_names()) - known)


def _write_table(archive: zipfile.ZipFile, hashes: dict[str, str], connection: sa.Connection,
                 table: sa.Table) -> int:
    codec, count = TableCodec(table), 0

    def lines() -> Iterator[bytes]:
        nonlocal count
        rows = connection.execution_options(yield_per=BATCH).execute(
            sa.select(table).order_by(*table.primary_key.columns))
        for row in rows:
            count += 1
            yield json.dumps(codec.encode(row), ensure_ascii=False).encode() + b"\n"

    _write_member(archive, hashes, _table_member(table), lines())
    return count


def _copy_file(archive: zipfile.ZipFile, hashes: dict[str, str], spec: StoredFiles, name: str) -> None:
    path = spec.path_of(name)
    try:
        with path.open("rb") as source:
            _write_member(archive, hashes, spec.prefix + name, iter(lambda: source.read(CHUNK), b""))
    except FileNotFoundError:
        raise Refused([f"Le fichier {path}, que la base nomme ({spec.column.table.name}), est introuvable : s’il "
                       f"vient d’être supprimé, relancez la sauvegarde. {NOTHING_WRITTEN}"]) from None


def _write_member(archive: zipfile.ZipFile, hashes: dict[str, str], name: str, chunks) -> None:
    digest = hashlib.sha256()
    with archive.open(name, "w", force_zip64=True) as out:
        for chunk in chunks:
            digest.update(chunk)
            out.write(chunk)
    hashes[name] = digest.hexdigest()


def _sync(path: Path) -> None:
    with path.open("rb") as written:
        os.fsync(written.fileno())


# Restoring


def restore_backup(source: Path) -> Summary:
    """Rebuild this instance, whose database and folders must be empty, from the archive ``source``."""
    with _open(source) as archive:
        manifest = _verified_manifest(archive, source)
        revision = manifest["alembic_revision"]
        if revision != code_revision():
            raise Refused([f"Cette archive est à la révision {revision} du schéma, cette version de l’application "
                           f"à la révision {code_revision()} : restaurez-la avec la version {manifest['app_version']} "
                           f"de l’application, qui l’a créée, puis mettez-la à jour. {NOTHING_WRITTEN}"])
        _check_empty_database()
        files = _file_members(archive)
        _check_free(files)
        flask_migrate.upgrade(revision=revision)
        rows = _restore(archive, manifest, files)
    return Summary(revision, rows, len(files), source.stat().st_size)


@contextmanager
def _open(source: Path) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as error:
        raise Refused([f"{source} n’est pas une archive de sauvegarde lisible ({error}). {NOTHING_WRITTEN}"]) from None
    with archive:
        yield archive


def _damaged(member: str, why: str) -> Refused:
    return Refused([f"Archive endommagée : le membre « {member} » {why}. {NOTHING_WRITTEN}"])


def _verified_manifest(archive: zipfile.ZipFile, source: Path) -> dict:
    """The manifest, once every member matches its SHA-256 and nothing is missing or added."""
    try:
        manifest = json.loads(_read(archive, MANIFEST))
        members, tables = manifest["members"], manifest["tables"]
    except (KeyError, TypeError):
        raise _damaged(MANIFEST, "manque ou est incomplet") from None
    except ValueError:
        raise _damaged(MANIFEST, "n’est pas un JSON lisible") from None
    if manifest.get("format") != FORMAT:
        raise Refused([f"{source} n’est pas une archive de sauvegarde de Concours ({FORMAT}). {NOTHING_WRITTEN}"])
    present = set(archive.namelist()) - {MANIFEST}
    if missing := sorted(set(members) - present):
        raise _damaged(missing[0], "manque")
    if extra := sorted(present - set(members)):
        raise _damaged(extra[0], "n’est pas dans le manifeste")
    if missing_tables := [t.name for t in db.metadata.sorted_tables if _table_member(t) not in members or
                          t.name not in tables]:
        raise _damaged(_table_member(db.metadata.tables[missing_tables[0]]), "manque")
    for name, expected in members.items():
        if _sha256(archive, name) != expected:
            raise _damaged(name, "ne correspond pas à son empreinte SHA-256 dans le manifeste")
    return manifest


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    with _member(archive, name) as member:
        return member.read()


def _sha256(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with _member(archive, name) as member:
        while chunk := member.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def _member(archive: zipfile.ZipFile, name: str) -> Iterator[IO[bytes]]:
    """A member opened for reading: the ZIP's own checks (CRC, compressed data) fail as damage."""
    try:
        with archive.open(name) as member:
            yield member
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise _damaged(name, "est illisible") from None


# Tables whose row the migrations write themselves (the audit chain's head, before any log row): not
# data of the instance, and replaced by the archive's row on restore.
SEEDED_BY_MIGRATIONS = ("audit_chain_head",)


def _check_empty_database() -> None:
    existing = set(sa.inspect(db.engine).get_table_names()) - set(SEEDED_BY_MIGRATIONS)
    with db.engine.connect() as connection:
        for table in (table for table in db.metadata.sorted_tables if table.name in existing):
            if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
                raise Refused([f"La base cible contient déjà des données (table {table.name}) : une sauvegarde ne se "
                               f"restaure que dans une base vide. {NOTHING_WRITTEN}"])


def _file_members(archive: zipfile.ZipFile) -> dict[str, tuple[StoredFiles, Path]]:
    """Member name -> (its kind, where it goes); a name the server would not have made is refused."""
    files = {}
    for spec in stored_files():
        for name in archive.namelist():
            if name.startswith(spec.prefix):
                try:
                    files[name] = spec, spec.path_of(name.removeprefix(spec.prefix))
                except ValueError:
                    raise _damaged(name, "ne porte pas un nom de fichier de l’application") from None
    return files


def _check_free(files: dict[str, tuple[StoredFiles, Path]]) -> None:
    if taken := sorted(str(path) for _spec, path in files.values() if path.exists()):
        raise Refused([f"Le fichier {taken[0]} existe déjà : une sauvegarde ne se restaure que dans des dossiers "
                       f"sans ses fichiers. {NOTHING_WRITTEN}"])


def _restore(archive: zipfile.ZipFile, manifest: dict, files: dict[str, tuple[StoredFiles, Path]]) -> int:
    """Every row in one transaction, then the files before it commits; the files go if it fails."""
    written: list[Path] = []
    try:
        with db.engine.begin() as connection:
            for name in SEEDED_BY_MIGRATIONS:
                connection.execute(db.metadata.tables[name].delete())
            rows = sum(_insert_table(archive, connection, table, manifest["tables"][table.name])
                       for table in db.metadata.sorted_tables)
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection)
            for name, (spec, path) in files.items():
                written.append(path)
                _write_file(archive, name, spec, path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return rows


def _insert_table(archive: zipfile.ZipFile, connection: sa.Connection, table: sa.Table, expected: int) -> int:
    """The table's rows, in batches; parents are in already (``sorted_tables`` is dependency order),
    and the triggers see each row as they saw it first (the audit log takes inserts)."""
    codec, batch, count = TableCodec(table), [], 0
    with _member(archive, _table_member(table)) as member:
        for line in member:
            values = json.loads(line)
            if list(values) != codec.columns:
                raise _damaged(_table_member(table), "n’a pas les colonnes de la table")
            batch.append(codec.decode(values))
            if len(batch) == BATCH:
                connection.execute(table.insert(), batch)
                count, batch = count + len(batch), []
    if batch:
        connection.execute(table.insert(), batch)
        count += len(batch)
    if count != expected:
        raise _damaged(_table_member(table), f"a {count} lignes, le manifeste en annonce {expected}")
    return count


def _reset_sequences(connection: sa.Connection) -> None:
    """Rows went in with their ids: each sequence moves past the largest, for the next insert."""
    for table in db.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is not None:
            connection.execute(sa.text(
                f'SELECT setval(pg_get_serial_sequence(:table, :column), coalesce(max("{column.name}"), 1), '
                f'max("{column.name}") IS NOT NULL) FROM "{table.name}"'), {"table": table.name, "column": column.name})


def _write_file(archive: zipfile.ZipFile, name: str, spec: StoredFiles, path: Path) -> None:
    """The member's bytes under ``path``, complete or not at all (a temporary file renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=spec.temp_prefix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out, _member(archive, name) as member:
            while chunk := member.read(CHUNK):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
