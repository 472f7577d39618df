"""Video mediation in an existing video system: the default Jitsi Meet link, a county's own system
through the hook, attendance and outcome as case events."""

from __future__ import annotations

import types

import pytest
from rol_testkit import at
from suyuan_rule_of_law.video import ScheduleInput

from suyuan_core import Conflict, NewCase, PluginSpec, ValidationError, VideoRoom, hookimpl


def case(d):
    c = d.cases.create(NewCase(title="远程调解", category="contract", source="walk_in",
                               area_code="C.T1.C1.G1", occurred_at=at("2026-03-02")), actor="t")
    return d.cases.act(c.id, "accept", actor="t", occurred_at=at("2026-03-02", 11))


def test_jitsi_by_default_with_attendance_and_outcome(make_deployment, keeper):
    from suyuan_rule_of_law.service import service

    d = make_deployment(plugins=["rule_of_law"], extra_plugins={"keeper": keeper}, config={
        "plugins": {"rule_of_law": {"video_base_url": "https://meet.jintang.example/"}}})
    rol = service(d)
    c = case(d)
    v = rol.video.schedule(ScheduleInput(case_id=c.id, scheduled_at="2026-03-05T14:00+08:00",
                                         participants=["刘大妈", "周大爷", "调解员"]), actor="t")
    assert v["system"] == "jitsi" and v["join_url"].startswith("https://meet.jintang.example/suyuan-")
    assert v["join_url"].endswith(v["room"]) and len(v["room"]) > 20  # not guessable
    with pytest.raises(ValidationError, match="not invited"):
        rol.video.attendance(v["id"], ["刘大妈", "路人"], actor="t")
    rol.video.attendance(v["id"], ["刘大妈", "调解员"], actor="t")
    done = rol.video.outcome(v["id"], "settled", actor="t")
    assert done["attended"] == ["刘大妈", "调解员"] and done["outcome"] == "settled"
    events = d.cases.timeline(c.id)
    assert [e.kind for e in events][-3:] == ["rule_of_law.video_scheduled",
                                             "rule_of_law.video_attendance",
                                             "rule_of_law.video_outcome"]
    assert events[-2].data["absent"] == ["周大爷"]
    with pytest.raises(Conflict, match="already"):  # a 409: the session's state
        rol.video.outcome(v["id"], "adjourned", actor="t")
    with pytest.raises(ValidationError) as err:
        ScheduleInput(case_id=c.id, scheduled_at="2026-03-05T14:00", participants=["a"])
    assert err.value.rule == "aware_datetime"


def test_a_county_plugs_in_its_own_video_system(make_deployment, keeper):
    from suyuan_rule_of_law.service import service

    county = types.ModuleType("county_vc")
    county.plugin = PluginSpec(label=("县远程视频", "County VC"), requires=("rule_of_law",))

    @hookimpl
    def suyuan_video_room(case_id, room):
        return VideoRoom(system="jintang-vc", room=room,
                         join_url=f"https://vc.jintang.example/join?room={room}")

    county.suyuan_video_room = suyuan_video_room
    d = make_deployment(plugins=["rule_of_law"], extra_plugins={"keeper": keeper,
                                                                 "county_vc": county})
    c = case(d)
    v = service(d).video.schedule(ScheduleInput(case_id=c.id,
                                                scheduled_at="2026-03-05T14:00+08:00",
                                                participants=["刘大妈"]), actor="t")
    assert v["system"] == "jintang-vc" and v["join_url"].startswith("https://vc.jintang.example/")


def test_a_closed_case_gets_no_video_session_and_it_is_a_409(make_deployment, keeper):
    from suyuan_rule_of_law.service import service

    d = make_deployment(plugins=["rule_of_law"], extra_plugins={"keeper": keeper})
    c = d.cases.act(case(d).id, "withdraw", actor="t", reason="撤回")
    with pytest.raises(Conflict, match="withdrawn") as err:
        service(d).video.schedule(ScheduleInput(case_id=c.id, scheduled_at="2026-03-05T14:00+08:00",
                                                participants=["a"]), actor="t")
    assert err.value.status_code == 409
    assert [e.kind for e in d.cases.timeline(c.id)][-1] == "withdraw"  # nothing recorded
