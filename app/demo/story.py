"""The demonstration's story, played through the real operations, one phase per stage of the contest.

Every act goes through the operation a person's click would call (submitting, scoring, picking,
closing, excusing, declaring the winner…), at an instant of a ``Timeline`` that never passes the
real clock, so the audit log reads like a contest that really happened. A phase skips what is
already done, so the story can be resumed from any stage it reached.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from reportlab.pdfgen import canvas
from werkzeug.datastructures import FileStorage

from app.attachments.operations import add_attachment, receive_upload
from app.candidatures.operations import create_candidature, save_dossier
from app.demo import cast
from app.emailed.operations import enter_emailed_dossier, new_entry_key
from app.extensions import db
from app.jury.independence import declaration_of, sheet_of
from app.jury.operations import declare_conflict, save_scoresheet
from app.jury.juries import Jury
from app.jury.workload import shortlist
from app.messages.operations import post_message
from app.models import Candidature, Edition, Region, User
from app.national.ranking import national_ranking
from app.selection.ranking import region_ranking
from app.transitions.assignment import apply_assignment
from app.transitions.candidate import submit_candidature, withdraw_candidature
from app.transitions.national import declare_winner, excuse_region, open_national_jury, publish_results
from app.transitions.regional import (
    close_region, declare_inadmissible, open_regional_jury, select_for_nation, selection_fingerprint,
)
from workflows.messages import Side
from workflows.states import NationalStage, RegionStage, Role, State


class Timeline:
    """Increasing instants between ``start`` and ``end``: one per act, a minute apart when there is room."""

    def __init__(self, start: datetime, end: datetime, acts: int = 2000):
        self.at, self.end = start, end
        self.step = min(timedelta(minutes=1), max((end - start) / acts, timedelta(milliseconds=1)))

    def __call__(self) -> datetime:
        self.at = min(self.at + self.step, self.end)
        return self.at


@dataclass(frozen=True)
class Cast:
    edition: Edition
    users: dict[str, User]  # by email

    def one(self, local: str) -> User:
        return self.users[cast.email(local)]

    def ars(self, region: Region) -> User:
        return self.one(f"ars.{region.code.lower()}")

    def jurors(self, region: Region) -> list[User]:
        return [self.one(f"jure{seat + 1 if seat else ''}.{region.code.lower()}")
                for seat in range(cast.jurors_in(region.code))]

    def national_jurors(self) -> list[User]:
        return [self.one("jure.national"), self.one("jure2.national")]

    def region(self, code: str) -> Region:
        return next(region for region in self.edition.regions if region.code == code)


def _presentation_pdf(title: str) -> bytes:
    """A one-page PDF presentation, as a candidate would attach."""
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 770, title)
    page.drawString(72, 750, "Présentation du projet au jury du concours.")
    page.save()
    return out.getvalue()


def _submit(story: Cast, owner: User, region: Region, project: tuple[str, str], tl: Timeline, *,
            attach: bool = False, changes: dict | None = None) -> Candidature:
    title, structure = project
    candidature = create_candidature(owner=owner, edition=story.edition, region=region, now=tl())
    contact = next(a for a in cast.accounts(story.edition.contest) if a.email == owner.email)
    dossier = cast.dossier(story.edition.contest, title, f"{structure} — {region.name}", contact)
    save_dossier(candidature, dossier | (changes or {}), actor=owner, now=tl(), version=candidature.version)
    if attach:
        file = FileStorage(io.BytesIO(_presentation_pdf(title)), filename="présentation.pdf")
        with receive_upload(file, story.edition.contest.attachments) as upload:
            add_attachment(candidature, upload, actor=owner, now=tl())
    submit_candidature(candidature, actor=owner, now=tl())
    return candidature


def deposit(story: Cast, tl: Timeline) -> None:
    """Dossiers in every state: drafts, submitted ones (2 to 6 per region, most with a presentation
    attached), withdrawn, inadmissible; the ARS of Île-de-France asks Karim for a piece, he answers; one
    project sent to two regions, which their ARS are told."""
    jeanne, karim = story.one("candidat"), story.one("candidat2")
    hdf, idf = story.region("HDF"), story.region("IDF")
    draft = create_candidature(owner=jeanne, edition=story.edition, region=hdf, now=tl())
    save_dossier(draft, cast.draft("Un carnet de liaison partagé en EHPAD"), actor=jeanne, now=tl(),
                 version=draft.version)
    _submit(story, jeanne, hdf, cast.PROJECTS[0], tl, attach=True)
    asked = _submit(story, karim, idf, cast.PROJECTS[1], tl)
    _exchange(story, asked, tl, ASKED_BEFORE_DEADLINE)
    withdrawn = create_candidature(owner=karim, edition=story.edition, region=hdf, now=tl())
    save_dossier(withdrawn, cast.draft("Projet abandonné"), actor=karim, now=tl(), version=withdrawn.version)
    withdraw_candidature(withdrawn, actor=karim, now=tl())
    commercial = _submit(story, karim, idf, ("Vente de piluliers connectés", "Société Pilulo"), tl)
    declare_inadmissible(commercial, actor=story.ars(idf), now=tl(), code="commercial",
              reason="Le projet est de nature commerciale : le concours distingue des actions non lucratives.")
    # A dossier Hauts-de-France received by email, entered by its ARS; its sender has not taken it over.
    sender = cast.Account(cast.email("courriel.hdf"), Role.CANDIDATE, None, "Maison de santé du Béthunois")
    received = tl()
    enter_emailed_dossier(hdf, cast.dossier(story.edition.contest, "Le pharmacien à la sortie de l’hôpital",
                                            f"{sender.name} — {hdf.name}", sender),
                          sender=sender.email, received_at=received, entry_key=new_entry_key(), actor=story.ars(hdf),
                          now=tl())
    first, second = (story.region(code) for code in cast.DUPLICATED["regions"])
    # Submitted apart: above, before each region's jury; below, the project sent to two regions.
    featured = {"HDF": 2, "IDF": 1, first.code: 1}
    projects = iter(range(len(cast.PROJECTS) * len(cast.SETTINGS)))
    for index, region in enumerate(story.edition.regions):
        holder = story.one(f"porteur.{region.code.lower()}")
        for _number in range(2 + (index * 3) % 5 - featured.get(region.code, 0)):
            _submit(story, holder, region, cast.project(next(projects)), tl, attach=True)
        db.session.flush()
    holder = story.one(f"porteur.{first.code.lower()}")
    for region, title in zip((first, second), cast.DUPLICATED["titles"]):
        _submit(story, holder, region, (title, cast.DUPLICATED["structure"]), tl, attach=True,
                changes=cast.DUPLICATED["changes"])


# The ARS of Île-de-France asks Karim for a piece, before the deadline and again after it: each time he
# answers in a message (after the deadline, his dossier stays as he handed it in).
ASKED_BEFORE_DEADLINE = (
    "Bonjour, votre dossier ne comporte pas de présentation du projet en pièce jointe. Pouvez-vous l’ajouter "
    "avant la date limite ? Elle aidera le jury.",
    "Bonjour, c’est noté : nous préparons une présentation de deux pages et vous confirmons ici son contenu. "
    "Elle décrira le bracelet, la vérification par le patient et nos premiers résultats.")
ASKED_AFTER_DEADLINE = (
    "Bonjour, avant l’ouverture du jury : pouvez-vous nous dire qui, côté usagers, a relu la fiche remise au "
    "patient ? Le dossier ne le précise pas.",
    "Bonjour, la fiche a été relue par deux représentants des usagers de la commission des usagers de "
    "l’établissement, en janvier. Le compte rendu de cette relecture est disponible sur demande.")


def _exchange(story: Cast, candidature: Candidature, tl: Timeline, texts: tuple[str, str]) -> None:
    """The region's ARS asks, the candidate answers, each through the page's operation."""
    question, answer = texts
    post_message(candidature, question, author=story.ars(candidature.region), side=Side.ARS, now=tl())
    post_message(candidature, answer, author=candidature.owner, side=Side.CANDIDATE, now=tl())


def _asked_dossier(story: Cast) -> Candidature:
    """The dossier of Karim's that the ARS of Île-de-France asks about."""
    return db.session.scalar(db.select(Candidature).filter_by(
        owner_id=story.one("candidat2").id, region_id=story.region("IDF").id, title=cast.PROJECTS[1][0]))


def _marks(candidature: Candidature, juror: User, jury: Jury) -> dict[str, int]:
    """Marks that differ between jurors but agree on quality: the featured dossiers come out on top."""
    scale = candidature.edition.contest.scale
    chance = random.Random(f"{jury.name}:{candidature.id}:{juror.email}")
    quality = scale.max if candidature.owner.email == cast.email("candidat") else \
        random.Random(candidature.id).randint(scale.min + 1, scale.max - 1)
    return {c.key: max(scale.min, min(scale.max, quality + chance.choice((-1, 0, 0, 1))))
            for c in candidature.edition.contest.criteria}


def _judge(juror: User, candidature: Candidature, jury: Jury, tl: Timeline, *, submit: bool,
           conflict: str = "") -> None:
    """The juror's declaration, then their scoresheet (a draft, or submitted), unless already done."""
    if declaration_of(juror, candidature, jury) is None:
        declare_conflict(candidature, juror, has_conflict=bool(conflict), reason=conflict, now=tl(), jury=jury)
    declaration = declaration_of(juror, candidature, jury)
    sheet = sheet_of(juror, candidature, jury)
    if declaration.has_conflict or (sheet is not None and (sheet.status == "submitted" or not submit)):
        return
    marks = _marks(candidature, juror, jury)
    save_scoresheet(candidature, juror, marks, {key: "Appréciation du juré." for key in marks},
                    "Un projet solide, porté à deux voix.", submit=submit, now=tl(), jury=jury)


IDF_CONFLICT = "J’ai accompagné l’équipe de ce projet comme consultant l’an dernier."


def score_region(story: Cast, region: Region, tl: Timeline, *, complete: bool) -> None:
    """The region's jurors at work: all sheets in when ``complete``; else some in, some drafts, one
    conflict, and in Auvergne-Rhône-Alpes a third juror who has not started yet."""
    jury = Jury.of_region(region)
    for seat, juror in enumerate(story.jurors(region)):
        if not complete and seat == 2 and region.code == "ARA":
            continue
        dossiers = db.session.scalars(jury.assigned(juror).order_by(Candidature.id)).all()  # theirs, if assigned
        for number, candidature in enumerate(dossiers):
            conflict = IDF_CONFLICT if (region.code == "IDF" and seat == 2 and number == 1) else ""
            share = 1 if complete else (1, 0.5, 0)[seat % 3]
            _judge(juror, candidature, jury, tl, submit=number < share * len(dossiers), conflict=conflict)


def _close(story: Cast, region: Region, tl: Timeline) -> None:
    """The ARS picks its best ranked dossiers (one or two) with its opinion, then closes the region."""
    ars, contest = story.ars(region), story.edition.contest
    wanted = 2 if region.code == cast.CLOSED_EARLY else 1 + story.edition.regions.index(region) % 2
    ranked = [line.candidature for line in region_ranking(region).lines if line.row is not None]
    for candidature in ranked[:min(wanted, contest.quota.max)]:
        if candidature.state == State.REGIONAL_JURY.value:
            select_for_nation(candidature, actor=ars, now=tl(),
                              opinion="Avis favorable de l’ARS : un partenariat exemplaire entre usagers et "
                                      "soignants, transposable à d’autres équipes.")
    db.session.flush()
    close_region(region, actor=ars, now=tl(), reason="", fingerprint=selection_fingerprint(region))


def regional(story: Cast, tl: Timeline) -> None:
    """Every region but one opens its jury; most close with their picks, three juries are still scoring,
    one of them with its dossiers assigned (n jurors each)."""
    if story.region("IDF").stage == RegionStage.SUBMISSIONS.value:  # past the deadline, before the jury
        _exchange(story, _asked_dossier(story), tl, ASKED_AFTER_DEADLINE)
    for region in story.edition.regions:
        if region.code == cast.NO_JURY or region.stage != RegionStage.SUBMISSIONS.value:
            continue
        open_regional_jury(region, actor=story.ars(region), now=tl())
        if region.code == cast.ASSIGNED:
            apply_assignment(region, cast.ASSIGNED_N, actor=story.ars(region), now=tl())
        score_region(story, region, tl, complete=region.code not in cast.STILL_SCORING)
        if region.code not in cast.STILL_SCORING:
            _close(story, region, tl)


NO_JURY_REASON = ("L’ARS n’a pas pu réunir son jury régional cette année (jurés indisponibles pendant la "
                  "période d’examen).")


def finish_regional_juries(story: Cast, tl: Timeline) -> None:
    """The juries still scoring hand in every sheet; their ARS pick and close."""
    for region in story.edition.regions:
        if region.stage == RegionStage.JURY_OPEN.value:
            score_region(story, region, tl, complete=True)
            _close(story, region, tl)


def national(story: Cast, tl: Timeline) -> None:
    """The last regions close, the one without a jury is excused, the national jury opens and starts scoring."""
    finish_regional_juries(story, tl)
    no_jury = story.region(cast.NO_JURY)
    if no_jury.stage == RegionStage.SUBMISSIONS.value:
        excuse_region(no_jury, actor=story.one("national"), now=tl(), reason=NO_JURY_REASON)
    if story.edition.national_stage == NationalStage.REGIONAL.value:
        open_national_jury(story.edition, actor=story.one("national"), now=tl())
    score_nation(story, tl, complete=False)


def score_nation(story: Cast, tl: Timeline, *, complete: bool) -> None:
    """The national jurors at work: every sheet in when ``complete``, else one well ahead, one just begun."""
    picks = [pick.candidature for pick in shortlist(story.edition)]
    for seat, juror in enumerate(story.national_jurors()):
        share = 1 if complete else (0.6, 0.2)[seat]
        for number, candidature in enumerate(picks):
            if complete or number < share * len(picks) + 1:
                _judge(juror, candidature, Jury.national(story.edition), tl, submit=number < share * len(picks))


def results(story: Cast, tl: Timeline) -> None:
    """Every national sheet in, the best ranked pick declared the winner, the results published."""
    score_nation(story, tl, complete=True)
    if story.edition.national_stage == NationalStage.NATIONAL_JURY.value:
        winner = national_ranking(story.edition).lines[0].candidature
        declare_winner(winner, actor=story.one("national"), now=tl(),
                       rationale="Le jury national distingue un partenariat exemplaire, évalué et transposable.")
    if story.edition.national_stage == NationalStage.WINNER_DECLARED.value:
        publish_results(story.edition, actor=story.one("national"), now=tl())


PHASES = {"depot": deposit, "jury-regional": regional, "jury-national": national, "resultats": results}


def reached(edition: Edition) -> str:
    """The furthest stage the demo edition has reached, read from its rows."""
    if edition.national_stage == NationalStage.PUBLISHED.value:
        return "resultats"
    if edition.national_stage != NationalStage.REGIONAL.value:
        return "jury-national"
    if any(region.stage != RegionStage.SUBMISSIONS.value for region in edition.regions):
        return "jury-regional"
    return "depot"
