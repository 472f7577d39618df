"""特邀调解 and the court's platform: invited organisations and mediators, delegated cases with
deadlines and results, figures per organisation and mediator; the file-exchange adapter
(idempotent, malformed files refused with nothing written) and the HTTP adapter against a real
HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
import sqlalchemy as sa
from suyuan_rule_of_law import models as m
from suyuan_rule_of_law.directory import ResourceInput
from suyuan_rule_of_law.platform import sync

from suyuan_core import Period, Person, SuyuanError, ValidationError, tables


def delegation(ref, **extra):
    values = {"platform_ref": ref, "mode": "delegated", "title": "买卖合同纠纷",
              "category": "contract", "area_code": "C.T1.C1", "organisation": "INV1",
              "mediator": "IM1", "received_on": "2026-03-02",
              "parties": [{"name": "甲公司", "role": "applicant"},
                          {"name": "乙商行", "role": "respondent"}]}
    values.update(extra)
    return values


@pytest.fixture
def invited(d, rol):
    rol.directory.save([
        ResourceInput(external_id="INV1", name="商事调解中心", kind="commercial_mediation",
                      area_code="C", invited=True, commercial=True),
        ResourceInput(external_id="INV2", name="律师调解中心", kind="lawyer_mediation",
                      area_code="C", invited=True)])
    d.roster.save([Person(external_id="IM1", name="钱调解员", roles=("invited_mediator",),
                          areas=("C",), organisation="INV1"),
                   Person(external_id="IM2", name="孙调解员", roles=("invited_mediator",),
                          areas=("C",), organisation="INV2")])
    return rol


def delegations(d) -> int:
    with d.reading() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(m.delegations)))


def cases(d) -> int:
    with d.reading() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(tables.cases)))


def test_file_exchange_imports_once_and_exports_results(make_deployment, keeper, tmp_path):
    from rol_testkit import people
    from suyuan_rule_of_law.service import service

    d = make_deployment(plugins=["rule_of_law"], extra_plugins={"keeper": keeper}, config={
        "plugins": {"rule_of_law": {"platform_dir": str(tmp_path / "exchange")}}})
    people(d)
    rol = service(d)
    rol.directory.save([ResourceInput(external_id="INV1", name="商事调解中心",
                                      kind="commercial_mediation", area_code="C", invited=True,
                                      commercial=True)])
    d.roster.save([Person(external_id="IM1", name="钱调解员", roles=("invited_mediator",),
                          areas=("C",), organisation="INV1")])
    inbox = tmp_path / "exchange" / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "2026-03-02.json").write_text(json.dumps(
        [delegation("W-1"), delegation("W-2", mode="entrusted", due_on="2026-03-20")],
        ensure_ascii=False), encoding="utf-8")
    assert sync(d, actor="t") == {"added": 2, "skipped": 0, "pushed": 0}
    assert sync(d, actor="t") == {"added": 0, "skipped": 2, "pushed": 0}  # idempotent
    w1, w2 = sorted(rol.invited.find(), key=lambda x: x["platform_ref"])
    assert w1["due_on"] == "2026-04-01" and w2["due_on"] == "2026-03-20"  # 30 days by default
    case = d.cases.get(w1["case_id"])
    assert case.source == "court_platform" and case.source_ref == "W-1"
    assert [e.kind for e in d.cases.timeline(case.id)][-1] == "rule_of_law.delegated"
    rol.invited.result(w1["id"], "settled", "2026-03-15", actor="t")
    assert sync(d, actor="t")["pushed"] == 1
    assert sync(d, actor="t")["pushed"] == 0
    out = json.loads((tmp_path / "exchange" / "outbox" / "results.json").read_text("utf-8"))
    assert out == [{"platform_ref": "W-1", "result": "settled", "closed_on": "2026-03-15"}]
    with pytest.raises(ValidationError, match="already ended"):
        rol.invited.result(w1["id"], "failed", "2026-03-16", actor="t")


@pytest.mark.parametrize("content,field", [
    ("{not json", "bad.json"),
    ('{"a": 1}', "bad.json"),
    (json.dumps([delegation("W-9"), delegation("W-10", received_on="2026-02-30")]),
     "bad.json[2].received_on"),
    (json.dumps([delegation("W-9", mode="sued")]), "bad.json[1].mode"),
    (json.dumps([delegation("W-9", colour="red")]), "bad.json[1]"),
])
def test_a_malformed_platform_file_is_refused_and_writes_nothing(make_deployment, keeper,
                                                                  tmp_path, content, field):
    from suyuan_rule_of_law.service import service

    d = make_deployment(plugins=["rule_of_law"], extra_plugins={"keeper": keeper}, config={
        "plugins": {"rule_of_law": {"platform_dir": str(tmp_path)}}})
    service(d).directory.save([ResourceInput(external_id="INV1", name="商事调解中心",
                                             kind="commercial_mediation", area_code="C",
                                             invited=True)])
    d.roster.save([Person(external_id="IM1", name="钱", roles=("invited_mediator",),
                          areas=("C",), organisation="INV1")])
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "bad.json").write_text(content, encoding="utf-8")
    before = cases(d)
    with pytest.raises(ValidationError) as err:
        sync(d, actor="t")
    assert err.value.field == field
    assert cases(d) == before and delegations(d) == 0


def test_an_unknown_organisation_stops_the_whole_batch(invited, d):
    from suyuan_rule_of_law.invited import DelegationInput

    before = cases(d)
    with pytest.raises(SuyuanError, match="INV9"):
        invited.invited.receive([DelegationInput(**delegation("A")),
                                 DelegationInput(**delegation("B", organisation="INV9",
                                                              mediator=None))], actor="t")
    assert cases(d) == before and delegations(d) == 0


def test_figures_per_organisation_and_mediator(invited, d):
    from suyuan_rule_of_law.invited import DelegationInput

    invited.invited.receive([DelegationInput(**delegation("A")),
                             DelegationInput(**delegation("B")),
                             DelegationInput(**delegation("C", organisation="INV2",
                                                          mediator="IM2"))], actor="t")
    ids = {x["platform_ref"]: x["id"] for x in invited.invited.find()}
    invited.invited.result(ids["A"], "settled", "2026-03-10", actor="t")
    invited.invited.result(ids["B"], "failed", "2026-03-11", actor="t")
    invited.invited.result(ids["C"], "settled", "2026-03-12", actor="t")
    by_org = {f["key"]: f for f in invited.invited.figures("organisation")}
    assert (by_org["INV1"]["cases"], by_org["INV1"]["success_rate"]) == (2, 50.0)
    by_med = {f["key"]: f for f in invited.invited.figures("mediator")}
    assert by_med["IM2"]["settled"] == 1
    f = d.metric_service.figure("invited_mediation_success_rate", "C",
                                Period.containing("year", dt.date(2026, 3, 1)))
    assert (f.num, f.den) == (2, 3)


class Platform(BaseHTTPRequestHandler):
    """A stand-in court platform on the loopback: serves delegations, takes results."""

    delegations: ClassVar[list[dict]] = []
    received: ClassVar[list[dict]] = []
    token = "s3cret"

    def _send(self, code: int, data: object) -> None:
        body = json.dumps(data, ensure_ascii=False).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != f"Bearer {self.token}":
            return self._send(401, {"error": "token"})
        self._send(200, self.delegations)

    def do_POST(self) -> None:
        data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        fresh = [r for r in data["results"] if r not in self.received]
        self.received.extend(fresh)
        self._send(200, {"accepted": len(data["results"])})

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def platform_server():
    Platform.delegations = [delegation("H-1"), delegation("H-2")]
    Platform.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Platform)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_http_adapter_against_a_real_server(make_deployment, keeper, platform_server):
    from suyuan_rule_of_law.service import service

    d = make_deployment(plugins=["rule_of_law"], extra_plugins={"keeper": keeper}, config={
        "plugins": {"rule_of_law": {"platform_adapter": "http", "platform_url": platform_server,
                                    "platform_token": "s3cret"}}})
    rol = service(d)
    rol.directory.save([ResourceInput(external_id="INV1", name="商事调解中心",
                                      kind="commercial_mediation", area_code="C", invited=True)])
    d.roster.save([Person(external_id="IM1", name="钱", roles=("invited_mediator",),
                          areas=("C",), organisation="INV1")])
    assert sync(d, actor="t") == {"added": 2, "skipped": 0, "pushed": 0}
    assert sync(d, actor="t")["skipped"] == 2
    first = rol.invited.find()[0]
    rol.invited.result(first["id"], "settled", "2026-03-09", actor="t")
    assert sync(d, actor="t")["pushed"] == 1
    assert Platform.received == [{"platform_ref": first["platform_ref"], "result": "settled",
                                  "closed_on": "2026-03-09"}]
    Platform.token = "other"
    try:
        with pytest.raises(SuyuanError, match="401"):
            sync(d, actor="t")
    finally:
        Platform.token = "s3cret"


def test_http_adapter_names_an_unreachable_platform(make_deployment, keeper):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    d = make_deployment(plugins=["rule_of_law"], extra_plugins={"keeper": keeper}, config={
        "plugins": {"rule_of_law": {"platform_adapter": "http",
                                    "platform_url": f"http://127.0.0.1:{port}"}}})
    with pytest.raises(SuyuanError, match="cannot reach"):
        sync(d, actor="t")


def test_the_scheduled_sync_runs_against_a_real_server(make_deployment, platform_server):
    """``rule_of_law.platform_sync`` on the configured schedule: each slot once, imports what is
    new, pushes results not yet sent, fails visibly (and is retried) when the platform refuses;
    ``suyuan jobs`` lists what it did."""
    import json as json_

    from suyuan_rule_of_law.service import service

    from suyuan_core.testing import run_cli

    d = make_deployment(plugins=["rule_of_law"], config={
        "plugins": {"rule_of_law": {"platform_adapter": "http", "platform_url": platform_server,
                                    "platform_token": "s3cret", "platform_sync_every": "15m"}}})
    rol = service(d)
    rol.directory.save([ResourceInput(external_id="INV1", name="商事调解中心",
                                      kind="commercial_mediation", area_code="C", invited=True)])
    d.roster.save([Person(external_id="IM1", name="钱", roles=("invited_mediator",),
                          areas=("C",), organisation="INV1")])
    job = "rule_of_law.platform_sync"
    assert d.jobs.get(job).every == "15m"
    t0 = dt.datetime(2026, 3, 9, 9, 2, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    first = d.jobs.run(job, at=t0)
    assert first.status == "succeeded", first.error
    assert first.summary == {"adapter": "http", "added": 2, "skipped": 0, "pushed": 0}
    assert d.jobs.run(job, at=t0 + dt.timedelta(minutes=10)) is None  # same slot
    assert delegations(d) == 2
    done = rol.invited.find()[0]
    rol.invited.result(done["id"], "settled", "2026-03-09", actor="t")
    second = d.jobs.run(job, at=t0 + dt.timedelta(minutes=15))
    assert second.summary == {"adapter": "http", "added": 0, "skipped": 2, "pushed": 1}
    third = d.jobs.run(job, at=t0 + dt.timedelta(minutes=30))
    assert third.summary["pushed"] == 0 and delegations(d) == 2  # idempotent both ways
    assert Platform.received == [{"platform_ref": done["platform_ref"], "result": "settled",
                                  "closed_on": "2026-03-09"}]
    Platform.token = "other"
    try:
        failed = d.jobs.run(job, at=t0 + dt.timedelta(minutes=45))
    finally:
        Platform.token = "s3cret"
    assert failed.status == "failed" and "401" in failed.error and failed.next_try_at
    retried = [r for r in d.jobs.run_due(t0 + dt.timedelta(minutes=56)) if r.job == job]
    assert [r.status for r in retried] == ["succeeded"] and retried[0].attempts == 2
    out = run_cli(d, "jobs", "runs", "--job", job, "--json")
    assert out.exit_code == 0, out.output
    runs = json_.loads(out.stdout)
    assert [r["status"] for r in runs][-4:] == ["succeeded"] * 4
    assert runs[-2]["summary"]["pushed"] == 1
