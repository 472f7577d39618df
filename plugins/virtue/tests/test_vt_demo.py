"""The pillar's demo share: written through the services (PIA first, encrypted, sealed minors,
one vote per household), the seed's 3,307 guardianship agreements at scale 1, deterministic."""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa
from suyuan_virtue import demo
from suyuan_virtue import models as m
from suyuan_virtue.selection import Selections
from vt_testkit import count

from suyuan_core import Level


def test_demo_data_at_a_small_scale(d):
    d.accounts.add_user("admin", "admin", None, actor="t")
    d.accounts.grant("admin", "supervisor", "C", actor="t")
    counts = demo.generate(d, seed=7, scale=0.01)
    assert counts["registers"] == count(d, m.register_records) == 16
    assert counts["guardianships"] == count(d, m.guardianships) == 40
    assert count(d, m.pias) == 5  # the fixture's PIAs, none recorded twice
    assert counts["votes"] == count(d, m.votes) > 0
    with d.reading() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(m.register_records)
                        .where(m.register_records.c.minor)) >= 1
        dup = s.execute(sa.select(m.votes.c.selection_id, m.votes.c.household,
                                  sa.func.count()).group_by(m.votes.c.selection_id,
                                                            m.votes.c.household)
                        .having(sa.func.count() > 1)).all()
        assert dup == []
        awarded = s.scalar(sa.select(sa.func.count()).select_from(m.selections)
                           .where(m.selections.c.status == "awarded"))
        assert awarded == 4 * len(demo.SELECTION_YEARS)
        names = s.scalars(sa.select(m.register_records.c.name_enc)).all()
        assert all(n.startswith("gAAAA") for n in names)
        outcomes = s.execute(sa.select(m.channels.c.channel, sa.func.count())
                             .group_by(m.channels.c.channel)).all()
        assert dict(outcomes) == {"marriage_mediator": 6, "kin_mediation_team": 6}
    assert count(d, m.culture_events) > 0 and count(d, m.brands) == 4
    assert count(d, m.partners) == 2 and count(d, m.care_checks) > 0
    assert count(d, m.adoption_reviews) == counts["adoption_reviews"]


def test_the_seeds_3307_guardianship_agreements_at_scale_1(d):
    tree = d.areas.tree
    communities = sorted(c for c, a in tree.areas.items() if a.level is Level.community)
    who = demo._users(d, "C")
    today = dt.date(2026, 6, 1)
    assert demo._guardianships(d, who["minzheng"], random.Random(1), communities, today,
                               1.0) == 3307
    assert count(d, m.guardianships) == demo.GUARDIANSHIP_AGREEMENTS == 3307
    with d.reading() as s:
        under_14 = s.execute(sa.select(m.guardianships.c.consent_on).where(
            m.guardianships.c.under_14)).all()
    assert under_14 and all(c is not None for (c,) in under_14)


def test_the_demo_is_dated_as_the_seed_dates_it_not_relative_to_today(d):
    """The seed's report runs to 今年1-5月: every date the pillar generates lies in the seed's
    periods, whatever day the demo is run; each step carries its own day."""
    d.accounts.add_user("admin", "admin", None, actor="t")
    d.accounts.grant("admin", "supervisor", "C", actor="t")
    demo.generate(d, seed=3, scale=0.02)
    end, start = demo.REPORT_DAY, demo.AGREEMENTS_FROM
    g, e, r = m.guardianships.c, m.selection_events.c, m.register_entries.c
    with d.reading() as s:
        signed = s.execute(sa.select(sa.func.min(g.signed_on), sa.func.max(g.signed_on))).one()
        assert start <= signed[0] and signed[1] <= end
        renewals = s.execute(sa.select(g.renews, g.signed_on).where(g.renews.is_not(None))).all()
        assert renewals  # terms that ended before the report were renewed (or ended)
        for old_id, day in renewals:
            old = s.execute(sa.select(g.status, g.term_end).where(g.id == old_id)).one()
            assert old.status == "renewed" and day <= old.term_end
        assert s.scalar(sa.select(sa.func.count()).select_from(m.guardianships).where(
            g.status == "ended", g.term_end >= end)) == 0
        reviewed = s.execute(sa.select(sa.func.max(m.guardianship_reviews.c.reviewed_on))).scalar()
        assert reviewed is not None and reviewed <= end
        years = {at.year for (at,) in s.execute(sa.select(e.at))}
        assert years == {*demo.SELECTION_YEARS, end.year}
        kinds = [k for (k,) in s.execute(sa.select(e.kind).where(e.selection_id == 1)
                                         .order_by(e.at, e.id))]
        assert kinds[0] == "created" and kinds[-1] == "awarded" and "notice" in kinds
        votes = s.execute(sa.select(m.votes.c.cast_at)).all()
        assert all(v.year in demo.SELECTION_YEARS for (v,) in votes)
        assert s.scalar(sa.select(sa.func.max(r.on_date))) <= end
        assert s.scalar(sa.select(sa.func.max(m.culture_events.c.held_on))) <= end
        assert s.scalar(sa.select(sa.func.max(m.counselling_sessions.c.held_on))) <= end
        ended = s.scalar(sa.select(sa.func.count()).select_from(m.register_records).where(
            m.register_records.c.status == "ended"))
        assert ended == s.scalar(sa.select(sa.func.count()).select_from(m.register_entries)
                                 .where(r.kind == "term_end"))
    nominating = [x for x in Selections(d).list() if x["status"] == "nominating"]
    assert [x["year"] for x in nominating] == [end.year]
