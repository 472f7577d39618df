"""Retention limits (PIPL Art 19, 47): a register record is kept for the configured years after
its term ends (or a referral after it closes), then purged. The purge deletes the records with
their entries and leaves one audit entry naming how many and which ids — never their contents."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from suyuan_core import Deployment
from suyuan_virtue import models as m
from suyuan_virtue.settings import Settings
from suyuan_virtue.times import add_months


def _cutoff(on: dt.date, years: int) -> dt.date:
    return add_months(on, -12 * years)


class Retention:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    @property
    def settings(self) -> Settings:
        return self.d.settings("virtue")  # type: ignore[no-any-return]

    def due(self, on: dt.date) -> dict[str, list[int]]:
        """Ids past their retention limit on ``on``, per register."""
        st = self.settings
        r, f = m.register_records.c, m.referrals.c
        out: dict[str, list[int]] = {}
        with self.d.reading() as s:
            for register, years in (("community_correction", st.correction_retention_years),
                                    ("resettlement", st.resettlement_retention_years)):
                out[register] = [int(i) for i in s.scalars(
                    sa.select(r.id).where(r.register == register,
                                          r.term_end < _cutoff(on, years)).order_by(r.id))]
            out["counselling"] = [int(i) for i in s.scalars(
                sa.select(f.id).where(f.status == "closed", f.closed_on.is_not(None),
                                      f.closed_on < _cutoff(on, st.counselling_retention_years))
                .order_by(f.id))]
        return out

    def purge(self, *, actor: str, on: dt.date, dry_run: bool = False) -> dict[str, Any]:
        due = self.due(on)
        summary = {"on": on.isoformat(), "counts": {k: len(v) for k, v in due.items()},
                   "dry_run": dry_run}
        if dry_run:
            return summary
        with self.d.transaction() as s:
            for register, ids in due.items():
                for chunk in range(0, len(ids), 500):
                    part = ids[chunk:chunk + 500]
                    if register == "counselling":
                        s.execute(m.counselling_sessions.delete().where(
                            m.counselling_sessions.c.referral_id.in_(part)))
                        s.execute(m.referrals.delete().where(m.referrals.c.id.in_(part)))
                    else:
                        s.execute(m.register_entries.delete().where(
                            m.register_entries.c.record_id.in_(part)))
                        s.execute(m.register_records.delete().where(
                            m.register_records.c.id.in_(part)))
            self.d.audit.write(s, actor=actor, action="virtue.register.purge",
                               record="virtue.registers:*",
                               reason="retention limit reached (保存期限届满)",
                               detail={"on": on.isoformat(), "ids": due,
                                       "counts": summary["counts"]})
        return summary
