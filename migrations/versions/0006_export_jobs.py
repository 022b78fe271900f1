"""Export jobs: files prepared by a worker for the person who asked

Revision ID: 0006_export_jobs
Revises: 0005_edition_winners
Create Date: 2026-11-30 17:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = '0006_export_jobs'
down_revision = '0005_edition_winners'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=True),
    sa.Column('finished_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('book', 'archive')", name=op.f('ck_export_jobs_kind_known')),
    sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_export_jobs_state_known')),
    sa.CheckConstraint('progress BETWEEN 0 AND 100', name=op.f('ck_export_jobs_progress_range')),
    sa.CheckConstraint("(state = 'done') = (stored_name IS NOT NULL)", name=op.f('ck_export_jobs_file_when_done')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_export_jobs_edition_id_editions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_export_jobs_requested_by_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export_jobs'))
    )
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_jobs_requested_by_id'), ['requested_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_jobs_requested_by_id'))
    op.drop_table('export_jobs')
