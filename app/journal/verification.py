"""Checking the audit log against itself and against the tables (``flask --app app audit verify``).

1. The chain: every row's hash is recomputed (``app.audit_chain``) and each row must name the
   hash of the row before it; the head row must name the last row. A row changed in the
   database no longer matches its hash; a row removed or inserted breaks the link of the next.
2. The marks: each scoresheet's marks must be those its last log row (``scoresheet.submit`` or
   ``scoresheet.save``, which carry the marks) recorded; a submitted sheet the log knows must
   exist, and a sheet the log never saw must not.
3. The decisions: the regional picks must be those the log selected and did not unselect, with
   the same opinion; the winners those the log declared. A closed region's ranking and picks,
   recomputed now from the marks in the database by the ranking code of the pages
   (``app.jury.workload.ranking_record``), must be those its closing row recorded; the national
   ranking and the winners, those the winners' declaration recorded. Rows written before the
   chain existed (migration 0009) recorded no ranking: only their picks and winners are checked.

A discrepancy (« écart ») names the first row or sheet concerned and what differs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from app.audit_chain import GENESIS, row_hash
from app.extensions import db
from app.jury.workload import REGIONAL_RANKED_STATES, Work, ranking_record
from app.models import AuditChainHead, AuditEntry, Candidature, Edition, Mark, Region, RegionalPick, Scoresheet
from app.models.audit import HEAD_ID
from app.transitions.national import winner_ids
from app.transitions.regional import picked_ids
from workflows.states import RegionStage, State

BATCH = 2000
SHEET_ACTIONS = ("scoresheet.submit", "scoresheet.save")
STAGES = {"regional": "régional", "national": "national"}


@dataclass
class LogFacts:
    """What the log says was decided, read row by row in chain order (a later row overrides)."""

    sheets: dict[tuple[int, int, str], dict[str, Any]] = field(default_factory=dict)  # (juror, dossier, stage)
    picks: dict[int, dict[str, Any]] = field(default_factory=dict)  # dossier -> its selecting row
    winners: dict[int, dict[str, Any]] = field(default_factory=dict)  # dossier -> its declaring row
    closings: dict[int, dict[str, Any]] = field(default_factory=dict)  # region -> its last closing row
    declarations: dict[int, dict[str, Any]] = field(default_factory=dict)  # edition -> its winners' row

    def read(self, row: dict[str, Any]) -> None:
        action, data = row["action"], row["data"] or {}
        if action in SHEET_ACTIONS:
            self.sheets[(row["actor_id"], row["candidature_id"], data.get("stage"))] = row
        elif action == "candidature.select_for_nation":
            self.picks[row["candidature_id"]] = row
        elif action == "candidature.unselect":
            self.picks.pop(row["candidature_id"], None)
        elif action == "candidature.declare_winner":
            self.winners[row["candidature_id"]] = row
        elif action == "region.close_region":
            self.closings[row["region_id"]] = row
        elif action == "edition.declare_winner":
            self.declarations[row["edition_id"]] = row


@dataclass
class Report:
    rows: int = 0
    head: tuple[int, str] = (0, GENESIS)
    gaps: list[str] = field(default_factory=list)
    sheets: int = 0
    regions: int = 0

    def lines(self) -> list[str]:
        count = len(self.gaps)
        return [
            f"Journal : {self.rows} ligne(s) ; fiches de notation vérifiées : {self.sheets} ; "
            f"régions closes vérifiées : {self.regions}.",
            *self.gaps,
            f"Tête de la chaîne : ligne {self.head[0]}, empreinte {self.head[1]}",
            f"{count} écart" + ("s" if count > 1 else "") + ".",
        ]


def _row(entry: dict[str, Any]) -> str:
    return f"ligne {entry['id']} ({entry['action']})"


def _chain(report: Report, facts: LogFacts) -> None:
    table = AuditEntry.__table__
    previous = GENESIS
    rows: Iterator = db.session.execute(
        db.select(table).order_by(table.c.id).execution_options(yield_per=BATCH)).mappings()
    for row in rows:
        report.rows += 1
        if row["prev_hash"] != previous:
            report.gaps.append(
                f"Écart : {_row(row)} : elle devrait suivre l’empreinte {previous}, elle suit "
                f"{row['prev_hash']} ; une ligne a été supprimée ou insérée avant elle.")
        if (digest := row_hash(row, row["prev_hash"])) != row["hash"]:
            report.gaps.append(
                f"Écart : {_row(row)} : son contenu ne correspond plus à son empreinte "
                f"(enregistrée {row['hash']}, recalculée {digest}) ; elle a été modifiée.")
        previous = row["hash"]
        report.head = (row["id"], row["hash"])
        facts.read(dict(row))
    head = db.session.get(AuditChainHead, HEAD_ID)
    if head is None or (head.last_id, head.last_hash) != report.head:
        stored = f"ligne {head.last_id}, empreinte {head.last_hash}" if head else "absente"
        report.gaps.append(
            f"Écart : la tête de la chaîne ({stored}) n’est pas la dernière ligne du journal (ligne "
            f"{report.head[0]}) ; des lignes ont été supprimées à la fin du journal ou écrites hors de l’application.")


def _marks(report: Report, facts: LogFacts) -> None:
    marks: dict[int, dict[str, int]] = defaultdict(dict)
    for sheet_id, criterion, value in db.session.execute(db.select(Mark.scoresheet_id, Mark.criterion, Mark.value)):
        marks[sheet_id][criterion] = value
    sheets = db.session.execute(db.select(Scoresheet.id, Scoresheet.juror_id, Scoresheet.candidature_id,
                                          Scoresheet.stage, Scoresheet.status).order_by(Scoresheet.id))
    for sheet_id, juror, candidature, stage, status in sheets:
        report.sheets += 1
        name = (f"Fiche de notation n° {sheet_id} (juré n° {juror}, dossier n° {candidature}, "
                f"jury {STAGES.get(stage, stage)})")
        logged = facts.sheets.pop((juror, candidature, stage), None)
        if logged is None:
            report.gaps.append(f"Écart : {name} : le journal ne l’a jamais enregistrée.")
            continue
        held = marks.get(sheet_id, {})
        recorded = {key: value for key, value in (logged["data"].get("marks") or {}).items() if value is not None}
        for key in sorted(held.keys() | recorded.keys()):
            if held.get(key) != recorded.get(key):
                report.gaps.append(f"Écart : {name} : critère « {key} » noté {held.get(key, 'sans note')} dans "
                                   f"la base, {recorded.get(key, 'sans note')} au journal, {_row(logged)}.")
        if status != logged["data"].get("status"):
            report.gaps.append(f"Écart : {name} : statut « {status} » dans la base, "
                               f"« {logged['data'].get('status')} » au journal, {_row(logged)}.")
    for (juror, candidature, stage), logged in facts.sheets.items():
        # A draft may go with its juror (``jury.remove``); a submitted sheet never leaves.
        if logged["data"].get("status") == "submitted":
            report.gaps.append(f"Écart : la fiche de notation remise du juré n° {juror} sur le dossier n° "
                               f"{candidature} (jury {STAGES.get(stage, stage)}, {_row(logged)}) n’est plus dans "
                               "la base.")


def _picks_and_winners(report: Report, facts: LogFacts) -> None:
    for pick in db.session.scalars(db.select(RegionalPick).order_by(RegionalPick.region_id, RegionalPick.slot)):
        logged = facts.picks.pop(pick.candidature_id, None)
        name = f"Choix n° {pick.slot} de la région n° {pick.region_id} (dossier n° {pick.candidature_id})"
        if logged is None:
            report.gaps.append(f"Écart : {name} : le journal ne l’a jamais retenu.")
        elif (logged["reason"] or "", logged["region_id"]) != (pick.opinion, pick.region_id):
            report.gaps.append(f"Écart : {name} : avis « {pick.opinion} » dans la base, « {logged['reason'] or ''} » "
                               f"au journal, {_row(logged)}.")
    for candidature, logged in facts.picks.items():
        report.gaps.append(f"Écart : le dossier n° {candidature} retenu par sa région, {_row(logged)}, "
                           "n’est plus parmi ses choix.")
    winners = set(db.session.scalars(db.select(Candidature.id).filter_by(state=State.WINNER.value)))
    for candidature in sorted(winners - facts.winners.keys()):
        report.gaps.append(f"Écart : le dossier n° {candidature} est lauréat dans la base, le journal ne l’a "
                           "jamais désigné.")
    for candidature in sorted(facts.winners.keys() - winners):
        report.gaps.append(f"Écart : le dossier n° {candidature} désigné lauréat, {_row(facts.winners[candidature])}, "
                           "ne l’est plus dans la base.")


def _compare_ranking(report: Report, what: str, logged: dict[str, Any], now: list[dict[str, Any]]) -> None:
    recorded = logged["data"]["ranking"]
    if recorded == now:
        return
    by_id = {line["candidature_id"]: line for line in now}
    first = next((line for line, current in zip(recorded, now) if line != current), None) \
        or (recorded[len(now)] if len(recorded) > len(now) else now[len(recorded)])
    current = by_id.get(first["candidature_id"])
    recomputed = f"rang {current['rank']}, moyenne {current['total_mean']}" if current else "absent"
    report.gaps.append(
        f"Écart : {what} : le classement recalculé des notes de la base diffère de celui du journal, "
        f"{_row(logged)} : dossier n° {first['candidature_id']} au rang {first['rank']}, moyenne "
        f"{first['total_mean']} au journal ; {recomputed} maintenant.")


def _decisions(report: Report, facts: LogFacts) -> None:
    for region in db.session.scalars(db.select(Region).filter_by(stage=RegionStage.CLOSED.value)
                                     .order_by(Region.id)):
        report.regions += 1
        logged = facts.closings.get(region.id)
        what = f"Région {region.name} (n° {region.id})"
        if logged is None:
            report.gaps.append(f"Écart : {what} : close dans la base, le journal n’en a pas enregistré la clôture.")
            continue
        data = logged["data"]
        if "selection" in data and data["selection"] != (picks := picked_ids(region)):
            report.gaps.append(f"Écart : {what} : choix {picks} dans la base, {data['selection']} à la clôture, "
                               f"{_row(logged)}.")
        if "ranking" in data:
            _compare_ranking(report, what, logged, ranking_record(Work.regional(region, REGIONAL_RANKED_STATES),
                                                                  region.edition.contest))
    for edition_id, logged in sorted(facts.declarations.items()):
        edition = db.session.get(Edition, edition_id)
        data, what = logged["data"], f"Concours {edition.slug}"
        if "winners" in data and data["winners"] != (winners := winner_ids(edition)):
            report.gaps.append(f"Écart : {what} : lauréat(s) {winners} dans la base, {data['winners']} au journal, "
                               f"{_row(logged)}.")
        if "ranking" in data:
            _compare_ranking(report, f"{what}, classement national", logged,
                             ranking_record(Work.national(edition), edition.contest))


def verify_log() -> Report:
    """Every check of the module docstring, in a transaction of its own that writes nothing."""
    db.session.rollback()
    db.session.expire_all()  # rows the session loaded earlier are read again, as the database holds them
    if db.session.get_bind().dialect.name == "postgresql":
        # One snapshot for every query: a sheet saved meanwhile is not seen without its log row.
        # (SQLite: the command's transaction holds the write lock, nothing changes meanwhile.)
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    report, facts = Report(), LogFacts()
    try:
        _chain(report, facts)
        _marks(report, facts)
        _picks_and_winners(report, facts)
        _decisions(report, facts)
    finally:
        db.session.rollback()
    return report
