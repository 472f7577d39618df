"""一社区一法律顾问，一月一通报: one legal advisor per village/community, and a monthly report per
advisor generated from what was recorded (consultations, cases joined, agreements reviewed,
lectures given).

An advisor is a roster member holding ``legal_advisor`` (or ``lawyer``); a term ties her to one
community for a period, and a lawyer may hold terms in several communities at once. A community has
at most one advisor at a time. Coverage says, for a day, which communities have an advisor, whose
term has lapsed and which never had one.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import Conflict, Deployment, Level, NotFound, ValidationError, tables
from suyuan_core.inputs import accepts, ranged
from suyuan_rule_of_law import models as m
from suyuan_rule_of_law.common import (
    area_name,
    communities,
    community,
    date_conv,
    month_bounds,
    opt_date_conv,
    person,
    roles_of,
    settings,
    today,
)
from suyuan_rule_of_law.vocab import ADVISOR_ACTIVITIES

ADVISOR_ROLES = ("legal_advisor", "lawyer")
RECORDED = ("consultation", "case_joined", "agreement_reviewed")


@attrs.frozen
class TermInput:
    advisor: str = attrs.field(metadata=accepts(min_length=1, max_length=128))
    area_code: str
    start_on: dt.date = attrs.field(converter=date_conv("start_on"))  # type: ignore[misc]
    end_on: dt.date | None = attrs.field(default=None, converter=opt_date_conv(  # type: ignore[misc]
        "end_on"))
    in_group: bool = True

    def __attrs_post_init__(self) -> None:
        if self.end_on is not None and self.end_on < self.start_on:
            raise ValidationError(f"the term ends ({self.end_on}) before it starts "
                                  f"({self.start_on})", field="end_on", rule="period")


@attrs.frozen
class ActivityInput:
    advisor: str = attrs.field(metadata=accepts(min_length=1, max_length=128))
    area_code: str
    kind: str = ranged(enum=RECORDED)
    day: dt.date = attrs.field(converter=date_conv("day"))  # type: ignore[misc]
    count: int = ranged(default=1, minimum=1, maximum=500)
    case_id: int | None = None
    note: str = ranged(default="", max_length=2000)


@attrs.frozen
class Term:
    id: int
    advisor: str
    advisor_name: str
    area_code: str
    area_name: str
    start_on: dt.date
    end_on: dt.date | None
    in_group: bool

    def active_on(self, day: dt.date) -> bool:
        return self.start_on <= day and (self.end_on is None or day <= self.end_on)


@attrs.frozen
class CoverageRow:
    area_code: str
    area_name: str
    #: ``covered``, ``lapsed`` (the last term has ended) or ``none``.
    state: str
    advisor: str | None
    advisor_name: str | None
    end_on: dt.date | None


@attrs.frozen
class ReportLine:
    area_code: str
    area_name: str
    consultation: int
    case_joined: int
    agreement_reviewed: int
    lecture: int

    @property
    def total(self) -> int:
        return self.consultation + self.case_joined + self.agreement_reviewed + self.lecture


@attrs.frozen
class MonthlyReport:
    """一月一通报 of one advisor for one month."""

    advisor: str
    advisor_name: str
    month: str
    lines: tuple[ReportLine, ...]

    def totals(self) -> dict[str, int]:
        return {k: sum(getattr(line, k) for line in self.lines) for k in ADVISOR_ACTIVITIES}

    def as_dict(self) -> dict[str, Any]:
        return {"advisor": self.advisor, "advisor_name": self.advisor_name, "month": self.month,
                "lines": [{**attrs.asdict(line), "total": line.total} for line in self.lines],
                "totals": self.totals()}


class Advisors:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def _advisor(self, s: Session, external_id: str, field: str = "advisor") -> Any:
        row = person(s, external_id, field)
        if not roles_of(s, row.id) & set(ADVISOR_ROLES):
            # the roster's state, not the request's form: a 409 (the same request succeeds once
            # she holds the role)
            raise Conflict(f"{external_id} ({row.name}) is not a legal advisor or lawyer "
                           "on the roster", field=field, rule="advisor_role",
                           hint="give her the legal_advisor role")
        return row

    def assign(self, item: TermInput, *, session: Session | None = None) -> Term:
        d = self.d
        community(d, item.area_code)
        with d.transaction(session) as s:
            who = self._advisor(s, item.advisor)
            t = m.advisor_terms.c
            far = dt.date.max
            for other in s.execute(sa.select(m.advisor_terms).where(
                    t.area_code == item.area_code)):
                if other.start_on <= (item.end_on or far) and item.start_on <= (other.end_on or far):
                    if other.person_id == who.id:
                        raise ValidationError(f"{item.advisor} already advises {item.area_code} "
                                              f"from {other.start_on}", field="start_on",
                                              rule="overlap")
                    name = s.scalar(sa.select(tables.persons.c.external_id)
                                    .where(tables.persons.c.id == other.person_id))
                    raise ValidationError(
                        f"{item.area_code} has advisor {name} from {other.start_on}"
                        f"{' to ' + str(other.end_on) if other.end_on else ''}: one advisor per "
                        "community at a time", field="area_code", rule="one_per_community",
                        hint="end that term first (end_on)")
            tid = s.execute(m.advisor_terms.insert().returning(t.id).values(
                person_id=who.id, area_code=item.area_code, start_on=item.start_on,
                end_on=item.end_on, in_group=item.in_group)).scalar_one()
            return self._terms(s, t.id == tid)[0]

    def end_term(self, term_id: int, end_on: dt.date | str) -> Term:
        day = date_conv("end_on")(end_on)
        with self.d.transaction() as s:
            t = m.advisor_terms.c
            found = self._terms(s, t.id == term_id)
            if not found:
                raise NotFound(f"no advisor term {term_id}", field="term", rule="exists")
            if day < found[0].start_on:
                raise ValidationError(f"{day} is before the term started ({found[0].start_on})",
                                      field="end_on", rule="period")
            s.execute(m.advisor_terms.update().where(t.id == term_id).values(end_on=day))
            return self._terms(s, t.id == term_id)[0]

    def _terms(self, s: Session, *where: Any) -> list[Term]:
        t, p = m.advisor_terms.c, tables.persons.c
        q = (sa.select(m.advisor_terms, p.external_id, p.name)
             .join(tables.persons, p.id == t.person_id).where(*where)
             .order_by(t.area_code, t.start_on))
        return [Term(id=r.id, advisor=r.external_id, advisor_name=r.name, area_code=r.area_code,
                     area_name=area_name(self.d, r.area_code), start_on=r.start_on,
                     end_on=r.end_on, in_group=r.in_group) for r in s.execute(q)]

    def terms(self, *, advisor: str | None = None, area_code: str | None = None) -> list[Term]:
        with self.d.reading() as s:
            where = []
            if advisor:
                where.append(m.advisor_terms.c.person_id == person(s, advisor, "advisor").id)
            if area_code:
                where.append(m.advisor_terms.c.area_code.in_(communities(self.d, area_code)))
            return self._terms(s, *where)

    def group(self, on: dt.date | None = None) -> list[dict[str, Any]]:
        """法律顾问微信群: the advisors in the group on ``on``, with the communities they serve."""
        day = on or today(self.d)
        out: dict[str, dict[str, Any]] = {}
        for t in self.terms():
            if t.in_group and t.active_on(day):
                e = out.setdefault(t.advisor, {"advisor": t.advisor, "name": t.advisor_name,
                                               "communities": []})
                e["communities"].append(t.area_code)
        return sorted(out.values(), key=lambda e: str(e["advisor"]))

    def coverage(self, on: dt.date | None = None, area_code: str | None = None) -> list[CoverageRow]:
        day = on or today(self.d)
        grace = dt.timedelta(days=settings(self.d).advisor_grace_days)
        by_area: dict[str, list[Term]] = {}
        for t in self.terms(area_code=area_code):
            by_area.setdefault(t.area_code, []).append(t)
        rows = []
        for c in communities(self.d, area_code):
            ts = [t for t in by_area.get(c, []) if t.start_on <= day]
            active = next((t for t in ts if t.end_on is None or day <= t.end_on + grace), None)
            last = max(ts, key=lambda t: t.start_on) if ts else None
            shown = active or last
            rows.append(CoverageRow(
                area_code=c, area_name=area_name(self.d, c),
                state="covered" if active else ("lapsed" if last else "none"),
                advisor=shown.advisor if shown else None,
                advisor_name=shown.advisor_name if shown else None,
                end_on=shown.end_on if shown else None))
        return rows

    def covers(self, s: Session, person_id: int, area_code: str, day: dt.date) -> bool:
        t = m.advisor_terms.c
        return s.execute(sa.select(t.id).where(
            t.person_id == person_id, t.area_code == area_code, t.start_on <= day,
            sa.or_(t.end_on.is_(None), t.end_on >= day))).first() is not None

    def record(self, item: ActivityInput, *, actor: str,
               session: Session | None = None) -> int:
        """Record what an advisor did in one of her communities (refused elsewhere)."""
        d = self.d
        community(d, item.area_code)
        with d.transaction(session) as s:
            who = self._advisor(s, item.advisor)
            if not self.covers(s, who.id, item.area_code, item.day):
                raise ValidationError(
                    f"{item.advisor} ({who.name}) is not the advisor of {item.area_code} "
                    f"({area_name(d, item.area_code)}) on {item.day}", field="area_code",
                    rule="advisor_area", hint="record it in one of her communities, or assign "
                                              "her there first")
            if item.case_id is not None:
                case = d.cases.get(item.case_id, s)
                if item.area_code not in d.areas.tree.ancestors(case.area_code):
                    raise ValidationError(f"case {item.case_id} is not in {item.area_code}",
                                          field="case_id", rule="area")
            aid = s.execute(m.advisor_activities.insert().returning(m.advisor_activities.c.id)
                            .values(person_id=who.id, area_code=item.area_code, kind=item.kind,
                                    day=item.day, count=item.count, case_id=item.case_id,
                                    note=item.note, actor=actor)).scalar_one()
            if item.case_id is not None:
                d.cases.record(item.case_id, f"rule_of_law.advisor_{item.kind}", actor=actor,
                               session=s, data={"advisor": item.advisor, "activity_id": aid})
            return int(aid)

    # -- 一月一通报 ----------------------------------------------------------------------------
    def monthly_report(self, advisor: str, month: str) -> MonthlyReport:
        start, end = month_bounds(month)
        with self.d.reading() as s:
            who = self._advisor(s, advisor)
            t, a, lec = m.advisor_terms.c, m.advisor_activities.c, m.lectures.c
            areas = sorted(set(s.scalars(sa.select(t.area_code).where(
                t.person_id == who.id, t.start_on < end,
                sa.or_(t.end_on.is_(None), t.end_on >= start)))))
            counts: dict[tuple[str, str], int] = {}
            for area, kind, n in s.execute(
                    sa.select(a.area_code, a.kind, sa.func.sum(a.count))
                    .where(a.person_id == who.id, a.day >= start, a.day < end)
                    .group_by(a.area_code, a.kind)):
                counts[(area, kind)] = int(n)
            for area, n in s.execute(
                    sa.select(lec.area_code, sa.func.count())
                    .where(lec.speaker_id == who.id, lec.held_on >= start, lec.held_on < end)
                    .group_by(lec.area_code)):
                counts[(area, "lecture")] = int(n)
            for c in self._assigned(s, advisor, start, end):
                counts[(c, "case_joined")] = counts.get((c, "case_joined"), 0) + 1
            areas = sorted(set(areas) | {k[0] for k in counts})
            lines = tuple(ReportLine(
                area_code=c, area_name=area_name(self.d, c),
                consultation=counts.get((c, "consultation"), 0),
                case_joined=counts.get((c, "case_joined"), 0),
                agreement_reviewed=counts.get((c, "agreement_reviewed"), 0),
                lecture=counts.get((c, "lecture"), 0)) for c in areas)
            return MonthlyReport(advisor=advisor, advisor_name=who.name,
                                 month=start.strftime("%Y-%m"), lines=lines)

    def _assigned(self, s: Session, advisor: str, start: dt.date, end: dt.date) -> list[str]:
        """The community of each case the advisor was assigned to in [start, end): cases joined
        as the case timeline records them (``assign`` events naming ``person:<advisor>``)."""
        from suyuan_rule_of_law.common import tz

        e, c = tables.case_events.c, tables.cases.c
        zone = tz(self.d)
        lo = dt.datetime.combine(start, dt.time(), zone).astimezone(dt.UTC).replace(tzinfo=None)
        hi = dt.datetime.combine(end, dt.time(), zone).astimezone(dt.UTC).replace(tzinfo=None)
        handler = f"person:{advisor}"
        tree = self.d.areas.tree
        out = []
        for data, area in s.execute(sa.select(e.data, c.area_code)
                                    .join(tables.cases, c.id == e.case_id)
                                    .where(e.kind == "assign", e.occurred_at >= lo,
                                           e.occurred_at < hi)):
            if handler in (data or {}).get("assignees", ()) and area in tree:
                found = tree.parent_at(area, Level.community)
                if found:
                    out.append(found)
        return out

    def advisors(self) -> list[str]:
        with self.d.reading() as s:
            t, p = m.advisor_terms.c, tables.persons.c
            return sorted(set(s.scalars(sa.select(p.external_id)
                                        .join(m.advisor_terms, t.person_id == p.id))))


# -- the report on paper and in a spreadsheet ----------------------------------------------------

HEADERS = ("村(社区) Community", "法律咨询 Consultations", "参与调解 Cases joined",
           "审查协议 Agreements reviewed", "法治讲座 Lectures", "合计 Total")


def report_xlsx(reports: Sequence[MonthlyReport]) -> bytes:
    """One sheet per advisor (openpyxl), the figures as numbers so the county can sum them."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for r in reports:
        ws = wb.create_sheet(title=f"{r.advisor}"[:31])
        ws.append([f"法律顾问一月一通报 {r.month} — {r.advisor_name}（{r.advisor}）"])
        ws["A1"].font = Font(bold=True)
        ws.append(list(HEADERS))
        for line in r.lines:
            ws.append([line.area_name, line.consultation, line.case_joined,
                       line.agreement_reviewed, line.lecture, line.total])
        tot = r.totals()
        ws.append(["合计 Total", tot["consultation"], tot["case_joined"],
                   tot["agreement_reviewed"], tot["lecture"], sum(tot.values())])
        ws.column_dimensions["A"].width = 24
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_html(reports: Sequence[MonthlyReport]) -> str:
    """A self-contained print view (no script, no outside resource: prints offline)."""
    e = html.escape
    parts = []
    for r in reports:
        rows = "".join(
            f"<tr><td>{e(x.area_name)}</td><td>{x.consultation}</td><td>{x.case_joined}</td>"
            f"<td>{x.agreement_reviewed}</td><td>{x.lecture}</td><td>{x.total}</td></tr>"
            for x in r.lines)
        tot = r.totals()
        parts.append(
            f"<section><h1>法律顾问一月一通报 {e(r.month)}</h1>"
            f"<p class='meta'>法律顾问 Advisor: {e(r.advisor_name)}（{e(r.advisor)}）</p>"
            f"<table><thead><tr>{''.join(f'<th>{e(h)}</th>' for h in HEADERS)}</tr></thead>"
            f"<tbody>{rows}</tbody><tfoot><tr><th>合计 Total</th><th>{tot['consultation']}</th>"
            f"<th>{tot['case_joined']}</th><th>{tot['agreement_reviewed']}</th>"
            f"<th>{tot['lecture']}</th><th>{sum(tot.values())}</th></tr></tfoot></table>"
            "</section>")
    return f"""<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8"><title>法律顾问一月一通报</title>
<style>
body {{ font-family: "SimSun", "Songti SC", serif; max-width: 50em; margin: 2em auto; }}
table {{ border-collapse: collapse; width: 100%; }} th, td {{ border: 1px solid #444; padding: .3em .5em; }}
td:not(:first-child) {{ text-align: right; }} section {{ page-break-after: always; }}
.meta {{ color: #444; }} @media print {{ body {{ margin: 0; }} }}
</style></head><body>{''.join(parts) or '<p>本月无记录 Nothing recorded this month.</p>'}</body></html>
"""
