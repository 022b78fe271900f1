"""The ARS entry form's one-time key, unique: a form sent twice enters its dossier once

Revision ID: 0014_entry
Revises: 0013_assignment
Create Date: 2026-12-01 05:00:00

Each rendering of the entry form of a dossier received by email carries a random key, stored with
the dossier it creates; a second sending of the same form (a double click, a second tab) finds it.
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_entry'
down_revision = '0013_assignment'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (SQLite's batch mode would rebuild ``candidatures`` and lose its triggers), then
    # the unique index, which SQLite cannot add with the column.
    op.add_column('candidatures', sa.Column('entry_key', sa.String(length=32), nullable=True))
    op.create_index(op.f('ix_candidatures_entry_key'), 'candidatures', ['entry_key'], unique=True)


def downgrade():
    op.drop_index(op.f('ix_candidatures_entry_key'), table_name='candidatures')
    op.execute("ALTER TABLE candidatures DROP COLUMN entry_key")
