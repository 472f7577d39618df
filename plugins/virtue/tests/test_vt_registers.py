"""The sensitive registers' protections, proven: encryption at rest, masking by default, unmasking
only with the right and a reason (audited), minors sealed to every role but the law's, the PIA
gate, exclusion from cases and exports, retention purge and the access report."""

from __future__ import annotations

import csv
import io
import json

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from suyuan_virtue import models as m
from suyuan_virtue.access_report import AccessReport
from suyuan_virtue.registers import Registers
from suyuan_virtue.retention import Retention
from vt_testkit import (
    PLAIN,
    UNMASKED,
    access,
    audit,
    correction,
    count,
    deployment_with_keys,
    new_key,
)

from suyuan_core import CaseFilter, NotFound, PermissionDenied, ValidationError
from suyuan_core.testing import run_cli


@pytest.fixture
def officer(d):
    return access(d, "sfs", ("correction_officer", "C.T1"))


@pytest.fixture
def rec(d, officer):
    return Registers(d).add(officer, correction())


def test_the_ciphertext_in_the_database_is_not_the_plaintext(d, rec):
    with d.engine.connect() as conn:
        row = conn.execute(sa.text(
            "SELECT name_enc, id_number_enc, phone_enc, address_enc, offence_enc, notes_enc "
            "FROM virtue_register_records WHERE id = :i"), {"i": rec}).one()
        dump = " ".join(str(v) for r in conn.execute(sa.text(
            "SELECT * FROM virtue_register_records")).all() for v in r)
    for raw, plain in zip(row, (PLAIN[k] for k in ("name", "id_number", "phone", "address",
                                                   "offence", "notes")), strict=True):
        assert raw and raw != plain and plain not in raw
        assert raw.startswith("gAAAA")  # a Fernet token
    for plain in PLAIN.values():
        assert plain not in dump
    # and the key is nowhere in the database either
    key = d.privacy.key_path.read_text().strip()
    with d.engine.connect() as conn:
        for table in m.metadata.sorted_tables:
            for r in conn.execute(sa.select(table)).all():
                assert key not in " ".join(str(v) for v in r)


def test_masked_by_default_and_unmasked_only_with_the_right_and_a_reason(d, rec, officer):
    regs = Registers(d)
    view = regs.get(officer, rec)
    assert view.masked
    assert view.fields["name"] == "王**"
    assert view.fields["id_number"] == "510***********1234"
    assert view.fields["phone"] == "138****1234"
    assert view.fields["offence"] == "***" and view.fields["notes"] == "***"
    assert PLAIN["address"] not in json.dumps(view.as_dict(), ensure_ascii=False)
    why = access(d, "sfs", reason="核实本月报到情况")
    full = regs.get(why, rec, unmask=True)
    assert not full.masked and full.fields == {**PLAIN, "birth_date": "1990-01-01"}
    entry = [e for e in audit(d, UNMASKED)]
    assert len(entry) == 1 and entry[0].reason == "核实本月报到情况"
    assert entry[0].record == f"virtue.community_correction:{rec}"
    assert entry[0].actor == "user:sfs"


@pytest.mark.parametrize("reason", [None, "", "  ", "看看"])
def test_an_unmask_without_a_reason_is_refused(d, rec, reason):
    who = access(d, "sfs", ("correction_officer", "C.T1"), reason=reason)
    with pytest.raises(ValidationError) as err:
        Registers(d).get(who, rec, unmask=True)
    assert (err.value.field, err.value.rule) == ("reason", "required")
    assert not audit(d, UNMASKED)
    refused = audit(d, "virtue.register.refused")
    assert refused and refused[0].detail["why"] == "no_reason"


def test_a_town_official_cannot_read_a_correction_record_of_their_own_town(d, rec):
    for role in ("official", "supervisor", "mediator", "grid_worker", "admin",
                 "resettlement_officer", "counsellor", "civil_affairs_officer"):
        who = access(d, f"u-{role}", (role, "C.T1"))
        with pytest.raises(NotFound):
            Registers(d).get(who, rec)
        assert Registers(d).list(who, "community_correction") == []
    # an official may hold personal_data.unmask for cases: still nothing here
    sup = access(d, "sup2", ("supervisor", "C"), reason="我是综治中心负责人")
    with pytest.raises(NotFound):
        Registers(d).get(sup, rec, unmask=True)
    whys = {e.detail["why"] for e in audit(d, "virtue.register.refused")}
    assert whys == {"no_read_right"}


def test_reading_is_scoped_to_the_officers_area(d, rec):
    other_town = access(d, "sfs2", ("correction_officer", "C.T2"))
    with pytest.raises(NotFound):
        Registers(d).get(other_town, rec)
    county = access(d, "sfs3", ("correction_officer", "C"))
    assert Registers(d).get(county, rec).id == rec


def test_a_sealed_minors_record_is_refused_to_every_other_role(d, officer):
    regs = Registers(d)
    minor = regs.add(officer, correction(birth_date="2009-06-01", name="李小华",
                                         id_number="510121200906011234"))
    assert count(d, m.register_records) == 1
    readers = []
    for role in d.roles:
        who = access(d, f"r-{role.code}", (role.code, "C"), reason="依法查询未成年人档案")
        try:
            view = regs.get(who, minor)
        except NotFound:
            continue
        readers.append(role.code)
        assert view.minor
    assert readers == ["judicial_authority"]
    # even the officer who registered it, and with unmask rights, sees nothing
    with pytest.raises(NotFound):
        regs.get(access(d, "sfs", reason="我登记的记录"), minor, unmask=True)
    assert regs.list(officer, "community_correction") == []
    judge = access(d, "r-judicial_authority", reason="依法查询未成年人档案")
    assert regs.get(judge, minor, unmask=True).fields["name"] == "李小华"
    assert "sealed" in {e.detail["why"] for e in audit(d, "virtue.register.refused")}


def test_nothing_is_written_before_the_pia(make_deployment, tmp_path):
    d = deployment_with_keys(make_deployment, tmp_path, pia=False)
    who = access(d, "sfs", ("correction_officer", "C.T1"))
    with pytest.raises(ValidationError) as err:
        Registers(d).add(who, correction())
    assert err.value.rule == "pia_required"
    assert count(d, m.register_records) == 0
    r = run_cli(d, "virtue", "pia", "record", "community_correction", "--as", "sfs",
                "--assessed-on", "2026-01-05", "--assessor", "x", "--purpose", "p",
                "--legal-basis", "b", "--necessity", "n", "--risks", "r", "--measures", "m",
                "--review-due", "2029-01-01")
    assert r.exit_code != 0 and "privacy" in r.output and "Traceback" not in r.output
    d.accounts.grant("sfs", "privacy_officer", "C", actor="test")
    r = run_cli(d, "virtue", "pia", "record", "community_correction", "--as", "sfs",
                "--assessed-on", "2026-01-05", "--assessor", "x", "--purpose", "p",
                "--legal-basis", "b", "--necessity", "n", "--risks", "r", "--measures", "m",
                "--review-due", "2029-01-01")
    assert r.exit_code == 0, r.output
    assert Registers(d).add(who, correction())
    # still refused for a register whose PIA is missing
    d.accounts.grant("sfs", "resettlement_officer", "C.T1", actor="test")
    who = access(d, "sfs")
    with pytest.raises(ValidationError) as err:
        Registers(d).add(who, correction(register="resettlement"))
    assert err.value.rule == "pia_required"
    assert count(d, m.register_records) == 1


@pytest.mark.parametrize(("changes", "field", "rule"), [
    ({"id_number": "12345"}, "id_number", "id_number"),
    ({"term_end": "2025-01-01"}, "term_end", "after_start"),
    ({"term_start": "2026-13-01"}, "term_start", "date"),
    ({"name": ""}, "name", "required"),
    ({"phone": "12ab"}, "phone", "phone"),
    ({"register": "gossip"}, "register", "one_of"),
    ({"area_code": "NOPE"}, "area_code", "exists"),
])
def test_bad_input_is_refused_with_the_field_and_writes_nothing(d, officer, changes, field, rule):
    with pytest.raises(ValidationError) as err:
        Registers(d).add(officer, correction(**changes))
    assert (err.value.field, err.value.rule) == (field, rule)
    assert count(d, m.register_records) == 0


def test_writes_need_the_write_right_in_the_area(d):
    with pytest.raises(PermissionDenied):
        Registers(d).add(access(d, "off", ("official", "C.T1")), correction())
    with pytest.raises(PermissionDenied):
        Registers(d).add(access(d, "sfx", ("correction_officer", "C.T2")), correction())
    assert count(d, m.register_records) == 0


def test_registers_are_not_cases_and_no_export_contains_their_fields(d, rec, officer, tmp_path):
    Registers(d).add_entry(officer, rec, "check_in", "2026-03-01", detail="按时报到，思想稳定")
    d.cases.create(__import__("suyuan_core").NewCase(
        title="邻里纠纷", category="neighbour", source="application", area_code="C.T1.C1",
        parties=[{"name": "张三", "role": "applicant"}]), actor="t")
    with d.reading() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(sa.table("cases"))) == 1
    plain = [*PLAIN.values(), "按时报到，思想稳定"]
    for fmt in ("csv", "jsonl", "xlsx"):
        out = tmp_path / f"cases.{fmt}"
        r = run_cli(d, "cases", "export", str(out), "--personal-data", "--reason", "审计导出核对",
                    *(["--with-events"] if fmt == "jsonl" else []))
        assert r.exit_code == 0, r.output
        text = _text(out)
        assert "张三" in text  # the export works and carries personal data when asked
        for value in plain:
            assert value not in text and "virtue" not in text
    # the register's own access report names records, never their contents
    Registers(d).get(access(d, "sfs", reason="核实报到"), rec, unmask=True)
    dpo = access(d, "dpo")
    report = AccessReport(d)
    rows = report.rows(dpo, "community_correction")
    for blob in (report.csv(rows), _xlsx_text(report.xlsx(rows)), json.dumps(rows, ensure_ascii=False)):
        for value in plain:
            assert value not in blob
    # search: the core's case query finds nothing of the register
    for word in ("王小明", "盗窃", "社区矫正"):
        page = d.case_query.page(CaseFilter(text=word))
        assert not page.cases
    assert d.case_query.page(CaseFilter(text="邻里")).cases


def _text(path):
    if path.suffix == ".xlsx":
        return _xlsx_text(path.read_bytes())
    return path.read_text(encoding="utf-8")


def _xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(" ".join(str(c) for c in row if c is not None)
                     for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))


def test_the_access_report_says_who_read_what_when_and_why(d, rec, officer, tmp_path):
    regs = Registers(d)
    regs.get(officer, rec)
    regs.get(access(d, "sfs", reason="核实报到情况"), rec, unmask=True)
    with pytest.raises(NotFound):
        regs.get(access(d, "nosy", ("official", "C.T1")), rec)
    regs.list(officer, "community_correction")
    with pytest.raises(PermissionDenied):
        AccessReport(d).rows(officer, "community_correction")
    r = run_cli(d, "virtue", "registers", "access-report", "community_correction",
                "--as", "dpo", "-o", str(tmp_path / "a.csv"))
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO((tmp_path / "a.csv").read_text(encoding="utf-8"))))
    header, body = rows[0], rows[1:]
    assert header[0].startswith("时间")
    actions = [(b[1], b[2], b[4]) for b in body]
    assert ("user:sfs", UNMASKED, "核实报到情况") in actions
    assert ("user:sfs", "virtue.register.read", "") in actions
    assert ("user:nosy", "virtue.register.refused", "") in actions
    assert ("user:sfs", "virtue.register.write", "") in actions
    assert any(b[2] == "virtue.register.list" for b in body)
    r = run_cli(d, "virtue", "registers", "access-report", "community_correction",
                "--as", "dpo", "--format", "xlsx", "-o", str(tmp_path / "a.xlsx"))
    assert r.exit_code == 0 and UNMASKED in _xlsx_text(
        (tmp_path / "a.xlsx").read_bytes())


def test_retention_purge_deletes_expired_records_and_leaves_an_audit_entry(d, officer):
    regs = Registers(d)
    old = regs.add(officer, correction(term_start="2015-01-01", term_end="2016-01-01"))
    keep = regs.add(officer, correction(term_start="2024-01-01", term_end="2025-01-01"))
    regs.add_entry(officer, keep, "check_in", "2024-02-01")
    r = run_cli(d, "virtue", "registers", "purge", "--on", "2026-06-01", "--dry-run")
    assert r.exit_code == 0 and json.loads(r.stdout)["counts"]["community_correction"] == 1
    assert count(d, m.register_records) == 2
    r = run_cli(d, "virtue", "registers", "purge", "--on", "2026-06-01")
    assert r.exit_code == 0, r.output
    with d.reading() as s:
        assert list(s.scalars(sa.select(m.register_records.c.id))) == [keep]
    entries = audit(d, "virtue.register.purge")
    assert len(entries) == 1 and entries[0].detail["ids"]["community_correction"] == [old]
    assert entries[0].detail["counts"]["community_correction"] == 1
    # configurable: a 1-year limit purges the other one too
    assert Retention(d).due(__import__("datetime").date(2026, 6, 1))["community_correction"] == []


def test_retention_limit_is_configurable(make_deployment, tmp_path):
    d = deployment_with_keys(make_deployment, tmp_path,
                             config={"plugins": {"virtue": {"correction_retention_years": 1}}})
    who = access(d, "sfs", ("correction_officer", "C.T1"))
    rid = Registers(d).add(who, correction(term_start="2024-01-01", term_end="2025-01-01"))
    import datetime as dt
    assert Retention(d).due(dt.date(2026, 6, 1))["community_correction"] == [rid]


def test_key_rotation_reencrypts_everything_under_the_new_key(d, rec, officer):
    path = d.privacy.key_path
    with d.engine.connect() as conn:
        before = conn.execute(sa.text("SELECT name_enc FROM virtue_register_records")).scalar()
    old = path.read_text().strip()
    new = new_key()
    path.write_text(f"{new}\n{old}\n")
    r = run_cli(d, "keys", "rotate")
    assert r.exit_code == 0 and "virtue_register_records 1" in r.output
    with d.engine.connect() as conn:
        after = conn.execute(sa.text("SELECT name_enc FROM virtue_register_records")).scalar()
    assert after != before
    path.write_text(f"{new}\n")  # the old key is gone: everything still reads
    who = access(d, "sfs", reason="轮换后核对")
    assert Registers(d).get(who, rec, unmask=True).fields["name"] == PLAIN["name"]
    assert audit(d, "privacy.keys.rotate")
    path.write_text(f"{new_key()}\n")  # a wrong key: a clear one-line error
    r = run_cli(d, "virtue", "registers", "show", str(rec), "--as", "sfs")
    assert r.exit_code != 0 and "decrypt" in r.output and "Traceback" not in r.output


def test_no_key_is_a_clear_error_and_writes_nothing(make_deployment, tmp_path):
    d = make_deployment(plugins=["virtue"], config={"privacy": {
        "keys_env": "SUYUAN_TEST_NO_KEYS"}})
    from vt_testkit import record_pias
    record_pias(d)
    r = run_cli(d, "virtue", "registers", "list", "community_correction", "--as", "dpo")
    assert r.exit_code == 0
    who = access(d, "sfs", ("correction_officer", "C.T1"))
    with pytest.raises(Exception) as err:
        Registers(d).add(who, correction())
    assert "encryption key" in str(err.value)
    assert count(d, m.register_records) == 0


def test_keys_from_the_environment(make_deployment, tmp_path, monkeypatch):
    monkeypatch.setenv("SUYUAN_VIRTUE_TEST_KEYS", new_key())
    d = make_deployment(plugins=["virtue"], config={"privacy": {
        "keys_env": "SUYUAN_VIRTUE_TEST_KEYS"}})
    from vt_testkit import record_pias
    record_pias(d)
    who = access(d, "sfs", ("correction_officer", "C.T1"))
    rid = Registers(d).add(who, correction())
    assert Registers(d).get(who, rid).fields["name"] == "王**"


def test_check_ins_help_and_term_end(d, rec, officer):
    regs = Registers(d)
    regs.add_entry(officer, rec, "check_in", "2026-03-01", detail="按时报到")
    regs.add_entry(officer, rec, "help", "2026-03-10", detail="介绍就业")
    with pytest.raises(ValidationError) as err:
        regs.add_entry(officer, rec, "party", "2026-03-11")
    assert err.value.field == "kind"
    regs.add_entry(officer, rec, "term_end", "2028-01-31")
    view = regs.get(officer, rec)
    assert view.status == "ended" and [e["kind"] for e in view.entries] == [
        "check_in", "help", "term_end"]
    assert view.entries[0]["detail"] == "***"
    with pytest.raises(ValidationError):
        regs.add_entry(officer, rec, "check_in", "2028-02-01")
