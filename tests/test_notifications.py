"""The outbox: the in-app inbox with no configuration, outside channels through apprise sent to
real servers on the loopback (an SMTP server, an HTTP robot-webhook receiver), failures kept and
retried, everything visible per case, and a channel URL that does not parse refused at start-up."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from suyuan_core import ConfigError, ValidationError
from suyuan_core.testing import Factories, http_receiver, run_cli, smtp_server


def test_inbox_needs_no_configuration(deployment):
    d = deployment
    d.accounts.add_user("wang", "王主任", "long-enough-pw")
    d.accounts.grant("wang", "official", "C.T1")
    d.accounts.add_user("li", "李", "long-enough-pw")
    d.accounts.grant("li", "official", "C.T2")
    case = Factories(d).case(area_code="C.T1.C1")
    ids = d.notifications.notify("overdue", to=["role:official"], subject="工单超期",
                                 body="请尽快办理", case_id=case.id, area_code="C.T1.C1")
    assert len(ids) == 1  # the official of T2 does not cover the case's area
    [n] = d.notifications.inbox("wang")
    assert (n.status, n.channel, n.subject, n.case_id) == ("sent", "inbox", "工单超期", case.id)
    assert d.notifications.inbox("li") == []
    assert d.notifications.unread_count("wang") == 1
    assert d.notifications.mark_read("li") == 0  # nobody reads another's inbox
    assert d.notifications.mark_read("wang", [n.id]) == 1
    assert d.notifications.unread_count("wang") == 0
    assert [x.id for x in d.notifications.for_case(case.id)] == ids


def test_dedup_queues_a_message_once(deployment):
    deployment.accounts.add_user("wang", "王", "long-enough-pw")
    for _ in range(3):
        deployment.notifications.notify("reminder", to=["wang"], subject="临期",
                                        dedup="remind:1:2026-12-03")
    assert len(deployment.notifications.inbox("wang")) == 1


def test_a_roster_member_is_told_through_her_accounts(deployment):
    """``person:ID`` reaches the accounts bound to that roster member (a case's assignee), and
    nobody else; a member without an account is no recipient."""
    from suyuan_core import Person

    d = deployment
    d.roster.save([Person(external_id="M1", name="王秀英", roles=("mediator",),
                          areas=("C.T1.C1",)),
                   Person(external_id="M2", name="李", roles=("mediator",), areas=("C.T1.C1",))])
    d.accounts.add_user("wangxy", "王秀英", "long-enough-pw", person_external_id="M1")
    d.accounts.add_user("other", "其他", "long-enough-pw")
    ids = d.notifications.notify("judicial_window", to=["person:M1", "person:M2"],
                                 subject="司法确认期限将至")
    assert len(ids) == 1
    assert [n.recipient for n in d.notifications.recent()] == ["wangxy"]
    assert d.notifications.inbox("other") == []


def test_a_row_another_worker_queued_meanwhile_is_skipped_alone(deployment, monkeypatch):
    """All rows of one ``notify`` go in one insert; when another worker queued one of them
    between the dedup check and the insert, the others are still queued (row by row) and the
    caller's transaction carries on."""
    d = deployment
    for name in ("wang", "li", "zhao"):
        d.accounts.add_user(name, name, "long-enough-pw")
    first = d.notifications.notify("reminder", to=["li"], subject="临期", dedup="remind:7")
    # the dedup check sees nothing, as when the other worker's row was committed just after it
    monkeypatch.setattr(type(d.notifications), "_unqueued", lambda self, rows, s: rows)
    with d.transaction() as s:
        ids = d.notifications.notify("reminder", to=["wang", "li", "zhao"], subject="临期",
                                     dedup="remind:7", session=s)
        d.audit.write(s, actor="t", action="test.after_notify")  # the transaction lives on
    assert len(ids) == 2 and first[0] not in ids
    assert [len(d.notifications.inbox(u)) for u in ("wang", "li", "zhao")] == [1, 1, 1]
    assert [e.action for e in d.audit.search(limit=5)].count("test.after_notify") == 1


def test_unknown_kind_or_empty_subject_writes_nothing(deployment):
    deployment.accounts.add_user("wang", "王", "long-enough-pw")
    with pytest.raises(ValidationError, match="unknown notification kind 'gossip'"):
        deployment.notifications.notify("gossip", to=["wang"], subject="x")
    with pytest.raises(ValidationError, match="subject"):
        deployment.notifications.notify("overdue", to=["wang"], subject="  ")
    assert deployment.notifications.recent() == []


@pytest.mark.parametrize("url", ["not a url", "wecom://", "nosuchscheme://x"])
def test_a_channel_url_that_does_not_parse_is_a_config_error(make_deployment, url):
    with pytest.raises(ConfigError, match=r"notifications.channels.duty.url: .* does not parse"):
        make_deployment(config={"notifications": {"channels": {"duty": {"url": url}}}})


def test_a_channel_naming_an_unknown_kind_is_a_config_error(make_deployment):
    with pytest.raises(ConfigError, match=r"notifications.channels.duty.kinds: unknown kind"):
        make_deployment(config={"notifications": {"channels": {"duty": {
            "url": "json://127.0.0.1:9/x", "kinds": ["gossip"]}}}})


def test_robot_webhook_and_email_reach_real_servers(make_deployment):
    with http_receiver() as robot, smtp_server() as smtp:
        d = make_deployment(config={"notifications": {"channels": {
            "county_robot": {"url": f"json://127.0.0.1:{robot.port}/robot",
                             "kinds": ["overdue", "overdue_notice"]},
            "duty_mail": {"url": f"mailto://127.0.0.1:{smtp.port}?from=hotline@jt.gov.cn"
                                 "&to=duty@jt.gov.cn&mode=insecure",
                          "areas": ["C.T1"]}}}})
        case = Factories(d).case(area_code="C.T1.C1")
        d.notifications.notify("overdue", to=[], subject="工单 #1 超期", body="已超 1 个工作日",
                               case_id=case.id, area_code="C.T1.C1")
        d.notifications.notify("dispatch", to=[], subject="新派单", area_code="C.T2")
        queued = d.notifications.for_case(case.id)
        assert sorted(n.channel for n in queued) == ["county_robot", "duty_mail"]
        assert {n.status for n in queued} == {"pending"}
        done = d.notifications.deliver()
        assert done == {"sent": 2, "failed": 0, "gave_up": 0}
        [hit] = robot.requests
        payload = json.loads(hit.text())
        assert payload["title"] == "工单 #1 超期" and payload["message"] == "已超 1 个工作日"
        [mail] = smtp.messages
        assert mail["Subject"] == "工单 #1 超期" and "duty@jt.gov.cn" in mail["To"]
        assert {n.status for n in d.notifications.for_case(case.id)} == {"sent"}
        # the dispatch in T2 matched neither channel (robot: kinds; mail: areas)
        assert [n for n in d.notifications.recent() if n.kind == "dispatch"] == []


def test_a_failing_channel_is_retried_and_visible(make_deployment):
    with http_receiver() as robot:
        robot.status = 500
        d = make_deployment(config={"notifications": {"retries": 2, "retry_minutes": 5,
                                                      "channels": {"robot": {
                                                          "url": f"json://127.0.0.1:{robot.port}/x"}}}})
        case = Factories(d).case()
        d.notifications.notify("alert", to=[], subject="预警", case_id=case.id)
        t0 = dt.datetime.now(dt.UTC)
        assert d.notifications.deliver(t0) == {"sent": 0, "failed": 1, "gave_up": 0}
        [n] = d.notifications.for_case(case.id)
        assert n.status == "failed" and n.attempts == 1 and n.last_error
        assert d.notifications.deliver(t0) == {"sent": 0, "failed": 0, "gave_up": 0}  # not due
        robot.status = 200
        assert d.notifications.deliver(t0 + dt.timedelta(minutes=6))["sent"] == 1
        [n] = d.notifications.for_case(case.id)
        assert (n.status, n.attempts, n.last_error) == ("sent", 2, None)
        assert len(robot.requests) == 2
        out = run_cli(d, "notifications", "--json")
        assert json.loads(out.stdout)[0]["status"] == "sent"


def test_retries_run_out_and_can_be_queued_again(make_deployment):
    with http_receiver() as robot:
        robot.status = 503
        d = make_deployment(config={"notifications": {"retries": 1, "retry_minutes": 1,
                                                      "channels": {"robot": {
                                                          "url": f"json://127.0.0.1:{robot.port}/x"}}}})
        d.notifications.notify("alert", to=[], subject="预警")
        t0 = dt.datetime.now(dt.UTC)
        d.notifications.deliver(t0)
        assert d.notifications.deliver(t0 + dt.timedelta(minutes=3))["gave_up"] == 1
        [n] = d.notifications.recent()
        assert n.status == "gave_up"
        bad = run_cli(d, "notifications", "retry", "999")
        assert bad.exit_code == 1 and "not failed" in bad.output
        robot.status = 200
        assert run_cli(d, "notifications", "retry", str(n.id)).exit_code == 0
        assert d.notifications.deliver()["sent"] == 1


def test_the_core_job_delivers_the_outbox(make_deployment):
    with http_receiver() as robot:
        d = make_deployment(config={"notifications": {"channels": {"robot": {
            "url": f"json://127.0.0.1:{robot.port}/x"}}}})
        d.notifications.notify("calendar", to=[], subject="2027 年节假日未导入")
        [run] = [r for r in d.jobs.run_due() if r.job == "core.notifications_deliver"]
        assert run.status == "succeeded" and run.summary == {"sent": 1, "failed": 0, "gave_up": 0}
        assert len(robot.requests) == 1


def test_the_inbox_page_and_the_case_page_show_notifications(deployment):
    import re

    from litestar.testing import TestClient

    from suyuan_core.testing.http import ApiClient

    d = deployment
    d.accounts.add_user("wang", "王主任", "long-enough-pw")
    d.accounts.grant("wang", "official", "C")
    case = Factories(d).case(area_code="C.T1.C1")
    d.notifications.notify("urge", to=["wang"], subject="催办：请加快办理", case_id=case.id,
                           area_code="C.T1.C1")
    with TestClient(ApiClient(d).app, base_url="https://testserver.local") as c:
        c.post("/login", data={"username": "wang", "password": "long-enough-pw", "next": "/"})
        page = c.get("/inbox").text
        assert "催办：请加快办理" in page and "消息" in page and 'class="badge">1<' in page
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert c.post("/inbox/read", data={"csrf_token": "bad"}).status_code == 403
        assert d.notifications.unread_count("wang") == 1
        c.post("/inbox/read", data={"csrf_token": token, "id": "x"})
        assert d.notifications.unread_count("wang") == 1
        c.post("/inbox/read", data={"csrf_token": token})
        assert d.notifications.unread_count("wang") == 0
        shown = c.get(f"/cases/{case.id}").text
        assert "通知记录" in shown and "催办：请加快办理" in shown and "已发送" in shown
