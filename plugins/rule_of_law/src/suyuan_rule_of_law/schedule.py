"""What the pillar runs by itself (declared through ``suyuan_register_jobs``; the core runs each
once per slot, retries a failure and lists the runs in ``suyuan jobs``): the court platform's
synchronisation and the daily warning before a judicial-confirmation window closes. Both
schedules come from ``[plugins.rule_of_law]`` (``platform_sync_every``, ``window_notice_at``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from suyuan_core import Deployment, Job
from suyuan_rule_of_law.common import settings

ACTOR = "job:rule_of_law"


def platform_sync(deployment: Deployment) -> dict[str, Any]:
    """Pull the delegated cases (those already imported are skipped) and push the results not
    yet sent; what it did is the run's summary."""
    from suyuan_rule_of_law.platform import sync

    system = settings(deployment).platform_adapter
    return {"adapter": system, **sync(deployment, actor=ACTOR, system=system)}


def confirmation_window(deployment: Deployment, now: dt.datetime) -> dict[str, Any]:
    from suyuan_rule_of_law.notices import closing_windows

    return closing_windows(deployment, now)


def jobs(d: Deployment) -> list[Job]:
    conf = settings(d)
    out = []
    if conf.platform_sync_every:
        out.append(Job("rule_of_law.platform_sync", every=conf.platform_sync_every,
                       run=platform_sync, retries=3, retry_minutes=10,
                       label=("法院调解平台同步", "Court mediation platform sync")))
    out.append(Job("rule_of_law.confirmation_window", every="day", at=conf.window_notice_at,
                   run=confirmation_window,
                   label=("司法确认期限提醒", "Judicial-confirmation window reminders")))
    return out
