"""initial schema

Revision ID: 0001_initial
Revises: 
Create Date: 2026-11-23 22:46:19.422408

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


APPEND_ONLY = "audit_log is append-only"


def create_audit_triggers():
    """Refuse UPDATE and DELETE on audit_log for every client, not only the ORM."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )


def drop_audit_triggers():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER audit_log_no_{event}")


def upgrade():
    op.create_table('editions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('definition_toml', sa.Text(), nullable=False),
    sa.Column('submission_deadline', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('national_stage', sa.String(length=32), nullable=False),
    sa.Column('missing_regions_reason', sa.Text(), nullable=True),
    sa.Column('winner_rationale', sa.Text(), nullable=True),
    sa.Column('published_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("national_stage IN ('regional', 'national_jury', 'winner_declared', 'published')", name=op.f('ck_editions_national_stage_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_editions')),
    sa.UniqueConstraint('slug', name=op.f('uq_editions_slug'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('organisation_identifier', sa.String(length=14), nullable=True),
    sa.Column('email_verified_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('preferred_locale', sa.String(length=5), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_users_email_lowercase')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('regions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('closing_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("stage IN ('submissions', 'jury_open', 'closed')", name=op.f('ck_regions_stage_known')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_regions_edition_id_editions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regions')),
    sa.UniqueConstraint('edition_id', 'code', name=op.f('uq_regions_edition_id_code'))
    )
    op.create_table('user_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("purpose IN ('verify_email', 'reset_password', 'invitation')", name=op.f('ck_user_tokens_purpose_known')),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_user_tokens_expires_after_creation')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_tokens_token_hash'))
    )
    with op.batch_alter_table('user_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_tokens_user_id'), ['user_id', 'purpose'], unique=False)

    op.create_table('candidatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('structure_name', sa.String(length=300), nullable=True),
    sa.Column('identifier', sa.String(length=14), nullable=True),
    sa.Column('sectors', sa.JSON(), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('contact_function', sa.String(length=200), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('contact_phone', sa.String(length=32), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('modalities', sa.JSON(), nullable=False),
    sa.Column('domains', sa.JSON(), nullable=False),
    sa.Column('domain_other', sa.String(length=300), nullable=True),
    sa.Column('project_stage', sa.String(length=64), nullable=True),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('attestations', sa.JSON(), nullable=False),
    sa.Column('receipt_number', sa.String(length=32), nullable=True),
    sa.Column('submitted_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('receipt_issued_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('inadmissibility_code', sa.String(length=64), nullable=True),
    sa.Column('inadmissibility_reason', sa.Text(), nullable=True),
    sa.Column('frozen_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state <> 'inadmissible' OR inadmissibility_reason IS NOT NULL", name=op.f('ck_candidatures_inadmissible_has_reason')),
    sa.CheckConstraint("state IN ('draft', 'submitted', 'withdrawn', 'inadmissible', 'regional_jury', 'national_shortlist', 'regional_not_selected', 'winner', 'national_not_selected')", name=op.f('ck_candidatures_state_known')),
    sa.CheckConstraint("state IN ('draft', 'withdrawn') OR (receipt_number IS NOT NULL AND submitted_at IS NOT NULL)", name=op.f('ck_candidatures_submitted_has_receipt')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_candidatures_edition_id_editions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_candidatures_owner_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_candidatures_region_id_regions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidatures')),
    sa.UniqueConstraint('receipt_number', name=op.f('uq_candidatures_receipt_number'))
    )
    with op.batch_alter_table('candidatures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidatures_edition_id'), ['edition_id', 'region_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidatures_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('uq_candidatures_one_winner_per_edition', ['edition_id'], unique=True, sqlite_where=sa.text("state = 'winner'"), postgresql_where=sa.text("state = 'winner'"))

    op.create_table('role_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(role IN ('regional_juror', 'regional_organiser')) = (region_id IS NOT NULL)", name=op.f('ck_role_memberships_region_iff_regional_role')),
    sa.CheckConstraint("role IN ('candidate', 'regional_juror', 'regional_organiser', 'national_juror', 'national_organiser', 'admin')", name=op.f('ck_role_memberships_role_known')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_role_memberships_region_id_regions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_role_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_memberships')),
    sa.UniqueConstraint('user_id', 'role', 'region_id', name=op.f('uq_role_memberships_user_id_role_region_id'))
    )
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidature_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('mime_type', sa.String(length=128), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_attachments_size_positive')),
    sa.CheckConstraint('slot BETWEEN 1 AND 3', name=op.f('ck_attachments_slot_range')),
    sa.ForeignKeyConstraint(['candidature_id'], ['candidatures.id'], name=op.f('fk_attachments_candidature_id_candidatures'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_attachments_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('candidature_id', 'slot', name=op.f('uq_attachments_candidature_id_slot')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachments_stored_name'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sa.String(length=32), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('candidature_id', sa.Integer(), nullable=True),
    sa.Column('from_state', sa.String(length=32), nullable=True),
    sa.Column('to_state', sa.String(length=32), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_log_actor_id_users')),
    sa.ForeignKeyConstraint(['candidature_id'], ['candidatures.id'], name=op.f('fk_audit_log_candidature_id_candidatures')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_audit_log_edition_id_editions')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_audit_log_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_candidature_id'), ['candidature_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_region_id'), ['region_id'], unique=False)

    create_audit_triggers()

    op.create_table('conflict_declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidature_id', sa.Integer(), nullable=False),
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('has_conflict', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('declared_by_id', sa.Integer(), nullable=True),
    sa.Column('declared_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("source IN ('juror', 'organiser', 'automatic')", name=op.f('ck_conflict_declarations_source_known')),
    sa.CheckConstraint("stage IN ('regional', 'national')", name=op.f('ck_conflict_declarations_stage_known')),
    sa.CheckConstraint('NOT has_conflict OR reason IS NOT NULL', name=op.f('ck_conflict_declarations_conflict_has_reason')),
    sa.ForeignKeyConstraint(['candidature_id'], ['candidatures.id'], name=op.f('fk_conflict_declarations_candidature_id_candidatures'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['declared_by_id'], ['users.id'], name=op.f('fk_conflict_declarations_declared_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['juror_id'], ['users.id'], name=op.f('fk_conflict_declarations_juror_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflict_declarations')),
    sa.UniqueConstraint('candidature_id', 'juror_id', 'stage', name=op.f('uq_conflict_declarations_candidature_id_juror_id_stage'))
    )
    op.create_table('email_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('candidature_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['candidature_id'], ['candidatures.id'], name=op.f('fk_email_outbox_candidature_id_candidatures'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_outbox')),
    sa.UniqueConstraint('key', name=op.f('uq_email_outbox_key'))
    )
    with op.batch_alter_table('email_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_email_outbox_pending', ['sent_at', 'id'], unique=False)

    op.create_table('partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidature_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=300), nullable=False),
    sa.Column('role', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("side IN ('usager', 'soignant')", name=op.f('ck_partners_side_known')),
    sa.ForeignKeyConstraint(['candidature_id'], ['candidatures.id'], name=op.f('fk_partners_candidature_id_candidatures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partners'))
    )
    op.create_table('regional_picks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('candidature_id', sa.Integer(), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('slot BETWEEN 1 AND 2', name=op.f('ck_regional_picks_slot_range')),
    sa.ForeignKeyConstraint(['candidature_id'], ['candidatures.id'], name=op.f('fk_regional_picks_candidature_id_candidatures'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_regional_picks_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_regional_picks_region_id_regions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regional_picks')),
    sa.UniqueConstraint('candidature_id', name=op.f('uq_regional_picks_candidature_id')),
    sa.UniqueConstraint('region_id', 'slot', name=op.f('uq_regional_picks_region_id_slot'))
    )
    op.create_table('scoresheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidature_id', sa.Integer(), nullable=False),
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('overall_comment', sa.Text(), nullable=False),
    sa.Column('submitted_at', app.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', app.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(status = 'submitted') = (submitted_at IS NOT NULL)", name=op.f('ck_scoresheets_submitted_at_iff_submitted')),
    sa.CheckConstraint("stage IN ('regional', 'national')", name=op.f('ck_scoresheets_stage_known')),
    sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f('ck_scoresheets_status_known')),
    sa.ForeignKeyConstraint(['candidature_id'], ['candidatures.id'], name=op.f('fk_scoresheets_candidature_id_candidatures'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['juror_id'], ['users.id'], name=op.f('fk_scoresheets_juror_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoresheets')),
    sa.UniqueConstraint('candidature_id', 'juror_id', 'stage', name=op.f('uq_scoresheets_candidature_id_juror_id_stage'))
    )
    op.create_table('marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scoresheet_id', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.CheckConstraint('value >= 0', name=op.f('ck_marks_value_not_negative')),
    sa.ForeignKeyConstraint(['scoresheet_id'], ['scoresheets.id'], name=op.f('fk_marks_scoresheet_id_scoresheets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marks')),
    sa.UniqueConstraint('scoresheet_id', 'criterion', name=op.f('uq_marks_scoresheet_id_criterion'))
    )


def downgrade():
    op.drop_table('marks')
    op.drop_table('scoresheets')
    op.drop_table('regional_picks')
    op.drop_table('partners')
    with op.batch_alter_table('email_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_email_outbox_pending')

    op.drop_table('email_outbox')
    op.drop_table('conflict_declarations')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_region_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_candidature_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    drop_audit_triggers()
    op.drop_table('audit_log')
    op.drop_table('attachments')
    op.drop_table('role_memberships')
    with op.batch_alter_table('candidatures', schema=None) as batch_op:
        batch_op.drop_index('uq_candidatures_one_winner_per_edition', sqlite_where=sa.text("state = 'winner'"), postgresql_where=sa.text("state = 'winner'"))
        batch_op.drop_index(batch_op.f('ix_candidatures_owner_id'))
        batch_op.drop_index(batch_op.f('ix_candidatures_edition_id'))

    op.drop_table('candidatures')
    with op.batch_alter_table('user_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_tokens_user_id'))

    op.drop_table('user_tokens')
    op.drop_table('regions')
    op.drop_table('users')
    op.drop_table('editions')
