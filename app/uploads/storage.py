"""Files on disk under ``UPLOAD_DIR``, named by the server, tied to the fate of the transaction.

Invariants:
- a file reaches its final name only complete: written to a temporary file in the same
  directory, fsynced, then renamed with ``os.replace`` (atomic on one file system);
- a file part of a request body is written once: the form parser writes it into its temporary
  file as it arrives, hashed and measured on the way (``IncomingFile``, ``app.request``), and
  the request removes that file when it ends unless it was placed;
- the name on disk is 32 random hex characters, never anything the user sent;
- a file placed during a transaction is removed if that transaction rolls back (or the session
  closes without committing), and a file the transaction stops referencing is removed only
  after it commits: so a crash leaves at worst an orphan file (removed by ``clean_orphans``),
  never a row without its file;
- a full disk (or quota) refuses the upload with a French reason and leaves no temporary file.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import secrets
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Attachment
from workflows.refusals import Refused

STORED_NAME = re.compile(r"[0-9a-f]{32}")
TEMP_PREFIX = ".upload-"
CHUNK = 64 * 1024
# Files younger than this may belong to a request still in flight: never orphans yet.
GRACE = timedelta(hours=1)
ON_ROLLBACK, AFTER_COMMIT = "uploads.remove_on_rollback", "uploads.remove_after_commit"
NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
DISK_FULL = _l("Espace disque insuffisant sur le serveur : la pièce jointe n’a pas été enregistrée. "
               "Réessayez plus tard ; le reste de votre dossier est conservé.")


class IncomingFile(io.FileIO):
    """A temporary file of the upload directory that hashes and counts what is written to it.

    A full disk does not fail the write (the form parser would answer with an error page): the file
    is emptied, the rest of the body goes nowhere, and ``receive`` refuses it with the reason."""

    def __init__(self) -> None:
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=upload_dir())
        super().__init__(fd, "r+b")
        self.path: Path | None = Path(name)  # None once placed under its stored name
        self.size, self.digest = 0, hashlib.sha256()
        self.full: OSError | None = None

    def write(self, data) -> int:
        if self.full is None:
            try:
                view = memoryview(data)
                while view:  # a raw write may write less than asked
                    view = view[super().write(view):]
                self.digest.update(data)
                self.size += len(data)
            except OSError as error:
                if error.errno not in NO_SPACE:
                    raise
                self.full = error
                self.truncate(0)  # the space goes back to the other uploads at once
        return len(data)

    @property
    def sha256(self) -> str:
        return self.digest.hexdigest()

    def move_to(self, path: Path) -> None:
        os.replace(self.path, path)
        self.path = None

    def close(self) -> None:
        """Close it and remove the temporary file unless it was placed."""
        super().close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            self.path = None  # a name another upload may take next: never removed twice


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def path_of(stored_name: str) -> Path:
    """The file of a stored name; anything but a server-made name is refused."""
    if not STORED_NAME.fullmatch(stored_name):
        raise ValueError(f"not a stored name: {stored_name!r}")
    return upload_dir() / stored_name


def receive(stream: BinaryIO, limit: int) -> IncomingFile | None:
    """The file of ``stream`` complete and synced in a temporary file, positioned at its start: the one the
    form parser wrote, or a copy of any other stream; None (and nothing left) when it exceeds ``limit``
    bytes. Refused when the disk is full: nothing is left either. The caller closes it."""
    try:
        return _receive(stream, limit)
    except OSError as error:
        if error.errno not in NO_SPACE:
            raise
        current_app.logger.error("uploads: no space left in %s", upload_dir())  # the operators must act
        raise Refused([DISK_FULL]) from error


def _receive(stream: BinaryIO, limit: int) -> IncomingFile | None:
    incoming = stream if isinstance(stream, IncomingFile) else _copy(stream, limit)
    try:
        if incoming.full is not None:
            raise incoming.full
        if incoming.size > limit:
            incoming.close()
            return None
        os.fsync(incoming.fileno())
    except BaseException:
        incoming.close()
        raise
    incoming.seek(0)
    return incoming


def _copy(stream: BinaryIO, limit: int) -> IncomingFile:
    """``stream`` written to an ``IncomingFile``, stopping once past ``limit`` bytes."""
    incoming = IncomingFile()
    try:
        while incoming.full is None and incoming.size <= limit and (chunk := stream.read(CHUNK)):
            incoming.write(chunk)
    except BaseException:
        incoming.close()
        raise
    return incoming


def place(received: IncomingFile) -> str:
    """Move a received file to a new server-generated name, removed again if the transaction rolls back."""
    stored_name = secrets.token_hex(16)
    received.move_to(path_of(stored_name))
    _sync_directory()
    _pending(ON_ROLLBACK).append(stored_name)
    return stored_name


def remove_after_commit(stored_name: str) -> None:
    """Delete the file once the transaction that dropped its row has committed."""
    _pending(AFTER_COMMIT).append(stored_name)


def discard(stored_name: str) -> None:
    """Remove a file placed in this transaction now, without waiting for the rollback."""
    _pending(ON_ROLLBACK).remove(stored_name)
    remove(stored_name)


def remove(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)


def _sync_directory() -> None:
    fd = os.open(upload_dir(), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _pending(key: str) -> list[str]:
    return db.session.info.setdefault(key, [])


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: nothing is durable yet
        return
    session.info.pop(ON_ROLLBACK, None)
    for stored_name in session.info.pop(AFTER_COMMIT, []):
        remove(stored_name)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    # Reached after a commit too, once ``_after_commit`` has emptied the lists: what is left
    # belongs to a transaction that rolled back or was closed without committing.
    if transaction.parent is not None:  # a savepoint: the outer transaction goes on
        return
    session.info.pop(AFTER_COMMIT, None)
    for stored_name in session.info.pop(ON_ROLLBACK, []):
        remove(stored_name)


def find_orphans(now: datetime) -> list[Path]:
    """Files older than an hour with no attachment row, and temporary files left by a crash."""
    known = set(db.session.scalars(db.select(Attachment.stored_name)))
    cutoff = (now - GRACE).timestamp()
    return sorted(
        path for path in upload_dir().iterdir()
        if path.is_file() and path.stat().st_mtime < cutoff
        and (path.name.startswith(TEMP_PREFIX) or (STORED_NAME.fullmatch(path.name) and path.name not in known))
    )


def clean_orphans(now: datetime) -> list[Path]:
    """Remove what ``find_orphans`` finds; returns the removed paths."""
    orphans = find_orphans(now)
    for path in orphans:
        path.unlink(missing_ok=True)
    return orphans
