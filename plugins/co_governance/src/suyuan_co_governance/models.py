"""The pillar's own tables, in its own metadata (Alembic branch ``co_governance``).

People and bodies stay on the core's roster (``persons``, ``organisations``): a Party
organisation, an industry committee, a social organisation or a responsible unit is an
organisation there; a Party member, a volunteer or a deputy is a person there with the role. These
tables hold only what this pillar adds: who sits inside which body, what a committee covers, the
land-acquisition ledger with its entries, participation and service hours.
"""

from __future__ import annotations

import sqlalchemy as sa

from suyuan_core import tables

# the core's naming convention (stable constraint names for Alembic) and integer key type
metadata = tables.plugin_metadata()
Id = tables.Id


def _org(name: str = "organisation_id", nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, Id, sa.ForeignKey(tables.organisations.c.id), nullable=nullable,
                     index=True)


def _person(name: str = "person_id", nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, Id, sa.ForeignKey(tables.persons.c.id), nullable=nullable, index=True)


#: 党组织: a village/community Party organisation (``branch``) or a Party group set up inside a
#: mediation body (``group``, with ``host_id`` the body). The organisation row is the core's.
party_orgs = sa.Table(
    "cg_party_orgs", metadata,
    sa.Column("organisation_id", Id, sa.ForeignKey(tables.organisations.c.id), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False, index=True),
    sa.Column("area_code", sa.String(64), nullable=False, index=True),
    _org("host_id", nullable=True),
    _person("secretary_id", nullable=True),
    sa.Column("founded_on", sa.Date),
)

#: a Party member's membership of a Party organisation.
party_memberships = sa.Table(
    "cg_party_memberships", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _person(),
    _org("party_org_id"),
    sa.Column("joined_on", sa.Date),
    sa.UniqueConstraint("person_id", "party_org_id"),
)

#: a member of a prevention or mediation team (矛盾纠纷预防和化解队伍) — a Party member who joined,
#: or any other roster person; ``team_id`` is the body whose team it is.
team_members = sa.Table(
    "cg_team_members", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _person(),
    _org("team_id"),
    sa.Column("team", sa.String(16), nullable=False),
    sa.Column("joined_on", sa.Date, nullable=False),
    sa.UniqueConstraint("person_id", "team_id", "team"),
)

#: 行业性调解委员会 / 仲裁会: the organisation is the core's; this adds the sponsoring department.
committees = sa.Table(
    "cg_committees", metadata,
    sa.Column("organisation_id", Id, sa.ForeignKey(tables.organisations.c.id), primary_key=True),
    sa.Column("sponsor", sa.String(200), nullable=False),
    sa.Column("form", sa.String(16), nullable=False),
)

#: a committee's declared coverage: a category in an area's subtree, with an optional priority
#: that settles two committees claiming the same category for the same area (lower first).
coverage = sa.Table(
    "cg_coverage", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _org(),
    sa.Column("category", sa.String(64), nullable=False, index=True),
    sa.Column("area_code", sa.String(64), nullable=False, index=True),
    sa.Column("priority", sa.Integer),
    sa.UniqueConstraint("organisation_id", "category", "area_code"),
)

#: the cases each committee received, projected from the case events (assign → result) in the
#: transaction that writes them, so the per-committee figures are lookups.
committee_cases = sa.Table(
    "cg_committee_cases", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _org(),
    sa.Column("case_id", Id, sa.ForeignKey(tables.cases.c.id), nullable=False, index=True),
    sa.Column("area_path", tables.AREA_PATH, nullable=False, index=True),
    sa.Column("category", sa.String(64), nullable=False),
    sa.Column("assigned_at", sa.DateTime, nullable=False, index=True),
    sa.Column("result", sa.String(16)),
    sa.Column("result_at", sa.DateTime),
    sa.UniqueConstraint("organisation_id", "case_id"),
)

#: 征地拆迁领域矛盾纠纷问题台账: one registered (挂号) issue.
ledger_issues = sa.Table(
    "cg_ledger_issues", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(64), nullable=False, unique=True),
    sa.Column("project", sa.String(200), nullable=False, index=True),
    sa.Column("subject", sa.String(300), nullable=False),
    sa.Column("area_code", sa.String(64), nullable=False, index=True),
    sa.Column("area_path", tables.AREA_PATH, nullable=False, index=True),
    _org("unit_id"),
    sa.Column("affected_count", sa.Integer, nullable=False),
    sa.Column("affected", sa.JSON, nullable=False),
    sa.Column("measures", sa.Text, nullable=False),
    sa.Column("deadline", sa.Date, nullable=False, index=True),
    sa.Column("registered_on", sa.Date, nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("closed_on", sa.Date, index=True),
    sa.Column("lawsuit", sa.Boolean),
    sa.Column("reopened", sa.Integer, nullable=False, default=0),
    sa.Column("case_id", Id, sa.ForeignKey(tables.cases.c.id), index=True),
    sa.UniqueConstraint("project", "subject", "area_code"),
)

#: every step of an issue: register, progress, close_out, reopen (append-only).
ledger_entries = sa.Table(
    "cg_ledger_entries", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("issue_id", Id, sa.ForeignKey("cg_ledger_issues.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("occurred_on", sa.Date, nullable=False),
    sa.Column("text", sa.Text, nullable=False, default=""),
    sa.Column("evidence", sa.JSON, nullable=False),
    _org("signed_by_id", nullable=True),
    sa.Column("signatory", sa.String(100)),
    sa.Column("lawsuit", sa.Boolean),
    sa.Column("deadline", sa.Date),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
)

#: what kind of social force a roster person is (两代表一委员, retired judicial officer …).
force_profiles = sa.Table(
    "cg_force_profiles", metadata,
    sa.Column("person_id", Id, sa.ForeignKey(tables.persons.c.id), primary_key=True),
    sa.Column("force", sa.String(32), nullable=False, index=True),
    sa.Column("detail", sa.String(200), nullable=False, default=""),
)

#: a person or organisation joining a case (also written as a ``co_governance.participation``
#: case event, which is what the figures count) or an activity.
participations = sa.Table(
    "cg_participations", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("case_id", Id, sa.ForeignKey(tables.cases.c.id), index=True),
    sa.Column("activity", sa.String(200)),
    sa.Column("area_code", sa.String(64), nullable=False),
    sa.Column("area_path", tables.AREA_PATH, nullable=False, index=True),
    _person(nullable=True),
    _org(nullable=True),
    sa.Column("force", sa.String(32), nullable=False, index=True),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("occurred_at", sa.DateTime, nullable=False, index=True),
    sa.Column("event_seq", sa.Integer),
    sa.Column("actor", sa.String(128), nullable=False),
)

#: 志愿服务时长: a volunteer's hours on one day (never in the future).
service_hours = sa.Table(
    "cg_service_hours", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _person(),
    _org(nullable=True),
    sa.Column("area_code", sa.String(64), nullable=False),
    sa.Column("area_path", tables.AREA_PATH, nullable=False, index=True),
    sa.Column("served_on", sa.Date, nullable=False, index=True),
    sa.Column("minutes", sa.Integer, nullable=False),
    sa.Column("activity", sa.String(200), nullable=False),
    sa.Column("case_id", Id, sa.ForeignKey(tables.cases.c.id), index=True),
    sa.Column("actor", sa.String(128), nullable=False),
)
