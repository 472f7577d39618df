"""Metrics: a figure by area, period and dimension; a time series; the drill-down to its cases."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter

from suyuan_core import times
from suyuan_core.cases.query import CURSOR_PATTERN, CaseFilter, decode_cursor, encode_cursor
from suyuan_core.deployment import Deployment
from suyuan_core.domain.metrics import MetricDefinition
from suyuan_core.errors import ValidationError
from suyuan_core.metrics.periods import PERIOD_PATTERN, Period, parse_period
from suyuan_core.metrics.service import BY, Figure
from suyuan_core.web.api.common import DeploymentDep, PrincipalDep, default_area, present, require_area
from suyuan_core.web.dto import DrillOut, FigureOut, FiguresOut, LabelOut, MetricOut, RecordsOut

READ = "metrics.read"
#: what a figure's records are split into.
PARTS = ("numerator", "denominator")
AreaQ = Annotated[str | None, Parameter(max_length=64, description="Default: your highest area")]
PeriodQ = Annotated[str | None, Parameter(
    max_length=16, schema_extra={"pattern": PERIOD_PATTERN},
    description="2026-05-03 | 2026-W18 | 2026-05 | 2026-Q2 | 2026 (default: this month)")]


def metric_out(m: MetricDefinition) -> MetricOut:
    return MetricOut(m.key, LabelOut(m.label.zh, m.label.en), m.unit, sorted(m.dimensions),
                     m.is_gauge, m.provider)


def figure_out(f: Figure) -> FigureOut:
    return FigureOut(f.metric, f.area_code, f.period, f.num, f.den, f.value, f.category, f.source)


def _where(d: Deployment, principal: PrincipalDep, area: str | None,
           period: str | None) -> tuple[str, Period]:
    if area is not None and area not in d.areas.tree:
        raise ValidationError(f"no area with code {area!r}", field="area", rule="exists",
                              hint="see GET /api/v1/areas")
    code = area or default_area(principal, READ)
    require_area(d, principal, READ, code)
    if period:
        p = parse_period(period)
    else:
        today = times.now().astimezone(d.metric_service.tz).date()
        p = Period.containing("month", today)
    return code, p


class MetricController(Controller):
    path = "/metrics"
    tags = ["metrics"]  # noqa: RUF012

    @get("/", opt={"permission": READ}, sync_to_thread=False, summary="Every metric definition")
    def definitions(self, deployment: DeploymentDep) -> list[MetricOut]:
        return [metric_out(m) for m in deployment.metrics]

    @get("/{key:str}", opt={"permission": READ}, sync_to_thread=True,
         summary="A figure for an area and a period, optionally split by a dimension")
    def figure(self, deployment: DeploymentDep, principal: PrincipalDep,
               key: Annotated[str, Parameter(max_length=64)], area: AreaQ = None,
               period: PeriodQ = None,
               by: Annotated[str | None, Parameter(max_length=16, schema_extra={"enum": list(BY)},
                                                   description="category | source | area | period")] = None,
               category: Annotated[str | None, Parameter(max_length=64)] = None,
               source: Annotated[str | None, Parameter(max_length=64)] = None) -> FiguresOut:
        d = deployment
        svc = d.metric_service
        m = svc.definition(key)
        code, p = _where(d, principal, area, period)
        if by is not None:
            if by not in BY:
                raise ValidationError(f"cannot split by {by!r}", field="by", rule="one_of",
                                      hint="use " + ", ".join(BY))
            figures = svc.breakdown(key, code, p, by)
        else:
            figures = [svc.figure(key, code, p, category=category, source=source)]
        return FiguresOut(metric_out(m), [figure_out(f) for f in figures])

    @get("/{key:str}/series", opt={"permission": READ}, sync_to_thread=True,
         summary="The figure for the 12 periods up to and including one period")
    def series(self, deployment: DeploymentDep, principal: PrincipalDep,
               key: Annotated[str, Parameter(max_length=64)], area: AreaQ = None,
               period: PeriodQ = None) -> FiguresOut:
        d = deployment
        m = d.metric_service.definition(key)
        code, p = _where(d, principal, area, period)
        return FiguresOut(metric_out(m),
                          [figure_out(f) for f in d.metric_service.breakdown(key, code, p, "period")])

    @get("/{key:str}/drill", opt={"permission": READ}, sync_to_thread=True,
         summary="The cases a figure counts (its numerator or denominator), cursor-paged")
    def drill(self, deployment: DeploymentDep, principal: PrincipalDep,
              key: Annotated[str, Parameter(max_length=64)], area: AreaQ = None,
              period: PeriodQ = None,
              category: Annotated[str | None, Parameter(max_length=64)] = None,
              source: Annotated[str | None, Parameter(max_length=64)] = None,
              part: Annotated[str, Parameter(max_length=16, schema_extra={"enum": list(PARTS)},
                                             description="numerator | denominator")] = "numerator",
              cursor: Annotated[str | None, Parameter(max_length=100,
                                                      schema_extra={"pattern": CURSOR_PATTERN})] = None,
              limit: Annotated[int, Parameter(ge=1, le=200)] = 50) -> DrillOut:
        d = deployment
        code, p = _where(d, principal, area, period)
        require_area(d, principal, "cases.read", code)
        svc = d.metric_service
        # a page read backwards along the events' index (keyset), the count from the figure
        chosen, more = svc.drill_page(key, code, p, category=category, source=source, part=part,
                                      before=decode_cursor(cursor) if cursor else None,
                                      limit=limit)
        count = svc.drill_count(key, code, p, category=category, source=source, part=part)
        cases = (d.case_query.page(CaseFilter(ids=tuple(chosen),
                                              scope=tuple(principal.scope("cases.read"))),
                                   limit=max(len(chosen), 1)).cases if chosen else [])
        now = times.now()
        return DrillOut(metric=key, area_code=code, period=str(p), part=part, count=count,
                        items=[present(d, c, False, now) for c in cases],
                        next_cursor=encode_cursor(chosen[-1]) if more and chosen else None)

    @get("/{key:str}/records", opt={"permission": READ}, sync_to_thread=True,
         summary="The records a computed figure counts (its numerator or denominator)")
    def records(self, deployment: DeploymentDep, principal: PrincipalDep,
                key: Annotated[str, Parameter(max_length=64)], area: AreaQ = None,
                period: PeriodQ = None,
                part: Annotated[str, Parameter(max_length=16, schema_extra={"enum": list(PARTS)},
                                               description="numerator | denominator")] = "numerator"
                ) -> RecordsOut:
        d = deployment
        code, p = _where(d, principal, area, period)
        items = d.metric_service.records(key, code, p, part=part)
        return RecordsOut(metric=key, area_code=code, period=str(p), part=part, count=len(items),
                          items=items)
