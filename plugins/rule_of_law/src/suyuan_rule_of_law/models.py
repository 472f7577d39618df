"""The pillar's own tables (Alembic branch ``rule_of_law``). People and bodies stay on the core's
roster (``persons``, ``organisations``); these tables hold what this pillar adds to them and its own
records: the directory's service areas, service halls, advisor terms and activities, lectures,
duties, circuit sessions, court guidance, judicial confirmations, delegated cases and video
sessions."""

from __future__ import annotations

import sqlalchemy as sa

from suyuan_core import tables

# the core's naming convention (stable constraint names for Alembic) and integer key type
metadata = tables.plugin_metadata()
Id = tables.Id


def _fk(name: str, target: sa.Column[int], nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, Id, sa.ForeignKey(target), nullable=nullable, index=True)


def _area(nullable: bool = False) -> sa.Column[str]:
    return sa.Column("area_code", sa.String(64), sa.ForeignKey(tables.areas.c.code),
                     nullable=nullable, index=True)


#: 社区法律服务资源库: an organisation of the core's roster listed as a legal service resource.
resources = sa.Table(
    "rol_resources", metadata,
    sa.Column("organisation_id", Id, sa.ForeignKey(tables.organisations.c.id), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False, index=True),
    sa.Column("phone", sa.String(32), nullable=False, default=""),
    sa.Column("address", sa.String(200), nullable=False, default=""),
    #: 特邀调解组织 registered with the court's mediation platform; commercial = 商事调解.
    sa.Column("invited", sa.Boolean, nullable=False, default=False),
    sa.Column("commercial", sa.Boolean, nullable=False, default=False),
)

#: the areas a resource serves (an organisation sits in one area, serves several).
resource_areas = sa.Table(
    "rol_resource_areas", metadata,
    sa.Column("organisation_id", Id, sa.ForeignKey(tables.organisations.c.id), primary_key=True),
    sa.Column("area_code", sa.String(64), sa.ForeignKey(tables.areas.c.code), primary_key=True,
              index=True),
)

#: 群众工作之家: one per village/community.
service_halls = sa.Table(
    "rol_service_halls", metadata,
    sa.Column("area_code", sa.String(64), sa.ForeignKey(tables.areas.c.code), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("opening_hours", sa.String(200), nullable=False),
    sa.Column("legal_books", sa.Boolean, nullable=False, default=False),
    sa.Column("publicity_board", sa.Boolean, nullable=False, default=False),
    sa.Column("hotline_board", sa.Boolean, nullable=False, default=False),
    sa.Column("video_terminal", sa.Boolean, nullable=False, default=False),
    #: external ids of the organisations stationed there (court, justice, petition …).
    sa.Column("stationed", sa.JSON, nullable=False),
)

#: 一社区一法律顾问: an advisor's term in a community.
advisor_terms = sa.Table(
    "rol_advisor_terms", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _fk("person_id", tables.persons.c.id),
    _area(),
    sa.Column("start_on", sa.Date, nullable=False),
    sa.Column("end_on", sa.Date),
    #: in the advisors' WeChat group (法律顾问微信群).
    sa.Column("in_group", sa.Boolean, nullable=False, default=True),
)

#: what an advisor did (consultations, cases joined, agreements reviewed; lectures are lectures).
advisor_activities = sa.Table(
    "rol_advisor_activities", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _fk("person_id", tables.persons.c.id),
    _area(),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("day", sa.Date, nullable=False, index=True),
    sa.Column("count", sa.Integer, nullable=False, default=1),
    _fk("case_id", tables.cases.c.id, nullable=True),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("actor", sa.String(128), nullable=False),
)

#: 法治大讲堂 / 以案说法 / 法律七进.
lectures = sa.Table(
    "rol_lectures", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False, index=True),
    _area(),
    sa.Column("held_on", sa.Date, nullable=False, index=True),
    sa.Column("topic", sa.String(200), nullable=False),
    _fk("speaker_id", tables.persons.c.id, nullable=True),
    sa.Column("department", sa.String(100)),
    sa.Column("target", sa.String(32)),
    sa.Column("attendance", sa.Integer, nullable=False),
    _fk("case_id", tables.cases.c.id, nullable=True),
    sa.Column("actor", sa.String(128), nullable=False),
)

#: 谁执法谁普法: what a department promised for a year (done = its lectures of that kind).
duties = sa.Table(
    "rol_duties", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("department", sa.String(100), nullable=False, index=True),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("item", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("target", sa.Integer, nullable=False),
    sa.UniqueConstraint("department", "year", "item"),
)

#: 巡回审判 / 坝坝法庭 / 坝坝调解.
circuit_sessions = sa.Table(
    "rol_circuit_sessions", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("court", sa.String(200), nullable=False),
    _area(),
    sa.Column("held_on", sa.Date, nullable=False, index=True),
    sa.Column("attendance", sa.Integer, nullable=False),
    _fk("case_id", tables.cases.c.id, nullable=True),
    sa.Column("problems", sa.JSON, nullable=False),
    sa.Column("follow_up", sa.Text, nullable=False, default=""),
    sa.Column("followed_up_on", sa.Date),
    sa.Column("actor", sa.String(128), nullable=False),
)

#: 法庭与社区法治指导关系: a court (派出法庭) guides a community.
court_guidance = sa.Table(
    "rol_court_guidance", metadata,
    sa.Column("area_code", sa.String(64), sa.ForeignKey(tables.areas.c.code), primary_key=True),
    sa.Column("court", sa.String(200), nullable=False),
    sa.Column("since", sa.Date, nullable=False),
)

#: 司法确认 applications (人民调解法 Art 33; 法释〔2011〕5号).
confirmations = sa.Table(
    "rol_confirmations", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("agreement_ref", sa.String(64), nullable=False, index=True),
    _fk("case_id", tables.cases.c.id),
    _area(),
    sa.Column("matter", sa.String(64), nullable=False),
    sa.Column("court", sa.String(200), nullable=False),
    sa.Column("applicants", sa.JSON, nullable=False),
    sa.Column("consenting", sa.JSON, nullable=False),
    sa.Column("effective_on", sa.Date, nullable=False),
    sa.Column("applied_on", sa.Date, nullable=False, index=True),
    sa.Column("window_ends_on", sa.Date, nullable=False),
    sa.Column("accept_due_on", sa.Date, nullable=False),
    sa.Column("accepted_on", sa.Date),
    sa.Column("decide_due_on", sa.Date),
    sa.Column("extended", sa.Boolean, nullable=False, default=False),
    sa.Column("decided_on", sa.Date),
    sa.Column("court_case_number", sa.String(64)),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("reason", sa.Text, nullable=False, default=""),
    sa.Column("actor", sa.String(128), nullable=False),
)

#: 委派/委托 cases from the court's mediation platform.
delegations = sa.Table(
    "rol_delegations", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    sa.Column("platform_ref", sa.String(64), nullable=False, unique=True),
    sa.Column("mode", sa.String(16), nullable=False),
    _fk("case_id", tables.cases.c.id),
    _fk("organisation_id", tables.organisations.c.id),
    _fk("mediator_id", tables.persons.c.id, nullable=True),
    sa.Column("received_on", sa.Date, nullable=False, index=True),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("result", sa.String(16)),
    sa.Column("closed_on", sa.Date),
    sa.Column("exported", sa.Boolean, nullable=False, default=False),
)

#: remote (video) mediation sessions in an existing video system.
video_sessions = sa.Table(
    "rol_video_sessions", metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=True),
    _fk("case_id", tables.cases.c.id),
    sa.Column("system", sa.String(32), nullable=False),
    sa.Column("room", sa.String(128), nullable=False, unique=True),
    sa.Column("join_url", sa.String(500), nullable=False),
    sa.Column("scheduled_at", sa.DateTime, nullable=False),
    sa.Column("attendance", sa.JSON, nullable=False),
    sa.Column("outcome", sa.String(16)),
    sa.Column("actor", sa.String(128), nullable=False),
)
