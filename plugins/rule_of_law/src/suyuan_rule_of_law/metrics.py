"""The pillar's figures. Confirmation, delegation and video figures are formulas over the case
events this plugin records (so they drill down to the cases); advisor coverage, lectures held vs
required and circuit sessions are computed from the pillar's own records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from suyuan_core import Deployment, EventRule, MetricDefinition, Period

AREA_PERIOD: Any = frozenset({"area", "period"})  # MetricDefinition converts it


def _coverage(deployment: Deployment, area_code: str, period: Period) -> tuple[int, int]:
    from suyuan_rule_of_law.advisors import Advisors

    last = period.end - dt.timedelta(days=1)
    rows = Advisors(deployment).coverage(on=last, area_code=area_code)
    return sum(1 for r in rows if r.state == "covered"), len(rows)


def _lectures(deployment: Deployment, area_code: str, period: Period) -> tuple[int, int]:
    from suyuan_rule_of_law.education import Education

    return Education(deployment).held_vs_required(area_code, period.start, period.end)


def _circuit(deployment: Deployment, area_code: str, period: Period) -> tuple[int, int]:
    from suyuan_rule_of_law import models as m
    from suyuan_rule_of_law.common import communities

    c = m.circuit_sessions.c
    with deployment.reading() as s:
        n = s.scalar(sa.select(sa.func.count()).select_from(m.circuit_sessions).where(
            c.area_code.in_(communities(deployment, area_code)), c.held_on >= period.start,
            c.held_on < period.end))
    return int(n or 0), 0


DECIDED = "rule_of_law.confirmation_decided"
RESULT = "rule_of_law.delegation_result"

METRICS = [
    MetricDefinition(
        key="advisor_coverage_rate", label=("法律顾问覆盖率", "Legal advisor coverage"),
        unit="percent", compute=_coverage, dimensions=AREA_PERIOD,
        compute_doc="villages/communities with a legal advisor in term on the period's last day "
                    "÷ villages/communities in the area"),
    MetricDefinition(
        key="legal_lecture_compliance_rate", label=("法治大讲堂开展率", "Legal lectures held vs required"),
        unit="percent", compute=_lectures, dimensions=AREA_PERIOD,
        compute_doc="legal lectures held per community-month, at most the required number (2), "
                    "÷ the required number × communities × the period's months that have ended"),
    MetricDefinition(
        key="circuit_sessions", label=("巡回审判及坝坝法庭场次", "Circuit and open-air sessions"),
        unit="count", compute=_circuit, dimensions=AREA_PERIOD,
        compute_doc="circuit trials, open-air courts and open-air mediations held in the area"),
    MetricDefinition(
        key="judicial_confirmations", label=("司法确认申请数", "Judicial confirmation applications"),
        unit="count",
        numerator=EventRule({"rule_of_law.confirmation_applied"},
                            "rule_of_law.confirmation_applied events")),
    MetricDefinition(
        key="judicial_confirmation_rate", label=("司法确认率", "Judicial confirmation rate"),
        unit="percent",
        numerator=EventRule({DECIDED}, "decisions confirming the agreement",
                            lambda f: f.data.get("outcome") == "confirmed"),
        denominator=EventRule({DECIDED}, "decisions (confirmed or refused)")),
    MetricDefinition(
        key="judicial_confirmation_on_time_rate",
        label=("司法确认按期审结率", "Judicial confirmation decided on time"), unit="percent",
        numerator=EventRule({DECIDED}, "decisions within the court's time limit (15 days, +10 "
                            "when extended)", lambda f: bool(f.data.get("on_time"))),
        denominator=EventRule({DECIDED}, "decisions")),
    MetricDefinition(
        key="delegated_cases", label=("委派委托调解案件数", "Cases delegated by the court"),
        unit="count",
        numerator=EventRule({"rule_of_law.delegated"}, "rule_of_law.delegated events")),
    MetricDefinition(
        key="invited_mediation_success_rate", label=("特邀调解成功率", "Invited mediation success"),
        unit="percent",
        numerator=EventRule({RESULT}, "delegated cases settled",
                            lambda f: f.data.get("result") == "settled"),
        denominator=EventRule({RESULT}, "delegated cases settled or not settled",
                              lambda f: f.data.get("result") in ("settled", "failed"))),
    MetricDefinition(
        key="video_mediation_sessions", label=("视频调解场次", "Video mediation sessions"),
        unit="count",
        numerator=EventRule({"rule_of_law.video_outcome"}, "rule_of_law.video_outcome events")),
]
