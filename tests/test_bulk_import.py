"""Bulk intake writes exactly what the per-case path writes (its SQLite fast path hands rows to the
driver itself), its rollups match a recompute, and ids keep counting across both paths."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select, text

from suyuan_core import ImportFailed, NewCase
from suyuan_core.cases.bulk import BulkWriter, CaseRecord, EventSpec
from suyuan_core.cases.files import import_file
from suyuan_core.metrics.verify import verify
from suyuan_core.tables import case_events, cases, metric_rollups

TZ = dt.timezone(dt.timedelta(hours=8))
AT = dt.datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=TZ)


def _new(ref: str, **extra) -> NewCase:
    return NewCase(title="邻里噪音", category="neighbour", source="walk_in",
                   area_code="C.T1.C1.G1", source_ref=ref, occurred_at=AT,
                   parties=[{"name": "张三", "role": "applicant"}], data={"tag": "噪音"}, **extra)


def _stored(deployment, case_id: int, ref: str) -> tuple[dict, list[dict]]:
    """The raw stored values (what the driver reads back), minus the write-time stamps."""
    with deployment.engine.connect() as conn:
        case = dict(conn.execute(text("SELECT * FROM cases WHERE id = :i"), {"i": case_id})
                    .mappings().one())
        events = [dict(r) for r in conn.execute(
            text("SELECT * FROM case_events WHERE case_id = :i ORDER BY seq"), {"i": case_id})
            .mappings()]
    for row in (case, *events):
        row.pop("id", None)
        row.pop("updated_at", None)
        row.pop("recorded_at", None)
        row.pop("case_id", None)
        row.pop("source_ref", None)
        row.pop("digest", None)  # covers case_id and recorded_at; test_integrity checks it
    for row in events:
        data = row["data"]  # JSON text on SQLite, already decoded on PostgreSQL
        if isinstance(data, dict):
            data = json.dumps(data)
        row["data"] = data.replace(f'"{ref}"', '"REF"')
    return case, events


def test_bulk_rows_equal_per_case_rows(deployment):
    one = deployment.cases.create(_new("A1"), actor="clerk")
    deployment.cases.act(one.id, "accept", actor="clerk", occurred_at=AT + dt.timedelta(hours=1))
    result = BulkWriter(deployment).write([CaseRecord(
        case=_new("A2"), actor="clerk",
        events=[EventSpec("accept", AT + dt.timedelta(hours=1), actor="clerk")])])
    assert result.created == 1
    two = result.ids[0]
    assert two == one.id + 1
    assert _stored(deployment, one.id, "A1") == _stored(deployment, two, "A2")
    assert deployment.cases.get(two).reported_at == AT
    # and ids keep counting on the per-case path after a bulk batch
    assert deployment.cases.create(_new("A3"), actor="clerk").id == two + 1


def test_import_file_is_consistent_and_idempotent(deployment, factories, tmp_path):
    factories.person(external_id="M1")  # an assignee is on the roster
    path = tmp_path / "cases.jsonl"
    lines = []
    for i in range(30):
        events = [{"kind": "accept", "occurred_at": (AT + dt.timedelta(hours=1)).isoformat()}]
        if i % 3 == 0:
            events += [{"kind": k, "occurred_at": (AT + dt.timedelta(hours=h)).isoformat(),
                        **({"data": {"assignees": ["person:M1"]}} if k == "assign" else {})}
                       for h, k in ((2, "assign"), (3, "start"), (4, "resolve"), (5, "close"))]
        lines.append(json.dumps({"source": "phone", "source_ref": f"R{i}", "title": f"纠纷{i}",
                                 "category": "contract", "area_code": "C.T2.C1.G2",
                                 "reported_at": AT.isoformat(), "events": events}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert import_file(deployment, path, batch_size=7) == (30, 0)
    assert import_file(deployment, path, batch_size=7) == (0, 30)
    counts, diffs = verify(deployment)
    assert diffs == []
    assert counts["cases"] == 30
    with deployment.reading() as s:
        assert s.scalar(select(func.count()).select_from(case_events)) == 30 * 2 + 10 * 4
        assert s.scalar(select(func.sum(metric_rollups.c.num)).where(
            metric_rollups.c.metric == "cases_received", metric_rollups.c.area_code == "C",
            metric_rollups.c.grain == "month", metric_rollups.c.category != "*")) == 30


def test_a_bad_row_writes_nothing_of_its_batch(deployment):
    records = [CaseRecord(case=_new(f"B{i}"), line=i + 1) for i in range(3)]
    records.append(CaseRecord(case=_new("B9", level="court"), line=4))
    with pytest.raises(ImportFailed) as caught:
        BulkWriter(deployment).write(records)
    assert "line 4" in str(caught.value)
    with deployment.reading() as s:
        assert s.scalar(select(func.count()).select_from(cases)) == 0
        assert s.scalar(select(func.count()).select_from(metric_rollups)) == 0
