"""Merging duplicate cases (重复诉求合并, DOMAIN-RULES §3).

A duplicate (the *child*) is merged into the case it repeats (the *parent*) with a ``merge`` event;
``unmerge`` undoes it. Both keep their whole history, but a merged child counts in no figure:

* its later events carry ``EventFacts.merged`` and metrics ignore them (unless ``counts_merged``);
* its earlier events were already in the rollups, so the merge takes their contributions back in
  the same transaction, and an unmerge puts every event's contribution back.

``suyuan metrics verify`` agrees because a recomputation simply skips the cases merged right now.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from suyuan_core.domain.cases import Case
from suyuan_core.errors import Conflict
from suyuan_core.metrics.rollup import FACT_COLUMNS, facts_from_row
from suyuan_core.storage import tables

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment


class MergeService:
    """``deployment.merges``: the only way to write ``merge`` and ``unmerge`` events."""

    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def merge(self, case_id: int, into: int, *, actor: str, reason: str | None = None,
              data: dict[str, Any] | None = None, occurred_at: dt.datetime | None = None,
              session: Session | None = None) -> Case:
        """Merge case ``case_id`` into case ``into``. Refused (nothing written) when either is
        missing, they are the same case, the child is already merged, or the parent is itself
        merged (no chains: merge into the parent's parent instead)."""
        if case_id == into:
            raise Conflict("a case cannot be merged into itself", field="into",
                                  rule="different_case")
        with self.d.transaction(session) as s:
            child = self.d.cases.get(case_id, s, lock=True)
            parent = self.d.cases.get(into, s)
            if child.merged_into is not None:
                raise Conflict(f"case {case_id} is already merged into {child.merged_into}",
                                      field="case_id", rule="not_merged",
                                      hint="unmerge it first")
            if parent.merged_into is not None:
                raise Conflict(f"case {into} is itself merged into {parent.merged_into}",
                                      field="into", rule="not_merged",
                                      hint=f"merge into case {parent.merged_into} instead")
            self._adjust(s, case_id, -1)
            return self.d.cases._append(case_id, "merge", actor=actor, reason=reason,
                                        data={**(data or {}), "into": into},
                                        expected_version=None, occurred_at=occurred_at,
                                        session=s, merging=True)

    def unmerge(self, case_id: int, *, actor: str, reason: str | None = None,
                occurred_at: dt.datetime | None = None, session: Session | None = None) -> Case:
        """Undo a merge: the case counts again, with its whole history."""
        with self.d.transaction(session) as s:
            child = self.d.cases.get(case_id, s, lock=True)
            if child.merged_into is None:
                raise Conflict(f"case {case_id} is not merged", field="case_id",
                                      rule="merged")
            self._adjust(s, case_id, +1)
            return self.d.cases._append(case_id, "unmerge", actor=actor, reason=reason,
                                        data={"from": child.merged_into},
                                        expected_version=None, occurred_at=occurred_at,
                                        session=s, merging=True)

    def _adjust(self, s: Session, case_id: int, sign: int) -> None:
        """Take back (``-1``) or put back (``+1``) every earlier event's contribution (for a
        ``once_per_case`` metric, that of the one event of the case it counts: the increments of
        a whole history work it out)."""
        e = tables.case_events.c
        rows = s.execute(select(*FACT_COLUMNS).where(e.case_id == case_id).order_by(e.seq)).all()
        facts = [facts_from_row(r) for r in rows]  # as stored: merged=False
        rollup = self.d.rollup
        increments = rollup.increments(facts, self.d.areas.tree)
        rollup.write(s, {k: [sign * v[0], sign * v[1]] for k, v in increments.items()})
