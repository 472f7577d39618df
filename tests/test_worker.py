"""``suyuan worker`` against the real PostgreSQL service: procrastinate's schema applied in the
deployment's database, ticks queued and worked off by two workers at once, each (job, slot) run
exactly once, and a clear error on SQLite."""

from __future__ import annotations

import threading
import types

import pytest

from suyuan_core import ConfigError, Job, PluginSpec, hookimpl
from suyuan_core.jobs import worker
from suyuan_core.testing import run_cli


def test_the_worker_refuses_sqlite(make_deployment):
    d = make_deployment()
    if d.dialect == "postgresql":
        pytest.skip("SQLite only")
    with pytest.raises(ConfigError, match="needs PostgreSQL"):
        worker.conninfo(d)
    out = run_cli(d, "worker", "--once")
    assert out.exit_code == 1 and "needs PostgreSQL" in out.output and "Traceback" not in out.output


def test_two_workers_on_the_real_queue_run_each_slot_once(make_deployment):
    ran = []
    lock = threading.Lock()

    def work():
        with lock:
            ran.append(1)
        return {"done": len(ran)}

    fn = hookimpl(lambda: [Job("p.queued", "day", run=work)])
    module = types.ModuleType("p")
    module.plugin = PluginSpec(label=("测试", "test"))  # type: ignore[attr-defined]
    fn.__name__ = "suyuan_register_jobs"
    module.suyuan_register_jobs = fn  # type: ignore[attr-defined]
    d = make_deployment(extra_plugins={"p": module}, config={"jobs": {"scheduler": "worker"}})
    if d.dialect != "postgresql":
        pytest.skip("the job queue lives in PostgreSQL (set SUYUAN_TEST_DATABASE_URL)")
    assert worker.apply_schema(d) is True
    assert worker.apply_schema(d) is False
    app = worker.app_for(d)
    with app.open():
        for stamp in (1764600000, 1764600060, 1764600120, 1764600180):
            app.suyuan_tick.defer(timestamp=stamp)  # type: ignore[attr-defined]
    threads = [threading.Thread(target=worker.run, args=(d,), kwargs={"once": True})
               for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert len(ran) == 1
    runs = d.jobs.runs("p.queued")
    assert [(r.status, r.attempts) for r in runs] == [("succeeded", 1)]
    assert runs[0].worker.startswith("procrastinate:")
    with d.engine.connect() as conn:
        from sqlalchemy import text

        done = conn.execute(text("SELECT count(*) FROM procrastinate_jobs "
                                 "WHERE status = 'succeeded'")).scalar_one()
    assert done >= 4  # ours, and the worker's own periodic tick for this minute
