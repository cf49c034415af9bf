"""append-only, hash-chained audit log; employee left/erased dates

Adds the hash chain and the request address to the audit log and chains the
entries already there; on PostgreSQL a trigger refuses UPDATE and DELETE of audit
entries, except the narrow pseudonymisation an erasure does (see docs/privacy.md).
Employees get the date they left (the retention period runs from it) and the date
their personal data were erased.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_entry is append-only: DELETE of entry % refused', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- The one update allowed: an erasure (session setting on, for this
    -- transaction only) rewrites the details, clears the salt and marks the
    -- entry pseudonymised; every chained field stays as it was.
    IF coalesce(current_setting('ommen_rollen.pseudonymise', true), '') = 'on'
        AND NEW.id = OLD.id
        AND NEW.at = OLD.at
        AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id
        AND NEW.action = OLD.action
        AND NEW.object_type = OLD.object_type
        AND NEW.object_id IS NOT DISTINCT FROM OLD.object_id
        AND NEW.remote_addr = OLD.remote_addr
        AND NEW.details_digest = OLD.details_digest
        AND NEW.prev_hash = OLD.prev_hash
        AND NEW.hash = OLD.hash
        AND NEW.pseudonymised
        AND NEW.details_salt = ''
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_entry is append-only: UPDATE of entry % refused', OLD.id
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

APPEND_ONLY_TRIGGER = """
CREATE TRIGGER audit_entry_append_only
BEFORE UPDATE OR DELETE ON audit_entry
FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
"""


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remote_addr', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('details_salt', sa.String(length=32), server_default='', nullable=False))
        batch_op.add_column(sa.Column('details_digest', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('pseudonymised', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('left_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))

    _chain_existing_entries()
    # Employees who had already left: the retention period runs from their last change.
    op.execute("UPDATE employee SET left_at = updated_at WHERE NOT active")

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(APPEND_ONLY_TRIGGER)


def _chain_existing_entries():
    from ommen_rollen.services import audit_chain

    bind = op.get_bind()
    entry = sa.table(
        'audit_entry',
        sa.column('id', sa.Integer), sa.column('at', sa.DateTime(timezone=True)),
        sa.column('user_id', sa.Integer), sa.column('action', sa.String),
        sa.column('object_type', sa.String), sa.column('object_id', sa.Integer),
        sa.column('details', sa.JSON), sa.column('remote_addr', sa.String),
        sa.column('details_salt', sa.String), sa.column('details_digest', sa.String),
        sa.column('prev_hash', sa.String), sa.column('hash', sa.String),
    )
    previous = ''
    rows = bind.execute(sa.select(entry).order_by(entry.c.id)).mappings().all()
    for row in rows:
        salt = audit_chain.new_salt()
        details = row['details'] or {}
        digest = audit_chain.details_digest(salt, details)
        own = audit_chain.entry_hash(
            previous, row['at'], row['user_id'], row['action'], row['object_type'] or '',
            row['object_id'], '', digest,
        )
        bind.execute(
            entry.update().where(entry.c.id == row['id']).values(
                details_salt=salt, details_digest=digest, prev_hash=previous, hash=own,
            )
        )
        previous = own


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry")
        op.execute("DROP FUNCTION IF EXISTS audit_entry_append_only()")

    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
        batch_op.drop_column('left_at')

    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_column('pseudonymised')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('details_digest')
        batch_op.drop_column('details_salt')
        batch_op.drop_column('remote_addr')
