"""Kinds of notification: the core's, plus those plugins add (``suyuan_register_notification_kinds``)."""

from __future__ import annotations

import attrs

from suyuan_core.domain.labels import Label, label
from suyuan_core.domain.rules import identifier


@attrs.frozen
class NotificationKind:
    """What a notification is about (``dispatch``, ``overdue`` …): channels route by it."""

    code: str = attrs.field(validator=identifier)
    label: Label = attrs.field(converter=label)
    provider: str = "suyuan_core"


CORE_KINDS = (
    NotificationKind("dispatch", ("派单", "Order dispatched")),
    NotificationKind("return", ("退单", "Order returned")),
    NotificationKind("urge", ("催办", "Urging order")),
    NotificationKind("supervision", ("督办", "Supervision order")),
    NotificationKind("reminder", ("临期提醒", "Deadline approaching")),
    NotificationKind("overdue", ("超期", "Overdue")),
    NotificationKind("overdue_notice", ("超期通报", "Overdue notice (通报)")),
    NotificationKind("callback_due", ("待回访", "Callback due")),
    NotificationKind("alert", ("预警", "New early warning")),
    NotificationKind("extension", ("延期申请", "Extension requested or decided")),
    NotificationKind("judicial_window", ("司法确认期限将至",
                                         "Judicial-confirmation window closing")),
    NotificationKind("calendar", ("节假日数据", "Holiday calendar missing")),
    NotificationKind("report", ("研判报告", "Analysis report ready")),
    NotificationKind("integrity", ("完整性告警", "Integrity check found a break")),
)
