"""Error pages in French that leak nothing (no traceback, no SQL, no path).

The database out of reach (a PostgreSQL restart that dropped the request's connection, SQLite's
write lock held beyond the busy timeout) answers 503 « réessayez »: the request has changed nothing,
and the next one gets a fresh connection (``pool_pre_ping``).
"""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: (_l("Requête invalide"), _l("La demande n’a pas pu être traitée. Rechargez la page et réessayez.")),
    403: (_l("Accès refusé"), _l("Vous n’avez pas les droits nécessaires pour accéder à cette page.")),
    404: (_l("Page introuvable"), _l("La page demandée n’existe pas ou vous n’y avez pas accès.")),
    405: (_l("Méthode non autorisée"), _l("Cette action n’est pas possible ici.")),
    413: (
        _l("Fichier trop volumineux"),
        _l("L’envoi dépasse la taille autorisée. Réduisez la taille du fichier et réessayez."),
    ),
    429: (_l("Trop de tentatives"), _l("Vous avez fait trop de tentatives. Patientez quelques minutes puis réessayez.")),
    500: (_l("Erreur du serveur"), _l("Une erreur inattendue s’est produite. Vos données enregistrées sont conservées.")),
    503: (
        _l("Service momentanément indisponible"),
        _l("Votre demande n’a pas abouti et rien n’a été modifié. Réessayez dans quelques instants : "
           "vos données déjà enregistrées sont conservées."),
    ),
}


# When the page itself cannot be drawn (the database is unreachable, say): still French, still nothing leaked.
FALLBACK_PAGE = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Erreur — Concours SSP</title></head>'
    "<body><h1>Le service est momentanément indisponible</h1>"
    "<p>Réessayez dans quelques instants. Vos données enregistrées sont conservées.</p></body></html>"
)


def render_error(code: int, message=None):
    """The error page; whatever the request changed is rolled back first (see app.endings), and the
    page only reads (on SQLite it does not wait for the write lock that another writer may hold)."""
    from app.database import reads_from_now_on
    from app.extensions import db

    db.session.rollback()
    reads_from_now_on()
    # A code without words of its own (a 416 for a download's range, say) gets its family's.
    title, default_message = MESSAGES.get(code) or MESSAGES[400 if code < 500 else 500]
    try:
        return render_template("errors/error.html", code=code, title=title, message=message or default_message), code
    except Exception:
        current_app.logger.exception("error page could not be rendered")
        return FALLBACK_PAGE, code, {"Content-Type": "text/html; charset=utf-8"}


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_error(400, _l("Le formulaire a expiré ou n’est pas valide. Rechargez la page et réessayez."))

    @app.errorhandler(OperationalError)
    def _database_unavailable(error: OperationalError):
        app.logger.exception("database unavailable")
        return render_error(503)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        # What fails after the view (the commit) reaches Flask as a 500 wrapping the original error.
        if isinstance(getattr(error, "original_exception", None), OperationalError):
            return _database_unavailable(error.original_exception)
        if error.code >= 400:  # never Werkzeug's own page, in English
            return render_error(error.code)
        return error  # a redirect (a missing trailing slash)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return _http(error)
        app.logger.exception("unhandled error")
        return render_error(InternalServerError.code)
