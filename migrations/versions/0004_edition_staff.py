"""Staff roles belong to one edition: role_memberships.edition_id

Regional memberships take their region's edition; national ones (which had none) the most recent
edition, the only one a database held before editions could sit side by side.

Revision ID: 0004_edition_staff
Revises: 0003_edition_slot_limits
Create Date: 2026-11-30 17:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0004_edition_staff'
down_revision = '0003_edition_slot_limits'
branch_labels = None
depends_on = None

STAFF_ROLES = "'regional_juror', 'regional_organiser', 'national_juror', 'national_organiser'"


def upgrade():
    with op.batch_alter_table("role_memberships") as batch_op:
        batch_op.add_column(sa.Column("edition_id", sa.Integer(), nullable=True))
    op.execute("UPDATE role_memberships SET edition_id = "
               "(SELECT edition_id FROM regions WHERE regions.id = role_memberships.region_id) "
               "WHERE region_id IS NOT NULL")
    op.execute("UPDATE role_memberships SET edition_id = (SELECT max(id) FROM editions) "
               "WHERE role IN ('national_juror', 'national_organiser')")
    with op.batch_alter_table("role_memberships") as batch_op:
        batch_op.create_foreign_key(op.f("fk_role_memberships_edition_id_editions"), "editions", ["edition_id"],
                                    ["id"], ondelete="CASCADE")
        batch_op.create_check_constraint(op.f("ck_role_memberships_edition_iff_staff_role"),
                                         f"(role IN ({STAFF_ROLES})) = (edition_id IS NOT NULL)")
        batch_op.create_index(op.f("ix_role_memberships_edition_id"), ["edition_id", "role"])


def downgrade():
    with op.batch_alter_table("role_memberships") as batch_op:
        batch_op.drop_index(op.f("ix_role_memberships_edition_id"))
        batch_op.drop_constraint(op.f("ck_role_memberships_edition_iff_staff_role"), type_="check")
        batch_op.drop_constraint(op.f("fk_role_memberships_edition_id_editions"), type_="foreignkey")
        batch_op.drop_column("edition_id")
