"""Submitted scoresheets carry their figures: the weighted total and the mark per criterion

Revision ID: 0016_pages
Revises: 0015_search_text
Create Date: 2026-12-01 04:30:00

The rankings and the juries' statistics add these up instead of the marks (a region of 5,000
dossiers and 15 jurors: 75,000 sheets, 300,000 marks). Every submitted sheet is filled in from its
marks, weighted by its edition's criteria (``scoring.weighted_total``, the one the app writes with,
``app.jury.operations.store_figures``); a draft keeps none.
"""
import tomllib
from collections import defaultdict

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from scoring import weighted_total

FIGURES = sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


revision = '0016_pages'
down_revision = '0015_search_text'
branch_labels = None
depends_on = None


def _weights(definition_toml: str) -> list[tuple[str, int]]:
    """(key, weight) of an edition's criteria, as its definition declares them (weight 1 by default)."""
    return [(criterion["key"], criterion.get("weight", 1)) for criterion in tomllib.loads(definition_toml)["criteria"]]


def _backfill(connection) -> None:
    criteria = {edition: _weights(text) for edition, text in connection.execute(
        sa.text("SELECT id, definition_toml FROM editions"))}
    marks = defaultdict(dict)
    edition_of = {}
    for sheet, edition, criterion, value in connection.execute(sa.text(
            "SELECT s.id, c.edition_id, m.criterion, m.value FROM scoresheets s "
            "JOIN candidatures c ON c.id = s.candidature_id JOIN marks m ON m.scoresheet_id = s.id "
            "WHERE s.status = 'submitted'")):
        marks[sheet][criterion] = value
        edition_of[sheet] = edition
    table = sa.table('scoresheets', sa.column('id'), sa.column('total'), sa.column('criterion_marks', FIGURES))
    rows = [{"sheet": sheet, "total": int(weighted_total(values, criteria[edition_of[sheet]])),
             "criterion_marks": values} for sheet, values in marks.items()]
    if rows:
        connection.execute(table.update().where(table.c.id == sa.bindparam("sheet"))
                           .values(total=sa.bindparam("total"), criterion_marks=sa.bindparam("criterion_marks")),
                           rows)


def upgrade():
    op.add_column('scoresheets', sa.Column('total', sa.Integer(), nullable=True))
    op.add_column('scoresheets', sa.Column('criterion_marks', FIGURES, nullable=True))
    _backfill(op.get_bind())
    # After the backfill: on SQLite the check comes with a rebuilt table (env.py turns foreign keys off).
    with op.batch_alter_table('scoresheets', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_scoresheets_figures_iff_submitted'),
            "(status = 'submitted') = (total IS NOT NULL AND criterion_marks IS NOT NULL)")


def downgrade():
    with op.batch_alter_table('scoresheets', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_scoresheets_figures_iff_submitted'), type_='check')
        batch_op.drop_column('criterion_marks')
        batch_op.drop_column('total')
