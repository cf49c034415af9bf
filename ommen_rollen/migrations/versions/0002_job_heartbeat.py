"""job heartbeat, runner and RQ job id

A running job writes a heartbeat; the process that runs it and its RQ job id tell
whether it is still alive after the app or the worker stopped.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('runner', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('rq_job_id', sa.String(length=100), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_column('rq_job_id')
        batch_op.drop_column('runner')
        batch_op.drop_column('heartbeat_at')
