"""The ledger as an Excel workbook (XLSX, openpyxl): the sheet a county bureau prints or sends
on each week — overdue issues first, bilingual headers, the people affected masked unless the
caller may see them, and a second sheet with the figures per responsible unit."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from suyuan_co_governance.ledger import Issue
from suyuan_co_governance.vocab import LEDGER_STATUS

COLUMNS = [("挂号号", "Ref."), ("项目", "Project"), ("问题", "Issue"), ("区域", "Area"),
           ("责任单位", "Responsible unit"), ("涉及人数", "People affected"),
           ("涉及群众", "Named"), ("化解措施", "Measures"), ("挂号日期", "Registered"),
           ("销号时限", "Deadline"), ("状态", "Status"), ("逾期天数", "Days overdue"),
           ("销号日期", "Closed out"), ("是否诉讼", "Lawsuit"), ("复发次数", "Came back")]
UNIT_COLUMNS = [("责任单位", "Responsible unit"), ("挂号", "Registered"), ("未销号", "Open"),
                ("逾期", "Overdue"), ("已销号", "Closed"), ("按期销号", "Closed on time"),
                ("止诉于行业", "Settled within the trade"), ("诉讼", "Lawsuits"),
                ("止诉于行业率%", "Settled within the trade %")]
LATE = PatternFill("solid", fgColor="FDE2E1")
HEAD = PatternFill("solid", fgColor="E8EEF7")


def _header(ws: Any, columns: Sequence[tuple[str, str]], lang: str) -> None:
    ws.append([en if lang == "en" else f"{zh} {en}" for zh, en in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEAD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def workbook(issues: Sequence[Issue], units: Sequence[dict[str, Any]], *, on: dt.date,
             area_name: Callable[[str], str], names: Callable[[Issue], list[str]],
             lang: str = "zh-Hans") -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "台账 Ledger"
    _header(ws, COLUMNS, lang)
    yes, no = ("yes", "no") if lang == "en" else ("是", "否")
    for i in issues:
        late = i.overdue_days(on)
        status = LEDGER_STATUS[i.status][1 if lang == "en" else 0]
        ws.append([i.ref, i.project, i.subject, area_name(i.area_code), i.unit_name,
                   i.affected_count, "、".join(names(i)), i.measures, i.registered_on,
                   i.deadline, status, late or None, i.closed_on,
                   None if i.lawsuit is None else (yes if i.lawsuit else no),
                   i.reopened or None])
        if late:
            for cell in ws[ws.max_row]:
                cell.fill = LATE
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate((16, 24, 30, 14, 20, 8, 18, 36, 11, 11, 8, 8, 11, 8, 8), 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws2 = wb.create_sheet("责任单位 Units")
    _header(ws2, UNIT_COLUMNS, lang)
    for u in units:
        ws2.append([u["unit_name"], u["registered"], u["open"], u["overdue"], u["closed"],
                    u["closed_on_time"], u["settled_within_trade"], u["lawsuits"],
                    u["settled_within_trade_rate"]])
    ws2.column_dimensions["A"].width = 24
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
