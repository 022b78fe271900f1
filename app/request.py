"""The app's request: Flask's, plus what each request would otherwise redo or copy."""

from __future__ import annotations

from functools import cached_property

from flask import Request
from flask_babel import get_locale

from app.i18n import wtforms_catalogue
from app.uploads.storage import NO_SPACE, IncomingFile


class ConcoursRequest(Request):
    @cached_property
    def wtforms_translations(self):
        """WTForms' own messages in the page's language, which Flask-WTF looks for under this name on the
        request and would otherwise read and parse from their catalogue file again in each request."""
        return wtforms_catalogue(str(get_locale()))

    @cached_property
    def incoming_files(self) -> list[IncomingFile]:
        return []

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        """Each file part of the body goes straight to the upload directory, hashed as it arrives
        (``IncomingFile``), instead of a spooled temporary file the view would copy there again."""
        try:
            incoming = IncomingFile()
        except OSError as error:
            if error.errno not in NO_SPACE:
                raise
            # Spooled elsewhere: ``storage.receive`` copies it, and refuses it if the disk is still full.
            return super()._get_file_stream(total_content_length, content_type, filename, content_length)
        self.incoming_files.append(incoming)
        return incoming

    def close(self) -> None:
        super().close()
        for incoming in self.incoming_files:  # those of a body whose parse failed midway too
            incoming.close()
