"""Case files: import CSV / JSON Lines and export CSV / JSON Lines / XLSX, streaming.

Memory stays flat whatever the file size: rows are read and written in batches, never all at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from sqlalchemy import Select, select

from suyuan_core import bounds, times
from suyuan_core.bounds import MAX_ID
from suyuan_core.cases.bulk import BulkWriter, CaseRecord, EventSpec, paused_gc
from suyuan_core.cases.service import NewCase
from suyuan_core.domain.cases import Party
from suyuan_core.errors import ImportFailed, SuyuanError, ValidationError
from suyuan_core.importing import csv_rows, not_utf8
from suyuan_core.storage import tables
from suyuan_core.storage.paths import under

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment

FORMATS = ("csv", "jsonl", "xlsx")
#: ``area_code`` may be left empty when ``lat``/``long`` or ``address`` locate the case.
REQUIRED = ("source", "title", "category")
IMPORT_FIELDS = ("source", "source_ref", "title", "category", "area_code", "kind", "level",
                 "description", "reported_at", "parties", "lat", "long", "address")
EXPORT_FIELDS = ("id", "source", "source_ref", "kind", "title", "category", "area_code", "level",
                 "handling_area_code", "status", "version", "reported_at", "deadline",
                 "closed_at", "outcome", "satisfaction", "description")


def detect_format(path: Path, explicit: str | None) -> str:
    fmt = (explicit or path.suffix.lstrip(".")).lower()
    if fmt == "json":
        fmt = "jsonl"
    if fmt not in FORMATS:
        raise ValidationError(f"cannot tell the format of {path.name}", field="format",
                              rule="one_of", hint="use a .csv, .jsonl or .xlsx file or --format")
    return fmt


def _time(value: Any, field: str, tz: dt.tzinfo) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"{value!r} is not a date-time", field=field, rule="iso8601",
                              hint="write e.g. 2026-05-03T09:30:00+08:00") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _parties(value: Any) -> list[Party]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise ValidationError("is not a JSON list", field="parties", rule="json",
                                  hint='e.g. [{"name": "张三", "role": "applicant"}]') from None
    if not isinstance(value, list):
        raise ValidationError("must be a list of parties", field="parties", rule="json")
    try:
        return [Party(**p) for p in value]
    except TypeError as exc:
        raise ValidationError(str(exc), field="parties", rule="party") from None


def _degrees(value: Any, field: str) -> float | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValidationError("must be a number", field=field, rule="type",
                              hint="WGS 84 degrees, e.g. 30.86")
    try:
        return float(value)
    except ValueError:
        raise ValidationError(f"{str(value)[:40]!r} is not a number", field=field,
                              rule="number", hint="WGS 84 degrees, e.g. 30.86") from None


def _as_registered(row: dict[str, Any], first: dict[str, Any]) -> dict[str, Any]:
    """The intake fields of an exported case as its ``reported`` event recorded them."""
    data = first.get("data") or {}
    if not isinstance(data, dict):
        raise ValidationError("must be an object", field="events[0].data", rule="type")
    registered = {k: data.get(k) for k in ("title", "category", "source", "area_code", "kind",
                                           "level", "description", "source_ref", "parties")}
    return {**registered, "reported_at": first.get("occurred_at"),
            "recorded_at": first.get("recorded_at"),
            "data": data.get("case_data") or {}, "events": row.get("events", [])[1:],
            "id": row.get("id")}


def record_from(row: dict[str, Any], line: int, tz: dt.tzinfo, actor: str,
                keep_ids: bool = False) -> CaseRecord:
    """One import row (a CSV row or a JSON object) as a CaseRecord, or ImportFailed. A row
    whose events start with ``reported`` (``cases export --with-events``) is rebuilt from that
    event: registered as it was, by whom it was, then every later event replayed. With
    ``keep_ids`` the row's ``id`` is the case's id (a restore into a fresh deployment)."""
    try:
        raw = row.get("events")
        reporter = actor
        if isinstance(raw, list) and raw and isinstance(raw[0], dict) and (
                raw[0].get("kind") == "reported"):
            reporter = str(raw[0].get("actor") or actor)
            row = _as_registered(row, raw[0])
        missing = [f for f in REQUIRED if row.get(f) in (None, "")]
        if missing:
            raise ValidationError("is required", field=missing[0], rule="required")
        # Columns of our own export that are derived from events are accepted and ignored.
        unknown = set(row) - set(IMPORT_FIELDS) - set(EXPORT_FIELDS) - {"events", "data",
                                                                        "recorded_at"}
        if unknown:
            raise ValidationError(f"unknown column(s) {', '.join(sorted(unknown))}",
                                  field=sorted(unknown)[0], rule="columns",
                                  hint="columns: " + ", ".join(IMPORT_FIELDS))
        if not isinstance(row.get("data") or {}, dict):
            raise ValidationError("must be an object", field="data", rule="type")
        new = NewCase(
            title=str(row["title"]), category=str(row["category"]), source=str(row["source"]),
            area_code=str(row["area_code"]) if row.get("area_code") not in (None, "") else None,
            kind=row.get("kind") or None,
            level=row.get("level") or None, description=str(row.get("description") or ""),
            source_ref=str(row["source_ref"]) if row.get("source_ref") not in (None, "") else None,
            parties=_parties(row.get("parties")),
            occurred_at=_time(row.get("reported_at"), "reported_at", tz),
            data=dict(row.get("data") or {}), lat=_degrees(row.get("lat"), "lat"),
            long=_degrees(row.get("long"), "long"),
            address=str(row["address"]) if row.get("address") not in (None, "") else None)
        events = []
        raw_events = row.get("events") or []
        if not isinstance(raw_events, list):
            raise ValidationError("must be a list of events", field="events", rule="type",
                                  hint='e.g. [{"kind": "accept", "occurred_at": "…"}]')
        for i, e in enumerate(raw_events):
            if not isinstance(e, dict):
                raise ValidationError("must be an object", field=f"events[{i}]", rule="type")
            if not isinstance(e.get("data") or {}, dict):
                raise ValidationError("must be an object", field=f"events[{i}].data",
                                      rule="type")
            at = _time(e.get("occurred_at"), f"events[{i}].occurred_at", tz)
            if at is None or not e.get("kind") or not isinstance(e["kind"], str):
                raise ValidationError("every event needs kind and occurred_at",
                                      field=f"events[{i}]", rule="required")
            recorded = (_time(e.get("recorded_at"), f"events[{i}].recorded_at", tz)
                        if keep_ids else None)
            events.append(EventSpec(kind=e["kind"], occurred_at=at, actor=e.get("actor", actor),
                                    data=dict(e.get("data") or {}), reason=e.get("reason"),
                                    recorded_at=recorded))
        case_id = None
        if keep_ids:
            try:
                case_id = int(row.get("id") or "")
            except ValueError:
                raise ValidationError("--keep-ids needs each row's id", field="id",
                                      rule="integer", hint="import a `cases export` file") from None
            if not 1 <= case_id <= MAX_ID:
                raise ValidationError(f"{case_id} is not a case id", field="id", rule="range")
    except SuyuanError as exc:
        raise ImportFailed(line, exc.field, exc.message) from None
    recorded_at = _time(row.get("recorded_at"), "recorded_at", tz) if keep_ids else None
    return CaseRecord(case=new, events=events, actor=reporter, line=line, case_id=case_id,
                      recorded_at=recorded_at)


def read_rows(fh: TextIO, fmt: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows of an import file, numbered as an editor shows them; a file that is not UTF-8,
    not CSV or JSON Lines, nested too deeply or with an over-long field fails naming the line."""
    if fmt == "csv":
        yield from csv_rows(fh)
        return
    line = 0
    try:
        for line, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            if len(text) > bounds.MAX_IMPORT_FIELD * 4:
                raise ImportFailed(line, None, f"the line is {len(text)} characters long; at "
                                   f"most {bounds.MAX_IMPORT_FIELD * 4}")
            if bounds.raw_json_depth(text) > bounds.MAX_JSON_DEPTH:
                raise ImportFailed(line, None, f"nests deeper than {bounds.MAX_JSON_DEPTH} "
                                   "levels")
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ImportFailed(line, None, f"not valid JSON ({exc.msg})") from None
            if not isinstance(obj, dict):
                raise ImportFailed(line, None, "each line must be a JSON object")
            yield line, obj
    except UnicodeDecodeError as exc:
        raise ImportFailed(line + 1, None, not_utf8(exc)) from None


def import_file(deployment: Deployment, path: Path, *, fmt: str | None = None,
                actor: str = "import", batch_size: int = 5000,
                progress: Callable[[int], None] | None = None,
                keep_ids: bool = False) -> tuple[int, int]:
    """Import cases; each batch is one transaction. Returns (created, skipped as already there).
    ``keep_ids``: each case keeps the ``id`` of its row (restoring an export into a fresh
    deployment, so that merges still point at the right case)."""
    fmt = detect_format(path, fmt)
    if fmt == "xlsx":
        raise ValidationError("XLSX is an export format", field="format", rule="import",
                              hint="save the sheet as CSV (UTF-8) and import that")
    tz = deployment.metric_service.tz
    writer = BulkWriter(deployment)
    created = skipped = 0
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = read_rows(fh, fmt)
        while True:
            with paused_gc():  # parsing a batch allocates as much as writing it
                batch = [record_from(row, line, tz, actor, keep_ids)
                         for line, row in itertools.islice(rows, max(batch_size, 1))]
                if not batch:
                    break
                result = writer.write(batch)
            created, skipped = created + result.created, skipped + result.skipped
            if progress:
                progress(len(batch))
    return created, skipped


def export_query(deployment: Deployment, *, area_code: str | None = None,
                 status: str | None = None, category: str | None = None,
                 source: str | None = None) -> Select[Any]:
    c = tables.cases.c
    query = select(tables.cases).order_by(c.id)
    if area_code:
        query = query.where(under(c.area_path, deployment.areas.tree.path(area_code)))
    for column, value in ((c.status, status), (c.category, category), (c.source, source)):
        if value:
            query = query.where(column == value)
    return query


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return times.iso(times.from_db(value))
    return value


def _events_by_case(deployment: Deployment, ids_from: int, personal_data: bool
                    ) -> Iterator[tuple[int, dict[str, Any]]]:
    """Every event, the ``reported`` one first: it carries the case as it was registered (its
    first level, area, category, data and who registered it), which the import starts from —
    the case row's own fields are where the history ended. Its parties are left out unless
    personal data is exported."""
    e = tables.case_events.c
    query = (select(e.case_id, e.kind, e.actor, e.occurred_at, e.recorded_at, e.data, e.reason)
             .where(e.case_id >= ids_from).order_by(e.case_id, e.seq)
             .execution_options(yield_per=5000))
    with deployment.reading() as s:
        for r in s.execute(query):
            data = r.data or {}
            if r.kind == "reported" and not personal_data and "parties" in data:
                data = {k: v for k, v in data.items() if k != "parties"}
            yield r.case_id, {"kind": r.kind, "actor": r.actor,
                              "occurred_at": _plain(r.occurred_at),
                              "recorded_at": _plain(r.recorded_at), "data": data,
                              **({"reason": r.reason} if r.reason else {})}


def iter_cases(deployment: Deployment, query: Select[Any], *, with_events: bool,
               personal_data: bool) -> Iterator[dict[str, Any]]:
    """Stream exported cases; with ``with_events`` each carries its later events (merge-joined
    from a second ordered stream, so it is two queries whatever the number of cases)."""
    events: Iterator[tuple[int, dict[str, Any]]] = iter(())
    pending: tuple[int, dict[str, Any]] | None = None
    if with_events:
        events = _events_by_case(deployment, 0, personal_data)
        pending = next(events, None)
    with deployment.reading() as s:
        for r in s.execute(query.execution_options(yield_per=5000)):
            m = r._mapping
            out = {k: _plain(m[k]) for k in EXPORT_FIELDS}
            if personal_data:
                out["parties"] = m["parties"] or []
            if with_events:
                history = []
                while pending is not None and pending[0] < m["id"]:
                    pending = next(events, None)
                while pending is not None and pending[0] == m["id"]:
                    history.append(pending[1])
                    pending = next(events, None)
                out["events"] = history
                if m["data"]:
                    out["data"] = m["data"]
            yield out


def export_file(deployment: Deployment, rows: Iterable[dict[str, Any]], path: Path,
                fmt: str, progress: Callable[[int], None] | None = None) -> int:
    count = 0
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("cases")
        header: list[str] | None = None
        for row in rows:
            if header is None:
                header = list(row)
                ws.append(header)
            ws.append([json.dumps(row[k], ensure_ascii=False) if isinstance(row[k], list | dict)
                       else row[k] for k in header])
            count += 1
            if progress and count % 5000 == 0:
                progress(5000)
        wb.save(path)
        return count
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer: csv.DictWriter[str] | None = None
        for row in rows:
            if fmt == "jsonl":
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                if writer is None:
                    writer = csv.DictWriter(fh, fieldnames=list(row))
                    writer.writeheader()
                writer.writerow({k: json.dumps(v, ensure_ascii=False)
                                 if isinstance(v, list | dict) else v for k, v in row.items()})
            count += 1
            if progress and count % 5000 == 0:
                progress(5000)
    return count

