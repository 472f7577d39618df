"""co_governance tables: Party organisations, memberships and teams; industry committees, their
coverage and their cases; the land-acquisition ledger and its entries; social-force profiles,
participation and volunteer service hours.

Revision ID: cg0001_initial
Revises:
Create Date: 2026-12-01

Area paths are compared bytewise (COLLATE "C" on PostgreSQL) so that the core's subtree
filter (an index range) serves them, as for the core's own tables.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cg0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("co_governance",)
depends_on: str | Sequence[str] | None = "c0001_core"


def upgrade() -> None:
    op.create_table('cg_committee_cases',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('area_path', sa.String(length=512).with_variant(sa.String(length=512, collation='C'), 'postgresql'), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=True),
    sa.Column('result_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_cg_committee_cases_case_id_cases')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_cg_committee_cases_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cg_committee_cases')),
    sa.UniqueConstraint('organisation_id', 'case_id', name=op.f('uq_cg_committee_cases_organisation_id_case_id'))
    )
    op.create_index(op.f('ix_cg_committee_cases_area_path'), 'cg_committee_cases', ['area_path'], unique=False)
    op.create_index(op.f('ix_cg_committee_cases_assigned_at'), 'cg_committee_cases', ['assigned_at'], unique=False)
    op.create_index(op.f('ix_cg_committee_cases_case_id'), 'cg_committee_cases', ['case_id'], unique=False)
    op.create_index(op.f('ix_cg_committee_cases_organisation_id'), 'cg_committee_cases', ['organisation_id'], unique=False)
    op.create_table('cg_committees',
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sponsor', sa.String(length=200), nullable=False),
    sa.Column('form', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_cg_committees_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_cg_committees'))
    )
    op.create_table('cg_coverage',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_cg_coverage_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cg_coverage')),
    sa.UniqueConstraint('organisation_id', 'category', 'area_code', name=op.f('uq_cg_coverage_organisation_id_category_area_code'))
    )
    op.create_index(op.f('ix_cg_coverage_area_code'), 'cg_coverage', ['area_code'], unique=False)
    op.create_index(op.f('ix_cg_coverage_category'), 'cg_coverage', ['category'], unique=False)
    op.create_index(op.f('ix_cg_coverage_organisation_id'), 'cg_coverage', ['organisation_id'], unique=False)
    op.create_table('cg_force_profiles',
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('force', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_cg_force_profiles_person_id_persons')),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_cg_force_profiles'))
    )
    op.create_index(op.f('ix_cg_force_profiles_force'), 'cg_force_profiles', ['force'], unique=False)
    op.create_table('cg_ledger_issues',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('project', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('area_path', sa.String(length=512).with_variant(sa.String(length=512, collation='C'), 'postgresql'), nullable=False),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('affected_count', sa.Integer(), nullable=False),
    sa.Column('affected', sa.JSON(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('lawsuit', sa.Boolean(), nullable=True),
    sa.Column('reopened', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_cg_ledger_issues_case_id_cases')),
    sa.ForeignKeyConstraint(['unit_id'], ['organisations.id'], name=op.f('fk_cg_ledger_issues_unit_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cg_ledger_issues')),
    sa.UniqueConstraint('project', 'subject', 'area_code', name=op.f('uq_cg_ledger_issues_project_subject_area_code')),
    sa.UniqueConstraint('ref', name=op.f('uq_cg_ledger_issues_ref'))
    )
    op.create_index(op.f('ix_cg_ledger_issues_area_code'), 'cg_ledger_issues', ['area_code'], unique=False)
    op.create_index(op.f('ix_cg_ledger_issues_area_path'), 'cg_ledger_issues', ['area_path'], unique=False)
    op.create_index(op.f('ix_cg_ledger_issues_case_id'), 'cg_ledger_issues', ['case_id'], unique=False)
    op.create_index(op.f('ix_cg_ledger_issues_closed_on'), 'cg_ledger_issues', ['closed_on'], unique=False)
    op.create_index(op.f('ix_cg_ledger_issues_deadline'), 'cg_ledger_issues', ['deadline'], unique=False)
    op.create_index(op.f('ix_cg_ledger_issues_project'), 'cg_ledger_issues', ['project'], unique=False)
    op.create_index(op.f('ix_cg_ledger_issues_registered_on'), 'cg_ledger_issues', ['registered_on'], unique=False)
    op.create_index(op.f('ix_cg_ledger_issues_status'), 'cg_ledger_issues', ['status'], unique=False)
    op.create_index(op.f('ix_cg_ledger_issues_unit_id'), 'cg_ledger_issues', ['unit_id'], unique=False)
    op.create_table('cg_participations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('activity', sa.String(length=200), nullable=True),
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('area_path', sa.String(length=512).with_variant(sa.String(length=512, collation='C'), 'postgresql'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('force', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('event_seq', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_cg_participations_case_id_cases')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_cg_participations_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_cg_participations_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cg_participations'))
    )
    op.create_index(op.f('ix_cg_participations_area_path'), 'cg_participations', ['area_path'], unique=False)
    op.create_index(op.f('ix_cg_participations_case_id'), 'cg_participations', ['case_id'], unique=False)
    op.create_index(op.f('ix_cg_participations_force'), 'cg_participations', ['force'], unique=False)
    op.create_index(op.f('ix_cg_participations_occurred_at'), 'cg_participations', ['occurred_at'], unique=False)
    op.create_index(op.f('ix_cg_participations_organisation_id'), 'cg_participations', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_cg_participations_person_id'), 'cg_participations', ['person_id'], unique=False)
    op.create_table('cg_party_memberships',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('party_org_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['party_org_id'], ['organisations.id'], name=op.f('fk_cg_party_memberships_party_org_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_cg_party_memberships_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cg_party_memberships')),
    sa.UniqueConstraint('person_id', 'party_org_id', name=op.f('uq_cg_party_memberships_person_id_party_org_id'))
    )
    op.create_index(op.f('ix_cg_party_memberships_party_org_id'), 'cg_party_memberships', ['party_org_id'], unique=False)
    op.create_index(op.f('ix_cg_party_memberships_person_id'), 'cg_party_memberships', ['person_id'], unique=False)
    op.create_table('cg_party_orgs',
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('host_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('secretary_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('founded_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['host_id'], ['organisations.id'], name=op.f('fk_cg_party_orgs_host_id_organisations')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_cg_party_orgs_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['secretary_id'], ['persons.id'], name=op.f('fk_cg_party_orgs_secretary_id_persons')),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_cg_party_orgs'))
    )
    op.create_index(op.f('ix_cg_party_orgs_area_code'), 'cg_party_orgs', ['area_code'], unique=False)
    op.create_index(op.f('ix_cg_party_orgs_host_id'), 'cg_party_orgs', ['host_id'], unique=False)
    op.create_index(op.f('ix_cg_party_orgs_kind'), 'cg_party_orgs', ['kind'], unique=False)
    op.create_index(op.f('ix_cg_party_orgs_secretary_id'), 'cg_party_orgs', ['secretary_id'], unique=False)
    op.create_table('cg_service_hours',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('organisation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('area_code', sa.String(length=64), nullable=False),
    sa.Column('area_path', sa.String(length=512).with_variant(sa.String(length=512, collation='C'), 'postgresql'), nullable=False),
    sa.Column('served_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('activity', sa.String(length=200), nullable=False),
    sa.Column('case_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_cg_service_hours_case_id_cases')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_cg_service_hours_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_cg_service_hours_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cg_service_hours'))
    )
    op.create_index(op.f('ix_cg_service_hours_area_path'), 'cg_service_hours', ['area_path'], unique=False)
    op.create_index(op.f('ix_cg_service_hours_case_id'), 'cg_service_hours', ['case_id'], unique=False)
    op.create_index(op.f('ix_cg_service_hours_organisation_id'), 'cg_service_hours', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_cg_service_hours_person_id'), 'cg_service_hours', ['person_id'], unique=False)
    op.create_index(op.f('ix_cg_service_hours_served_on'), 'cg_service_hours', ['served_on'], unique=False)
    op.create_table('cg_team_members',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team', sa.String(length=16), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_cg_team_members_person_id_persons')),
    sa.ForeignKeyConstraint(['team_id'], ['organisations.id'], name=op.f('fk_cg_team_members_team_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cg_team_members')),
    sa.UniqueConstraint('person_id', 'team_id', 'team', name=op.f('uq_cg_team_members_person_id_team_id_team'))
    )
    op.create_index(op.f('ix_cg_team_members_person_id'), 'cg_team_members', ['person_id'], unique=False)
    op.create_index(op.f('ix_cg_team_members_team_id'), 'cg_team_members', ['team_id'], unique=False)
    op.create_table('cg_ledger_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('issue_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('signed_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('signatory', sa.String(length=100), nullable=True),
    sa.Column('lawsuit', sa.Boolean(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('actor', sa.String(length=128), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['issue_id'], ['cg_ledger_issues.id'], name=op.f('fk_cg_ledger_entries_issue_id_cg_ledger_issues')),
    sa.ForeignKeyConstraint(['signed_by_id'], ['organisations.id'], name=op.f('fk_cg_ledger_entries_signed_by_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cg_ledger_entries'))
    )
    op.create_index(op.f('ix_cg_ledger_entries_issue_id'), 'cg_ledger_entries', ['issue_id'], unique=False)
    op.create_index(op.f('ix_cg_ledger_entries_signed_by_id'), 'cg_ledger_entries', ['signed_by_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_cg_ledger_entries_signed_by_id'), table_name='cg_ledger_entries')
    op.drop_index(op.f('ix_cg_ledger_entries_issue_id'), table_name='cg_ledger_entries')
    op.drop_table('cg_ledger_entries')
    op.drop_index(op.f('ix_cg_team_members_team_id'), table_name='cg_team_members')
    op.drop_index(op.f('ix_cg_team_members_person_id'), table_name='cg_team_members')
    op.drop_table('cg_team_members')
    op.drop_index(op.f('ix_cg_service_hours_served_on'), table_name='cg_service_hours')
    op.drop_index(op.f('ix_cg_service_hours_person_id'), table_name='cg_service_hours')
    op.drop_index(op.f('ix_cg_service_hours_organisation_id'), table_name='cg_service_hours')
    op.drop_index(op.f('ix_cg_service_hours_case_id'), table_name='cg_service_hours')
    op.drop_index(op.f('ix_cg_service_hours_area_path'), table_name='cg_service_hours')
    op.drop_table('cg_service_hours')
    op.drop_index(op.f('ix_cg_party_orgs_secretary_id'), table_name='cg_party_orgs')
    op.drop_index(op.f('ix_cg_party_orgs_kind'), table_name='cg_party_orgs')
    op.drop_index(op.f('ix_cg_party_orgs_host_id'), table_name='cg_party_orgs')
    op.drop_index(op.f('ix_cg_party_orgs_area_code'), table_name='cg_party_orgs')
    op.drop_table('cg_party_orgs')
    op.drop_index(op.f('ix_cg_party_memberships_person_id'), table_name='cg_party_memberships')
    op.drop_index(op.f('ix_cg_party_memberships_party_org_id'), table_name='cg_party_memberships')
    op.drop_table('cg_party_memberships')
    op.drop_index(op.f('ix_cg_participations_person_id'), table_name='cg_participations')
    op.drop_index(op.f('ix_cg_participations_organisation_id'), table_name='cg_participations')
    op.drop_index(op.f('ix_cg_participations_occurred_at'), table_name='cg_participations')
    op.drop_index(op.f('ix_cg_participations_force'), table_name='cg_participations')
    op.drop_index(op.f('ix_cg_participations_case_id'), table_name='cg_participations')
    op.drop_index(op.f('ix_cg_participations_area_path'), table_name='cg_participations')
    op.drop_table('cg_participations')
    op.drop_index(op.f('ix_cg_ledger_issues_unit_id'), table_name='cg_ledger_issues')
    op.drop_index(op.f('ix_cg_ledger_issues_status'), table_name='cg_ledger_issues')
    op.drop_index(op.f('ix_cg_ledger_issues_registered_on'), table_name='cg_ledger_issues')
    op.drop_index(op.f('ix_cg_ledger_issues_project'), table_name='cg_ledger_issues')
    op.drop_index(op.f('ix_cg_ledger_issues_deadline'), table_name='cg_ledger_issues')
    op.drop_index(op.f('ix_cg_ledger_issues_closed_on'), table_name='cg_ledger_issues')
    op.drop_index(op.f('ix_cg_ledger_issues_case_id'), table_name='cg_ledger_issues')
    op.drop_index(op.f('ix_cg_ledger_issues_area_path'), table_name='cg_ledger_issues')
    op.drop_index(op.f('ix_cg_ledger_issues_area_code'), table_name='cg_ledger_issues')
    op.drop_table('cg_ledger_issues')
    op.drop_index(op.f('ix_cg_force_profiles_force'), table_name='cg_force_profiles')
    op.drop_table('cg_force_profiles')
    op.drop_index(op.f('ix_cg_coverage_organisation_id'), table_name='cg_coverage')
    op.drop_index(op.f('ix_cg_coverage_category'), table_name='cg_coverage')
    op.drop_index(op.f('ix_cg_coverage_area_code'), table_name='cg_coverage')
    op.drop_table('cg_coverage')
    op.drop_table('cg_committees')
    op.drop_index(op.f('ix_cg_committee_cases_organisation_id'), table_name='cg_committee_cases')
    op.drop_index(op.f('ix_cg_committee_cases_case_id'), table_name='cg_committee_cases')
    op.drop_index(op.f('ix_cg_committee_cases_assigned_at'), table_name='cg_committee_cases')
    op.drop_index(op.f('ix_cg_committee_cases_area_path'), table_name='cg_committee_cases')
    op.drop_table('cg_committee_cases')
