# ruff: noqa: E501
"""evaluation tables

Revision ID: 0001_evaluation
Revises:
Create Date: 2026-11-29 18:07:40.345051
"""
import sqlalchemy as sa
from alembic import op

revision = '0001_evaluation'
down_revision = None
branch_labels = ('evaluation',)
depends_on = '0002_core'


def upgrade() -> None:

    op.create_table('evaluation_cycles',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('scale_min', sa.Integer(), nullable=False),
    sa.Column('scale_max', sa.Integer(), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('gap_threshold_centi', sa.Integer(), nullable=False),
    sa.Column('deadlines', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_cycles')),
    sa.UniqueConstraint('year', name=op.f('uq_evaluation_cycles_year'))
    )
    op.create_table('evaluation_indicators',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('cycle_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('component', sa.String(length=20), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('sub_dimension', sa.String(length=30), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['evaluation_cycles.id'], name=op.f('fk_evaluation_indicators_cycle_id_evaluation_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_indicators')),
    sa.UniqueConstraint('cycle_id', 'code', name=op.f('uq_evaluation_indicators_cycle_id'))
    )
    with op.batch_alter_table('evaluation_indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_indicators_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('evaluation_external_indicators',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('region_code', sa.String(length=5), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_evaluation_external_indicators_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_external_indicators')),
    sa.UniqueConstraint('region_code', 'year', 'key', name=op.f('uq_evaluation_external_indicators_region_code'))
    )
    with op.batch_alter_table('evaluation_external_indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_external_indicators_region_code'), ['region_code'], unique=False)

    op.create_table('evaluation_participants',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('cycle_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('region_code', sa.String(length=5), nullable=False),
    sa.Column('region_name', sa.String(length=200), nullable=False),
    sa.Column('cohort_year', sa.Integer(), nullable=True),
    sa.Column('self_status', sa.String(length=20), nullable=False),
    sa.Column('self_submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('finalised_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finalised_by', sa.Integer(), nullable=True),
    sa.Column('index_centi', sa.Integer(), nullable=True),
    sa.Column('components', sa.JSON(), nullable=True),
    sa.Column('dimensions', sa.JSON(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('ranked_of', sa.Integer(), nullable=True),
    sa.Column('awards', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['evaluation_cycles.id'], name=op.f('fk_evaluation_participants_cycle_id_evaluation_cycles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_evaluation_participants_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_participants')),
    sa.UniqueConstraint('cycle_id', 'region_code', name=op.f('uq_evaluation_participants_cycle_id'))
    )
    with op.batch_alter_table('evaluation_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_participants_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_participants_region_code'), ['region_code'], unique=False)

    op.create_table('evaluation_assignments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('cycle_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('participant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('assessor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('assessor_name', sa.String(length=200), nullable=False),
    sa.Column('is_lead', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('coi_statement', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('interview_notes', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessor_id'], ['users.id'], name=op.f('fk_evaluation_assignments_assessor_id_users')),
    sa.ForeignKeyConstraint(['cycle_id'], ['evaluation_cycles.id'], name=op.f('fk_evaluation_assignments_cycle_id_evaluation_cycles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['evaluation_participants.id'], name=op.f('fk_evaluation_assignments_participant_id_evaluation_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_assignments')),
    sa.UniqueConstraint('participant_id', 'assessor_id', name=op.f('uq_evaluation_assignments_participant_id'))
    )
    with op.batch_alter_table('evaluation_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_assignments_assessor_id'), ['assessor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_assignments_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_assignments_participant_id'), ['participant_id'], unique=False)

    op.create_table('evaluation_evidence_files',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('participant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('indicator_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('stored_name', sa.String(length=200), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['evaluation_indicators.id'], name=op.f('fk_evaluation_evidence_files_indicator_id_evaluation_indicators'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['participant_id'], ['evaluation_participants.id'], name=op.f('fk_evaluation_evidence_files_participant_id_evaluation_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_evidence_files'))
    )
    with op.batch_alter_table('evaluation_evidence_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_evidence_files_participant_id'), ['participant_id'], unique=False)

    op.create_table('evaluation_final_scores',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('participant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('indicator_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('score_centi', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('set_by', sa.Integer(), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['evaluation_indicators.id'], name=op.f('fk_evaluation_final_scores_indicator_id_evaluation_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['evaluation_participants.id'], name=op.f('fk_evaluation_final_scores_participant_id_evaluation_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_final_scores')),
    sa.UniqueConstraint('participant_id', 'indicator_id', name=op.f('uq_evaluation_final_scores_participant_id'))
    )
    with op.batch_alter_table('evaluation_final_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_final_scores_participant_id'), ['participant_id'], unique=False)

    op.create_table('evaluation_realisations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('participant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['evaluation_participants.id'], name=op.f('fk_evaluation_realisations_participant_id_evaluation_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_realisations')),
    sa.UniqueConstraint('participant_id', 'programme_id', name=op.f('uq_evaluation_realisations_participant_id'))
    )
    with op.batch_alter_table('evaluation_realisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_realisations_participant_id'), ['participant_id'], unique=False)

    op.create_table('evaluation_self_values',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('participant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('indicator_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['evaluation_indicators.id'], name=op.f('fk_evaluation_self_values_indicator_id_evaluation_indicators'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['participant_id'], ['evaluation_participants.id'], name=op.f('fk_evaluation_self_values_participant_id_evaluation_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_self_values')),
    sa.UniqueConstraint('participant_id', 'indicator_id', name=op.f('uq_evaluation_self_values_participant_id'))
    )
    with op.batch_alter_table('evaluation_self_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_self_values_participant_id'), ['participant_id'], unique=False)

    op.create_table('evaluation_surveys',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('participant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('programme_title', sa.String(length=200), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['evaluation_participants.id'], name=op.f('fk_evaluation_surveys_participant_id_evaluation_participants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_surveys')),
    sa.UniqueConstraint('participant_id', 'programme_id', name=op.f('uq_evaluation_surveys_participant_id'))
    )
    with op.batch_alter_table('evaluation_surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_surveys_participant_id'), ['participant_id'], unique=False)

    op.create_table('evaluation_scores',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('assignment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('indicator_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('score_centi', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['evaluation_assignments.id'], name=op.f('fk_evaluation_scores_assignment_id_evaluation_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['indicator_id'], ['evaluation_indicators.id'], name=op.f('fk_evaluation_scores_indicator_id_evaluation_indicators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_scores')),
    sa.UniqueConstraint('assignment_id', 'indicator_id', name=op.f('uq_evaluation_scores_assignment_id'))
    )
    with op.batch_alter_table('evaluation_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_scores_assignment_id'), ['assignment_id'], unique=False)

    op.create_table('evaluation_survey_tokens',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('survey_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['evaluation_surveys.id'], name=op.f('fk_evaluation_survey_tokens_survey_id_evaluation_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_survey_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_evaluation_survey_tokens_token_hash'))
    )
    with op.batch_alter_table('evaluation_survey_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_survey_tokens_survey_id'), ['survey_id'], unique=False)

    op.create_table('evaluation_survey_responses',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('survey_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['evaluation_surveys.id'], name=op.f('fk_evaluation_survey_responses_survey_id_evaluation_surveys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['token_id'], ['evaluation_survey_tokens.id'], name=op.f('fk_evaluation_survey_responses_token_id_evaluation_survey_tokens'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_survey_responses')),
    sa.UniqueConstraint('token_id', name=op.f('uq_evaluation_survey_responses_token_id'))
    )
    with op.batch_alter_table('evaluation_survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_survey_responses_survey_id'), ['survey_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('evaluation_survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_survey_responses_survey_id'))

    op.drop_table('evaluation_survey_responses')
    with op.batch_alter_table('evaluation_survey_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_survey_tokens_survey_id'))

    op.drop_table('evaluation_survey_tokens')
    with op.batch_alter_table('evaluation_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_scores_assignment_id'))

    op.drop_table('evaluation_scores')
    with op.batch_alter_table('evaluation_surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_surveys_participant_id'))

    op.drop_table('evaluation_surveys')
    with op.batch_alter_table('evaluation_self_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_self_values_participant_id'))

    op.drop_table('evaluation_self_values')
    with op.batch_alter_table('evaluation_realisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_realisations_participant_id'))

    op.drop_table('evaluation_realisations')
    with op.batch_alter_table('evaluation_final_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_final_scores_participant_id'))

    op.drop_table('evaluation_final_scores')
    with op.batch_alter_table('evaluation_evidence_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_evidence_files_participant_id'))

    op.drop_table('evaluation_evidence_files')
    with op.batch_alter_table('evaluation_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_assignments_participant_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_assignments_cycle_id'))
        batch_op.drop_index(batch_op.f('ix_evaluation_assignments_assessor_id'))

    op.drop_table('evaluation_assignments')
    with op.batch_alter_table('evaluation_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_participants_region_code'))
        batch_op.drop_index(batch_op.f('ix_evaluation_participants_cycle_id'))

    op.drop_table('evaluation_participants')
    with op.batch_alter_table('evaluation_external_indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_external_indicators_region_code'))

    op.drop_table('evaluation_external_indicators')
    with op.batch_alter_table('evaluation_indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_indicators_cycle_id'))

    op.drop_table('evaluation_indicators')
    op.drop_table('evaluation_cycles')

