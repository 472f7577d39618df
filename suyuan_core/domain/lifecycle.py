"""The one case lifecycle: statuses, actions, and which action is allowed from which status.

reported → accepted → assigned → in_progress → resolved / unresolved / referred → closed;
withdrawn from any open status; ``escalate`` moves the case one level up and back to ``accepted``;
``reopen`` brings a finished case back to ``in_progress`` (e.g. after a dissatisfied callback).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping


class Status(enum.StrEnum):
    reported = "reported"        # 登记
    accepted = "accepted"        # 受理
    assigned = "assigned"        # 派单 / 交办
    in_progress = "in_progress"  # 调解中 / 办理中
    resolved = "resolved"        # 调解成功 / 化解
    unresolved = "unresolved"    # 调解不成
    referred = "referred"        # 移交 / 诉调对接
    closed = "closed"            # 办结
    withdrawn = "withdrawn"      # 撤回


OPEN_STATUSES = frozenset({Status.reported, Status.accepted, Status.assigned, Status.in_progress})
FINAL_STATUSES = frozenset({Status.closed, Status.withdrawn})

#: action → (statuses it is allowed from, status it leads to). ``escalate`` and ``assign`` are
#: here too so that one table answers "what may I do now?".
TRANSITIONS: Mapping[str, tuple[frozenset[Status], Status]] = {
    "accept": (frozenset({Status.reported}), Status.accepted),
    "assign": (frozenset({Status.accepted, Status.assigned}), Status.assigned),
    "start": (frozenset({Status.assigned}), Status.in_progress),
    "resolve": (frozenset({Status.in_progress}), Status.resolved),
    "fail": (frozenset({Status.in_progress}), Status.unresolved),
    "refer": (frozenset({Status.accepted, Status.assigned, Status.in_progress,
                         Status.unresolved}), Status.referred),
    "close": (frozenset({Status.resolved, Status.unresolved, Status.referred}), Status.closed),
    "withdraw": (frozenset(OPEN_STATUSES), Status.withdrawn),
    "reopen": (frozenset({Status.resolved, Status.unresolved, Status.closed}), Status.in_progress),
    "escalate": (frozenset({Status.reported, Status.accepted, Status.assigned, Status.in_progress,
                            Status.unresolved}), Status.accepted),
}

#: event kinds the core writes that do not change the status. ``merge``/``unmerge`` are written
#: only through ``Deployment.merges`` (which keeps the rollups right), never with ``record``.
RECORD_KINDS = frozenset({"reported", "note", "callback", "deadline", "attachment", "update",
                          "merge", "unmerge"})


def allowed_actions(status: Status | str) -> list[str]:
    """The actions allowed from ``status``, in lifecycle order."""
    current = Status(status)
    return [action for action, (sources, _) in TRANSITIONS.items() if current in sources]


def target(action: str, status: Status | str) -> Status | None:
    """The status ``action`` leads to from ``status``, or None if it is not allowed."""
    rule = TRANSITIONS.get(action)
    if rule is None or Status(status) not in rule[0]:
        return None
    return rule[1]
