"""rule_of_law tables: directory service areas, service halls, advisor terms and activities,
lectures and duties, circuit sessions and court guidance, judicial confirmations, delegated cases,
video sessions.

Revision ID: rol0001_initial
Revises:
Create Date: 2026-12-01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "rol0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("rule_of_law",)
depends_on: str | Sequence[str] | None = "c0001_core"


def upgrade() -> None:
    op.create_table('rol_advisor_activities',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['areas.code'], name=op.f('fk_rol_advisor_activities_area_code_areas')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_rol_advisor_activities_case_id_cases')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_rol_advisor_activities_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rol_advisor_activities'))
    )
    op.create_index(op.f('ix_rol_advisor_activities_area_code'), 'rol_advisor_activities', ['area_code'], unique=False)
    op.create_index(op.f('ix_rol_advisor_activities_case_id'), 'rol_advisor_activities', ['case_id'], unique=False)
    op.create_index(op.f('ix_rol_advisor_activities_day'), 'rol_advisor_activities', ['day'], unique=False)
    op.create_index(op.f('ix_rol_advisor_activities_person_id'), 'rol_advisor_activities', ['person_id'], unique=False)
    op.create_table('rol_advisor_terms',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=True),
    sa.Column('in_group', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['areas.code'], name=op.f('fk_rol_advisor_terms_area_code_areas')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_rol_advisor_terms_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rol_advisor_terms'))
    )
    op.create_index(op.f('ix_rol_advisor_terms_area_code'), 'rol_advisor_terms', ['area_code'], unique=False)
    op.create_index(op.f('ix_rol_advisor_terms_person_id'), 'rol_advisor_terms', ['person_id'], unique=False)
    op.create_table('rol_circuit_sessions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('court', sa.String(length=200), nullable=False),
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('attendance', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('follow_up', sa.Text(), nullable=False),
    sa.Column('followed_up_on', sa.Date(), nullable=True),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['areas.code'], name=op.f('fk_rol_circuit_sessions_area_code_areas')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_rol_circuit_sessions_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rol_circuit_sessions'))
    )
    op.create_index(op.f('ix_rol_circuit_sessions_area_code'), 'rol_circuit_sessions', ['area_code'], unique=False)
    op.create_index(op.f('ix_rol_circuit_sessions_case_id'), 'rol_circuit_sessions', ['case_id'], unique=False)
    op.create_index(op.f('ix_rol_circuit_sessions_held_on'), 'rol_circuit_sessions', ['held_on'], unique=False)
    op.create_table('rol_confirmations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('agreement_ref', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('matter', sa.String(length=64), nullable=False),
    sa.Column('court', sa.String(length=200), nullable=False),
    sa.Column('applicants', sa.JSON(), nullable=False),
    sa.Column('consenting', sa.JSON(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('window_ends_on', sa.Date(), nullable=False),
    sa.Column('accept_due_on', sa.Date(), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('decide_due_on', sa.Date(), nullable=True),
    sa.Column('extended', sa.Boolean(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('court_case_number', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['areas.code'], name=op.f('fk_rol_confirmations_area_code_areas')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_rol_confirmations_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rol_confirmations'))
    )
    op.create_index(op.f('ix_rol_confirmations_agreement_ref'), 'rol_confirmations', ['agreement_ref'], unique=False)
    op.create_index(op.f('ix_rol_confirmations_applied_on'), 'rol_confirmations', ['applied_on'], unique=False)
    op.create_index(op.f('ix_rol_confirmations_area_code'), 'rol_confirmations', ['area_code'], unique=False)
    op.create_index(op.f('ix_rol_confirmations_case_id'), 'rol_confirmations', ['case_id'], unique=False)
    op.create_index(op.f('ix_rol_confirmations_status'), 'rol_confirmations', ['status'], unique=False)
    op.create_table('rol_court_guidance',
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('court', sa.String(length=200), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['areas.code'], name=op.f('fk_rol_court_guidance_area_code_areas')),
    sa.PrimaryKeyConstraint('area_code', name=op.f('pk_rol_court_guidance'))
    )
    op.create_table('rol_delegations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('platform_ref', sa.String(length=64), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('mediator_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('exported', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_rol_delegations_case_id_cases')),
    sa.ForeignKeyConstraint(['mediator_id'], ['persons.id'], name=op.f('fk_rol_delegations_mediator_id_persons')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_rol_delegations_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rol_delegations')),
    sa.UniqueConstraint('platform_ref', name=op.f('uq_rol_delegations_platform_ref'))
    )
    op.create_index(op.f('ix_rol_delegations_case_id'), 'rol_delegations', ['case_id'], unique=False)
    op.create_index(op.f('ix_rol_delegations_mediator_id'), 'rol_delegations', ['mediator_id'], unique=False)
    op.create_index(op.f('ix_rol_delegations_organisation_id'), 'rol_delegations', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_rol_delegations_received_on'), 'rol_delegations', ['received_on'], unique=False)
    op.create_table('rol_duties',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rol_duties')),
    sa.UniqueConstraint('department', 'year', 'item', name=op.f('uq_rol_duties_department_year_item'))
    )
    op.create_index(op.f('ix_rol_duties_department'), 'rol_duties', ['department'], unique=False)
    op.create_table('rol_lectures',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('speaker_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('department', sa.String(length=100), nullable=True),
    sa.Column('target', sa.String(length=32), nullable=True),
    sa.Column('attendance', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['areas.code'], name=op.f('fk_rol_lectures_area_code_areas')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_rol_lectures_case_id_cases')),
    sa.ForeignKeyConstraint(['speaker_id'], ['persons.id'], name=op.f('fk_rol_lectures_speaker_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rol_lectures'))
    )
    op.create_index(op.f('ix_rol_lectures_area_code'), 'rol_lectures', ['area_code'], unique=False)
    op.create_index(op.f('ix_rol_lectures_case_id'), 'rol_lectures', ['case_id'], unique=False)
    op.create_index(op.f('ix_rol_lectures_held_on'), 'rol_lectures', ['held_on'], unique=False)
    op.create_index(op.f('ix_rol_lectures_kind'), 'rol_lectures', ['kind'], unique=False)
    op.create_index(op.f('ix_rol_lectures_speaker_id'), 'rol_lectures', ['speaker_id'], unique=False)
    op.create_table('rol_resource_areas',
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['areas.code'], name=op.f('fk_rol_resource_areas_area_code_areas')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_rol_resource_areas_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('organisation_id', 'area_code', name=op.f('pk_rol_resource_areas'))
    )
    op.create_index(op.f('ix_rol_resource_areas_area_code'), 'rol_resource_areas', ['area_code'], unique=False)
    op.create_table('rol_resources',
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('invited', sa.Boolean(), nullable=False),
    sa.Column('commercial', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_rol_resources_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_rol_resources'))
    )
    op.create_index(op.f('ix_rol_resources_kind'), 'rol_resources', ['kind'], unique=False)
    op.create_table('rol_service_halls',
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('opening_hours', sa.String(length=200), nullable=False),
    sa.Column('legal_books', sa.Boolean(), nullable=False),
    sa.Column('publicity_board', sa.Boolean(), nullable=False),
    sa.Column('hotline_board', sa.Boolean(), nullable=False),
    sa.Column('video_terminal', sa.Boolean(), nullable=False),
    sa.Column('stationed', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['areas.code'], name=op.f('fk_rol_service_halls_area_code_areas')),
    sa.PrimaryKeyConstraint('area_code', name=op.f('pk_rol_service_halls'))
    )
    op.create_table('rol_video_sessions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('system', sa.String(length=32), nullable=False),
    sa.Column('room', sa.String(length=128), nullable=False),
    sa.Column('join_url', sa.String(length=500), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(), nullable=False),
    sa.Column('attendance', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_rol_video_sessions_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rol_video_sessions')),
    sa.UniqueConstraint('room', name=op.f('uq_rol_video_sessions_room'))
    )
    op.create_index(op.f('ix_rol_video_sessions_case_id'), 'rol_video_sessions', ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_rol_video_sessions_case_id'), table_name='rol_video_sessions')
    op.drop_table('rol_video_sessions')
    op.drop_table('rol_service_halls')
    op.drop_index(op.f('ix_rol_resources_kind'), table_name='rol_resources')
    op.drop_table('rol_resources')
    op.drop_index(op.f('ix_rol_resource_areas_area_code'), table_name='rol_resource_areas')
    op.drop_table('rol_resource_areas')
    op.drop_index(op.f('ix_rol_lectures_speaker_id'), table_name='rol_lectures')
    op.drop_index(op.f('ix_rol_lectures_kind'), table_name='rol_lectures')
    op.drop_index(op.f('ix_rol_lectures_held_on'), table_name='rol_lectures')
    op.drop_index(op.f('ix_rol_lectures_case_id'), table_name='rol_lectures')
    op.drop_index(op.f('ix_rol_lectures_area_code'), table_name='rol_lectures')
    op.drop_table('rol_lectures')
    op.drop_index(op.f('ix_rol_duties_department'), table_name='rol_duties')
    op.drop_table('rol_duties')
    op.drop_index(op.f('ix_rol_delegations_received_on'), table_name='rol_delegations')
    op.drop_index(op.f('ix_rol_delegations_organisation_id'), table_name='rol_delegations')
    op.drop_index(op.f('ix_rol_delegations_mediator_id'), table_name='rol_delegations')
    op.drop_index(op.f('ix_rol_delegations_case_id'), table_name='rol_delegations')
    op.drop_table('rol_delegations')
    op.drop_table('rol_court_guidance')
    op.drop_index(op.f('ix_rol_confirmations_status'), table_name='rol_confirmations')
    op.drop_index(op.f('ix_rol_confirmations_case_id'), table_name='rol_confirmations')
    op.drop_index(op.f('ix_rol_confirmations_area_code'), table_name='rol_confirmations')
    op.drop_index(op.f('ix_rol_confirmations_applied_on'), table_name='rol_confirmations')
    op.drop_index(op.f('ix_rol_confirmations_agreement_ref'), table_name='rol_confirmations')
    op.drop_table('rol_confirmations')
    op.drop_index(op.f('ix_rol_circuit_sessions_held_on'), table_name='rol_circuit_sessions')
    op.drop_index(op.f('ix_rol_circuit_sessions_case_id'), table_name='rol_circuit_sessions')
    op.drop_index(op.f('ix_rol_circuit_sessions_area_code'), table_name='rol_circuit_sessions')
    op.drop_table('rol_circuit_sessions')
    op.drop_index(op.f('ix_rol_advisor_terms_person_id'), table_name='rol_advisor_terms')
    op.drop_index(op.f('ix_rol_advisor_terms_area_code'), table_name='rol_advisor_terms')
    op.drop_table('rol_advisor_terms')
    op.drop_index(op.f('ix_rol_advisor_activities_person_id'), table_name='rol_advisor_activities')
    op.drop_index(op.f('ix_rol_advisor_activities_day'), table_name='rol_advisor_activities')
    op.drop_index(op.f('ix_rol_advisor_activities_case_id'), table_name='rol_advisor_activities')
    op.drop_index(op.f('ix_rol_advisor_activities_area_code'), table_name='rol_advisor_activities')
    op.drop_table('rol_advisor_activities')
