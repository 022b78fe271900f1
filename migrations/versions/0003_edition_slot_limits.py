"""Slot ceilings come from each edition: editions store their limits, triggers check slots against them

Attachments (1..3) and regional picks (1..2) had their ceilings written into CHECK constraints,
so an edition allowing more needed a migration. Each edition now stores its own limits, copied
from its definition at load, and a trigger refuses a slot beyond the limit of the row's edition:
the unique (owner, slot) still settles races, the trigger keeps the ceiling, on both databases,
whatever the application does. Lowering a limit below a slot in use is refused the same way.

A later migration must not rebuild (SQLite batch mode) a table these triggers name (attachments,
regional_picks, candidatures, regions, editions) without dropping and recreating them around it:
SQLite refuses to rename a table while a trigger names one that is missing.

Revision ID: 0003_edition_slot_limits
Revises: 0002_excused_regions
Create Date: 2026-11-30 17:00:00

"""
import tomllib

from alembic import op
import sqlalchemy as sa


revision = '0003_edition_slot_limits'
down_revision = '0002_excused_regions'
branch_labels = None
depends_on = None

LIMIT_EXCEEDED = "slot beyond the edition limit"

# (table, edition's limit column, the row's edition reached from NEW, editions.<limit> in use)
SLOTS = {
    "attachments": (
        "max_attachments",
        "SELECT e.max_attachments FROM candidatures c JOIN editions e ON e.id = c.edition_id "
        "WHERE c.id = NEW.candidature_id",
        "SELECT max(a.slot) FROM attachments a JOIN candidatures c ON c.id = a.candidature_id "
        "WHERE c.edition_id = NEW.id",
    ),
    "regional_picks": (
        "max_picks",
        "SELECT e.max_picks FROM regions r JOIN editions e ON e.id = r.edition_id WHERE r.id = NEW.region_id",
        "SELECT max(p.slot) FROM regional_picks p JOIN regions r ON r.id = p.region_id WHERE r.edition_id = NEW.id",
    ),
}
UPDATED_COLUMNS = {"attachments": "slot, candidature_id", "regional_picks": "slot, region_id"}
OLD_CEILINGS = {"attachments": 3, "regional_picks": 2}


def _limits(definition_toml: str) -> tuple[int, int]:
    """(attachments.max_count, quota.max) of a stored definition."""
    data = tomllib.loads(definition_toml)
    return data["attachments"]["max_count"], data["quota"]["max"]


def _refusal(condition: str, dialect: str) -> str:
    """A trigger body refusing the row when ``condition`` holds, as an integrity error."""
    if dialect == "postgresql":
        return (f"BEGIN IF {condition} THEN RAISE EXCEPTION '{LIMIT_EXCEEDED}' USING ERRCODE = 'check_violation'; "
                "END IF; RETURN NEW; END")
    return f"BEGIN SELECT RAISE(ABORT, '{LIMIT_EXCEEDED}') WHERE {condition}; END"


def _create_trigger(name: str, table: str, events: str, condition: str) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"{_refusal(condition, dialect)} $$")
        op.execute(f"CREATE TRIGGER {name} BEFORE {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()")
    else:
        # SQLite triggers fire for one event each.
        for event in events.split(" OR "):
            suffix = event.split()[0].lower()
            op.execute(f"CREATE TRIGGER {name}_{suffix} BEFORE {event} ON {table} FOR EACH ROW "
                       f"{_refusal(condition, dialect)}")


def _drop_trigger(name: str, table: str, events: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute(f"DROP FUNCTION {name}()")
    else:
        for event in events.split(" OR "):
            op.execute(f"DROP TRIGGER {name}_{event.split()[0].lower()}")


def _triggers():
    """(name, table, events, condition) of every trigger this revision creates."""
    for table, (column, limit, in_use) in SLOTS.items():
        yield (f"{table}_slot_within_limit", table, f"INSERT OR UPDATE OF {UPDATED_COLUMNS[table]}",
               f"NEW.slot > ({limit})")
        yield (f"editions_{column}_covers_slots", "editions", f"UPDATE OF {column}",
               f"NEW.{column} < ({in_use})")


def upgrade():
    with op.batch_alter_table("editions") as batch_op:
        batch_op.add_column(sa.Column("max_attachments", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("max_picks", sa.Integer(), nullable=True))
    editions = sa.table("editions", sa.column("id"), sa.column("definition_toml"), sa.column("max_attachments"),
                        sa.column("max_picks"))
    bind = op.get_bind()
    for edition_id, definition in bind.execute(sa.select(editions.c.id, editions.c.definition_toml)).all():
        attachments, picks = _limits(definition)
        bind.execute(editions.update().where(editions.c.id == edition_id)
                     .values(max_attachments=attachments, max_picks=picks))
    with op.batch_alter_table("editions") as batch_op:
        batch_op.alter_column("max_attachments", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("max_picks", existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(op.f("ck_editions_max_attachments_positive"), "max_attachments >= 1")
        batch_op.create_check_constraint(op.f("ck_editions_max_picks_positive"), "max_picks >= 1")
    for table in SLOTS:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_slot_range"), type_="check")
            batch_op.create_check_constraint(op.f(f"ck_{table}_slot_positive"), "slot >= 1")
    # After the batch operations: SQLite's batch mode rebuilds tables, which would drop triggers.
    for trigger in _triggers():
        _create_trigger(*trigger)


def downgrade():
    for name, table, events, _condition in _triggers():
        _drop_trigger(name, table, events)
    for table, ceiling in OLD_CEILINGS.items():
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_slot_positive"), type_="check")
            batch_op.create_check_constraint(op.f(f"ck_{table}_slot_range"), f"slot BETWEEN 1 AND {ceiling}")
    with op.batch_alter_table("editions") as batch_op:
        batch_op.drop_constraint(op.f("ck_editions_max_picks_positive"), type_="check")
        batch_op.drop_constraint(op.f("ck_editions_max_attachments_positive"), type_="check")
        batch_op.drop_column("max_picks")
        batch_op.drop_column("max_attachments")
