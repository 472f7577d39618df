"""Duplicates by place and time (DOMAIN-RULES §3): several callers reporting one problem at one
place within a window become one master order, every caller kept for the callback; a problem
that comes back within ``repeat_days`` after closure is linked to the closed case and counts
against 解决率, in a figure that drills down to exactly its cases."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from conftest import CONFIG
from suyuan_smart import callbacks, duplicates
from suyuan_smart.intake import receive_orders

from suyuan_core import NewCase, Period

# three days ago: the merges are dated now (the real clock), the callbacks after them
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
T = (NOW - dt.timedelta(days=3)).replace(minute=0, second=0)
YEAR = Period.containing("year", NOW.date())
TEXTS = ["家里停水了", "小区从早上开始停水", "停水一上午了什么时候来水", "我们楼停水", "水龙头没水",
         "停水了没有通知", "又停水了", "自来水停了", "突然停水", "楼下水管爆了停水", "停水影响做饭",
         "停水两小时"]


def config(**smart):
    c = copy.deepcopy(CONFIG)
    c["plugins"]["smart"].update(smart)
    return c


@pytest.fixture
def d(make_deployment):
    return make_deployment(plugins=["smart"], config=config())


def twelve_callers(d, area="第1镇1社区", start=T, every=dt.timedelta(minutes=20)):
    orders = [{"source_ref": f"TS-{i}", "title": text[:10], "description": text,
               "category": "public_utilities", "area": area, "caller": f"居民{i}",
               "phone": f"1380000{i:04d}", "urgency": "一般",
               "reported_at": (start + i * every).isoformat()}
              for i, text in enumerate(TEXTS)]
    return receive_orders(d, json.dumps(orders, ensure_ascii=False).encode())


def resolve(d, case_id, at):
    d.cases.act(case_id, "accept", actor="centre", occurred_at=at)
    d.cases.act(case_id, "assign", actor="centre", occurred_at=at,
                data={"assignees": ["organisation:T1"]})
    for action in ("start", "resolve"):
        d.cases.act(case_id, action, actor="t1", occurred_at=at)


def test_twelve_callers_of_one_burst_main_become_one_master_order_and_all_get_a_callback(d):
    got = twelve_callers(d)
    master = got[0].case_id
    # different callers, different words: before, no proposal at all; now each is proposed
    # for the first order, the master
    assert [r.duplicates for r in got] == [()] + [(master,)] * 11
    proposed = duplicates.proposals(d)
    assert len(proposed) == 11 and {p["candidate_id"] for p in proposed} == {master}
    assert all(duplicates.PLACE_REASON in p["reasons"] for p in proposed)
    for p in proposed:
        duplicates.merge(d, 0, 0, actor="centre", proposal_id=p["id"])
    children = [r.case_id for r in got[1:]]
    assert {d.cases.get(c).merged_into for c in children} == {master}

    resolve(d, master, T + dt.timedelta(hours=6))
    due = [row[0] for row in callbacks.due(d)]
    assert sorted(due) == sorted([master, *children])  # every caller, not only the master's
    phones = {d.cases.get(c).parties[0].phone for c in due}
    assert len(phones) == 12
    # a merged caller cannot be called back before the master is resolved … (checked above
    # by the due list) … and each callback is kept on the caller's own case
    now = dt.datetime.now(dt.UTC)  # after the merges, which happened at the clock's time
    for n, case_id in enumerate(due):
        callbacks.record(d, case_id, actor="cb", reached=True, satisfaction="satisfied",
                         resolved=True, at=now + dt.timedelta(minutes=n + 1))
    assert callbacks.due(d) == []
    assert all(any(e.kind == "callback" and e.data["reached"] for e in d.cases.timeline(c))
               for c in due)
    # the figures count the master order once: the merged callers are in no denominator
    f = d.metric_service.figure("smart_resolution_rate", "C", YEAR)
    assert (f.num, f.den) == (1, 1)
    assert d.metric_service.drill("smart_resolution_rate", "C", YEAR) == [master]


def test_a_merged_caller_dissatisfied_reopens_the_master(d):
    got = twelve_callers(d)
    master, child = got[0].case_id, got[1].case_id
    duplicates.merge(d, child, master, actor="centre")
    with pytest.raises(Exception, match="callbacks follow"):
        callbacks.record(d, child, actor="cb", reached=True, satisfaction="satisfied",
                         at=T + dt.timedelta(hours=1))
    resolve(d, master, T + dt.timedelta(hours=6))
    callbacks.record(d, child, actor="cb", reached=True, satisfaction="dissatisfied",
                     reason="还是没水", reopen=True,
                     at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1))
    assert d.cases.get(master).status.value == "in_progress"


def test_place_is_distance_between_points_and_time_is_a_window(make_deployment):
    d = make_deployment(plugins=["smart"], config=config(duplicate_place_metres=300,
                                                         duplicate_place_hours=24))

    def report(n, lat, lon, at, category="public_utilities", area="C.T1.C1"):
        case = d.cases.create(NewCase(
            title="停水", description=TEXTS[n], category=category, source="hotline_12345",
            area_code=area, lat=lat, long=lon, occurred_at=at, source_ref=f"P-{n}",
            parties=[{"name": f"居民{n}", "role": "caller", "phone": f"1390000{n:04d}"}]),
            actor="t")
        with d.transaction() as s:
            return case.id, duplicates.propose_for(d, d.cases.get(case.id, s), s)

    first, _ = report(0, 30.8600, 104.4200, T)
    # 111 m north, in another community: the same place all the same (points are compared)
    assert report(1, 30.8610, 104.4200, T + dt.timedelta(hours=1), area="C.T1.C2")[1] == [first]
    # 2 km away: another place
    assert report(2, 30.8780, 104.4200, T + dt.timedelta(hours=2))[1] == []
    # the same spot, but after the window
    assert report(3, 30.8600, 104.4200, T + dt.timedelta(hours=30))[1] == []
    # the same spot and time, another problem
    assert report(4, 30.8600, 104.4200, T + dt.timedelta(hours=3), category="labour")[1] == []


def test_auto_merge_makes_the_master_order_at_once(make_deployment):
    d = make_deployment(plugins=["smart"], config=config(duplicate_auto_merge=True))
    got = twelve_callers(d)
    master = got[0].case_id
    assert {d.cases.get(r.case_id).merged_into for r in got[1:]} == {master}
    assert {p["status"] for p in duplicates.proposals(d, None)} == {"merged"}


def test_place_settings_have_ranges(make_deployment):
    from suyuan_core import ConfigError

    for bad in ({"duplicate_place_metres": -1}, {"duplicate_place_hours": 0},
                {"repeat_days": 400}):
        with pytest.raises(ConfigError) as err:
            make_deployment(plugins=["smart"], config=config(**bad))
        assert "plugins.smart" in str(err.value) and next(iter(bad)) in str(err.value)


def _closed_case(d, ref, at, area="C.T1.C1", phone="13800009999"):
    case = d.cases.create(NewCase(
        title="停水", description="小区停水", category="public_utilities",
        source="hotline_12345", area_code=area, source_ref=ref, occurred_at=at,
        parties=[{"name": "王五", "role": "caller", "phone": phone}]), actor="t")
    resolve(d, case.id, at + dt.timedelta(hours=2))
    callbacks.record(d, case.id, actor="cb", reached=True, satisfaction="satisfied",
                     resolved=True, at=at + dt.timedelta(hours=3))
    d.cases.act(case.id, "close", actor="centre", occurred_at=at + dt.timedelta(hours=4))
    return case.id


def test_a_problem_back_after_closure_is_a_repeat_against_the_resolution_rate(d):
    month = YEAR
    old = _closed_case(d, "OLD-1", T - dt.timedelta(days=12))
    long_ago = _closed_case(d, "OLD-0", T - dt.timedelta(days=60), area="C.T1.C2")
    assert long_ago
    ms = d.metric_service
    before = ms.figure("smart_resolution_rate", "C.T1.C1", month)
    assert (before.num, before.den) == (1, 1)

    # ten days after closure, another caller, the same place and problem
    again = twelve_callers(d, start=T - dt.timedelta(days=2))[0].case_id
    kinds = [e.kind for e in d.cases.timeline(old)]
    assert kinds[-1] == "smart.repeat" and d.cases.get(old).status.value == "closed"
    link = d.cases.timeline(again)[-1]
    assert link.kind == "smart.repeat_of" and link.data["of"] == old
    assert d.cases.get(again).data["smart_repeat_of"] == old
    after = ms.figure("smart_resolution_rate", "C.T1.C1", month)
    assert (after.num, after.den) == (0, 1)  # the resolution did not hold
    repeats = ms.figure("smart_repeats", "C", month)
    assert repeats.num == 1 and ms.drill("smart_repeats", "C", month) == [old]
    # the figures agree with a recomputation from the events
    assert ms.verify()[1] == []
    # closed 60 days before: beyond repeat_days, not linked
    assert all(e.kind != "smart.repeat" for e in d.cases.timeline(long_ago))


def test_the_same_caller_back_elsewhere_is_a_repeat_too(d):
    old = _closed_case(d, "OLD-2", T - dt.timedelta(days=10), phone="13700001111")
    new = d.cases.create(NewCase(
        title="又停水", description="停水", category="public_utilities", source="hotline_12345",
        area_code="C.T2.C1", source_ref="NEW-2", occurred_at=T,
        parties=[{"name": "王五", "role": "caller", "phone": "13700001111"}]), actor="t")
    with d.transaction() as s:
        duplicates.propose_for(d, d.cases.get(new.id, s), s)
        duplicates.propose_for(d, d.cases.get(new.id, s), s)  # a rescan links it once
    assert [e.kind for e in d.cases.timeline(old)].count("smart.repeat") == 1
    assert d.cases.get(new.id).data["smart_repeat_of"] == old


def test_orders_with_only_an_address_are_located_and_merged_by_it(d):
    orders = [{"source_ref": f"AD-{i}", "title": "停水", "description": text,
               "category": "public_utilities", "address": f"测试县第2镇1社区幸福路{i}号",
               "caller": f"居民{i}", "phone": f"1370000{i:04d}",
               "reported_at": (T + dt.timedelta(minutes=i)).isoformat()}
              for i, text in enumerate(TEXTS[:3])]
    got = receive_orders(d, json.dumps(orders, ensure_ascii=False).encode())
    cases = [d.cases.get(r.case_id) for r in got]
    assert {c.area_code for c in cases} == {"C.T2.C1"}  # not the default area C.T1.C1
    assert {c.data["located_by"] for c in cases} == {"address"}
    assert [r.duplicates for r in got] == [(), (cases[0].id,), (cases[0].id,)]


def test_open311_with_only_an_address_string_is_located_by_it(d):
    from suyuan_core.testing.http import ApiClient

    form = {"api_key": "k1", "service_code": "public_utilities",
            "address_string": "测试县第2镇2社区1网格旁", "description": "停水了"}
    with ApiClient(d) as api:
        r = api.post("/open311/v2/requests.json", data=form)
        assert r.status_code == 201, r.text
        case = d.cases.get(int(r.json()[0]["service_request_id"]))
    assert case.area_code == "C.T2.C2.G1" and case.data["located_by"] == "address"


def test_the_scan_finds_the_master_for_cases_filed_elsewhere(d):
    # cases filed through the core (API, import) propose nothing by themselves: the scan does
    ids = [d.cases.create(NewCase(
        title="停水", description=text, category="public_utilities", source="walk_in",
        area_code="C.T1.C2.G1", occurred_at=T + dt.timedelta(minutes=i),
        parties=[{"name": f"居民{i}", "role": "caller", "phone": f"1360000{i:04d}"}]),
        actor="t").id for i, text in enumerate(TEXTS[:4])]
    assert duplicates.proposals(d) == []
    assert duplicates.scan(d, since=T - dt.timedelta(hours=1)) == 3
    assert {p["candidate_id"] for p in duplicates.proposals(d)} == {ids[0]}
    assert duplicates.scan(d, since=T - dt.timedelta(hours=1)) == 3  # idempotent: same rows
    assert len(duplicates.proposals(d)) == 3
