"""Dossiers received by email: the ARS that entered one, its sender, its receipt time, its take-over

Revision ID: 0012_ars_entry
Revises: 0011_messages
Create Date: 2026-12-01 12:00:00

A dossier entered by its ARS (app.emailed) records who entered it, the sender's address and when the
email was received, which is its submission time (a CHECK holds them equal); its candidate takes it
over through a link whose token has a purpose of its own.
"""
from alembic import op
import sqlalchemy as sa

import app.models.types

revision = '0012_ars_entry'
down_revision = '0011_messages'
branch_labels = None
depends_on = None

OLD_PURPOSES = ('verify_email', 'reset_password', 'invitation')
NEW_PURPOSES = OLD_PURPOSES + ('take_over',)


def _purposes(values):
    with op.batch_alter_table("user_tokens") as batch_op:
        batch_op.drop_constraint(op.f("ck_user_tokens_purpose_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_user_tokens_purpose_known"),
                                         f"purpose IN ({', '.join(repr(value) for value in values)})")


CHECK = "received_at IS NULL OR submitted_at = received_at"


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # ALTER TABLE … ADD COLUMN with its constraints: a batch would rebuild the table, which the
        # triggers of migrations 0003 and 0005 (reading it, or defined on it) do not survive.
        op.execute("ALTER TABLE candidatures ADD COLUMN entered_by_id INTEGER "
                   "CONSTRAINT fk_candidatures_entered_by_id_users REFERENCES users (id)")
        op.execute("ALTER TABLE candidatures ADD COLUMN sender_email VARCHAR(254)")
        op.execute("ALTER TABLE candidatures ADD COLUMN received_at DATETIME "
                   f"CONSTRAINT ck_candidatures_entered_submitted_when_received CHECK ({CHECK})")
        op.execute("ALTER TABLE candidatures ADD COLUMN taken_over_at DATETIME")
    else:
        op.add_column("candidatures", sa.Column("entered_by_id", sa.Integer(), nullable=True))
        op.add_column("candidatures", sa.Column("sender_email", sa.String(length=254), nullable=True))
        for column in ("received_at", "taken_over_at"):
            op.add_column("candidatures", sa.Column(column, app.models.types.UTCDateTime(timezone=True),
                                                    nullable=True))
        op.create_foreign_key(op.f("fk_candidatures_entered_by_id_users"), "candidatures", "users",
                              ["entered_by_id"], ["id"])
        op.create_check_constraint(op.f("ck_candidatures_entered_submitted_when_received"), "candidatures", CHECK)
    _purposes(NEW_PURPOSES)


def downgrade():
    op.execute("DELETE FROM user_tokens WHERE purpose = 'take_over'")
    _purposes(OLD_PURPOSES)
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_candidatures_entered_submitted_when_received"), "candidatures", type_="check")
        op.drop_constraint(op.f("fk_candidatures_entered_by_id_users"), "candidatures", type_="foreignkey")
    # SQLite (3.35+) drops each column with the constraints written on it.
    for column in ("taken_over_at", "received_at", "sender_email", "entered_by_id"):
        op.execute(f"ALTER TABLE candidatures DROP COLUMN {column}")
