"""posts: a typeid('post') primary key and timestamps from activemodel

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("posts", sa.Column("title", sa.Text, nullable=False))
    # the TypeID mixin: id typeid('post') PRIMARY KEY DEFAULT typeid_generate('post')
    op.execute("SELECT am.add_typeid('posts', 'post')")
    # created_at and updated_at, kept by the am_timestamps trigger
    op.execute("SELECT am.add_timestamps('posts')")


def downgrade():
    op.drop_table("posts")
