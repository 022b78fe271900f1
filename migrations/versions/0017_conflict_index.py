"""An index of the standing conflicts of interest

Revision ID: 0017_conflict_index
Revises: 0016_pages
Create Date: 2026-12-01 08:40:00

Every juror declares on every dossier before scoring it (a region of 5,000 dossiers and 15 jurors:
75,000 declarations), and a handful declare a conflict. The expected-work queries
(``app.jury.workload``) leave the conflicted pairs out: this partial index holds those only, so the
75,000 others are not read for them.
"""
from alembic import op
import sqlalchemy as sa


revision = '0017_conflict_index'
down_revision = '0016_pages'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_conflict_declarations_standing", "conflict_declarations",
                    ["candidature_id", "juror_id", "stage"],
                    sqlite_where=sa.text("has_conflict IS 1"), postgresql_where=sa.text("has_conflict IS TRUE"))


def downgrade():
    op.drop_index("ix_conflict_declarations_standing", table_name="conflict_declarations")
