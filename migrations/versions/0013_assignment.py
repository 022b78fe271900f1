"""Juror assignment for large regions: n jurors per dossier on the region, the assigned pairs

Revision ID: 0013_assignment
Revises: 0012_ars_entry
Create Date: 2026-12-01 01:00:00

A region without ``jurors_per_dossier`` keeps the rule of before: every juror scores every dossier.
"""
from alembic import op
import sqlalchemy as sa

import app.models.types


revision = '0013_assignment'
down_revision = '0012_ars_entry'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, its check inline: SQLite's batch mode would rebuild ``regions`` and break the
    # triggers of ``regional_picks`` that read it.
    op.add_column('regions', sa.Column(
        'jurors_per_dossier', sa.Integer(),
        sa.CheckConstraint('jurors_per_dossier IS NULL OR jurors_per_dossier >= 1',
                           name=op.f('ck_regions_jurors_per_dossier_positive')), nullable=True))
    op.create_table('jury_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidature_id', sa.Integer(), nullable=False),
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_jury_assignments_assigned_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['candidature_id'], ['candidatures.id'], name=op.f('fk_jury_assignments_candidature_id_candidatures'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['juror_id'], ['users.id'], name=op.f('fk_jury_assignments_juror_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jury_assignments')),
    sa.UniqueConstraint('candidature_id', 'juror_id', name=op.f('uq_jury_assignments_candidature_id_juror_id'))
    )


def downgrade():
    op.drop_table('jury_assignments')
    op.drop_column('regions', 'jurors_per_dossier')  # its check goes with it
