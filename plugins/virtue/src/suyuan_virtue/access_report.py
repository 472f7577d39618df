"""The access report of a register (PIPL Art 54 audits): who read, unmasked, wrote, listed or
was refused which record, when, from where and why — read back from the core's append-only audit
log, exportable as CSV or XLSX. It names records by id, never by their contents."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from openpyxl import Workbook

from suyuan_core import Deployment, PermissionDenied
from suyuan_virtue.protection import ADMIN, Access, Guard, check_register

COLUMNS = ("at", "actor", "action", "record", "reason", "ip", "detail")
HEADERS = ("时间 At", "操作人 Actor", "操作 Action", "记录 Record", "事由 Reason", "IP", "详情 Detail")


class AccessReport:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment
        self.guard = Guard(deployment)

    def rows(self, access: Access, register: str, *, since: dt.datetime | None = None,
             limit: int = 100_000) -> list[dict[str, Any]]:
        if not access.principal.has(ADMIN):
            raise PermissionDenied("the access report is for the privacy officer", field="register",
                                   rule=ADMIN, hint="ask for the privacy_officer role")
        check_register(register)
        prefix = f"virtue.{register}:"
        out: list[dict[str, Any]] = []
        before: int | None = None
        while len(out) < limit:
            page = self.d.audit.search(record=prefix, since=since, before_id=before, limit=1000)
            if not page:
                break
            out.extend(e.as_dict() for e in page)
            before = page[-1].id
        self.guard.audit(None, access, "access_report", register, None, {"rows": len(out)})
        return out[:limit]

    def csv(self, rows: list[dict[str, Any]]) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(HEADERS)
        for r in rows:
            writer.writerow([_cell(r.get(c)) for c in COLUMNS])
        return buf.getvalue()

    def xlsx(self, rows: list[dict[str, Any]]) -> bytes:
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "access"
        sheet.append(list(HEADERS))
        for r in rows:
            sheet.append([_cell(r.get(c)) for c in COLUMNS])
        buf = io.BytesIO()
        book.save(buf)
        return buf.getvalue()


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in sorted(value.items()))
    return "" if value is None else str(value)
