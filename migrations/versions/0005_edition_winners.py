"""The number of winners comes from each edition: editions.max_winners, held by a trigger

A partial unique index allowed one winner per edition. Each edition now stores its definition's
``judging.winners``; a trigger refuses a candidature becoming a winner beyond it. Under concurrent
declarations the trigger first locks the edition's row (PostgreSQL; SQLite serialises every write
transaction), so its count sees what the other declaration committed.

No batch operation here: on SQLite, rebuilding editions or candidatures would break the triggers of
revision 0003 that name them. Every change below is a plain ADD COLUMN, DROP/CREATE INDEX or trigger.

Revision ID: 0005_edition_winners
Revises: 0004_edition_staff
Create Date: 2026-11-30 18:00:00

"""
import tomllib

from alembic import op
import sqlalchemy as sa


revision = '0005_edition_winners'
down_revision = '0004_edition_staff'
branch_labels = None
depends_on = None

LIMIT_EXCEEDED = "winners beyond the edition limit"
# Other winners of the row's edition, and its limit.
OTHERS = "SELECT count(*) FROM candidatures c WHERE c.edition_id = NEW.edition_id AND c.state = 'winner' AND c.id <> NEW.id"
LIMIT = "SELECT e.max_winners FROM editions e WHERE e.id = NEW.edition_id"
IN_USE = "SELECT count(*) FROM candidatures c WHERE c.edition_id = NEW.id AND c.state = 'winner'"


def _create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION candidatures_winners_within_limit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.state = 'winner' THEN "
            "PERFORM 1 FROM editions WHERE id = NEW.edition_id FOR UPDATE; "
            f"IF ({OTHERS}) >= ({LIMIT}) THEN "
            f"RAISE EXCEPTION '{LIMIT_EXCEEDED}' USING ERRCODE = 'check_violation'; END IF; END IF; "
            "RETURN NEW; END $$")
        op.execute("CREATE TRIGGER candidatures_winners_within_limit BEFORE INSERT OR UPDATE OF state, edition_id "
                   "ON candidatures FOR EACH ROW EXECUTE FUNCTION candidatures_winners_within_limit()")
        op.execute(
            "CREATE FUNCTION editions_max_winners_covers_winners() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF NEW.max_winners < ({IN_USE}) THEN "
            f"RAISE EXCEPTION '{LIMIT_EXCEEDED}' USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$")
        op.execute("CREATE TRIGGER editions_max_winners_covers_winners BEFORE UPDATE OF max_winners ON editions "
                   "FOR EACH ROW EXECUTE FUNCTION editions_max_winners_covers_winners()")
    else:
        for event in ("INSERT", "UPDATE OF state, edition_id"):
            op.execute(f"CREATE TRIGGER candidatures_winners_within_limit_{event.split()[0].lower()} BEFORE {event} "
                       "ON candidatures FOR EACH ROW WHEN NEW.state = 'winner' "
                       f"BEGIN SELECT RAISE(ABORT, '{LIMIT_EXCEEDED}') WHERE ({OTHERS}) >= ({LIMIT}); END")
        op.execute("CREATE TRIGGER editions_max_winners_covers_winners BEFORE UPDATE OF max_winners ON editions "
                   f"FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{LIMIT_EXCEEDED}') WHERE NEW.max_winners < ({IN_USE}); END")


def _drop_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, table in (("candidatures_winners_within_limit", "candidatures"),
                            ("editions_max_winners_covers_winners", "editions")):
            op.execute(f"DROP TRIGGER {name} ON {table}")
            op.execute(f"DROP FUNCTION {name}()")
    else:
        for name in ("candidatures_winners_within_limit_insert", "candidatures_winners_within_limit_update",
                     "editions_max_winners_covers_winners"):
            op.execute(f"DROP TRIGGER {name}")


def upgrade():
    op.add_column("editions", sa.Column("max_winners", sa.Integer(), nullable=False, server_default="1"))
    editions = sa.table("editions", sa.column("id"), sa.column("definition_toml"), sa.column("max_winners"))
    bind = op.get_bind()
    for edition_id, definition in bind.execute(sa.select(editions.c.id, editions.c.definition_toml)).all():
        winners = tomllib.loads(definition)["judging"]["winners"]
        bind.execute(editions.update().where(editions.c.id == edition_id).values(max_winners=winners))
    op.drop_index("uq_candidatures_one_winner_per_edition", table_name="candidatures")
    _create_triggers()


def downgrade():
    _drop_triggers()
    op.create_index("uq_candidatures_one_winner_per_edition", "candidatures", ["edition_id"], unique=True,
                    sqlite_where=sa.text("state = 'winner'"), postgresql_where=sa.text("state = 'winner'"))
    op.drop_column("editions", "max_winners")
