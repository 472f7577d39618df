"""Scheduled work: declared through ``suyuan_register_jobs``, one run per (job, slot) across
workers, failures retried and visible, ``suyuan jobs`` listing what ran and what it did."""

from __future__ import annotations

import datetime as dt
import threading
import types
import zoneinfo

import pytest

from suyuan_core import Job, PluginError, PluginSpec, ValidationError, hookimpl
from suyuan_core.jobs.scheduler import EmbeddedScheduler
from suyuan_core.testing import run_cli


def cli_with(d, *args):
    """The CLI against a deployment whose plugins live in this test module (not installed)."""
    from click.testing import CliRunner

    from suyuan_core.cli.app import State
    from suyuan_core.cli.main import cli

    state = State(str(d.config.path))
    state.__dict__["deployment"] = d
    return CliRunner().invoke(cli, list(args), obj=state, catch_exceptions=False)

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
AT = dt.datetime(2026, 12, 1, 9, 10, tzinfo=TZ)


def jobs_plugin(name: str, *jobs: Job) -> types.ModuleType:
    module = types.ModuleType(name)
    module.plugin = PluginSpec(label=("测试", "test"))  # type: ignore[attr-defined]

    def suyuan_register_jobs() -> list[Job]:
        return list(jobs)

    module.suyuan_register_jobs = hookimpl(suyuan_register_jobs)  # type: ignore[attr-defined]
    return module


def test_slots_follow_the_local_calendar():
    assert Job("p.a", "15m", run=print).slot(AT, TZ) == dt.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
    assert Job("p.a", "day", run=print, at="08:00").slot(AT, TZ) == dt.datetime(
        2026, 12, 1, 8, 0, tzinfo=TZ)
    assert Job("p.a", "day", run=print, at="10:00").slot(AT, TZ) == dt.datetime(
        2026, 11, 30, 10, 0, tzinfo=TZ)
    assert Job("p.a", "week", run=print).slot(AT, TZ).date() == dt.date(2026, 11, 30)  # Monday
    assert Job("p.a", "month", run=print).slot(AT, TZ).date() == dt.date(2026, 12, 1)


@pytest.mark.parametrize("bad", [{"every": "7m"}, {"every": "yearly"}, {"name": "Nodot"},
                                 {"at": "25:00"}, {"retries": -1}])
def test_a_bad_job_declaration_is_refused(bad):
    kwargs = {"name": "p.a", "every": "1h", "run": print, **bad}
    with pytest.raises((ValidationError, ValueError)):
        Job(**kwargs)


def test_a_job_declared_twice_is_a_start_up_error_naming_both(make_deployment):
    one = jobs_plugin("one", Job("shared.tick", "1h", run=lambda: None))
    two = jobs_plugin("two", Job("shared.tick", "1h", run=lambda: None))
    with pytest.raises(PluginError, match=r"job 'shared.tick' is registered by both 'one' and 'two'"):
        make_deployment(extra_plugins={"one": one, "two": two})


def test_a_slot_runs_once_and_records_what_it_did(make_deployment):
    seen = []

    def work(deployment, slot):
        seen.append(slot)
        return {"reminded": 3}

    d = make_deployment(extra_plugins={"p": jobs_plugin("p", Job("p.work", "1h", run=work))})
    first = [r for r in d.jobs.run_due(AT) if r.job == "p.work"]
    again = [r for r in d.jobs.run_due(AT + dt.timedelta(minutes=20)) if r.job == "p.work"]
    assert [r.status for r in first] == ["succeeded"] and again == []
    assert seen == [dt.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)]
    assert first[0].summary == {"reminded": 3}
    nxt = [r for r in d.jobs.run_due(AT + dt.timedelta(hours=1)) if r.job == "p.work"]
    assert [r.slot for r in nxt] == ["2026-12-01T10:00:00+08:00"]


def test_concurrent_workers_never_run_a_slot_twice(make_deployment):
    count = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def work():
        with lock:
            count.append(1)

    d = make_deployment(extra_plugins={"p": jobs_plugin("p", Job("p.once", "day", run=work))})

    def tick(i):
        barrier.wait()
        d.jobs.run("p.once", at=AT, worker=f"w{i}")

    threads = [threading.Thread(target=tick, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(count) == 1
    runs = d.jobs.runs("p.once")
    assert len(runs) == 1 and runs[0].status == "succeeded"


def test_a_failed_run_is_retried_and_visible_then_gives_up(make_deployment, tmp_path):
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError(f"platform down (try {len(calls)})")
        return "synced 5"

    d = make_deployment(extra_plugins={"p": jobs_plugin(
        "p", Job("p.sync", "day", run=flaky, retries=2, retry_minutes=10))})
    run = d.jobs.run("p.sync", at=AT)
    assert run.status == "failed" and "platform down (try 1)" in run.error
    assert run.next_try_at is not None
    # not yet due: nothing happens
    assert [r for r in d.jobs.run_due(AT + dt.timedelta(minutes=5)) if r.job == "p.sync"] == []
    second = [r for r in d.jobs.run_due(AT + dt.timedelta(minutes=11)) if r.job == "p.sync"]
    assert [(r.status, r.attempts) for r in second] == [("failed", 2)]
    third = [r for r in d.jobs.run_due(AT + dt.timedelta(minutes=40)) if r.job == "p.sync"]
    assert [(r.status, r.attempts, r.summary) for r in third] == [("succeeded", 3, "synced 5")]
    out = cli_with(d, "jobs", "runs", "--job", "p.sync", "--json")
    assert out.exit_code == 0 and '"status": "succeeded"' in out.output
    assert '"summary": "synced 5"' in out.output


def test_retries_run_out(make_deployment):
    def broken():
        raise ValueError("bad data")

    d = make_deployment(extra_plugins={"p": jobs_plugin(
        "p", Job("p.broken", "day", run=broken, retries=1, retry_minutes=1))})
    d.jobs.run("p.broken", at=AT)
    [last] = [r for r in d.jobs.run_due(AT + dt.timedelta(minutes=2)) if r.job == "p.broken"]
    assert (last.status, last.attempts) == ("gave_up", 2)
    assert [r for r in d.jobs.run_due(AT + dt.timedelta(hours=3)) if r.job == "p.broken"] == []
    out = cli_with(d, "jobs", "--json")
    assert '"status": "gave_up"' in out.output and "ValueError: bad data" in out.output


def test_cli_lists_runs_and_refuses_unknown_jobs(make_deployment):
    d = make_deployment(extra_plugins={"p": jobs_plugin("p", Job("p.hello", "1h",
                                                                 run=lambda: "hi"))})
    out = cli_with(d, "jobs", "run", "p.hello")
    assert out.exit_code == 0 and "succeeded — hi" in out.output
    again = cli_with(d, "jobs", "run", "p.hello")
    assert "already ran" in again.output
    listing = cli_with(d, "jobs", "--json")
    assert '"p.hello"' in listing.output and '"core.notifications_deliver"' in listing.output


def test_cli_errors_are_one_line(deployment):
    bad = run_cli(deployment, "jobs", "run", "p.nope")
    assert bad.exit_code == 1 and "no job 'p.nope'" in bad.output and "Traceback" not in bad.output
    bad_slot = run_cli(deployment, "jobs", "run", "core.notifications_deliver", "--slot", "later")
    assert bad_slot.exit_code == 1 and "slot: 'later' is not an ISO date-time" in bad_slot.output
    done = run_cli(deployment, "jobs", "run-due")
    assert "core.notifications_deliver" in done.output and "succeeded" in done.output
    assert "jobs (1; scheduler: embedded)" in run_cli(deployment, "jobs").output


def test_the_embedded_scheduler_ticks(make_deployment):
    ran = threading.Event()
    d = make_deployment(extra_plugins={"p": jobs_plugin("p", Job("p.tick", "5m",
                                                                 run=lambda: ran.set()))})
    scheduler = EmbeddedScheduler(d, tick_seconds=3600)
    scheduler.start()
    try:
        assert ran.wait(timeout=60)
    finally:
        scheduler.stop()
    assert scheduler.ticks >= 1
    assert d.jobs.runs("p.tick")[0].status == "succeeded"


def test_bad_scheduler_setting_is_a_config_error(make_deployment):
    from suyuan_core import ConfigError

    with pytest.raises(ConfigError, match=r"jobs.scheduler: must be one of embedded, worker, off"):
        make_deployment(config={"jobs": {"scheduler": "cron"}})
