"""The pillar's own tables (Alembic branch ``virtue``).

The sensitive registers are **not cases**: no row here is a case and nothing from them reaches
``cases.data``, so the core's search, exports, 12345 orders, other pillars and the dashboard's
drill-down never see them. Columns ending in ``_enc`` hold ciphertext, declared to the core as
encrypted sensitive columns (:mod:`suyuan_virtue.sensitive`); the key is never in the database.
"""

from __future__ import annotations

import sqlalchemy as sa

from suyuan_core import tables

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _id() -> sa.Column[int]:
    return sa.Column("id", Id, primary_key=True, autoincrement=True)


def _enc(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text)


# -- impact assessments (PIPL Art 55-56) ---------------------------------------------------------
#: 个人信息保护影响评估: one per register before its processing starts; kept (never purged).
pias = sa.Table(
    "virtue_pias", metadata, _id(),
    sa.Column("register", sa.String(32), nullable=False, index=True),
    sa.Column("assessed_on", sa.Date, nullable=False),
    sa.Column("assessor", sa.String(100), nullable=False),
    sa.Column("purpose", sa.Text, nullable=False),
    sa.Column("legal_basis", sa.Text, nullable=False),
    sa.Column("necessity", sa.Text, nullable=False),
    sa.Column("risks", sa.Text, nullable=False),
    sa.Column("measures", sa.Text, nullable=False),
    sa.Column("review_due", sa.Date, nullable=False),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
)

# -- community correction (社区矫正) and resettlement (安置帮教) ------------------------------------
register_records = sa.Table(
    "virtue_register_records", metadata, _id(),
    sa.Column("register", sa.String(32), nullable=False, index=True),
    sa.Column("area_code", sa.String(64), nullable=False, index=True),
    sa.Column("area_path", sa.String(400), nullable=False, index=True),
    #: under 18 when the offence was committed: the record is sealed (刑诉法 Art 286, 社区矫正法
    #: Art 54) and readable only with ``virtue.sealed.read``.
    sa.Column("minor", sa.Boolean, nullable=False, default=False),
    sa.Column("term_start", sa.Date, nullable=False),
    sa.Column("term_end", sa.Date, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, default="active"),
    sa.Column("ended_on", sa.Date),
    sa.Column("officer", sa.String(64), nullable=False),
    sa.Column("helpers", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    _enc("name_enc"), _enc("id_number_enc"), _enc("phone_enc"), _enc("address_enc"),
    _enc("birth_date_enc"), _enc("offence_enc"), _enc("notes_enc"),
)

#: check-ins (报到), help given (帮扶) and the term's end, per record.
register_entries = sa.Table(
    "virtue_register_entries", metadata, _id(),
    sa.Column("record_id", Id, sa.ForeignKey(register_records.c.id, ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("on_date", sa.Date, nullable=False),
    sa.Column("by", sa.String(100), nullable=False),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
    _enc("detail_enc"),
)

# -- counselling (社区心理健康) ---------------------------------------------------------------------
referrals = sa.Table(
    "virtue_referrals", metadata, _id(),
    sa.Column("area_code", sa.String(64), nullable=False, index=True),
    sa.Column("area_path", sa.String(400), nullable=False, index=True),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("case_id", Id, sa.ForeignKey(tables.cases.c.id), index=True),
    sa.Column("service_hall", sa.String(64)),
    sa.Column("consent_on", sa.Date, nullable=False),
    sa.Column("consent_by", sa.String(16), nullable=False),
    sa.Column("counsellor", sa.String(64)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("outcome", sa.String(32)),
    sa.Column("closed_on", sa.Date),
    sa.Column("follow_up_due", sa.Date),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    _enc("name_enc"), _enc("phone_enc"), _enc("concern_enc"),
)

counselling_sessions = sa.Table(
    "virtue_counselling_sessions", metadata, _id(),
    sa.Column("referral_id", Id, sa.ForeignKey(referrals.c.id, ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("held_on", sa.Date, nullable=False),
    sa.Column("counsellor", sa.String(64), nullable=False),
    sa.Column("outcome", sa.String(32)),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
    _enc("notes_enc"),
)

# -- culture and moral models ---------------------------------------------------------------------
brands = sa.Table(
    "virtue_brands", metadata, _id(),
    sa.Column("code", sa.String(64), nullable=False, unique=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("area_code", sa.String(64), nullable=False, index=True),
    sa.Column("description", sa.Text, nullable=False, default=""),
)

venues = sa.Table(
    "virtue_venues", metadata, _id(),
    sa.Column("brand_id", Id, sa.ForeignKey(brands.c.id), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("area_code", sa.String(64), nullable=False),
)

culture_events = sa.Table(
    "virtue_culture_events", metadata, _id(),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("brand_id", Id, sa.ForeignKey(brands.c.id), index=True),
    sa.Column("venue_id", Id, sa.ForeignKey(venues.c.id)),
    sa.Column("area_code", sa.String(64), nullable=False, index=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("held_on", sa.Date, nullable=False, index=True),
    sa.Column("attendance", sa.Integer, nullable=False),
    sa.Column("readers", sa.JSON, nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
)

selections = sa.Table(
    "virtue_selections", metadata, _id(),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("area_code", sa.String(64), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("notice_days", sa.Integer, nullable=False),
    sa.Column("notice_from", sa.Date),
    sa.Column("notice_until", sa.Date),
    sa.Column("places", sa.Integer, nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
)

nominations = sa.Table(
    "virtue_nominations", metadata, _id(),
    sa.Column("selection_id", Id, sa.ForeignKey(selections.c.id), nullable=False, index=True),
    sa.Column("nominee", sa.String(100), nullable=False),
    sa.Column("area_code", sa.String(64), nullable=False),
    sa.Column("deeds", sa.Text, nullable=False),
    sa.Column("nominated_by", sa.String(100), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("review_note", sa.Text),
)

#: one vote per household per selection: the unique constraint is the rule's last word.
votes = sa.Table(
    "virtue_votes", metadata, _id(),
    sa.Column("selection_id", Id, sa.ForeignKey(selections.c.id), nullable=False),
    sa.Column("nomination_id", Id, sa.ForeignKey(nominations.c.id), nullable=False, index=True),
    sa.Column("household", sa.String(32), nullable=False),
    sa.Column("voter", sa.String(100), nullable=False),
    sa.Column("cast_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("selection_id", "household"),
)

#: every step of a selection (nominate, review, notice, objection, vote opened, closed, award).
selection_events = sa.Table(
    "virtue_selection_events", metadata, _id(),
    sa.Column("selection_id", Id, sa.ForeignKey(selections.c.id), nullable=False, index=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
)

# -- families and children -------------------------------------------------------------------------
care_standards = sa.Table(
    "virtue_care_standards", metadata, _id(),
    sa.Column("code", sa.String(64), nullable=False, unique=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("items", sa.JSON, nullable=False),
)

care_checks = sa.Table(
    "virtue_care_checks", metadata, _id(),
    sa.Column("standard_id", Id, sa.ForeignKey(care_standards.c.id), nullable=False, index=True),
    sa.Column("area_code", sa.String(64), nullable=False, index=True),
    sa.Column("provider", sa.String(200), nullable=False),
    sa.Column("checked_on", sa.Date, nullable=False),
    sa.Column("met", sa.JSON, nullable=False),
    sa.Column("findings", sa.Text, nullable=False),
    sa.Column("checked_by", sa.String(100), nullable=False),
)

adoption_reviews = sa.Table(
    "virtue_adoption_reviews", metadata, _id(),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("area_code", sa.String(64), nullable=False, index=True),
    sa.Column("area_path", sa.String(400), nullable=False),
    sa.Column("received_on", sa.Date, nullable=False),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("decided_on", sa.Date),
    sa.Column("decision", sa.String(16)),
    sa.Column("created_by", sa.String(100), nullable=False),
    _enc("child_enc"), _enc("applicants_enc"),
)

#: 农村留守儿童委托监护责任确认书. The child's details are encrypted; a child under 14 needs the
#: parents' (guardians') recorded consent (PIPL Art 31).
guardianships = sa.Table(
    "virtue_guardianships", metadata, _id(),
    sa.Column("area_code", sa.String(64), nullable=False, index=True),
    sa.Column("area_path", sa.String(400), nullable=False, index=True),
    sa.Column("under_14", sa.Boolean, nullable=False),
    sa.Column("guardian_relation", sa.String(32), nullable=False),
    sa.Column("consent_on", sa.Date),
    sa.Column("consent_by", sa.String(32)),
    sa.Column("signed_on", sa.Date, nullable=False),
    sa.Column("term_start", sa.Date, nullable=False),
    sa.Column("term_end", sa.Date, nullable=False),
    sa.Column("next_review", sa.Date, nullable=False, index=True),
    sa.Column("renews", Id, sa.ForeignKey("virtue_guardianships.id")),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("intake", sa.String(32), nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    _enc("child_name_enc"), _enc("child_id_number_enc"), _enc("child_birth_date_enc"),
    _enc("guardian_name_enc"), _enc("guardian_phone_enc"), _enc("parents_enc"),
)

guardianship_reviews = sa.Table(
    "virtue_guardianship_reviews", metadata, _id(),
    sa.Column("agreement_id", Id, sa.ForeignKey(guardianships.c.id), nullable=False, index=True),
    sa.Column("reviewed_on", sa.Date, nullable=False),
    sa.Column("finding", sa.String(32), nullable=False),
    sa.Column("by", sa.String(100), nullable=False),
    _enc("note_enc"),
)

# -- marriage and family disputes ------------------------------------------------------------------
#: the two channels of a marriage/family dispute (婚姻调解师 + 亲友调解团) and how each ended.
channels = sa.Table(
    "virtue_channels", metadata, _id(),
    sa.Column("case_id", Id, sa.ForeignKey(tables.cases.c.id), nullable=False, index=True),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("handler", sa.String(80), nullable=False),
    sa.Column("assigned_at", sa.DateTime, nullable=False),
    sa.Column("outcome", sa.String(16)),
    sa.Column("outcome_at", sa.DateTime),
    sa.UniqueConstraint("case_id", "channel"),
)

#: partner organisations of the pillar (the online women's federation 网上妇联, the 12355 line).
partners = sa.Table(
    "virtue_partners", metadata, _id(),
    sa.Column("code", sa.String(64), nullable=False, unique=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("area_code", sa.String(64), nullable=False),
    sa.Column("programme", sa.String(64)),
)
