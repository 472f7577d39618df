"""Scheduled work: plugins declare :class:`Job` objects (``suyuan_register_jobs``), the core runs
them — an embedded scheduler inside ``suyuan serve`` by default, or ``suyuan worker`` processes on
a PostgreSQL job queue — and records every run in ``job_runs``, one row per (job, slot), so that a
job never runs twice for the same slot however many workers tick."""

from suyuan_core.jobs.runner import JobRun, JobService
from suyuan_core.jobs.spec import Job, slot_of

__all__ = ["Job", "JobRun", "JobService", "slot_of"]
