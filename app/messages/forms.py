"""The form that writes a message (the text's rules are checked by the operation)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField


class MessageWriteForm(FlaskForm):
    body = TextAreaField(_l("Votre message"))

    @classmethod
    def for_contest(cls, contest) -> MessageWriteForm:
        """The form (holding what the request typed), its hint giving the definition's length limit."""
        form = cls()
        form.body.description = _l("%(max)s caractères au maximum. Les messages ne transportent pas de pièce "
                                   "jointe : décrivez la pièce ou donnez un lien.", max=contest.limits.reason)
        return form
