"""The audit log refuses TRUNCATE on PostgreSQL, as it refuses UPDATE and DELETE

Revision ID: 0007_audit_no_truncate
Revises: 0006_export_jobs
Create Date: 2026-11-30 18:00:00

PostgreSQL's TRUNCATE fires no row trigger, so the append-only triggers of 0001 let it empty the
log; a statement-level trigger refuses it. SQLite has no TRUNCATE: its equivalent, an unconditional
DELETE, already meets 0001's DELETE trigger (a table with a DELETE trigger is never emptied by the
truncate shortcut), so nothing changes there.
"""
from alembic import op


revision = '0007_audit_no_truncate'
down_revision = '0006_export_jobs'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # The function of 0001 raises « audit_log is append-only » whatever the trigger's level.
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
