"""Replies back to the hotline platform: the reply, the completion and the callback result of an
order that came from 12345 are pushed, signed, to a real HTTP server on the loopback, once each
(pushing again sends nothing), retried when the platform fails, and exported to a JSON Lines file
once (exporting again adds nothing)."""

from __future__ import annotations

import datetime as dt
import json

from conftest import CONFIG
from suyuan_smart import callbacks, dispatch, platform
from suyuan_smart.intake import sign

from suyuan_core import NewCase
from suyuan_core.testing import http_receiver

NOW = dt.datetime.now(dt.UTC)
SECRET = "platform-s3cret"


def order(d, source="hotline_12345", ref="GD20261201001"):
    case = d.cases.create(NewCase(title="路灯不亮", category="urban_management", source=source,
                                  source_ref=ref, area_code="C.T1.C1", occurred_at=NOW),
                          actor="t")
    dispatch.dispatch(d, case.id, "CG", actor="centre", at=NOW)
    dispatch.sign_off(d, case.id, "CG", actor="cg", at=NOW)
    dispatch.reply(d, case.id, "CG", "已更换路灯", actor="cg", at=NOW)
    callbacks.record(d, case.id, actor="cb", reached=True, satisfaction="satisfied",
                     resolved=True, at=NOW)
    d.cases.act(case.id, "close", actor="centre", occurred_at=NOW)
    return case


def deployment(make_deployment, url):
    smart = {**CONFIG["plugins"]["smart"], "platform_push_url": url,
             "platform_push_secret": SECRET, "platform_retries": 2}
    return make_deployment(plugins=["smart"], config={"plugins": {"smart": smart}})


def test_reply_completion_and_callback_are_pushed_signed_once(make_deployment):
    with http_receiver() as server:
        d = deployment(make_deployment, f"{server.url}/12345/replies")
        case = order(d)
        order(d, source="walk_in", ref=None)  # not from the platform: nothing to send back
        assert [m["kind"] for m in platform.messages(d)] == ["reply", "callback", "completion"]
        assert platform.push(d) == {"sent": 3, "failed": 0, "gave_up": 0}
        assert platform.push(d) == {"sent": 0, "failed": 0, "gave_up": 0}  # idempotent
        assert len(server.requests) == 3
        for hit in server.requests:
            stamp = hit.headers["X-Suyuan-Timestamp"]
            assert hit.headers["X-Suyuan-Signature"] == sign(SECRET, hit.body, stamp)
            assert hit.path == "/12345/replies"
        bodies = [json.loads(h.text()) for h in server.requests]
        assert bodies[0]["order_no"] == "GD20261201001" and bodies[0]["text"] == "已更换路灯"
        assert bodies[1]["satisfaction"] == "satisfied" and bodies[2]["kind"] == "completion"
        assert {h.headers["Idempotency-Key"] for h in server.requests} == {
            b["idempotency_key"] for b in bodies}
        assert all(m["status"] == "sent" for m in platform.messages(d, case.id))


def test_a_failing_platform_is_retried_then_given_up(make_deployment):
    with http_receiver() as server:
        server.status = 503
        d = deployment(make_deployment, server.url)
        order(d)
        t0 = dt.datetime.now(dt.UTC)
        assert platform.push(d, t0)["failed"] == 3
        assert all("HTTP 503" in m["last_error"] for m in platform.messages(d))
        assert platform.push(d, t0)["failed"] == 0  # not due yet
        server.status = 200
        assert platform.push(d, t0 + dt.timedelta(minutes=6))["sent"] == 3
        assert len(server.requests) == 6


def test_the_job_pushes_and_the_export_is_idempotent(make_deployment, tmp_path):
    with http_receiver() as server:
        d = deployment(make_deployment, server.url)
        order(d)
        [run] = [r for r in d.jobs.run_due() if r.job == "smart.platform_push"]
        assert run.summary["sent"] == 3
        out = tmp_path / "platform" / "replies.jsonl"
        assert platform.export(d, out) == 3
        assert platform.export(d, out) == 0
        lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
        assert [x["kind"] for x in lines] == ["reply", "callback", "completion"]
        assert platform.export(d, out, everything=True) == 3
        assert len(out.read_text(encoding="utf-8").splitlines()) == 3
