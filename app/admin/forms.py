from flask_wtf import FlaskForm

from app.auth.forms import email_field


class AccountSearchForm(FlaskForm):
    """Searched by GET (the address in the URL, no change): no CSRF token."""

    class Meta:
        csrf = False

    email = email_field()
