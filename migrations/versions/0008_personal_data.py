"""Personal data: when an account and a dossier were anonymised

Revision ID: 0008_personal_data
Revises: 0007_audit_no_truncate
Create Date: 2026-12-01 10:00:00

An anonymised row stays (the audit log and the jury's sheets refer to it by id): its personal fields
are blanked and ``anonymised_at`` says when, so that the retention never anonymises it twice.
"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = '0008_personal_data'
down_revision = '0007_audit_no_truncate'
branch_labels = None
depends_on = None


def upgrade():
    for table in ("users", "candidatures"):
        op.add_column(table, sa.Column("anonymised_at", app.models.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    for table in ("candidatures", "users"):
        op.drop_column(table, "anonymised_at")
