"""scenarios and werkplan versions with dates

A scenario re-plans an approved round with changes (or carries a swap between
colleagues); publishing it gives the affected medewerkers a new werkplan version
valid from a date.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 03:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scenario',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('status', sa.Enum('draft', 'proposed', 'declined', 'solved', 'failed', 'published', name='scenariostatus', native_enum=False, length=20), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('disruption_weight', sa.Integer(), nullable=False),
        sa.Column('approved_plan', sa.JSON(), nullable=True),
        sa.Column('instance', sa.JSON(), nullable=True),
        sa.Column('plan', sa.JSON(), nullable=True),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('proposer_id', sa.Integer(), nullable=True),
        sa.Column('colleague_id', sa.Integer(), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['round_id'], ['planning_round.id'], name=op.f('fk_scenario_round_id_planning_round')),
        sa.ForeignKeyConstraint(['proposer_id'], ['employee.id'], name=op.f('fk_scenario_proposer_id_employee')),
        sa.ForeignKeyConstraint(['colleague_id'], ['employee.id'], name=op.f('fk_scenario_colleague_id_employee')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario')),
    )
    with op.batch_alter_table('work_plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('valid_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('scenario_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_work_plan_scenario_id_scenario'), 'scenario', ['scenario_id'], ['id'])


def downgrade():
    with op.batch_alter_table('work_plan', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_work_plan_scenario_id_scenario'), type_='foreignkey')
        batch_op.drop_column('scenario_id')
        batch_op.drop_column('valid_until')
        batch_op.drop_column('valid_from')
    op.drop_table('scenario')
