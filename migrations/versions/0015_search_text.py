"""The dossier's folded search text (accent- and case-insensitive search, the same on SQLite and PostgreSQL)

Revision ID: 0015_search_text
Revises: 0014_entry
Create Date: 2026-12-01 05:00:00

Every existing dossier gets the text the model writes from now on (``workflows.folding.search_text``).
"""
from alembic import op
import sqlalchemy as sa

from workflows.folding import search_text


revision = '0015_search_text'
down_revision = '0014_entry'
branch_labels = None
depends_on = None

# The fields of ``app.models.candidatures.SEARCHED``, as they stand at this revision.
SEARCHED = ('title', 'structure_name', 'receipt_number', 'identifier')
BATCH = 500


def upgrade():
    # A plain ADD COLUMN: SQLite's batch mode would rebuild ``candidatures`` and lose the triggers that read it.
    op.add_column('candidatures', sa.Column('search_text', sa.Text(), server_default='', nullable=False))
    candidatures = sa.table('candidatures', sa.column('id'), sa.column('search_text'),
                            *(sa.column(name) for name in SEARCHED))
    connection = op.get_bind()
    last = 0
    while rows := connection.execute(
            sa.select(candidatures.c.id, *(candidatures.c[name] for name in SEARCHED))
            .where(candidatures.c.id > last).order_by(candidatures.c.id).limit(BATCH)).all():
        connection.execute(candidatures.update().where(candidatures.c.id == sa.bindparam('row_id'))
                           .values(search_text=sa.bindparam('text')),
                           [{'row_id': row.id, 'text': search_text(*row[1:])} for row in rows])
        last = rows[-1].id


def downgrade():
    op.drop_column('candidatures', 'search_text')
