"""The public helpers plugins stand on (suyuan_core.http, .times, .sql, .imports): what they
refuse, what they write, and that a plugin's route built on them behaves like the core's."""

from __future__ import annotations

import datetime as dt
import types
import zoneinfo
from pathlib import Path
from typing import Annotated, Any

import pytest
import sqlalchemy as sa
from litestar import get, post
from litestar.params import FromQuery, JSONBody, Parameter

from suyuan_core import (
    ImportFailed,
    NotFound,
    Permission,
    PermissionDenied,
    PluginSpec,
    Role,
    ValidationError,
    hookimpl,
    http,
    imports,
    row_to_case,
    sql,
    tables,
    times,
)
from suyuan_core.testing.http import ApiClient

API = "/api/v1/helper_demo"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


# -- times ------------------------------------------------------------------------------------

def test_times_store_naive_utc_and_show_utc():
    local = dt.datetime(2026, 5, 3, 9, 30, tzinfo=SHANGHAI)
    stored = times.to_db(local)
    assert stored == dt.datetime(2026, 5, 3, 1, 30) and stored.tzinfo is None
    assert times.from_db(stored) == local and times.from_db(stored).tzinfo is dt.UTC
    # smart's old iso() kept +08:00; the API shows every time in UTC
    assert times.iso(local) == "2026-05-03T01:30:00+00:00"
    assert times.to_db(None) is None and times.iso(None) is None
    with pytest.raises(ValueError, match="aware"):
        times.to_db(dt.datetime(2026, 5, 3, 9, 30))


def test_times_parse_names_the_field():
    assert times.parse_datetime("2026-05-03T09:30+08:00").utcoffset() == dt.timedelta(hours=8)
    with pytest.raises(ValidationError) as naive:
        times.parse_datetime("2026-05-03T09:30", field="held_at")
    assert naive.value.field == "held_at" and naive.value.rule == "aware_datetime"
    with pytest.raises(ValidationError) as bad:
        times.parse_date("3 May", field="signed_on")
    assert bad.value.field == "signed_on" and bad.value.rule == "date"
    assert times.parse_date("2026-05-03") == dt.date(2026, 5, 3)


def test_local_day_and_period(deployment):
    late = dt.datetime(2026, 5, 3, 16, 30, tzinfo=dt.UTC)  # 00:30 on 4 May in Shanghai
    assert str(times.zone(deployment)) == "Asia/Shanghai"
    assert times.local_date(deployment, late) == dt.date(2026, 5, 4)
    assert str(times.period_of(deployment, "month", late)) == "2026-05"
    assert times.local_time(deployment, dt.date(2026, 5, 4)).hour == 12


# -- sql --------------------------------------------------------------------------------------

def test_chunks_and_within(deployment, factories):
    assert [list(c) for c in sql.chunks(list(range(5)), 2)] == [[0, 1], [2, 3], [4]]
    assert list(sql.chunks([], 3)) == []
    mine = factories.case(area_code="C.T1.C1.G1")
    factories.case(area_code="C.T2.C1.G1")
    c = tables.cases.c
    with deployment.reading() as s:
        def ids(paths: list[str] | None) -> list[int]:
            return list(s.scalars(sa.select(c.id).where(sql.within(c.area_path, paths))))
        assert ids([deployment.areas.tree.path("C.T1")]) == [mine.id]
        assert ids([]) == [] and len(ids(None)) == 2
        row = s.execute(sa.select(tables.cases).where(c.id == mine.id)).one()
    assert row_to_case(row) == deployment.cases.get(mine.id)


# -- imports ----------------------------------------------------------------------------------

def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8-sig")
    return path


def _person(row: dict[str, str]) -> tuple[str, int]:
    if not row["name"]:
        raise ValidationError("a name is required", field="name", rule="required")
    return row["id"], int(row["age"] or 0)


def test_csv_import_names_the_line(tmp_path):
    ok = imports.read_csv(_csv(tmp_path, "id,name,age\nA1,王,30\nA2,李,\n"), _person,
                          required=("id", "name"), key=lambda p: p[0])
    assert ok.items == [("A1", 30), ("A2", 0)] and ok.line_of == {"A1": 2, "A2": 3}
    with pytest.raises(ImportFailed) as empty:
        imports.read_csv(_csv(tmp_path, "id,name,age\nA1,王,30\nA2,,1\n"), _person)
    assert empty.value.line == 3 and empty.value.field == "name"
    assert str(empty.value).startswith("line 3, field 'name': a name is required")
    with pytest.raises(ImportFailed) as twice:
        imports.read_csv(_csv(tmp_path, "id,name,age\nA1,王,30\nA1,李,2\n"), _person,
                         key=lambda p: p[0])
    assert twice.value.line == 3 and "line 2" in str(twice.value)
    with pytest.raises(ImportFailed) as header:
        imports.read_csv(_csv(tmp_path, "id,age\nA1,3\n"), _person, required=("id", "name"))
    assert header.value.line == 1 and header.value.field == "name"


# -- http: a plugin route built on the helpers -------------------------------------------------

def helper_plugin() -> types.ModuleType:
    mod = types.ModuleType("suyuan_helper_demo")
    mod.plugin = PluginSpec(label=("助手示例", "Helper demo"))

    @get("/cases/{case_id:int}", opt={"permission": "cases.read"}, sync_to_thread=False)
    def show(case_id: Annotated[int, Parameter(ge=1)], deployment: http.DeploymentDep,
             principal: http.PrincipalDep) -> dict[str, Any]:
        case = http.readable_case(deployment, principal, case_id, "helper_demo.note")
        return {"id": case.id}

    @post("/notes", opt={"permission": "helper_demo.note"}, sync_to_thread=False)
    def note(data: JSONBody[dict[str, Any]], deployment: http.DeploymentDep, principal: http.PrincipalDep,
             request: http.AnyRequest) -> dict[str, Any]:
        http.require_area(deployment, principal, "helper_demo.note", str(data["area_code"]))
        with http.audited(deployment, principal, request, "helper_demo.note.add") as s:
            s.info["audit_record"] = f"helper_demo_note:{data['n']}"
            if data.get("fail"):
                raise ValidationError("told to fail", field="fail", rule="test")
        return {"ok": True}

    @hookimpl
    def suyuan_register_permissions():
        return [Permission("helper_demo.note", ("记录", "Take notes"))]

    @hookimpl
    def suyuan_register_roles():
        return [Role("note_taker", ("记录员", "Note taker"),
                     permissions={"helper_demo.note", "cases.read"})]

    @hookimpl
    def suyuan_register_routes():
        return [show, note]

    for name, value in list(locals().items()):
        if name.startswith("suyuan_"):
            setattr(mod, name, value)
    return mod


def test_plugin_route_guards_like_the_core(make_deployment):
    d = make_deployment(extra_plugins={"helper_demo": helper_plugin()})
    from suyuan_core.testing.factories import Factories

    case = Factories(d).case(area_code="C.T1.C1.G1")
    with ApiClient(d) as api:
        taker = api.as_role("note_taker", "C.T1")
        reader = api.as_role("note_taker", "C.T2", ("mediator", "C.T1"))
        assert api.get(f"{API}/cases/{case.id}", headers=taker).json() == {"id": case.id}
        # reads there but may not act: 403 naming the permission and what the caller holds
        r = api.get(f"{API}/cases/{case.id}", headers=reader)
        assert r.status_code == 403 and r.json()["rule"] == "helper_demo.note"
        assert "note_taker@C.T2" in r.json()["hint"]
        outsider = api.as_role("note_taker", "C.T2")
        assert api.get(f"{API}/cases/{case.id}", headers=outsider).status_code == 404
        assert api.get(f"{API}/cases/999999", headers=taker).status_code == 404

        r = api.post(f"{API}/notes", json={"area_code": "NOPE", "n": 1}, headers=taker)
        assert r.status_code == 422 and r.json()["field"] == "area_code"
        r = api.post(f"{API}/notes", json={"area_code": "C.T2", "n": 1}, headers=taker)
        assert r.status_code == 403
        assert api.post(f"{API}/notes", json={"area_code": "C.T1", "n": 7},
                        headers=taker).status_code == 201
        assert api.post(f"{API}/notes", json={"area_code": "C.T1", "n": 8, "fail": True},
                        headers=taker).status_code == 422
    entries = d.audit.search(action="helper_demo.note")
    # the failed write left no entry: the audit entry rolls back with the change
    assert [(e.record, e.ip) for e in entries] == [("helper_demo_note:7", "testclient")]


def test_helpers_refuse_without_a_web_request(deployment, factories):
    principal = deployment.accounts.as_user(_user(deployment, "mediator", "C.T1"))
    case = factories.case(area_code="C.T2.C1.G1")
    with pytest.raises(NotFound):
        http.readable_case(deployment, principal, case.id)
    assert http.listing_scope(deployment, principal, "cases.read", None) == ["/C/C.T1/"]
    assert http.area_codes(deployment, principal, "cases.read", None) == ["C.T1"]
    assert http.default_area(principal, "cases.read") == "C.T1"
    with pytest.raises(PermissionDenied):
        http.area_codes(deployment, principal, "cases.read", "C.T2")
    assert not http.in_scope(deployment, principal, "cases.read", "C.T2")
    assert not http.may_unmask(deployment, principal, "C.T1", False, None)
    with pytest.raises(PermissionDenied):
        http.may_unmask(deployment, principal, "C.T1", True, "回访当事人")
    assert http.mask_names(deployment, ["王小二"], False) == {"王小二": "王**"}


def _user(d: Any, role: str, area: str) -> str:
    d.accounts.add_user("u1", "U", None, actor="t")
    d.accounts.grant("u1", role, area, actor="t")
    return "u1"


# -- roster look-ups ----------------------------------------------------------------------------

def test_roster_lookups_in_a_plugins_transaction(deployment, factories):
    from suyuan_core import NotFound as Missing
    from suyuan_core import Organisation

    deployment.roster.save_organisations([Organisation("ORG1", "调委会", "committee", "C.T1")])
    factories.person(external_id="M1", roles=("mediator",), areas=("C.T1.C1",))
    factories.person(external_id="G1", roles=("grid_worker",), areas=("C.T2.C1",))
    with deployment.transaction() as s:
        s.execute(tables.person_roles.insert(),
                  {"person_id": deployment.roster.get("G1").id, "role": "mediator"})
        # the same transaction sees the role just added
        both = deployment.roster.people(s, roles=["mediator"])
        assert [p.external_id for p in both] == ["G1", "M1"]
        assert deployment.roster.get("G1", session=s).roles == ("grid_worker", "mediator")
    assert [p.external_id for p in deployment.roster.people(area_code="C.T1")] == ["M1"]
    assert deployment.roster.organisation("ORG1", kind="committee").name == "调委会"
    with pytest.raises(Missing) as wrong_kind:
        deployment.roster.organisation("ORG1", kind="studio", field="studio")
    assert wrong_kind.value.field == "studio"
    with pytest.raises(Missing):
        deployment.roster.get("nobody")


# -- writes through a plugin's routes are audited by default -------------------------------------

def forgetful_plugin() -> types.ModuleType:
    mod = types.ModuleType("suyuan_forgetful")
    mod.plugin = PluginSpec(label=("健忘", "Forgetful"))

    @post("/things", opt={"permission": "cases.read"}, sync_to_thread=False)
    def add(data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        if data.get("bad"):
            raise ValidationError("bad thing", field="bad", rule="test")
        return {"ok": True}

    @get("/things", opt={"permission": "cases.read"}, sync_to_thread=False)
    def listing() -> list[str]:
        return []

    @hookimpl
    def suyuan_register_routes():
        return [add, listing]

    mod.suyuan_register_routes = suyuan_register_routes
    return mod


def test_a_plugin_write_is_audited_without_the_plugin_asking(make_deployment):
    d = make_deployment(extra_plugins={"forgetful": forgetful_plugin(),
                                       "helper_demo": helper_plugin()})
    with ApiClient(d) as api:
        headers = api.as_role("mediator", "C.T1", username="wang")
        assert api.post("/api/v1/forgetful/things", json={}, headers=headers).status_code == 201
        assert api.get("/api/v1/forgetful/things", headers=headers).status_code == 200
        assert api.post("/api/v1/forgetful/things", json={"bad": 1},
                        headers=headers).status_code == 422
        taker = api.as_role("note_taker", "C.T1", username="li")
        assert api.post(f"{API}/notes", json={"area_code": "C.T1", "n": 3},
                        headers=taker).status_code == 201
    auto = d.audit.search(action="forgetful.")
    # one entry: the successful write (not the read, not the refused write)
    assert [(e.actor, e.action, e.record, e.detail) for e in auto] == [
        ("user:wang", "forgetful.http", "/api/v1/forgetful/things",
         {"method": "POST", "status": 201})]
    # a handler that audited itself is not audited twice
    assert [e.action for e in d.audit.search(actor="li")
            if e.action.startswith("helper_demo")] == ["helper_demo.note.add"]


# -- a plugin's own table declares its sensitive columns ----------------------------------------

VOLUNTEERS = sa.Table("vol_volunteers", sa.MetaData(),
                      sa.Column("id", sa.Integer, primary_key=True),
                      sa.Column("name", sa.String(64)), sa.Column("phone", sa.String(32)),
                      sa.Column("area_code", sa.String(64)))


def volunteer_plugin() -> types.ModuleType:
    from suyuan_core import SensitiveField

    mod = types.ModuleType("suyuan_vol")
    mod.plugin = PluginSpec(label=("志愿者", "Volunteers"))

    @get("/volunteers/{vid:int}", opt={"permission": "cases.read"}, sync_to_thread=False)
    def show(vid: Annotated[int, Parameter(ge=1)], deployment: http.DeploymentDep,
             principal: http.PrincipalDep, request: http.AnyRequest, unmask: FromQuery[bool] = False,
             reason: FromQuery[str | None] = None) -> dict[str, Any]:
        with deployment.reading() as s:
            row = s.execute(sa.select(VOLUNTEERS).where(VOLUNTEERS.c.id == vid)).mappings().one()
        http.require_area(deployment, principal, "cases.read", row["area_code"])
        return http.shown_row(deployment, principal, request, "vol_volunteers", row,
                              area_code=row["area_code"], record=f"vol_volunteers:{vid}",
                              unmask=unmask, reason=reason)

    @hookimpl
    def suyuan_register_sensitive_fields():
        return [SensitiveField("name", "name", table="vol_volunteers"),
                SensitiveField("phone", "phone", table="vol_volunteers")]

    @hookimpl
    def suyuan_register_routes():
        return [show]

    mod.suyuan_register_sensitive_fields = suyuan_register_sensitive_fields
    mod.suyuan_register_routes = suyuan_register_routes
    return mod


def test_a_plugin_tables_sensitive_columns_are_masked_unless_unmasked_with_a_reason(
        make_deployment):
    d = make_deployment(extra_plugins={"vol": volunteer_plugin()})
    VOLUNTEERS.create(d.engine)
    with d.transaction() as s:
        s.execute(VOLUNTEERS.insert(), {"id": 1, "name": "王秀英", "phone": "13912345678",
                                        "area_code": "C.T1.C1"})
    assert [f.path for f in d.privacy.columns("vol_volunteers")] == ["name", "phone"]
    # table columns are not case.data keys (only the core's own place fields are)
    assert [f.path for f in d.privacy.fields if f.provider != "suyuan_core"] == []
    with ApiClient(d) as api:
        mediator = api.as_role("mediator", "C.T1", username="wang-m")
        chief = api.as_role("supervisor", "C", username="chief")
        shown = api.get("/api/v1/vol/volunteers/1", headers=mediator).json()
        assert shown["name"] == "王**" and shown["phone"] == "139****5678"
        assert shown["area_code"] == "C.T1.C1"
        refused = api.get("/api/v1/vol/volunteers/1?unmask=true&reason=回访当事人",
                          headers=mediator)
        assert refused.status_code == 403 and refused.json()["rule"] == "personal_data.unmask"
        no_reason = api.get("/api/v1/vol/volunteers/1?unmask=true", headers=chief)
        assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
        whole = api.get("/api/v1/vol/volunteers/1?unmask=true&reason=回访当事人",
                        headers=chief).json()
        assert whole["phone"] == "13912345678"
    entries = d.audit.search(action="personal_data.unmask")
    assert [(e.actor, e.record, e.reason) for e in entries] == [
        ("user:chief", "vol_volunteers:1", "回访当事人")]


def test_inputs_and_bodies_refuse_by_field_and_build_the_input_class():
    import attrs

    from suyuan_core import bodies, inputs

    @attrs.frozen
    class LectureIn:
        """A lecture held in a community."""

        community: str = attrs.field(converter=lambda v: inputs.text(v, "community",
                                                                     max_length=10))
        held_on: dt.date = attrs.field(converter=inputs.date_conv("held_on"))
        topics: tuple[str, ...] = attrs.field(default=(), converter=inputs.strs)
        attendance: int = 0

    built = inputs.from_dict(LectureIn, {"community": " C.T1 ", "held_on": "2026-05-03",
                                         "topics": "wills"})
    assert built == LectureIn("C.T1", dt.date(2026, 5, 3), ("wills",), 0)

    def rule(data: Any, where: str) -> None:
        if "fee" in data:
            raise ValidationError("no fees", field=f"{where}.fee", rule="no_fee", hint="drop it")

    cases = [
        (lambda: inputs.from_dict(LectureIn, [1]), "LectureIn", "type"),
        (lambda: inputs.from_dict(LectureIn, {"community": "C", "held_on": "2026-05-03",
                                              "speaker": "x"}), "LectureIn", "known_fields"),
        (lambda: inputs.from_dict(LectureIn, {"community": "C"}), "held_on", "required"),
        (lambda: inputs.from_dict(LectureIn, {"community": "C", "held_on": "2026-13-01"}),
         "held_on", "date"),
        (lambda: inputs.from_dict(LectureIn, {"community": "C" * 11, "held_on": "2026-05-03"}),
         "community", "max_length"),
        (lambda: inputs.from_dict(LectureIn, {"fee": 1}, refuse=rule), "LectureIn.fee", "no_fee"),
        (lambda: inputs.one_of(("a", "b"), "c", "kind"), "kind", "one_of"),
        (lambda: bodies.parse(LectureIn, {"community": 5, "held_on": "2026-05-03"}),
         "community", "type"),
        (lambda: bodies.parse(LectureIn, {"community": "C", "held_on": "2026-05-03",
                                          "attendance": True}), "attendance", "type"),
        (lambda: bodies.parse(LectureIn, {"community": "C\x00", "held_on": "2026-05-03"}),
         "community", "text"),
        (lambda: bodies.parse(LectureIn, {"community": "C", "held_on": "2026-05-03"},
                              community="D"), "community", "path"),
        (lambda: bodies.parse(LectureIn, "text"), "body", "type"),
    ]
    for call, field, rule_name in cases:
        with pytest.raises(ValidationError) as err:
            call()
        assert (err.value.field, err.value.rule) == (field, rule_name), err.value
        assert err.value.hint or rule_name in ("type", "known_fields", "path", "text", "date")

    assert bodies.parse(LectureIn, {"held_on": "2026-05-03"}, community="C.T2").community == "C.T2"
    schema = bodies.object_schema(LectureIn)
    assert schema.required == ["community", "held_on"]
    assert set(schema.properties or {}) == {"community", "held_on", "topics", "attendance"}
    assert schema.additional_properties is False
    assert schema.description == "A lecture held in a community."


def test_an_input_from_a_json_file_names_the_file_when_it_cannot_be_read(tmp_path):
    import attrs

    from suyuan_core import inputs

    @attrs.frozen
    class HallIn:
        name: str

    good, bad = tmp_path / "hall.json", tmp_path / "bad.json"
    good.write_text('{"name": "沱源社区群众工作之家"}', encoding="utf-8")
    bad.write_bytes(b"\xff{not json")
    assert inputs.from_json_file(good, HallIn) == HallIn("沱源社区群众工作之家")
    for path in (bad, tmp_path / "missing.json"):
        with pytest.raises(ValidationError) as err:
            inputs.from_json_file(path, HallIn)
        assert (err.value.field, err.value.rule) == ("file", "json") and str(path) in str(err.value)


# -- encryption at rest of declared columns -----------------------------------------------------
SECRETS = sa.Table("sec_notes", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                   sa.Column("name_enc", sa.Text), sa.Column("note_enc", sa.Text),
                   sa.Column("area_code", sa.String(64)))


def secret_plugin() -> types.ModuleType:
    from suyuan_core import SensitiveField

    mod = types.ModuleType("suyuan_sec")
    mod.plugin = PluginSpec(label=("密", "Secrets"))

    @hookimpl
    def suyuan_register_sensitive_fields():
        return [SensitiveField("name_enc", "name", table="sec_notes", encrypted=True),
                SensitiveField("note_enc", "hidden", table="sec_notes", encrypted=True)]

    @hookimpl
    def suyuan_register_permissions():
        return [Permission(code="sec.unmask", label=("查看", "Unmask"), restricted=True)]

    @hookimpl
    def suyuan_register_roles():
        return [Role(code="sec_officer", label=("专员", "Officer"),
                     permissions=frozenset({"sec.unmask"}))]

    for hook in (suyuan_register_sensitive_fields, suyuan_register_permissions,
                 suyuan_register_roles):
        setattr(mod, hook.__name__, hook)
    return mod


def test_declared_encrypted_columns_are_stored_as_ciphertext_shown_masked_and_rotated(
        make_deployment, tmp_path):
    from click.testing import CliRunner
    from cryptography.fernet import Fernet

    from suyuan_core import ConfigError, SensitiveField
    from suyuan_core.cli.main import cli

    with pytest.raises(ValidationError) as err:
        SensitiveField("x", "name", encrypted=True)  # a case.data key cannot be encrypted
    assert err.value.rule == "table_required"
    keys = tmp_path / "keys.txt"
    d = make_deployment(extra_plugins={"sec": secret_plugin()},
                        config={"privacy": {"key_file": str(keys), "keys_env": "SUYUAN_NO_KEYS",
                                            "unmask_reason_min": 6}})
    SECRETS.create(d.engine)
    with pytest.raises(ConfigError) as no_key:
        d.privacy.encrypt("王秀英")
    assert "suyuan keys new" in str(no_key.value)
    assert d.privacy.ensure_key() and not d.privacy.ensure_key()
    assert d.privacy.encrypted_columns() == {"sec_notes": ["name_enc", "note_enc"]}
    with d.transaction() as s:
        s.execute(SECRETS.insert(), {"id": 1, "name_enc": d.privacy.encrypt("王秀英"),
                                     "note_enc": d.privacy.encrypt("夜间走访"),
                                     "area_code": "C.T1.C1"})
    with d.reading() as s:
        raw = dict(s.execute(sa.select(SECRETS)).mappings().one())
    assert raw["name_enc"].startswith("gAAAA") and "王" not in raw["name_enc"]
    assert d.privacy.row("sec_notes", raw, False)["name_enc"] == "王**"
    assert d.privacy.row("sec_notes", raw, False)["note_enc"] == "***"
    assert d.privacy.row("sec_notes", raw, True)["note_enc"] == "夜间走访"
    # a plugin's own restricted right in place of personal_data.unmask, the reason's length
    county = d.areas.tree.path("C")
    d.accounts.add_user("chief", "chief", None, actor="t")
    d.accounts.grant("chief", "supervisor", "C", actor="t")
    sup = d.accounts.as_user("chief")
    with pytest.raises(PermissionDenied) as denied:
        d.privacy.unmask(sup, county, "回访当事人核实", record="sec_notes:1", permission="sec.unmask")
    assert denied.value.rule == "sec.unmask"
    d.accounts.add_user("sec", "sec", None, actor="t")
    d.accounts.grant("sec", "sec_officer", "C", actor="t")
    officer = d.accounts.as_user("sec")
    with pytest.raises(ValidationError) as short:
        d.privacy.unmask(officer, county, "回访", record="sec_notes:1", permission="sec.unmask")
    assert "6" in short.value.hint
    d.privacy.unmask(officer, county, "回访当事人核实", record="sec_notes:1",
                     permission="sec.unmask", detail={"fields": ["name_enc"]})
    entry = d.audit.search(action="personal_data.unmask")[0]
    assert (entry.record, entry.reason, entry.detail) == (
        "sec_notes:1", "回访当事人核实", {"fields": ["name_enc"]})
    # rotation: a new key first, `suyuan keys rotate`, the old key dropped, still readable
    old = keys.read_text().split()[-1]
    new = Fernet.generate_key().decode()
    keys.write_text(f"{new}\n{old}\n")
    assert d.privacy.rotate(actor="t") == {"sec_notes": 1}  # `suyuan keys rotate`
    keys.write_text(f"{new}\n")
    with d.reading() as s:
        after = dict(s.execute(sa.select(SECRETS)).mappings().one())
    assert after["name_enc"] != raw["name_enc"]
    assert d.privacy.row("sec_notes", after, True)["name_enc"] == "王秀英"
    assert d.audit.search(action="privacy.keys.rotate")
    keys.write_text(Fernet.generate_key().decode() + "\n")  # a wrong key: a clear error
    with pytest.raises(ConfigError) as wrong:
        d.privacy.row("sec_notes", after, False)
    assert "suyuan keys rotate" in str(wrong.value)
    r = CliRunner().invoke(cli, ["keys", "new"])
    assert r.exit_code == 0 and len(r.output.strip()) == 44


def test_page_client_signs_in_through_the_form_and_reads_the_csrf_token(deployment):
    from suyuan_core.testing.http import PageClient

    deployment.accounts.add_user("pc", "pc", "page-client-123", actor="t")
    deployment.accounts.grant("pc", "official", "C.T1", actor="t")
    with PageClient(deployment) as site:
        assert site.get("/inbox", follow_redirects=False).status_code in (302, 303)
        site.sign_in("pc", "page-client-123")
        assert site.get("/inbox").status_code == 200
        assert len(site.csrf_token()) >= 16
        with pytest.raises(AssertionError, match="sign-in as 'pc' refused"):
            site.sign_in("pc", "wrong-password")
