"""The embedded scheduler: a daemon thread inside ``suyuan serve`` that ticks every
``[jobs] tick_seconds`` and runs what is due. Several serve processes may each run one — the
(job, slot) claim in the database lets exactly one of them run each slot."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from suyuan_core.deployment import Deployment

log = logging.getLogger("suyuan.jobs")


class EmbeddedScheduler:
    def __init__(self, d: Deployment, tick_seconds: float | None = None) -> None:
        self.d = d
        self.tick = tick_seconds or d.config.core.jobs.tick_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: how many ticks have completed (for ``/healthz``-style checks and tests).
        self.ticks = 0

    def tick_once(self) -> int:
        try:
            runs = self.d.jobs.run_due()
        except Exception:  # the database may be away for a moment; try again next tick
            log.exception("scheduler tick failed")
            return 0
        for run in runs:
            log.info("job %s slot %s: %s", run.job, run.slot, run.status)
        self.ticks += 1
        return len(runs)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.tick_once()
            self._stop.wait(self.tick)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="suyuan-scheduler",
                                            daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
