"""Guardianship agreements for left-behind children (under-14 consent, masked, never in cases or
exports, reviews and renewals) and counselling referrals (consent, sessions, follow-ups)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from suyuan_virtue import models as m
from suyuan_virtue.counselling import Counselling, ReferralInput
from suyuan_virtue.guardianship import AgreementInput, Guardianships
from vt_testkit import UNMASKED, access, audit, count

from suyuan_core import NewCase, NotFound, Person, ValidationError
from suyuan_core.testing import run_cli


def agreement(**changes):
    values = dict(area_code="C.T1.C1", child_name="刘小雨", child_birth_date="2017-04-01",
                  child_id_number="510121201704011234", guardian_name="刘奶奶",
                  guardian_relation="grandparent", parents=("刘爸爸", "陈妈妈"),
                  signed_on="2026-03-01", term_start="2026-03-01", term_end="2027-02-28",
                  guardian_phone="13900001111", consent_on="2026-02-27", consent_by="both_parents")
    values.update(changes)
    return AgreementInput(**values)


@pytest.fixture
def mz(d):
    return access(d, "mz", ("civil_affairs_officer", "C.T1"))


def test_an_under_14_child_needs_the_parents_consent_first(d, mz):
    g = Guardianships(d)
    with pytest.raises(ValidationError) as err:
        g.add(mz, agreement(consent_on=None, consent_by=None))
    assert (err.value.field, err.value.rule) == ("consent_on", "guardian_consent")
    with pytest.raises(ValidationError) as err:
        g.add(mz, agreement(consent_on="2026-03-05"))
    assert err.value.rule == "before_signing"
    assert count(d, m.guardianships) == 0
    # a 15-year-old: consent is not demanded (but may be recorded)
    aid = g.add(mz, agreement(child_birth_date="2010-06-01", consent_on=None, consent_by=None))
    view = g.get(mz, aid)
    assert view["under_14"] is False
    aid2 = g.add(mz, agreement())
    assert g.get(mz, aid2)["under_14"] is True and g.get(mz, aid2)["consent_by"] == "both_parents"


@pytest.mark.parametrize(("changes", "field"), [
    ({"child_birth_date": "2000-01-01"}, "child_birth_date"),
    ({"guardian_relation": "stranger"}, "guardian_relation"),
    ({"term_end": "2026-01-01"}, "term_end"), ({"parents": ()}, "parents"),
    ({"intake": "rumour"}, "intake"), ({"guardian_phone": "x1"}, "guardian_phone"),
    ({"child_id_number": "123"}, "child_id_number")])
def test_bad_agreements_are_refused_and_write_nothing(d, mz, changes, field):
    with pytest.raises(ValidationError) as err:
        Guardianships(d).add(mz, agreement(**changes))
    assert err.value.field == field
    assert count(d, m.guardianships) == 0


def test_the_childs_details_are_encrypted_masked_and_never_in_a_case_or_export(d, mz, tmp_path):
    g = Guardianships(d)
    aid = g.add(mz, agreement(intake="youth_12355"))
    with d.engine.connect() as conn:
        raw = " ".join(str(v) for v in conn.execute(sa.select(m.guardianships)).one())
    for plain in ("刘小雨", "510121201704011234", "刘奶奶", "13900001111", "陈妈妈"):
        assert plain not in raw
    view = g.get(mz, aid)
    assert view["child_name"] == "刘**" and view["child_id_number"] == "510***********1234"
    assert view["parents"] == "***" and view["masked"]
    with pytest.raises(ValidationError):
        g.get(access(d, "mz", reason=""), aid, unmask=True)
    full = g.get(access(d, "mz", reason="核实监护人变更"), aid, unmask=True)
    assert full["child_name"] == "刘小雨" and full["parents"] == ["刘爸爸", "陈妈妈"]
    assert audit(d, UNMASKED)[0].record == f"virtue.guardianship:{aid}"
    # the 12355 line is an intake source of cases too; a case never carries the child's details
    d.cases.create(NewCase(title="留守儿童监护求助", category="marriage_family",
                           source="youth_12355", area_code="C.T1.C1",
                           parties=[{"name": "刘奶奶", "role": "applicant"}]), actor="t")
    out = tmp_path / "cases.jsonl"
    r = run_cli(d, "cases", "export", str(out), "--with-events", "--personal-data",
                "--reason", "审计导出核对")
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "youth_12355" in text
    for plain in ("刘小雨", "510121201704011234", "陈妈妈", "13900001111"):
        assert plain not in text
    # officials and the judicial authority do not read children's agreements
    for role in ("official", "supervisor", "judicial_authority", "correction_officer"):
        with pytest.raises(NotFound):
            g.get(access(d, f"x-{role.replace('_', '-')}", (role, "C")), aid)


def test_reviews_due_and_renewals(d, mz):
    g = Guardianships(d)
    aid = g.add(mz, agreement())
    assert g.get(mz, aid)["next_review"] == "2026-09-01"  # every 6 months (configurable)
    due = g.list(mz, due_by=dt.date(2026, 9, 30))
    assert [a["id"] for a in due] == [aid]
    nxt = g.review(mz, aid, "2026-09-02", "fulfilled", note="监护到位")
    assert nxt == dt.date(2027, 2, 28)  # capped at the term's end
    assert g.list(mz, due_by=dt.date(2026, 9, 30)) == []
    new = g.add(mz, agreement(signed_on="2027-02-20", term_start="2027-03-01",
                              term_end="2028-02-28", consent_on="2027-02-18", renews=aid))
    assert g.get(mz, aid)["status"] == "renewed" and g.get(mz, new)["renews"] == aid
    with pytest.raises(ValidationError):
        g.review(mz, aid, "2026-10-01", "whatever")
    totals = g.totals("C", dt.date(2028, 1, 1))
    assert totals == {"total": 2, "active": 1, "reviews_due": 1}


def test_counselling_referral_consent_sessions_and_follow_ups(d):
    who = access(d, "xl", ("counsellor", "C.T1"))
    d.roster.save([Person(external_id="XL1", name="心理咨询师甲", roles=("counsellor",),
                          areas=("C.T1",))])
    c = Counselling(d)
    with pytest.raises(ValidationError) as err:
        c.refer(who, ReferralInput(area_code="C.T1.C1", source="case", name="周某",
                                   consent_on="2026-03-01"))
    assert err.value.field == "case_id"
    rid = c.refer(who, ReferralInput(area_code="C.T1.C1", source="grid_worker", name="周某某",
                                     consent_on="2026-03-01", concern="失业后失眠焦虑",
                                     phone="13700002222"))
    with pytest.raises(ValidationError) as err:
        c.session(who, rid, held_on="2026-02-01", counsellor="XL1")
    assert err.value.rule == "after_consent"
    with pytest.raises(NotFound) as err:
        c.session(who, rid, held_on="2026-03-03", counsellor="NOBODY")
    assert err.value.rule == "roster_role"
    out = c.session(who, rid, held_on="2026-03-03", counsellor="XL1", outcome="improved",
                    notes="认知行为疗法")
    assert out == {"status": "in_progress", "follow_up_due": "2026-04-02"}
    assert [r["id"] for r in c.list(who, follow_up_by=dt.date(2026, 4, 30))] == [rid]
    c.session(who, rid, held_on="2026-04-02", counsellor="XL1", kind="follow_up",
              outcome="closed")
    view = c.get(who, rid)
    assert view["status"] == "closed" and view["name"] == "周**" and view["concern"] == "***"
    assert [x["notes"] for x in view["sessions"]] == ["***", None]
    social = access(d, "sg", ("social_worker", "C.T1"), reason="跟进回访安排")
    with pytest.raises(Exception) as err:
        c.get(social, rid, unmask=True)
    assert "unmask" in str(err.value)
    with pytest.raises(NotFound):
        c.get(access(d, "off", ("official", "C.T1")), rid)
