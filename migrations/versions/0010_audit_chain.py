"""The audit log becomes a hash chain: each row carries the previous row's hash and its own

Revision ID: 0010_audit_chain
Revises: 0009_staff_mfa
Create Date: 2026-11-30 20:00:00

The rows already written are chained in id order (``app.audit_chain``), and the head table holds
the last one. Writing their hashes is the one update the log ever receives: the append-only
triggers are switched off for it inside this migration's transaction on PostgreSQL; on SQLite,
whose batch mode rebuilds the table (and so drops its triggers) to make the columns NOT NULL,
they are created again afterwards, with the statements of 0001 (a migration stands alone).
"""
from alembic import op
import sqlalchemy as sa

import app.models.types
from app.audit_chain import FIELDS, GENESIS, row_hash


revision = '0010_audit_chain'
down_revision = '0009_staff_mfa'
branch_labels = None
depends_on = None

APPEND_ONLY = "audit_log is append-only"
LOG = sa.table(
    "audit_log", sa.column("id", sa.Integer()), sa.column("at", app.models.types.UTCDateTime(timezone=True)),
    *(sa.column(name) for name in FIELDS if name not in ("id", "at", "data")), sa.column("data", sa.JSON()),
    sa.column("prev_hash", sa.String(64)), sa.column("hash", sa.String(64)),
)
HEAD = sa.table("audit_chain_head", sa.column("id", sa.Integer()), sa.column("last_id", sa.Integer()),
                sa.column("last_hash", sa.String(64)))


def _sqlite_triggers(create: bool) -> None:
    for event in ("update", "delete"):
        op.execute(f"CREATE TRIGGER audit_log_no_{event} BEFORE {event.upper()} ON audit_log "
                   f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END" if create
                   else f"DROP TRIGGER audit_log_no_{event}")


def _chain_existing_rows() -> tuple[int, str]:
    """Hash every row in id order; returns the head (0 and GENESIS for an empty log)."""
    connection = op.get_bind()
    last_id, last_hash = 0, GENESIS
    rows = connection.execute(sa.select(*(LOG.c[name] for name in FIELDS)).order_by(LOG.c.id)).mappings().all()
    for row in rows:
        digest = row_hash(row, last_hash)
        connection.execute(LOG.update().where(LOG.c.id == row["id"]).values(prev_hash=last_hash, hash=digest))
        last_id, last_hash = row["id"], digest
    return last_id, last_hash


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_chain_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    with op.batch_alter_table('audit_log', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    if postgresql:
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    else:
        _sqlite_triggers(create=False)
    last_id, last_hash = _chain_existing_rows()
    op.bulk_insert(HEAD, [{"id": 1, "last_id": last_id, "last_hash": last_hash}])
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
    if postgresql:
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    else:
        _sqlite_triggers(create=True)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    if not postgresql:
        _sqlite_triggers(create=False)
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
    if not postgresql:
        _sqlite_triggers(create=True)
    op.drop_table('audit_chain_head')
