"""Intake channels: 12345 files and webhook, mailboxes, messaging; idempotent; bad input refused
with nothing written."""

from __future__ import annotations

import csv
import json
import time

import pytest
from sqlalchemy import func, select
from suyuan_smart import intake
from suyuan_smart.intake import SignatureError

from suyuan_core import ImportFailed, ValidationError, tables

HEADER = ["工单编号", "标题", "诉求内容", "诉求分类", "所属区域", "来电人", "联系电话", "受理时间",
          "紧急程度", "诉求类型"]
ROWS = [
    ["GD001", "路灯不亮", "小区门口路灯坏了", "城市管理", "第1镇1社区", "张三", "13800000001",
     "2026-09-01 09:30", "一般", "投诉"],
    ["GD002", "拖欠工资", "老板拖欠工资三个月", "劳动保障", "第2镇1社区", "李四", "13800000002",
     "2026-09-01 10:00", "紧急", "求助"],
]


def count(d) -> int:
    with d.reading() as s:
        return int(s.scalar(select(func.count()).select_from(tables.cases)))


def write_csv(path, rows, header=HEADER):
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_csv_import_maps_columns_and_is_idempotent(d, tmp_path):
    path = write_csv(tmp_path / "orders.csv", ROWS)
    assert intake.import_orders(d, path) == (2, 0)
    assert intake.import_orders(d, path) == (0, 2)  # the same work orders twice: one case each
    case = d.cases.find_by_source("hotline_12345", "GD002")
    assert case.category == "labour" and case.area_code == "C.T2.C1"
    assert case.data["urgency"] == "urgent" and case.data["request_type"] == "help"
    assert case.parties[0].phone == "13800000002" and case.kind == "appeal"


def test_xlsx_import(d, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(HEADER)
    for r in ROWS:
        wb.active.append(r)
    wb.save(tmp_path / "orders.xlsx")
    assert intake.import_orders(d, tmp_path / "orders.xlsx") == (2, 0)


@pytest.mark.parametrize(("bad", "field"), [
    (["GD003", "标题", "内容", "城市管理", "不存在的区域", "", "", "", "一般", ""], "area"),
    (["", "标题", "内容", "城市管理", "第1镇1社区", "", "", "", "一般", ""], "source_ref"),
    (["GD003", "标题", "内容", "城市管理", "第1镇1社区", "", "", "昨天", "一般", ""], "reported_at"),
    (["GD003", "标题", "内容", "城市管理", "第1镇1社区", "", "", "", "很急", ""], "urgency"),
    (["GD003", "标题", "内容", "火星事务", "第1镇1社区", "", "", "", "一般", ""], "category"),
])
def test_a_malformed_work_order_row_names_line_and_field_and_writes_nothing(d, tmp_path, bad,
                                                                             field):
    path = write_csv(tmp_path / "bad.csv", [ROWS[0], bad])
    with pytest.raises(ImportFailed) as err:
        intake.import_orders(d, path)
    assert err.value.line == 3 and err.value.field == field
    assert "nothing from this batch was written" in err.value.one_line()
    assert count(d) == 0


def test_an_export_without_the_order_number_column_is_refused(d, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [ROWS[0][1:]], header=HEADER[1:])
    with pytest.raises(ValidationError, match="工单编号"):
        intake.import_orders(d, path)


def signed(secret, payload):
    body = json.dumps(payload, ensure_ascii=False).encode()
    ts = str(int(time.time()))
    return body, ts, intake.sign(secret, body, ts)


ORDER = {"source_ref": "W100", "title": "井盖破损", "description": "路口井盖破损有安全隐患",
         "category": "urban_management", "area": "C.T1.C2", "caller": "王五",
         "phone": "13900000003"}


def test_signed_webhook_creates_once(d):
    body, ts, sig = signed("s3cret", ORDER)
    first = intake.hotline_webhook(d, body, timestamp=ts, signature=sig)
    again = intake.hotline_webhook(d, body, timestamp=ts, signature=sig)
    assert first[0].created and not again[0].created and first[0].case_id == again[0].case_id
    assert count(d) == 1


@pytest.mark.parametrize("tamper", ["signature", "body", "stale", "missing"])
def test_bad_signature_is_refused_and_nothing_written(d, tamper):
    body, ts, sig = signed("s3cret", ORDER)
    if tamper == "signature":
        sig = intake.sign("wrong", body, ts)
    elif tamper == "body":
        body = body.replace(b"W100", b"W101")
    elif tamper == "stale":
        ts = str(int(time.time()) - 3600)
        sig = intake.sign("s3cret", body, ts)
    else:
        sig = None
    with pytest.raises(SignatureError) as err:
        intake.hotline_webhook(d, body, timestamp=ts, signature=sig)
    assert err.value.status_code == 401 and err.value.field in ("signature", "timestamp")
    assert count(d) == 0


def test_webhook_batch_is_all_or_nothing(d):
    body, ts, sig = signed("s3cret", [ORDER, {**ORDER, "source_ref": "W101", "area": "nowhere"}])
    with pytest.raises(ValidationError, match="unknown area") as err:
        intake.hotline_webhook(d, body, timestamp=ts, signature=sig)
    assert err.value.field == "[1].area"
    assert count(d) == 0


def test_mailbox_and_messaging(d):
    letter = {"box": "mayor", "letter_id": "L9", "subject": "噪音扰民",
              "body": "工地夜间施工噪声很大", "name": "赵六", "phone": "13700000000"}
    r = intake.mailbox_letter(d, letter)
    assert r.created and intake.mailbox_letter(d, letter).case_id == r.case_id
    case = d.cases.get(r.case_id)
    assert case.source == "mailbox" and case.source_ref == "mayor:L9"
    assert case.area_code == "C.T1.C1"  # the default area
    with pytest.raises(ValidationError, match="not a mailbox"):
        intake.mailbox_letter(d, {**letter, "box": "party"})
    msg = {"platform": "news", "message_id": "m1", "text": "小区物业不管电梯，经常停运",
           "sender": {"name": "钱七"}, "area_code": "C.T2.C2"}
    body, ts, sig = signed("m3ssage", msg)
    got = intake.messaging_webhook(d, body, timestamp=ts, signature=sig)
    case = d.cases.get(got.case_id)
    assert case.source == "messaging" and case.category == "property_management"
    with pytest.raises(SignatureError):
        intake.messaging_webhook(d, body, timestamp=ts, signature=intake.sign("s3cret", body, ts))


def test_configured_units_are_on_the_roster_so_imports_may_assign_to_them(d, tmp_path):
    """[[plugins.smart.units]] land on the roster as organisations: an import (``cases import``)
    assigning an order to a unit passes the roster check, one naming an unknown unit fails in
    one line and writes nothing; ``smart import-12345`` writes through the same check."""
    from suyuan_core.testing import run_cli

    assert {o.external_id: o.area_code for o in d.roster.organisations()} == {
        "CG": "C", "RS": "C", "T1": "C.T1", "T2": "C.T2"}

    def row(unit):
        return {"source": "hotline_12345", "title": "路灯不亮", "category": "urban_management",
                "area_code": "C.T1.C1", "reported_at": "2026-09-01T09:30:00+08:00",
                "events": [{"kind": "accept", "occurred_at": "2026-09-01T10:00:00+08:00"},
                           {"kind": "assign", "occurred_at": "2026-09-01T10:05:00+08:00",
                            "data": {"assignees": [f"organisation:{unit}"]}}]}

    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(row("CG")) + "\n" + json.dumps(row("XX")), encoding="utf-8")
    r = run_cli(d, "cases", "import", str(bad))
    assert r.exit_code != 0 and len(r.stderr.strip().splitlines()) == 1
    assert "line 2" in r.stderr and "'organisation:XX' is not on the roster" in r.stderr
    assert count(d) == 0
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(row("CG")), encoding="utf-8")
    assert run_cli(d, "cases", "import", str(good)).exit_code == 0
    assert d.cases.get(1).assignees == ("organisation:CG",)
    orders = write_csv(tmp_path / "orders.csv", ROWS)
    r = run_cli(d, "smart", "import-12345", str(orders))
    assert r.exit_code == 0, r.output
    assert count(d) == 3
