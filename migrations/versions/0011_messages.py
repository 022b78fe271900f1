"""Messages between a candidate and the ARS of their region, one thread per candidature

Revision ID: 0011_messages
Revises: 0010_audit_chain
Create Date: 2026-12-01 00:23:18.214050

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


revision = '0011_messages'
down_revision = '0010_audit_chain'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidature_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sent_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("side IN ('candidate', 'ars')", name=op.f('ck_messages_side_known')),
    sa.CheckConstraint('length(body) > 0', name=op.f('ck_messages_body_not_empty')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_messages_author_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['candidature_id'], ['candidatures.id'], name=op.f('fk_messages_candidature_id_candidatures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_candidature_id'), ['candidature_id', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_candidature_id'))

    op.drop_table('messages')
