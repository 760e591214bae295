"""the peer network: accepted answers, pin/lock, hidden posts, job postings, library entries,
attachments, profile fields, and translation jobs for short fields (department, summary)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 12:18:01.862309

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_postings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=120), nullable=True),
    sa.Column('employment_type', sa.Enum('full_time', 'part_time', 'contract', 'internship', 'fellowship', name='employmenttype', native_enum=False, length=20), nullable=False),
    sa.Column('salary_min', sa.Integer(), nullable=True),
    sa.Column('salary_max', sa.Integer(), nullable=True),
    sa.Column('salary_currency', sa.String(length=3), nullable=True),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('apply_to', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['city_id'], ['cities.id'], name=op.f('fk_job_postings_city_id_cities')),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_job_postings_thread_id_threads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_postings')),
    sa.UniqueConstraint('thread_id', name=op.f('uq_job_postings_thread_id'))
    )
    with op.batch_alter_table('job_postings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_postings_city_id'), ['city_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_postings_closes_on'), ['closes_on'], unique=False)

    op.create_table('library_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('summary_language', sa.String(length=2), nullable=False),
    sa.Column('summary_revision', sa.Integer(), nullable=False),
    sa.Column('topic', sa.Enum('water', 'mobility', 'housing', 'open_data', 'budgeting', 'procurement', 'climate', 'digital_services', 'other', name='librarytopic', native_enum=False, length=20), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=True),
    sa.Column('promoted_by_id', sa.Integer(), nullable=False),
    sa.Column('promoted_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['city_id'], ['cities.id'], name=op.f('fk_library_entries_city_id_cities')),
    sa.ForeignKeyConstraint(['promoted_by_id'], ['users.id'], name=op.f('fk_library_entries_promoted_by_id_users')),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_library_entries_thread_id_threads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_entries')),
    sa.UniqueConstraint('thread_id', name=op.f('uq_library_entries_thread_id'))
    )
    with op.batch_alter_table('library_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_entries_city_id'), ['city_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_entries_topic'), ['topic'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('uploader_id', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_attachments_post_id_posts')),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_attachments_uploader_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_attachments_storage_key'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_post_id'), ['post_id'], unique=False)

    op.create_table('field_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=20), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('engine', sa.String(length=40), nullable=False),
    sa.Column('model_version', sa.String(length=120), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('translated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_field_translations_post_id_posts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_translations')),
    sa.UniqueConstraint('post_id', 'field', 'language', name='uq_field_translations_post_field_language')
    )
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hidden_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('hidden_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_posts_deleted_by_id_users'), 'users', ['deleted_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_posts_hidden_by_id_users'), 'users', ['hidden_by_id'], ['id'])

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepted_post_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('pinned_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('locked_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key('fk_threads_accepted_post_id_posts', 'posts', ['accepted_post_id'], ['id'], use_alter=True)

    with op.batch_alter_table('translation_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('field', sa.String(length=20), server_default='body', nullable=False))
        batch_op.drop_constraint(batch_op.f('uq_translation_jobs_post_revision_target'), type_='unique')
        batch_op.create_unique_constraint('uq_translation_jobs_post_field_revision_target', ['post_id', 'field', 'revision', 'target_language'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('position', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('department', sa.String(length=120), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('department')
        batch_op.drop_column('position')

    with op.batch_alter_table('translation_jobs', schema=None) as batch_op:
        batch_op.drop_constraint('uq_translation_jobs_post_field_revision_target', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_translation_jobs_post_revision_target'), ['post_id', 'revision', 'target_language'])
        batch_op.drop_column('field')

    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_constraint('fk_threads_accepted_post_id_posts', type_='foreignkey')
        batch_op.drop_column('locked_at')
        batch_op.drop_column('pinned_at')
        batch_op.drop_column('accepted_post_id')

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_posts_hidden_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_posts_deleted_by_id_users'), type_='foreignkey')
        batch_op.drop_column('hidden_by_id')
        batch_op.drop_column('hidden_at')
        batch_op.drop_column('deleted_by_id')

    op.drop_table('field_translations')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_post_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('library_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_entries_topic'))
        batch_op.drop_index(batch_op.f('ix_library_entries_city_id'))

    op.drop_table('library_entries')
    with op.batch_alter_table('job_postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_postings_closes_on'))
        batch_op.drop_index(batch_op.f('ix_job_postings_city_id'))

    op.drop_table('job_postings')
