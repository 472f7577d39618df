"""Analysis reports (研判): weekly or monthly, per area — volumes, categories and their trend,
causes (the most frequent words of the appeals), hot spots, overdue and escalated cases,
satisfaction and the warnings raised — as XLSX and as a printable HTML page (no external assets).
Generated on demand (``suyuan smart report``) or on a schedule (``suyuan smart report-scheduled``,
run by cron or a systemd timer)."""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import select

from suyuan_core import Deployment, Level, Period, ValidationError, tables
from suyuan_core.tables import under
from suyuan_core.times import now, to_db
from suyuan_smart import alerts, deadlines
from suyuan_smart.common import calendar, settings
from suyuan_smart.models import reports as reports_table

FIGURES = ("cases_received", "cases_closed", "on_time_rate", "satisfaction_rate",
           "smart_response_rate", "smart_resolution_rate", "smart_returns", "escalations")


def build(d: Deployment, area_code: str, period: Period) -> dict[str, Any]:
    """The report's content as plain data (both renderers and the tests read this)."""
    if period.grain not in ("week", "month"):
        raise ValidationError(f"a report covers a week or a month, not a {period.grain}",
                              field="period", rule="one_of", hint="e.g. 2026-W10 or 2026-03")
    tree = d.areas.tree
    area = tree.get(area_code)
    ms = d.metric_service
    prev = period.previous()
    figures = []
    for key in FIGURES:
        if key not in d.metrics:
            continue
        m = d.metrics[key]
        now_f, prev_f = ms.figure(key, area_code, period), ms.figure(key, area_code, prev)
        figures.append({"key": key, "label_zh": m.label.zh, "label_en": m.label.en,
                        "unit": m.unit, "value": now_f.value, "previous": prev_f.value})
    cats_now = {f.category: f.num for f in ms.breakdown("cases_received", area_code, period,
                                                          "category")}
    cats_prev = {f.category: f.num for f in ms.breakdown("cases_received", area_code, prev,
                                                           "category")}
    categories = sorted(({"category": c, "label": d.categories[c].label.zh if c in d.categories
                          else c, "count": n, "previous": cats_prev.get(c, 0),
                          "trend": n - cats_prev.get(c, 0)} for c, n in cats_now.items() if c),
                        key=lambda r: -int(r["count"]))  # type: ignore[call-overload]
    hot = sorted(({"area_code": f.area_code, "name": tree.get(f.area_code).name_zh,
                   "count": f.num} for f in ms.breakdown("cases_received", area_code, period,
                                                         "area")), key=lambda r: -int(r["count"]))  # type: ignore[call-overload]
    tz = calendar(d).tz
    start = dt.datetime.combine(period.start, dt.time(), tz)
    end = dt.datetime.combine(period.end, dt.time(), tz)
    c = tables.cases.c
    with d.reading() as s:
        texts = s.execute(select(c.title, c.description).where(
            under(c.area_path, tree.path(area_code)), c.reported_at >= to_db(start),
            c.reported_at < to_db(end), c.merged_into.is_(None)).limit(5000)).all()
        escalated = list(s.scalars(select(c.id).where(
            under(c.area_path, tree.path(area_code)), c.level != area.level.name,
            c.reported_at >= to_db(start), c.reported_at < to_db(end),
            c.level.in_([lv.name for lv in Level if lv > Level.community])).limit(50)))
    from suyuan_smart.classify import tokens

    words: Counter[str] = Counter()
    for title, description in texts:
        words.update(set(tokens(f"{title} {description or ''}")))
    overdue = [{"case_id": x.id, "title": x.title,
                "deadline": f"{calendar(d).local(x.deadline):%Y-%m-%d %H:%M}" if x.deadline
                else None} for x in deadlines.overdue(d, area_code, min(end, now()))]
    warnings = alerts.listing(d, status=None, area_code=area_code, since=start, until=end)
    return {"area_code": area_code, "area": area.name_zh, "period": str(period),
            "generated_at": calendar(d).local(now()).isoformat(timespec="seconds"),
            "figures": figures,
            "categories": categories, "causes": words.most_common(15), "hot_spots": hot[:10],
            "overdue": overdue[:50], "overdue_count": len(overdue), "escalated": escalated,
            "warnings": [{"id": w["id"], "kind": w["kind"], "severity": w["severity"],
                          "message": w["message"], "status": w["status"]} for w in warnings]}


def to_xlsx(report: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(xlsx_bytes(report))
    return path


def xlsx_bytes(report: dict[str, Any]) -> bytes:
    """The workbook as bytes (a download needs no file on the server)."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "概况 Summary"
    ws.append([f"{report['area']} 诉求研判 {report['period']}"])
    ws.append(["指标", "Metric", "本期 This period", "上期 Previous"])
    for f in report["figures"]:
        ws.append([f["label_zh"], f["label_en"], f["value"], f["previous"]])
    sheets: list[tuple[str, list[str], list[list[Any]]]] = [
        ("类别 Categories", ["类别", "code", "本期", "上期", "变化"],
         [[r["label"], r["category"], r["count"], r["previous"], r["trend"]]
          for r in report["categories"]]),
        ("成因 Causes", ["词语 word", "件数 cases"], [list(x) for x in report["causes"]]),
        ("热点 Hot spots", ["区域", "code", "件数"],
         [[r["name"], r["area_code"], r["count"]] for r in report["hot_spots"]]),
        ("超期 Overdue", ["案件 case", "标题", "期限"],
         [[r["case_id"], r["title"], r["deadline"]] for r in report["overdue"]]),
        ("预警 Warnings", ["id", "类型", "级别", "内容", "状态"],
         [[w["id"], w["kind"], _zh(alerts.SEVERITY_LABELS, w["severity"]), w["message"],
           _zh(alerts.STATUS_LABELS, w["status"])]
          for w in report["warnings"]]),
    ]
    for title, header, rows in sheets:
        sheet = wb.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _zh(labels: dict[str, tuple[str, str]], code: str) -> str:
    return labels.get(code, (code, code))[0]


def _fmt(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}%" if unit == "percent" else str(value)


def to_html(report: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_page(report), encoding="utf-8")
    return path


def html_page(report: dict[str, Any]) -> str:
    """The printable page: one self-contained HTML document (no external assets)."""
    e = html.escape
    rows = "".join(f"<tr><td>{e(f['label_zh'])}<br><small>{e(f['label_en'])}</small></td>"
                   f"<td>{_fmt(f['value'], f['unit'])}</td><td>{_fmt(f['previous'], f['unit'])}"
                   "</td></tr>" for f in report["figures"])
    cats = "".join(f"<tr><td>{e(r['label'])}</td><td>{r['count']}</td><td>{r['previous']}</td>"
                   f"<td>{'+' if r['trend'] > 0 else ''}{r['trend']}</td></tr>"
                   for r in report["categories"])
    causes = "、".join(f"{e(w)}({n})" for w, n in report["causes"]) or "—"
    hot = "".join(f"<li>{e(r['name'])}: {r['count']}</li>" for r in report["hot_spots"])
    overdue = "".join(f"<li>#{r['case_id']} {e(r['title'])} ({e(r['deadline'] or '')})</li>"
                      for r in report["overdue"]) or "<li>无 none</li>"
    warnings = "".join(
        f"<li class='{e(w['severity'])}'>[{e(_zh(alerts.SEVERITY_LABELS, w['severity']))}] "
        f"{e(w['message'])} ({e(_zh(alerts.STATUS_LABELS, w['status']))})</li>"
        for w in report["warnings"]) or "<li>无 none</li>"
    page = f"""<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8">
<title>{e(report['area'])} 诉求研判 {e(report['period'])}</title>
<style>
body {{ font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; margin-bottom: 1.5em; }}
td, th {{ border: 1px solid #999; padding: 4px 10px; }}
h2 {{ border-bottom: 2px solid #b22; }}
.critical, .high {{ color: #b22; font-weight: bold; }}
@media print {{ body {{ margin: 0; }} h2 {{ page-break-after: avoid; }} }}
</style></head><body>
<h1>{e(report['area'])} 诉求研判报告 <small>Analysis report {e(report['period'])}</small></h1>
<p>生成时间 Generated {e(report['generated_at'])}</p>
<h2>总体情况 Overview</h2>
<table><tr><th>指标 Metric</th><th>本期 This period</th><th>上期 Previous</th></tr>{rows}</table>
<h2>诉求类别及趋势 Categories and trend</h2>
<table><tr><th>类别</th><th>本期</th><th>上期</th><th>变化</th></tr>{cats}</table>
<h2>主要成因 Causes</h2><p>{causes}</p>
<h2>热点区域 Hot spots</h2><ol>{hot}</ol>
<h2>超期案件 Overdue ({report['overdue_count']})</h2><ul>{overdue}</ul>
<h2>升级案件 Escalated</h2><p>{', '.join('#' + str(i) for i in report['escalated']) or '无 none'}</p>
<h2>预警 Warnings raised</h2><ul>{warnings}</ul>
</body></html>
"""
    return page


def generate(d: Deployment, area_code: str, period: Period, fmt: str, out: Path) -> Path:
    if fmt not in ("xlsx", "html"):
        raise ValidationError(f"{fmt!r} is not a report format", field="format", rule="one_of",
                              hint="xlsx or html")
    report = build(d, area_code, period)
    path = to_xlsx(report, out) if fmt == "xlsx" else to_html(report, out)
    with d.transaction() as s:
        t = reports_table.c
        s.execute(reports_table.delete().where(t.area_code == area_code, t.period == str(period),
                                               t.fmt == fmt))
        s.execute(reports_table.insert().values(area_code=area_code, period=str(period), fmt=fmt,
                                                path=str(path), generated_at=to_db(now())))
    return path


def scheduled(d: Deployment, grain: str, out_dir: Path, at: dt.datetime | None = None,
              formats: tuple[str, ...] = ("xlsx", "html")) -> list[Path]:
    """The last complete week or month, for every area at the configured levels; a report that
    was already generated is skipped, so a timer may run this as often as it likes."""
    at = at or now()
    local = calendar(d).local(at).date()
    period = Period.containing(grain, local).previous()
    tree = d.areas.tree
    levels = {Level.parse(x) for x in settings(d).report_levels}
    made = []
    with d.reading() as s:
        t = reports_table.c
        done = {(a, f) for a, f in s.execute(select(t.area_code, t.fmt).where(t.period == str(period)))}
    for code in sorted(tree.areas):
        if tree.get(code).level not in levels:
            continue
        for fmt in formats:
            if (code, fmt) in done:
                continue
            made.append(generate(d, code, period, fmt, out_dir / f"{code}-{period}.{fmt}"))
    return made
