"""Running declared jobs: claim a (job, slot) row, run, record what it did.

The claim is the proof that a slot runs once: inserting ``job_runs(job, slot)`` succeeds for one
worker only (a unique constraint, on SQLite and PostgreSQL alike); a failed run is retried by
flipping its row back to ``running`` with a compare-and-set on ``attempts``, which again only one
worker wins. Everything a job writes goes through the services, so it is audited and evented like
any other change.
"""

from __future__ import annotations

import datetime as dt
import inspect
import os
import socket
import threading
import traceback
import zoneinfo
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from suyuan_core.errors import NotFound, PluginError
from suyuan_core.jobs.spec import Job
from suyuan_core.registry import Registry
from suyuan_core.storage import tables as t

if TYPE_CHECKING:  # pragma: no cover
    from suyuan_core.deployment import Deployment

#: a run still ``running`` after this long is taken to be dead (its worker was killed) and may be
#: claimed again as a retry.
STALE_MINUTES = 60


def _count(result: Any) -> int:
    """Rows an UPDATE/DELETE changed (the compare-and-set's answer)."""
    return int(result.rowcount)


def _utc(at: dt.datetime) -> dt.datetime:
    return at.astimezone(dt.UTC).replace(tzinfo=None)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


@attrs.frozen
class JobRun:
    """One row of ``job_runs``: what ran, for which slot, when, how, and what it did."""

    id: int
    job: str
    slot: str
    status: str
    attempts: int
    worker: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    next_try_at: dt.datetime | None
    summary: Any
    error: str | None

    def as_dict(self) -> dict[str, Any]:
        out = attrs.asdict(self)
        for key in ("started_at", "finished_at", "next_try_at"):
            out[key] = out[key].replace(tzinfo=dt.UTC).isoformat() if out[key] else None
        return out


class JobService:
    """``deployment.jobs``: the registry of declared jobs and their runs."""

    def __init__(self, d: Deployment) -> None:
        self.d = d
        self.registry: Registry[Job] = Registry("job", key="name")
        self.tz = zoneinfo.ZoneInfo(d.config.core.deployment.timezone)

    def register(self) -> None:
        for name, jobs in self.d.call_each("suyuan_register_jobs"):
            for job in jobs or ():
                if not isinstance(job, Job):
                    raise PluginError(f"plugin {name!r}: suyuan_register_jobs returned "
                                      f"{type(job).__name__}, not a Job",
                                      hint="return a list of suyuan_core.Job")
                self.registry.add(job, name)

    def get(self, name: str) -> Job:
        job = self.registry.get(name)
        if job is None:
            raise NotFound(f"no job {name!r}", field="job", rule="exists",
                           hint="declared: " + (", ".join(self.registry.codes()) or "none"))
        return job

    # -- running ---------------------------------------------------------------------------
    def run_due(self, at: dt.datetime | None = None, *, worker: str | None = None) -> list[JobRun]:
        """Run every job whose current slot has not run yet, and every failed run whose retry is
        due. Returns the runs this call made (another worker's runs are not repeated)."""
        at = at or dt.datetime.now(dt.UTC)
        out = []
        for job in self.registry:
            for slot in self._claimable(job, at):
                run = self.run(job.name, slot, at=at, worker=worker)
                if run is not None:
                    out.append(run)
        return out

    def _claimable(self, job: Job, at: dt.datetime) -> Iterator[dt.datetime]:
        yield job.slot(at, self.tz)
        r = t.job_runs.c
        stale = _utc(at) - dt.timedelta(minutes=STALE_MINUTES)
        with self.d.primary() as s:
            rows = s.execute(select(r.slot).where(
                r.job == job.name, r.attempts <= job.retries,
                ((r.status == "failed") & (r.next_try_at <= _utc(at)))
                | ((r.status == "running") & (r.started_at < stale)))).scalars().all()
        for slot in rows:
            yield dt.datetime.fromisoformat(slot)

    def run(self, name: str, slot: dt.datetime | None = None, *, at: dt.datetime | None = None,
            worker: str | None = None) -> JobRun | None:
        """Claim and run ``name`` for ``slot`` (default: the current one); None when the slot
        already ran, is running elsewhere, or has no retries left."""
        job = self.get(name)
        at = at or dt.datetime.now(dt.UTC)
        slot = slot or job.slot(at, self.tz)
        key = slot.astimezone(self.tz).isoformat()
        worker = worker or worker_name()
        claimed = self._claim(job, key, at, worker)
        if claimed is None:
            return None
        run_id, attempts = claimed
        try:
            summary = _call(job, self.d, slot, at)
        except Exception as exc:  # a job's failure is recorded, retried and shown, never lost
            error = "".join(traceback.format_exception_only(exc)).strip()
            detail = traceback.format_exc(limit=6)
            retry = (_utc(at) + dt.timedelta(minutes=job.retry_minutes)
                     if attempts <= job.retries else None)
            self._finish(run_id, "failed" if retry else "gave_up", at, None,
                         f"{error}\n{detail}"[:8000], retry)
        else:
            self._finish(run_id, "succeeded", at, _jsonable(summary), None, None)
        return self.get_run(run_id)

    def _claim(self, job: Job, key: str, at: dt.datetime, worker: str) -> tuple[int, int] | None:
        r = t.job_runs.c
        try:
            with self.d.transaction() as s:
                run_id = s.execute(insert(t.job_runs).values(
                    job=job.name, slot=key, status="running", attempts=1, worker=worker,
                    started_at=_utc(at)).returning(r.id)).scalar_one()
            return int(run_id), 1
        except IntegrityError:
            pass
        stale = _utc(at) - dt.timedelta(minutes=STALE_MINUTES)
        with self.d.transaction() as s:
            row = s.execute(select(r.id, r.attempts, r.status, r.next_try_at, r.started_at).where(
                r.job == job.name, r.slot == key)).one()
            retry_due = row.status == "failed" and row.next_try_at and row.next_try_at <= _utc(at)
            dead = row.status == "running" and row.started_at < stale
            if not (retry_due or dead) or row.attempts > job.retries:
                return None
            won = _count(s.execute(update(t.job_runs).where(
                r.id == row.id, r.attempts == row.attempts, r.status == row.status).values(
                status="running", attempts=row.attempts + 1, worker=worker,
                started_at=_utc(at), finished_at=None, next_try_at=None)))
        return (int(row.id), int(row.attempts) + 1) if won == 1 else None

    def _finish(self, run_id: int, status: str, at: dt.datetime, summary: Any,
                error: str | None, retry: dt.datetime | None) -> None:
        end = max(_utc(dt.datetime.now(dt.UTC)), _utc(at))
        with self.d.transaction() as s:
            s.execute(update(t.job_runs).where(t.job_runs.c.id == run_id).values(
                status=status, finished_at=end, summary=summary, error=error,
                next_try_at=retry))

    # -- reading ---------------------------------------------------------------------------
    def get_run(self, run_id: int) -> JobRun:
        with self.d.primary() as s:
            row = s.execute(select(t.job_runs).where(t.job_runs.c.id == run_id)).one()
        return JobRun(**row._asdict())

    def runs(self, job: str | None = None, status: str | None = None,
             limit: int = 50) -> list[JobRun]:
        """Most recent first."""
        r = t.job_runs.c
        query = select(t.job_runs).order_by(r.started_at.desc(), r.id.desc()).limit(limit)
        if job:
            query = query.where(r.job == job)
        if status:
            query = query.where(r.status == status)
        with self.d.primary() as s:
            return [JobRun(**row._asdict()) for row in s.execute(query)]

    def last_runs(self) -> dict[str, JobRun]:
        out: dict[str, JobRun] = {}
        for run in self.runs(limit=1000):
            out.setdefault(run.job, run)
        return out


def _call(job: Job, d: Deployment, slot: dt.datetime, at: dt.datetime) -> Any:
    offered = {"deployment": d, "slot": slot, "now": at, "job": job}
    try:
        params = inspect.signature(job.run).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return job.run(d, slot)
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return job.run(**offered)
    return job.run(**{k: v for k, v in offered.items() if k in params})


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)
