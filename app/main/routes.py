from flask import Blueprint, render_template
from flask_login import current_user

from app import policy
from app.access import public
from app.editions import current_edition
from app.main.countdown import deadline_context
from app.page_cache import cached_for_anonymous, minute

bp = Blueprint("main", __name__)


@bp.get("/")
@public
@cached_for_anonymous
def home():
    edition = current_edition()
    if edition is None:
        return render_template("main/home.html", contest=None)
    # The countdown of the minute's start: the same page for the whole minute, cached or not
    # (never open past the deadline, which falls on a minute).
    moment = minute()
    # Once the ceremony's day is over (in the contest's timezone), the home page says it took place.
    awarded = moment.astimezone(edition.contest.tz).date() > edition.contest.calendar.ceremony
    return render_template("main/home.html", contest=edition.contest, published=edition.published_at is not None,
                           awarded=awarded, **deadline_context(edition.contest, moment))


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
    """What is kept, why and how long (the open edition's retention), how to download it or have it erased."""
    edition = current_edition()
    return render_template("main/personal_data.html",
                           retention_months=edition.contest.data.retention_months if edition else None,
                           erases=current_user.is_authenticated and policy.erases_personal_data())
