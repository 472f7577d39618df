"""Benchmark: what the scheduled jobs and the notification outbox cost per case.

Builds a deployment with the smart pillar, a hotline centre, two unit accounts and a robot channel
(an HTTP receiver on the loopback), then measures, per case:

* *dispatch* — ``dispatch.dispatch`` with its ``dispatch`` notification (two unit accounts' inbox
  rows and one channel row, written in the same transaction) vs the same dispatch with the
  notifying hook switched off (the difference is what the outbox costs a dispatch), interleaved
  order by order, medians; and the SQL statements each sends (a figure no load can blur);
* *overdue tick* — the ``smart.overdue`` job over every open order once they are all late
  (one ``smart.overdue`` event, one ``overdue_notice`` event and their notifications per order);
* *quiet tick* — the same job again in the next slot, when nothing is new (what an hourly tick
  costs per open order when there is nothing to do);
* *deliver* — the ``core.notifications_deliver`` job sending the robot channel's messages (one
  HTTP POST each, through apprise) to the loopback receiver.

    python bench/scheduler_outbox.py [--orders 500]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from suyuan_core import NewCase
from suyuan_core.testing import DeploymentFactory, http_receiver

UNITS = [{"code": "CG", "name": "县城管局", "categories": ["urban_management"], "areas": ["C"]},
         {"code": "T1", "name": "第1镇政府", "categories": [], "areas": ["C.T1"]}]


def _cases(d, n: int, at: dt.datetime) -> list[int]:
    return [d.cases.create(NewCase(title="路灯不亮", description=f"第 {i} 号", category="urban_management",
                                   source="hotline_12345", area_code="C.T1.C1", occurred_at=at),
                           actor="bench").id for i in range(n)]


def run(orders: int) -> dict[str, float]:
    from suyuan_smart import dispatch, schedule

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp, http_receiver() as robot:
        factory = DeploymentFactory(Path(tmp))
        d = factory(plugins=["smart"], config={
            "plugins": {"smart": {"units": UNITS, "notice_after_workdays": 1}},
            "notifications": {"channels": {"robot": {"url": f"json://127.0.0.1:{robot.port}/r"}}}})
        for name, role, acts in (("centre", "hotline_dispatcher", None),
                                 ("cg", "unit_handler", "organisation:CG"),
                                 ("t1", "unit_handler", "organisation:T1")):
            d.accounts.add_user(name, name, None, acts_for=acts, actor="bench")
            d.accounts.grant(name, role, "C", actor="bench")
        now = dt.datetime.now(dt.UTC)
        ids = _cases(d, orders, now)
        quiet = _cases(d, orders, now)
        # with and without the notifying step (the work without the outbox), interleaved order
        # by order so that the load of a shared machine falls on both alike; medians
        import suyuan_smart.notices as notices

        real = notices.after_event
        statements = [0]
        event.listen(d.engine, "before_cursor_execute",
                     lambda *a, **k: statements.__setitem__(0, statements[0] + 1))
        timed: dict[bool, list[float]] = {True: [], False: []}
        counted: dict[bool, list[int]] = {True: [], False: []}
        for loud, calm in zip(ids, quiet, strict=True):
            for case_id, notifying in ((loud, True), (calm, False)):
                notices.after_event = real if notifying else (  # type: ignore[assignment]
                    lambda *a, **k: None)
                statements[0] = 0
                t0 = time.perf_counter()
                dispatch.dispatch(d, case_id, "T1", ("CG",), actor="user:centre", at=now)
                timed[notifying].append(time.perf_counter() - t0)
                counted[notifying].append(statements[0])
        notices.after_event = real  # type: ignore[assignment]
        with_outbox, without = statistics.median(timed[True]), statistics.median(timed[False])
        out["dispatch with outbox (ms/case)"] = with_outbox * 1000
        out["dispatch without outbox (ms/case)"] = without * 1000
        out["outbox cost per dispatch (ms)"] = (with_outbox - without) * 1000
        out["SQL statements per dispatch"] = statistics.median(counted[True])
        out["SQL statements per dispatch w/o outbox"] = statistics.median(counted[False])
        late = now + dt.timedelta(days=30)
        t0 = time.perf_counter()
        summary = schedule.mark_overdue(d, late)
        busy = time.perf_counter() - t0
        n_open = len(ids) + len(quiet)
        out["overdue tick, all late (ms/open order)"] = busy / n_open * 1000
        t0 = time.perf_counter()
        schedule.mark_overdue(d, late + dt.timedelta(hours=1))
        out["quiet tick (ms/open order)"] = (time.perf_counter() - t0) / n_open * 1000
        pending = len([n for n in d.notifications.recent(status="pending", limit=100000)])
        t0 = time.perf_counter()
        sent = d.notifications.deliver(late, limit=100000)["sent"]
        out["deliver to robot (ms/message)"] = (time.perf_counter() - t0) / max(sent, 1) * 1000
        out["orders"] = n_open
        out["marked overdue"] = len(summary["marked_overdue"])
        out["channel messages sent"] = sent
        assert sent == pending == len(robot.requests)
        factory.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500)
    args = parser.parse_args(argv)
    for key, value in run(args.orders).items():
        print(f"{key:45s} {value:10.2f}" if isinstance(value, float) else f"{key:45s} {value:10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
