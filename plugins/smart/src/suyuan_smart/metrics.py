"""The pillar's metrics, computed by the core from case events (bilingual labels)."""

from __future__ import annotations

from suyuan_core import EventFacts, EventRule, MetricDefinition


def _smart_assign(f: EventFacts) -> bool:
    return bool(f.data.get("smart"))


def _lead_on_time(f: EventFacts) -> bool:
    return f.data.get("role") == "lead" and not f.data.get("late")


def _asked_or_repeated(f: EventFacts) -> bool:
    if f.kind == "smart.repeat":
        return True
    return bool(f.data.get("reached")) and "resolved" in f.data


METRICS = [
    MetricDefinition(
        key="smart_dispatches", label=("派单数", "Orders dispatched"), unit="count",
        numerator=EventRule({"assign"}, "assign events made by smart dispatch", _smart_assign)),
    MetricDefinition(
        key="smart_returns", label=("退单数", "Orders returned"), unit="count",
        numerator=EventRule({"smart.return"}, "smart.return events (退单)")),
    MetricDefinition(
        key="smart_late_sign_offs", label=("超时签收数", "Late sign-offs"), unit="count",
        numerator=EventRule({"smart.sign_off"}, "sign-offs after the sign-off time",
                            lambda f: bool(f.data.get("late")))),
    MetricDefinition(
        key="smart_response_rate", label=("响应率", "Response rate"), unit="percent",
        numerator=EventRule({"smart.sign_off"}, "lead units' sign-offs within the sign-off time",
                            _lead_on_time),
        denominator=EventRule({"assign"}, "orders dispatched by smart dispatch", _smart_assign)),
    MetricDefinition(
        key="smart_resolution_rate", label=("解决率", "Resolution rate"), unit="percent",
        numerator=EventRule({"callback"}, "callbacks where the resident says it is resolved",
                            lambda f: f.data.get("resolved") is True),
        denominator=EventRule({"callback", "smart.repeat"},
                              "callbacks that reached the resident and asked, and closed cases "
                              "the problem came back to (重复诉求: counted as not resolved)",
                              _asked_or_repeated),
        # the last callback that asked decides (20 calls are one case) — unless the problem
        # came back after closure: then the case counts as not resolved
        once_per_case=True),
    MetricDefinition(
        key="smart_repeats", label=("重复诉求数", "Problems back after closure"), unit="count",
        numerator=EventRule({"smart.repeat"}, "closed cases whose problem came back within "
                            "repeat_days (smart.repeat)"),
        once_per_case=True),  # a case that came back twice is one case that failed
    MetricDefinition(
        key="smart_urges", label=("催办数", "Urging orders"), unit="count",
        numerator=EventRule({"smart.urge"}, "smart.urge events (催办)")),
    MetricDefinition(
        key="smart_supervisions", label=("督办数", "Supervision orders"), unit="count",
        numerator=EventRule({"smart.supervise"}, "smart.supervise events (督办)")),
    MetricDefinition(
        key="smart_extensions", label=("延期批准数", "Extensions approved"), unit="count",
        numerator=EventRule({"smart.extension_decision"}, "approved extension requests",
                            lambda f: bool(f.data.get("approved")))),
    MetricDefinition(
        key="smart_reopened", label=("不满意重办数", "Reopened after dissatisfaction"),
        unit="count",
        numerator=EventRule({"reopen"}, "reopen events caused by a dissatisfied callback",
                            lambda f: f.data.get("cause") == "smart.callback_dissatisfied")),
]
