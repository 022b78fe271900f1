from flask import Blueprint, render_template

from app.access import public
from app.clock import now
from app.editions import current_edition
from app.main.countdown import deadline_context

bp = Blueprint("main", __name__)


@bp.get("/")
@public
def home():
    edition = current_edition()
    if edition is None:
        return render_template("main/home.html", contest=None)
    return render_template("main/home.html", contest=edition.contest, **deadline_context(edition.contest, now()))


@bp.get("/accessibilite")
@public
def accessibility():
    return render_template("main/accessibility.html")


@bp.get("/mentions-legales")
@public
def legal():
    return render_template("main/legal.html")


@bp.get("/donnees-personnelles")
@public
def personal_data():
    return render_template("main/personal_data.html")
