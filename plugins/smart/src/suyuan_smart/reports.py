"""Analysis reports (研判): weekly or monthly, per area — where (hot spots, the largest rises, a
map), what (the nature of the cases and their risks), why (the words that set each category
apart), where it is heading (against several periods before), the prevention measures recorded,
overdue and escalated cases, satisfaction and the warnings raised — as XLSX and as a printable
HTML page (no external assets). Generated on demand (``suyuan smart report``) or on a schedule
(``suyuan smart report-scheduled``, run by cron or a systemd timer)."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

from sqlalchemy import select

from suyuan_core import Deployment, Level, Period, ValidationError, maps, tables
from suyuan_core.tables import under
from suyuan_core.times import now, to_db
from suyuan_smart import alerts, analysis, deadlines, prevention
from suyuan_smart.common import calendar, settings
from suyuan_smart.models import reports as reports_table

FIGURES = ("cases_received", "cases_closed", "on_time_rate", "satisfaction_rate",
           "smart_response_rate", "smart_resolution_rate", "smart_returns", "escalations")


def _texts(d: Deployment, ids: list[int]) -> list[tuple[int, str, str, str]]:
    """(id, category, title + description, area code) of the cases, read in chunks."""
    c = tables.cases.c
    out: list[tuple[int, str, str, str]] = []
    with d.reading() as s:
        for i in range(0, len(ids), 500):
            out.extend((int(r[0]), r[1], f"{r[2]} {r[3] or ''}", r[4]) for r in s.execute(
                select(c.id, c.category, c.title, c.description, c.area_code)
                .where(c.id.in_(ids[i:i + 500]))))
    return sorted(out)


def _spots(d: Deployment, area_code: str, period: Period) -> list[dict[str, Any]]:
    """Where: the communities under the area (the area's children when it is a community or
    below), each with its cases received now and in the period before, and the rise."""
    tree = d.areas.tree
    ms = d.metric_service
    if tree.get(area_code).level > Level.community:
        codes = [c for c in tree.subtree(area_code) if tree.get(c).level is Level.community]
    else:
        codes = list(tree.children.get(area_code, []))
    prev = period.previous()
    out = []
    for code in sorted(codes):
        now_n = ms.figure("cases_received", code, period).num
        prev_n = ms.figure("cases_received", code, prev).num
        parent = tree.get(code).parent_code
        out.append({"area_code": code, "name": tree.get(code).name_zh,
                    "within": tree.get(parent).name_zh if parent else "",
                    "count": now_n, "previous": prev_n, "rise": now_n - prev_n})
    return out


def build(d: Deployment, area_code: str, period: Period) -> dict[str, Any]:
    """The report's content as plain data (both renderers and the tests read this): where
    (hot spots and the largest rises, the map's figures), what (the nature of each case and
    its risks), why (each category's distinguishing words), where it is heading (the current
    period against the ``trend_periods`` before it) and the prevention measures recorded."""
    if period.grain not in ("week", "month"):
        raise ValidationError(f"a report covers a week or a month, not a {period.grain}",
                              field="period", rule="one_of", hint="e.g. 2026-W10 or 2026-03")
    tree = d.areas.tree
    area = tree.get(area_code)
    ms = d.metric_service
    cfg = settings(d)
    prev = period.previous()
    figures = []
    for key in FIGURES:
        if key not in d.metrics:
            continue
        m = d.metrics[key]
        now_f, prev_f = ms.figure(key, area_code, period), ms.figure(key, area_code, prev)
        figures.append({"key": key, "label_zh": m.label.zh, "label_en": m.label.en,
                        "unit": m.unit, "value": now_f.value, "previous": prev_f.value})
    periods = [period.previous(i) for i in range(cfg.trend_periods, -1, -1)]
    received = [ms.figure("cases_received", area_code, p).num for p in periods]
    by_period = [{f.category: f.num for f in ms.breakdown("cases_received", area_code, p,
                                                          "category") if f.category}
                 for p in periods]
    cats_now, cats_prev = by_period[-1], by_period[-2]

    def label(code: str) -> str:
        return d.categories[code].label.zh if code in d.categories else code

    categories = sorted(({"category": c, "label": label(c), "count": n,
                          "previous": cats_prev.get(c, 0), "trend": n - cats_prev.get(c, 0),
                          "series": [b.get(c, 0) for b in by_period],
                          **{k: v for k, v in analysis.heading(
                              [b.get(c, 0) for b in by_period], cfg.trend_threshold).items()
                             if k.startswith("direction")}}
                         for c, n in cats_now.items()), key=lambda r: (-r["count"], r["category"]))
    # what and why: the cases the period's cases_received counts, exactly (its drill-down)
    rules, default = cfg.natures, cfg.nature_default
    nature_ids: dict[str, list[list[int]]] = {r.code: [[] for _ in periods] for r in rules}
    nature_ids.setdefault(default, [[] for _ in periods])
    docs: list[tuple[str, list[str]]] = []
    from suyuan_smart.classify import tokens

    for i, p in enumerate(periods):
        if not received[i]:
            continue
        for case_id, category, text, _ in _texts(d, ms.drill("cases_received", area_code, p)):
            nature, risks = analysis.nature_of(rules, default, category, text)
            for code in (nature, *risks):
                nature_ids[code][i].append(case_id)
            if i == len(periods) - 1:
                docs.append((category, tokens(text)))
    labels = {r.code: (r.label_zh, r.label_en, r.kind) for r in rules}
    natures = []
    for code, per in nature_ids.items():
        zh, en, kind = labels.get(code, ("其他", "Other", "nature"))
        series = [len(x) for x in per]
        natures.append({"code": code, "label_zh": zh, "label_en": en, "kind": kind,
                        "count": series[-1], "previous": series[-2], "series": series,
                        "case_ids": per[-1],
                        **analysis.heading(series, cfg.trend_threshold)})
    words = analysis.distinguishing(docs)
    causes = [{"category": r["category"], "label": r["label"], "cases": r["count"],
               "words": words.get(r["category"], [])} for r in categories]
    spots = _spots(d, area_code, period)
    hot = sorted((x for x in spots if x["count"]), key=lambda r: (-r["count"], r["area_code"]))
    rising = sorted((x for x in spots if x["rise"] > 0),
                    key=lambda r: (-r["rise"], r["area_code"]))
    children = [{"area_code": f.area_code, "name": tree.get(f.area_code).name_zh,
                 "count": f.num, "boundary": bool(tree.get(f.area_code).boundary)}
                for f in sorted(ms.breakdown("cases_received", area_code, period, "area"),
                                key=lambda f: f.area_code)]
    tz = calendar(d).tz
    start = dt.datetime.combine(period.start, dt.time(), tz)
    end = dt.datetime.combine(period.end, dt.time(), tz)
    c = tables.cases.c
    with d.reading() as s:
        escalated = list(s.scalars(select(c.id).where(
            under(c.area_path, tree.path(area_code)), c.level != area.level.name,
            c.reported_at >= to_db(start), c.reported_at < to_db(end),
            c.level.in_([lv.name for lv in Level if lv > Level.community])).limit(50)))
    overdue = [{"case_id": x.id, "title": x.title,
                "deadline": f"{calendar(d).local(x.deadline):%Y-%m-%d %H:%M}" if x.deadline
                else None} for x in deadlines.overdue(d, area_code, min(end, now()))]
    warnings = alerts.listing(d, status=None, area_code=area_code, since=start, until=end)
    return {"area_code": area_code, "area": area.name_zh, "period": str(period),
            "generated_at": calendar(d).local(now()).isoformat(timespec="seconds"),
            "figures": figures,
            "trend": {"periods": [str(p) for p in periods], "received": received,
                      **analysis.heading(received, cfg.trend_threshold)},
            "categories": categories, "natures": natures, "causes": causes,
            "hot_spots": hot[:10], "rising": rising[:10], "map_areas": children,
            "prevention": prevention.listing(d, area_code, period),
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
    trend = report["trend"]
    periods = trend["periods"]
    by_case: dict[int, list[str]] = {}
    for n in report["natures"]:
        for i in n["case_ids"]:
            by_case.setdefault(i, []).append(n["label_zh"])
    sheets: list[tuple[str, list[str], list[list[Any]]]] = [
        ("趋势 Trend", ["周期 period", "受理 received"],
         [[p, n] for p, n in zip(periods, trend["received"], strict=True)]
         + [["较上期 change", trend["change"]], ["前期均值 mean before", trend["mean_before"]],
            ["较均值 vs mean %", trend["vs_mean_pct"]], ["斜率 slope", trend["slope"]],
            ["走向 heading", f"{trend['direction_zh']} {trend['direction_en']}"]]),
        ("热点 Hot spots", ["区域", "code", "所属", "本期", "上期", "变化"],
         [[r["name"], r["area_code"], r["within"], r["count"], r["previous"], r["rise"]]
          for r in report["hot_spots"]]),
        ("上升 Rising", ["区域", "code", "所属", "本期", "上期", "变化"],
         [[r["name"], r["area_code"], r["within"], r["count"], r["previous"], r["rise"]]
          for r in report["rising"]]),
        ("性质 Nature", ["性质", "Nature", "类型 kind", "本期", "上期", *periods, "走向"],
         [[n["label_zh"], n["label_en"], n["kind"], n["count"], n["previous"], *n["series"],
           n["direction_zh"]] for n in report["natures"]]),
        ("性质明细 Nature by case", ["案件 case", "性质与风险 nature and risks"],
         [[i, "、".join(v)] for i, v in sorted(by_case.items())]),
        ("成因 Causes", ["类别", "code", "件数", "特征词 word", "z", "含该词件数", "占比 %",
                        "其他类别 elsewhere"],
         [[c["label"], c["category"], c["cases"], w["word"], w["z"], w["cases"], w["share"],
           w["elsewhere"]] for c in report["causes"] for w in c["words"]]),
        ("类别 Categories", ["类别", "code", "本期", "上期", "变化", *periods, "走向"],
         [[r["label"], r["category"], r["count"], r["previous"], r["trend"], *r["series"],
           r["direction_zh"]] for r in report["categories"]]),
        ("预防措施 Prevention", ["日期", "区域", "措施", "内容", "类别", "性质", "责任", "案件"],
         [[m["taken_on"], m["area"], m["title"], m["description"], m["category"],
           m["nature"], m["responsible"], ", ".join(map(str, m["case_ids"]))]
          for m in report["prevention"]]),
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


def map_svg(d: Deployment, report: dict[str, Any]) -> str:
    """The report's map: its area's children shaded by cases received (no links — the page is
    printed and filed; the hot-spot tables name the areas)."""
    tree = d.areas.tree
    shaded = [maps.Shaded(tree.get(r["area_code"]), r["count"]) for r in report["map_areas"]
              if r["area_code"] in tree]
    if not any(r["boundary"] for r in report["map_areas"]):
        return ""
    return str(maps.choropleth(shaded, title=f"{report['area']} 受理量 {report['period']}",
                               legend="受理量 Cases received").svg)


def to_html(report: dict[str, Any], path: Path, svg: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_page(report, svg), encoding="utf-8")
    return path


def _sign(n: Any) -> str:
    return "—" if n is None else f"+{n}" if n > 0 else str(n)


def html_page(report: dict[str, Any], svg: str = "") -> str:
    """The printable page: one self-contained HTML document (no external assets); ``svg`` is
    the map from :func:`map_svg` (none: the hot spots are listed only)."""
    e = html.escape
    rows = "".join(f"<tr><td>{e(f['label_zh'])}<br><small>{e(f['label_en'])}</small></td>"
                   f"<td>{_fmt(f['value'], f['unit'])}</td><td>{_fmt(f['previous'], f['unit'])}"
                   "</td></tr>" for f in report["figures"])
    trend = report["trend"]
    heads = "".join(f"<th>{e(p)}</th>" for p in trend["periods"])
    series = "".join(f"<td>{n}</td>" for n in trend["received"])
    vs_mean = "—" if trend["vs_mean_pct"] is None else f"{trend['vs_mean_pct']:+}%"
    cats = "".join(f"<tr><td>{e(r['label'])}</td>" + "".join(f"<td>{n}</td>" for n in r["series"])
                   + f"<td>{_sign(r['trend'])}</td><td>{e(r['direction_zh'])}</td></tr>"
                   for r in report["categories"])

    def spot_rows(items: list[dict[str, Any]]) -> str:
        return "".join(f"<tr><td>{e(r['name'])}</td><td>{e(r['within'])}</td><td>{r['count']}"
                       f"</td><td>{r['previous']}</td><td>{_sign(r['rise'])}</td></tr>"
                       for r in items) or "<tr><td colspan='5'>无 none</td></tr>"

    spot_head = "<tr><th>区域 Area</th><th>所属</th><th>本期</th><th>上期</th><th>变化</th></tr>"
    natures = "".join(
        f"<tr class='{e(n['kind'])}'><td>{e(n['label_zh'])}<br><small>{e(n['label_en'])}</small>"
        f"</td><td>{n['count']}</td><td>{n['previous']}</td><td>{_sign(n['change'])}</td>"
        f"<td>{e(n['direction_zh'])}</td><td>"
        + (", ".join(f"#{i}" for i in n["case_ids"][:30])
           + (" …" if len(n["case_ids"]) > 30 else "") if n["kind"] == "risk" else "")
        + "</td></tr>" for n in report["natures"])
    causes = "".join(
        f"<tr><td>{e(c['label'])}</td><td>{c['cases']}</td><td>"
        + ("、".join(f"{e(w['word'])}<small>({w['share']}%)</small>" for w in c["words"])
           or "—") + "</td></tr>" for c in report["causes"])
    measures = "".join(
        f"<li>{e(m['taken_on'])} {e(m['area'])}: <strong>{e(m['title'])}</strong>"
        + (f" — {e(m['description'])}" if m["description"] else "")
        + (f" ({e(m['responsible'])})" if m["responsible"] else "")
        + (" 关联案件 " + ", ".join(f"#{i}" for i in m["case_ids"]) if m["case_ids"] else "")
        + "</li>" for m in report["prevention"]) or "<li>本期未记录 none recorded</li>"
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
svg.map {{ max-width: 640px; display: block; }}
.critical, .high, tr.risk {{ color: #b22; font-weight: bold; }}
@media print {{ body {{ margin: 0; }} h2 {{ page-break-after: avoid; }} }}
</style></head><body>
<h1>{e(report['area'])} 诉求研判报告 <small>Analysis report {e(report['period'])}</small></h1>
<p>生成时间 Generated {e(report['generated_at'])}</p>
<h2>总体情况 Overview</h2>
<table><tr><th>指标 Metric</th><th>本期 This period</th><th>上期 Previous</th></tr>{rows}</table>
<h2>走势 Where it is heading</h2>
<table id="trend"><tr><th>周期 Period</th>{heads}</tr><tr><th>受理 Received</th>{series}</tr></table>
<p>本期较上期 {_sign(trend['change'])}，较前 {len(trend['periods']) - 1} 期均值（{trend['mean_before']}）
{vs_mean}，趋势斜率 {trend['slope']:+}/期：<strong>{e(trend['direction_zh'])}</strong>
<small>({e(trend['direction_en'])})</small></p>
<h2>热点区域 Where: hot spots</h2>
{svg}
<h3>受理最多 Most cases</h3><table id="hot">{spot_head}{spot_rows(report['hot_spots'])}</table>
<h3>增幅最大 Largest rise</h3><table id="rising">{spot_head}{spot_rows(report['rising'])}</table>
<h2>矛盾性质 What: the nature</h2>
<table id="natures"><tr><th>性质 Nature</th><th>本期</th><th>上期</th><th>变化</th><th>走向</th>
<th>风险案件 Cases at risk</th></tr>{natures}</table>
<h2>成因分析 Why: the words that set each category apart</h2>
<table id="causes"><tr><th>类别</th><th>件数</th><th>特征词（含该词案件占比）</th></tr>{causes}</table>
<h2>诉求类别及走势 Categories and trend</h2>
<table><tr><th>类别</th>{heads}<th>变化</th><th>走向</th></tr>{cats}</table>
<h2>预防措施 Prevention measures taken</h2><ul id="prevention">{measures}</ul>
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
    path = to_xlsx(report, out) if fmt == "xlsx" else to_html(report, out, map_svg(d, report))
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
