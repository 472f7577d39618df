"""Benchmark: the write path of an event that moves a ``once_per_case`` figure (issue 14).

A callback on a closed case is the case: ``satisfaction_rate`` counts the case once, by its last
callback, so each callback after the first reads the case's earlier callbacks and takes the
counted one back in the same transaction. Prints the process CPU time per callback over three
rounds (round 1: no earlier callback; rounds 2 and 3: one and two), core only, SQLite. Compare
against a checkout without the change by running the same file with that checkout first on
``PYTHONPATH``.

    python bench/callbacks.py [--cases 600]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from suyuan_core import NewCase
from suyuan_core.cases.bulk import CaseRecord, EventSpec
from suyuan_core.testing import DeploymentFactory, Factories

T0 = dt.datetime(2026, 3, 2, 1, tzinfo=dt.UTC)
STEPS = [("accept", {}), ("assign", {"assignees": ["person:X"]}), ("start", {}),
         ("resolve", {}), ("close", {})]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=600)
    n = parser.parse_args().cases
    with tempfile.TemporaryDirectory() as tmp:
        factory = DeploymentFactory(Path(tmp))
        try:
            d = factory()
            Factories(d).person(external_id="X")  # the assignee is on the roster
            records = [CaseRecord(NewCase(title="t", category="neighbour", source="walk_in",
                                          area_code="C.T1.C1.G1", occurred_at=T0),
                                  [EventSpec(kind, T0 + dt.timedelta(minutes=i + 1), data=data)
                                   for i, (kind, data) in enumerate(STEPS)])
                       for _ in range(n)]
            ids = d.bulk.write(records).ids
            for rnd in range(3):
                started = time.process_time()
                for case_id in ids:
                    d.cases.callback(case_id, actor="bench", reached=True,
                                     satisfaction="satisfied",
                                     occurred_at=T0 + dt.timedelta(hours=1 + rnd))
                cpu = time.process_time() - started
                print(f"round {rnd + 1}: {n} callbacks, {1000 * cpu / n:.2f} ms CPU each "
                      f"({n / cpu:,.0f}/s)")
            assert d.metric_service.verify()[1] == []
        finally:
            factory.close()


if __name__ == "__main__":
    main()
