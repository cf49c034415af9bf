"""scenario solves as background jobs; roles valid from and until a date

A scenario is re-planned by a background job (thread or RQ) like an
optimisation; the job names its scenario. A role a published scenario adds holds
from the scenario's date, a role it removes until the day before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scenario_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_job_scenario_id_scenario'), 'scenario', ['scenario_id'], ['id'])
    with op.batch_alter_table('role', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('valid_until', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('role', schema=None) as batch_op:
        batch_op.drop_column('valid_until')
        batch_op.drop_column('valid_from')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_job_scenario_id_scenario'), type_='foreignkey')
        batch_op.drop_column('scenario_id')
