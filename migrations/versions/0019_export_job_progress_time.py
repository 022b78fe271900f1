"""Export jobs: when a running job last reported progress, so a job whose worker died is told apart

Revision ID: 0019_export_job_progress_time
Revises: 0018_export_job_tables
Create Date: 2026-12-01 12:45:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = '0019_export_job_progress_time'
down_revision = '0018_export_job_tables'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('progressed_at', app.models.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_column('progressed_at')
