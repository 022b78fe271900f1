"""Export jobs for the regions: a region's minutes and the candidature and marks tables, with their parameters

Revision ID: 0018_export_job_tables
Revises: 0017_conflict_index
Create Date: 2026-12-01 08:30:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0018_export_job_tables'
down_revision = '0017_conflict_index'
branch_labels = None
depends_on = None

KINDS = ('book', 'archive', 'minutes', 'candidatures', 'notes')


def _kinds(kinds):
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def upgrade():
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('parameters', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.create_foreign_key(batch_op.f('fk_export_jobs_region_id_regions'), 'regions', ['region_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.drop_constraint(op.f('ck_export_jobs_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_export_jobs_kind_known'), _kinds(KINDS))


def downgrade():
    op.execute(sa.text("DELETE FROM export_jobs WHERE kind NOT IN ('book', 'archive')"))
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_export_jobs_kind_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_export_jobs_kind_known'), _kinds(KINDS[:2]))
        batch_op.drop_constraint(batch_op.f('fk_export_jobs_region_id_regions'), type_='foreignkey')
        batch_op.drop_column('parameters')
        batch_op.drop_column('region_id')
