"""self_governance tables: mediator profiles, bodies and members, sessions, agreements, village
rules, four-two procedures, supervision reviews, patrols, courtyard alliances, Citizens' Sunday.

Revision ID: sg0001_initial
Revises:
Create Date: 2026-11-26
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "sg0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("self_governance",)
depends_on: str | Sequence[str] | None = "c0001_core"


def upgrade() -> None:
    op.create_table('sg_alliance_matters',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('alliance_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('matter_kind', sa.String(length=16), nullable=False),
    sa.Column('helpers', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['alliance_id'], ['organisations.id'], name=op.f('fk_sg_alliance_matters_alliance_id_organisations')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_sg_alliance_matters_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sg_alliance_matters')),
    sa.UniqueConstraint('case_id', name=op.f('uq_sg_alliance_matters_case_id'))
    )
    op.create_index(op.f('ix_sg_alliance_matters_alliance_id'), 'sg_alliance_matters', ['alliance_id'], unique=False)
    op.create_table('sg_bodies',
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('term_start', sa.Date(), nullable=True),
    sa.Column('term_end', sa.Date(), nullable=True),
    sa.Column('elected_by', sa.String(length=200), nullable=True),
    sa.Column('mixed_ethnic_area', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_sg_bodies_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_sg_bodies'))
    )
    op.create_index(op.f('ix_sg_bodies_area_code'), 'sg_bodies', ['area_code'], unique=False)
    op.create_index(op.f('ix_sg_bodies_kind'), 'sg_bodies', ['kind'], unique=False)
    op.create_table('sg_body_members',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.String(length=16), nullable=False),
    sa.Column('minority', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_sg_body_members_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_sg_body_members_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sg_body_members')),
    sa.UniqueConstraint('organisation_id', 'person_id', name=op.f('uq_sg_body_members_organisation_id_person_id'))
    )
    op.create_index(op.f('ix_sg_body_members_organisation_id'), 'sg_body_members', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_sg_body_members_person_id'), 'sg_body_members', ['person_id'], unique=False)
    op.create_table('sg_mediators',
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('background', sa.String(length=32), nullable=False),
    sa.Column('available', sa.Boolean(), nullable=False),
    sa.Column('unavailable_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_sg_mediators_person_id_persons')),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_sg_mediators'))
    )
    op.create_table('sg_patrols',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('grid_code', sa.String(length=64), nullable=False),
    sa.Column('grid_path', sa.String(length=512), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=False),
    sa.Column('route', sa.Text(), nullable=False),
    sa.Column('hazards', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_sg_patrols_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sg_patrols'))
    )
    op.create_index(op.f('ix_sg_patrols_grid_code'), 'sg_patrols', ['grid_code'], unique=False)
    op.create_index(op.f('ix_sg_patrols_grid_path'), 'sg_patrols', ['grid_path'], unique=False)
    op.create_index(op.f('ix_sg_patrols_person_id'), 'sg_patrols', ['person_id'], unique=False)
    op.create_index(op.f('ix_sg_patrols_started_at'), 'sg_patrols', ['started_at'], unique=False)
    op.create_table('sg_procedures',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('matter', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('resolution_disclosed_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sg_procedures'))
    )
    op.create_index(op.f('ix_sg_procedures_area_code'), 'sg_procedures', ['area_code'], unique=False)
    op.create_table('sg_relatives',
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('relative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('relation', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_sg_relatives_person_id_persons')),
    sa.ForeignKeyConstraint(['relative_id'], ['persons.id'], name=op.f('fk_sg_relatives_relative_id_persons')),
    sa.PrimaryKeyConstraint('person_id', 'relative_id', name=op.f('pk_sg_relatives'))
    )
    op.create_table('sg_rule_documents',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('courtyard', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sg_rule_documents')),
    sa.UniqueConstraint('kind', 'area_code', 'courtyard', 'title', name=op.f('uq_sg_rule_documents_kind_area_code_courtyard_title'))
    )
    op.create_index(op.f('ix_sg_rule_documents_area_code'), 'sg_rule_documents', ['area_code'], unique=False)
    op.create_table('sg_sessions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('held_at', sa.DateTime(), nullable=False),
    sa.Column('mediator_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('studio_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('matter', sa.String(length=16), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('participants', sa.JSON(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('refused_by', sa.String(length=100), nullable=True),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_sg_sessions_case_id_cases')),
    sa.ForeignKeyConstraint(['mediator_id'], ['persons.id'], name=op.f('fk_sg_sessions_mediator_id_persons')),
    sa.ForeignKeyConstraint(['studio_id'], ['organisations.id'], name=op.f('fk_sg_sessions_studio_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sg_sessions'))
    )
    op.create_index(op.f('ix_sg_sessions_case_id'), 'sg_sessions', ['case_id'], unique=False)
    op.create_index(op.f('ix_sg_sessions_studio_id'), 'sg_sessions', ['studio_id'], unique=False)
    op.create_table('sg_sunday_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('area_path', sa.String(length=512), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('platform', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('attendance', sa.Integer(), nullable=False),
    sa.Column('organiser', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sg_sunday_events'))
    )
    op.create_index(op.f('ix_sg_sunday_events_area_code'), 'sg_sunday_events', ['area_code'], unique=False)
    op.create_index(op.f('ix_sg_sunday_events_area_path'), 'sg_sunday_events', ['area_path'], unique=False)
    op.create_index(op.f('ix_sg_sunday_events_held_on'), 'sg_sunday_events', ['held_on'], unique=False)
    op.create_table('sg_agreements',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('session_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('form', sa.String(length=8), nullable=False),
    sa.Column('parties', sa.JSON(), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('issues', sa.Text(), nullable=False),
    sa.Column('responsibilities', sa.JSON(), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('performance_manner', sa.Text(), nullable=False),
    sa.Column('performance_due', sa.Date(), nullable=False),
    sa.Column('mediator_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('committee_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reached_on', sa.Date(), nullable=False),
    sa.Column('signatures', sa.JSON(), nullable=False),
    sa.Column('mediator_signed_on', sa.Date(), nullable=True),
    sa.Column('sealed_on', sa.Date(), nullable=True),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_sg_agreements_case_id_cases')),
    sa.ForeignKeyConstraint(['committee_id'], ['organisations.id'], name=op.f('fk_sg_agreements_committee_id_organisations')),
    sa.ForeignKeyConstraint(['mediator_id'], ['persons.id'], name=op.f('fk_sg_agreements_mediator_id_persons')),
    sa.ForeignKeyConstraint(['session_id'], ['sg_sessions.id'], name=op.f('fk_sg_agreements_session_id_sg_sessions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sg_agreements')),
    sa.UniqueConstraint('case_id', name=op.f('uq_sg_agreements_case_id'))
    )
    op.create_index(op.f('ix_sg_agreements_committee_id'), 'sg_agreements', ['committee_id'], unique=False)
    op.create_table('sg_patrol_hazards',
    sa.Column('patrol_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_sg_patrol_hazards_case_id_cases')),
    sa.ForeignKeyConstraint(['patrol_id'], ['sg_patrols.id'], name=op.f('fk_sg_patrol_hazards_patrol_id_sg_patrols')),
    sa.PrimaryKeyConstraint('patrol_id', 'case_id', name=op.f('pk_sg_patrol_hazards'))
    )
    op.create_table('sg_procedure_steps',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('procedure_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('step', sa.String(length=24), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('body', sa.String(length=32), nullable=True),
    sa.Column('meeting', sa.JSON(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('signatures', sa.JSON(), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=True),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['procedure_id'], ['sg_procedures.id'], name=op.f('fk_sg_procedure_steps_procedure_id_sg_procedures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sg_procedure_steps')),
    sa.UniqueConstraint('procedure_id', 'step', name=op.f('uq_sg_procedure_steps_procedure_id_step'))
    )
    op.create_index(op.f('ix_sg_procedure_steps_procedure_id'), 'sg_procedure_steps', ['procedure_id'], unique=False)
    op.create_table('sg_rule_versions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('adopted_on', sa.Date(), nullable=False),
    sa.Column('body', sa.String(length=32), nullable=False),
    sa.Column('meeting_ref', sa.String(length=200), nullable=False),
    sa.Column('meeting', sa.JSON(), nullable=False),
    sa.Column('filed_at', sa.Date(), nullable=True),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['sg_rule_documents.id'], name=op.f('fk_sg_rule_versions_document_id_sg_rule_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sg_rule_versions')),
    sa.UniqueConstraint('document_id', 'version', name=op.f('uq_sg_rule_versions_document_id_version'))
    )
    op.create_index(op.f('ix_sg_rule_versions_document_id'), 'sg_rule_versions', ['document_id'], unique=False)
    op.create_table('sg_sunday_matters',
    sa.Column('event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_sg_sunday_matters_case_id_cases')),
    sa.ForeignKeyConstraint(['event_id'], ['sg_sunday_events.id'], name=op.f('fk_sg_sunday_matters_event_id_sg_sunday_events')),
    sa.PrimaryKeyConstraint('event_id', 'case_id', name=op.f('pk_sg_sunday_matters'))
    )
    op.create_table('sg_supervision_reviews',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('committee_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('procedure_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('reviewers', sa.JSON(), nullable=False),
    sa.Column('finding', sa.String(length=16), nullable=False),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('reviewed_on', sa.Date(), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['committee_id'], ['organisations.id'], name=op.f('fk_sg_supervision_reviews_committee_id_organisations')),
    sa.ForeignKeyConstraint(['procedure_id'], ['sg_procedures.id'], name=op.f('fk_sg_supervision_reviews_procedure_id_sg_procedures')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sg_supervision_reviews'))
    )
    op.create_index(op.f('ix_sg_supervision_reviews_committee_id'), 'sg_supervision_reviews', ['committee_id'], unique=False)
    op.create_index(op.f('ix_sg_supervision_reviews_procedure_id'), 'sg_supervision_reviews', ['procedure_id'], unique=False)
    op.create_table('sg_performance_checks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agreement_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('follow_up', sa.JSON(), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['sg_agreements.id'], name=op.f('fk_sg_performance_checks_agreement_id_sg_agreements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sg_performance_checks'))
    )
    op.create_index(op.f('ix_sg_performance_checks_agreement_id'), 'sg_performance_checks', ['agreement_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_sg_performance_checks_agreement_id'), table_name='sg_performance_checks')
    op.drop_table('sg_performance_checks')
    op.drop_index(op.f('ix_sg_supervision_reviews_procedure_id'), table_name='sg_supervision_reviews')
    op.drop_index(op.f('ix_sg_supervision_reviews_committee_id'), table_name='sg_supervision_reviews')
    op.drop_table('sg_supervision_reviews')
    op.drop_table('sg_sunday_matters')
    op.drop_index(op.f('ix_sg_rule_versions_document_id'), table_name='sg_rule_versions')
    op.drop_table('sg_rule_versions')
    op.drop_index(op.f('ix_sg_procedure_steps_procedure_id'), table_name='sg_procedure_steps')
    op.drop_table('sg_procedure_steps')
    op.drop_table('sg_patrol_hazards')
    op.drop_index(op.f('ix_sg_agreements_committee_id'), table_name='sg_agreements')
    op.drop_table('sg_agreements')
    op.drop_index(op.f('ix_sg_sunday_events_held_on'), table_name='sg_sunday_events')
    op.drop_index(op.f('ix_sg_sunday_events_area_path'), table_name='sg_sunday_events')
    op.drop_index(op.f('ix_sg_sunday_events_area_code'), table_name='sg_sunday_events')
    op.drop_table('sg_sunday_events')
    op.drop_index(op.f('ix_sg_sessions_studio_id'), table_name='sg_sessions')
    op.drop_index(op.f('ix_sg_sessions_case_id'), table_name='sg_sessions')
    op.drop_table('sg_sessions')
    op.drop_index(op.f('ix_sg_rule_documents_area_code'), table_name='sg_rule_documents')
    op.drop_table('sg_rule_documents')
    op.drop_table('sg_relatives')
    op.drop_index(op.f('ix_sg_procedures_area_code'), table_name='sg_procedures')
    op.drop_table('sg_procedures')
    op.drop_index(op.f('ix_sg_patrols_started_at'), table_name='sg_patrols')
    op.drop_index(op.f('ix_sg_patrols_person_id'), table_name='sg_patrols')
    op.drop_index(op.f('ix_sg_patrols_grid_path'), table_name='sg_patrols')
    op.drop_index(op.f('ix_sg_patrols_grid_code'), table_name='sg_patrols')
    op.drop_table('sg_patrols')
    op.drop_table('sg_mediators')
    op.drop_index(op.f('ix_sg_body_members_person_id'), table_name='sg_body_members')
    op.drop_index(op.f('ix_sg_body_members_organisation_id'), table_name='sg_body_members')
    op.drop_table('sg_body_members')
    op.drop_index(op.f('ix_sg_bodies_kind'), table_name='sg_bodies')
    op.drop_index(op.f('ix_sg_bodies_area_code'), table_name='sg_bodies')
    op.drop_table('sg_bodies')
    op.drop_index(op.f('ix_sg_alliance_matters_alliance_id'), table_name='sg_alliance_matters')
    op.drop_table('sg_alliance_matters')
