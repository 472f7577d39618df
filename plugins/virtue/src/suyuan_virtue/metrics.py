"""The pillar's metrics. The marriage channels' success figures are formulas over case events
(``virtue.channel_outcome``) and drill down to those cases. Guardianship agreements and votes are
computed from the pillar's own tables (no case drill-down). The sensitive registers have **no**
metric here: their figures are counts shown with small-count suppression on the panel and at
``/api/v1/virtue/registers/figures``, never a drill-down."""

from __future__ import annotations

from typing import Any

from suyuan_core import Deployment, EventFacts, EventRule, MetricDefinition, Period

AREA_PERIOD: Any = frozenset({"area", "period"})


def _channel(name: str, outcome: str | None = None):  # type: ignore[no-untyped-def]
    def where(f: EventFacts) -> bool:
        return f.data.get("channel") == name and (
            f.data.get("outcome") == outcome if outcome else f.data.get("outcome") in
            ("success", "failure"))
    return where


def _agreements(deployment: Deployment, area_code: str, period: Period) -> tuple[int, int]:
    from suyuan_virtue.guardianship import Guardianships

    return Guardianships(deployment).signed_count(area_code, period), 0


METRICS = [
    MetricDefinition(
        key="marriage_mediator_success_rate", label=("婚姻调解师调解成功率",
                                                     "Marriage mediator success rate"),
        unit="percent",
        numerator=EventRule({"virtue.channel_outcome"}, "marriage-mediator channel outcomes: "
                            "success", _channel("marriage_mediator", "success")),
        denominator=EventRule({"virtue.channel_outcome"}, "marriage-mediator channel outcomes",
                              _channel("marriage_mediator"))),
    MetricDefinition(
        key="kin_team_success_rate", label=("亲友调解团调解成功率",
                                            "Kin mediation team success rate"),
        unit="percent",
        numerator=EventRule({"virtue.channel_outcome"}, "kin-team channel outcomes: success",
                            _channel("kin_mediation_team", "success")),
        denominator=EventRule({"virtue.channel_outcome"}, "kin-team channel outcomes",
                              _channel("kin_mediation_team"))),
    MetricDefinition(
        key="guardianship_agreements_signed", label=("签订留守儿童委托监护责任确认书",
                                                     "Guardianship agreements signed"),
        unit="count", compute=_agreements, dimensions=AREA_PERIOD,
        compute_doc="guardianship agreements for left-behind children signed in the area in the "
                    "period (from virtue_guardianships)"),
]
