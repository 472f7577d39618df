"""``suyuan worker``: the scheduled jobs on a real job queue, for deployments with several
``serve`` processes or machines — procrastinate on the PostgreSQL the deployment already has
(no new service to run; Redis would be one more thing to install, back up and watch).

Each worker runs procrastinate's periodic ``suyuan.tick`` every minute; procrastinate defers each
periodic run once across all workers (its own unique lock per timestamp), and the tick runs what is
due through :meth:`JobService.run_due`, whose (job, slot) row claim is the second, database-level
guarantee that a slot never runs twice. ``suyuan.run_job`` runs one job on demand (``suyuan jobs
run NAME --queue``). Failures are retried by the job service (``job_runs`` shows each attempt).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from suyuan_core.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from procrastinate import App

    from suyuan_core.deployment import Deployment

log = logging.getLogger("suyuan.worker")
QUEUE = "suyuan"


def conninfo(d: Deployment) -> str:
    """The deployment's database as a libpq connection string (PostgreSQL only)."""
    url = d.engine.url
    if d.dialect != "postgresql":
        raise ConfigError("`suyuan worker` needs PostgreSQL (the job queue lives there)",
                          field="deployment.database", rule="postgresql",
                          hint="on SQLite the embedded scheduler in `suyuan serve` runs the jobs")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def app_for(d: Deployment) -> App:
    """A procrastinate app bound to the deployment, with its two tasks."""
    from procrastinate import App, PsycopgConnector

    options = dict(d.engine.url.query)
    kwargs: dict[str, Any] = {}
    if "options" in options:  # e.g. -csearch_path=… (a schema per test, or per county)
        kwargs["options"] = options["options"]
    base = d.engine.url.set(query={})
    connector = PsycopgConnector(conninfo=base.set(drivername="postgresql").render_as_string(
        hide_password=False), kwargs=kwargs)
    app = App(connector=connector)

    @app.periodic(cron="* * * * *", periodic_id="suyuan.tick")
    @app.task(name="suyuan.tick", queue=QUEUE, pass_context=False)
    def tick(timestamp: int) -> int:
        runs = d.jobs.run_due(worker=f"procrastinate:{timestamp}")
        for run in runs:
            log.info("job %s slot %s: %s", run.job, run.slot, run.status)
        return len(runs)

    @app.task(name="suyuan.run_job", queue=QUEUE)
    def run_job(name: str) -> str:
        run = d.jobs.run(name)
        return run.status if run else "already ran"

    app.suyuan_tick = tick  # type: ignore[attr-defined]
    app.suyuan_run_job = run_job  # type: ignore[attr-defined]
    return app


def apply_schema(d: Deployment) -> bool:
    """Create procrastinate's tables if they are not there yet; True when it created them."""
    from sqlalchemy import inspect

    if "procrastinate_jobs" in inspect(d.engine).get_table_names():
        return False
    app = app_for(d)
    with app.open():
        app.schema_manager.apply_schema()
    return True


def run(d: Deployment, *, once: bool = False, concurrency: int = 1) -> None:
    """Run a worker until stopped (``once``: until the queue is empty)."""
    if d.config.core.jobs.scheduler != "worker" and not once:
        log.warning("[jobs] scheduler is %r: the serve processes run jobs too (harmless: a slot "
                    "runs once)", d.config.core.jobs.scheduler)
    app = app_for(d)
    with app.open():
        app.run_worker(queues=[QUEUE], wait=not once, concurrency=concurrency,
                       install_signal_handlers=not once)
