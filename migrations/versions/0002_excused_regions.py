"""Excused regions: a region stage and a candidature state; the national jury no longer opens with a reason

Revision ID: 0002_excused_regions
Revises: 0001_initial
Create Date: 2026-11-30 13:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002_excused_regions'
down_revision = '0001_initial'
branch_labels = None
depends_on = None

OLD_STATES = ('draft', 'submitted', 'withdrawn', 'inadmissible', 'regional_jury', 'national_shortlist',
              'regional_not_selected', 'winner', 'national_not_selected')
NEW_STATES = OLD_STATES + ('region_excused',)
OLD_STAGES = ('submissions', 'jury_open', 'closed')
NEW_STAGES = OLD_STAGES + ('excused',)


def _in(column, values):
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def _replace_check(table, name, column, values):
    with op.batch_alter_table(table) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
        batch_op.create_check_constraint(op.f(f"ck_{table}_{name}"), _in(column, values))


def upgrade():
    _replace_check("candidatures", "state_known", "state", NEW_STATES)
    _replace_check("regions", "stage_known", "stage", NEW_STAGES)
    with op.batch_alter_table("editions") as batch_op:
        batch_op.drop_column("missing_regions_reason")


def downgrade():
    with op.batch_alter_table("editions") as batch_op:
        batch_op.add_column(sa.Column("missing_regions_reason", sa.Text(), nullable=True))
    op.execute("UPDATE regions SET stage = 'submissions' WHERE stage = 'excused'")
    op.execute("UPDATE candidatures SET state = 'submitted' WHERE state = 'region_excused'")
    _replace_check("regions", "stage_known", "stage", OLD_STAGES)
    _replace_check("candidatures", "state_known", "state", OLD_STATES)
