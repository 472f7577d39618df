"""The pillar's own tables, in its own metadata (its own Alembic branch ``self_governance``).

People and bodies stay on the core's roster (``persons``, ``organisations``); these tables hold
only what this pillar adds to them, plus its own records. Nothing here has a fee column: people's
mediation is free of charge (People's Mediation Law Art 4).
"""

from __future__ import annotations

import sqlalchemy as sa

from suyuan_core import tables

metadata = tables.plugin_metadata()
Id = tables.Id


def _person() -> sa.Column[int]:
    return sa.Column("person_id", Id, sa.ForeignKey(tables.persons.c.id), nullable=False,
                     index=True)


def _case(nullable: bool = False) -> sa.Column[int]:
    return sa.Column("case_id", Id, sa.ForeignKey(tables.cases.c.id), nullable=nullable,
                     index=True)


def _org(name: str = "organisation_id", nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, Id, sa.ForeignKey(tables.organisations.c.id), nullable=nullable,
                     index=True)


#: 人民调解员 profile: the five-veterans background, and whether she takes cases now.
mediators = sa.Table(
    "sg_mediators", metadata,
    sa.Column("person_id", Id, sa.ForeignKey(tables.persons.c.id), primary_key=True),
    sa.Column("background", sa.String(32), nullable=False),
    sa.Column("available", sa.Boolean, nullable=False, default=True),
    sa.Column("unavailable_until", sa.Date),
)

#: committees, studios, supervision committees, villagers' committees, courtyard alliances: the
#: organisation is the core's; this adds the term, who elected it and the area rules.
bodies = sa.Table(
    "sg_bodies", metadata,
    sa.Column("organisation_id", Id, sa.ForeignKey(tables.organisations.c.id), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False, index=True),
    sa.Column("area_code", sa.String(64), nullable=False, index=True),
    sa.Column("term_start", sa.Date),
    sa.Column("term_end", sa.Date),
    sa.Column("elected_by", sa.String(200)),
    sa.Column("mixed_ethnic_area", sa.Boolean, nullable=False, default=False),
)

body_members = sa.Table(
    "sg_body_members", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _org(),
    _person(),
    sa.Column("position", sa.String(16), nullable=False),
    sa.Column("minority", sa.Boolean, nullable=False, default=False),
    sa.UniqueConstraint("organisation_id", "person_id"),
)

#: close relatives (近亲属), for the supervision committee's conflict-of-interest bar (Art 32).
relatives = sa.Table(
    "sg_relatives", metadata,
    sa.Column("person_id", Id, sa.ForeignKey(tables.persons.c.id), primary_key=True),
    sa.Column("relative_id", Id, sa.ForeignKey(tables.persons.c.id), primary_key=True),
    sa.Column("relation", sa.String(32), nullable=False),
)

#: 说事评理: one talk-and-reason session on a case.
sessions = sa.Table(
    "sg_sessions", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _case(),
    sa.Column("held_at", sa.DateTime, nullable=False),
    sa.Column("mediator_id", Id, sa.ForeignKey(tables.persons.c.id), nullable=False),
    _org("studio_id", nullable=True),
    sa.Column("matter", sa.String(16), nullable=False),
    sa.Column("reasons", sa.JSON, nullable=False),
    sa.Column("participants", sa.JSON, nullable=False),
    sa.Column("public", sa.Boolean, nullable=False, default=True),
    sa.Column("summary", sa.Text, nullable=False, default=""),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("refused_by", sa.String(100)),
    sa.Column("actor", sa.String(128), nullable=False),
)

#: 人民调解协议书 (Art 28–31).
agreements = sa.Table(
    "sg_agreements", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("case_id", Id, sa.ForeignKey(tables.cases.c.id), nullable=False, unique=True),
    sa.Column("session_id", Id, sa.ForeignKey("sg_sessions.id"), nullable=False),
    sa.Column("form", sa.String(8), nullable=False),
    sa.Column("parties", sa.JSON, nullable=False),
    sa.Column("facts", sa.Text, nullable=False),
    sa.Column("issues", sa.Text, nullable=False),
    sa.Column("responsibilities", sa.JSON, nullable=False),
    sa.Column("terms", sa.Text, nullable=False),
    sa.Column("performance_manner", sa.Text, nullable=False),
    sa.Column("performance_due", sa.Date, nullable=False),
    sa.Column("mediator_id", Id, sa.ForeignKey(tables.persons.c.id), nullable=False),
    _org("committee_id", nullable=True),
    sa.Column("reached_on", sa.Date, nullable=False),
    sa.Column("signatures", sa.JSON, nullable=False),
    sa.Column("mediator_signed_on", sa.Date),
    sa.Column("sealed_on", sa.Date),
    sa.Column("effective_on", sa.Date),
    sa.Column("status", sa.String(16), nullable=False),
)

performance_checks = sa.Table(
    "sg_performance_checks", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("agreement_id", Id, sa.ForeignKey("sg_agreements.id"), nullable=False, index=True),
    sa.Column("checked_on", sa.Date, nullable=False),
    sa.Column("result", sa.String(16), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("follow_up", sa.JSON, nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
)

#: 村规民约 / 院落公约 and their versions.
rule_documents = sa.Table(
    "sg_rule_documents", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("area_code", sa.String(64), nullable=False, index=True),
    sa.Column("courtyard", sa.String(100), nullable=False, default=""),
    sa.Column("title", sa.String(200), nullable=False),
    sa.UniqueConstraint("kind", "area_code", "courtyard", "title"),
)

rule_versions = sa.Table(
    "sg_rule_versions", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("document_id", Id, sa.ForeignKey("sg_rule_documents.id"), nullable=False,
              index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("adopted_on", sa.Date, nullable=False),
    sa.Column("body", sa.String(32), nullable=False),
    sa.Column("meeting_ref", sa.String(200), nullable=False),
    sa.Column("meeting", sa.JSON, nullable=False),
    sa.Column("filed_at", sa.Date),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.UniqueConstraint("document_id", "version"),
)

#: 四议两公开.
procedures = sa.Table(
    "sg_procedures", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("area_code", sa.String(64), nullable=False, index=True),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("matter", sa.String(32), nullable=False),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("decision", sa.String(16)),
    sa.Column("decided_on", sa.Date),
    sa.Column("resolution_disclosed_on", sa.Date),
)

procedure_steps = sa.Table(
    "sg_procedure_steps", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("procedure_id", Id, sa.ForeignKey("sg_procedures.id"), nullable=False, index=True),
    sa.Column("step", sa.String(24), nullable=False),
    sa.Column("occurred_on", sa.Date, nullable=False),
    sa.Column("body", sa.String(32)),
    sa.Column("meeting", sa.JSON, nullable=False),
    sa.Column("content", sa.Text, nullable=False, default=""),
    sa.Column("signatures", sa.JSON, nullable=False),
    sa.Column("result", sa.String(16)),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.UniqueConstraint("procedure_id", "step"),
)

#: 村务监督委员会 reviews.
supervision_reviews = sa.Table(
    "sg_supervision_reviews", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _org("committee_id"),
    sa.Column("procedure_id", Id, sa.ForeignKey("sg_procedures.id"), index=True),
    sa.Column("subject", sa.String(300), nullable=False),
    sa.Column("reviewers", sa.JSON, nullable=False),
    sa.Column("finding", sa.String(16), nullable=False),
    sa.Column("opinion", sa.Text, nullable=False),
    sa.Column("reviewed_on", sa.Date, nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
)

#: 巡查: a grid worker's or red-armband volunteer's patrol.
patrols = sa.Table(
    "sg_patrols", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("grid_code", sa.String(64), nullable=False, index=True),
    sa.Column("grid_path", tables.AREA_PATH, nullable=False, index=True),
    _person(),
    sa.Column("started_at", sa.DateTime, nullable=False, index=True),
    sa.Column("ended_at", sa.DateTime, nullable=False),
    sa.Column("route", sa.Text, nullable=False, default=""),
    sa.Column("hazards", sa.Integer, nullable=False, default=0),
)

patrol_hazards = sa.Table(
    "sg_patrol_hazards", metadata,
    sa.Column("patrol_id", Id, sa.ForeignKey("sg_patrols.id"), primary_key=True),
    sa.Column("case_id", Id, sa.ForeignKey(tables.cases.c.id), primary_key=True),
)

#: 院落互助联盟: a small matter handled between residents (a case of source courtyard_alliance).
alliance_matters = sa.Table(
    "sg_alliance_matters", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _org("alliance_id"),
    sa.Column("case_id", Id, sa.ForeignKey(tables.cases.c.id), nullable=False, unique=True),
    sa.Column("matter_kind", sa.String(16), nullable=False),
    sa.Column("helpers", sa.JSON, nullable=False),
)

#: 百姓星期天.
sunday_events = sa.Table(
    "sg_sunday_events", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("area_code", sa.String(64), nullable=False, index=True),
    sa.Column("area_path", tables.AREA_PATH, nullable=False, index=True),
    sa.Column("held_on", sa.Date, nullable=False, index=True),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("attendance", sa.Integer, nullable=False),
    sa.Column("organiser", sa.String(200), nullable=False, default=""),
)

sunday_matters = sa.Table(
    "sg_sunday_matters", metadata,
    sa.Column("event_id", Id, sa.ForeignKey("sg_sunday_events.id"), primary_key=True),
    sa.Column("case_id", Id, sa.ForeignKey(tables.cases.c.id), primary_key=True),
)
