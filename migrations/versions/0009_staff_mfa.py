"""Second factor for staff: the TOTP secret on the account, single-use recovery codes

Revision ID: 0009_staff_mfa
Revises: 0008_personal_data
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = '0009_staff_mfa'
down_revision = '0008_personal_data'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mfa_secret', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('mfa_enrolled_at', app.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('mfa_last_step', sa.BigInteger(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_users_mfa_enrolled_with_secret'), 'mfa_enrolled_at IS NULL OR mfa_secret IS NOT NULL')
    op.create_table('mfa_recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mfa_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mfa_recovery_codes')),
    sa.UniqueConstraint('user_id', 'code_hash', name=op.f('uq_mfa_recovery_codes_user_id_code_hash'))
    )
    with op.batch_alter_table('mfa_recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mfa_recovery_codes_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('mfa_recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mfa_recovery_codes_user_id'))
    op.drop_table('mfa_recovery_codes')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_mfa_enrolled_with_secret'), type_='check')
        batch_op.drop_column('mfa_last_step')
        batch_op.drop_column('mfa_enrolled_at')
        batch_op.drop_column('mfa_secret')
