"""征地拆迁领域矛盾纠纷问题台账: the land-acquisition and demolition ledger (``land_ledger``).

The county planning and natural-resources bureau keeps it "挂号 + 销号" so that disputes are
"止诉于行业" — settled within the trade, not in court (seed §四 二):

* **register** (挂号): the project, the responsible unit, the people affected, a deadline and the
  measures; the same issue (project + subject + area, or the same ledger number) registered again
  is never a second row: an open one is returned as it is, a closed one is **reopened**;
* **progress**: dated notes, optionally moving the deadline (with the reason in the note);
* **close out** (销号): only with evidence and the sign-off of the unit responsible for the
  issue; whether it ended in a lawsuit is recorded, which is what "settled within the trade"
  counts;
* the **overdue** list: open issues past their deadline, the most overdue first.

Every step is an append-only entry; the issue row is the current state of its entries.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_co_governance import models as m
from suyuan_co_governance.common import (
    area_path,
    db_time,
    need_date,
    organisation,
    organisations_by_id,
    strs,
    text,
    to_date,
    today,
    under,
)
from suyuan_co_governance.settings import Settings
from suyuan_core import (
    Deployment,
    NotFound,
    Period,
    SuyuanError,
    ValidationError,
    period_pattern,
    sql,
    tables,
)
from suyuan_core.inputs import FILLED, accepts
from suyuan_core.times import not_future

MAX_AFFECTED = 100000
MAX_EVIDENCE = 20


class Conflict(SuyuanError):
    """The issue is not in a state that allows this step (409)."""

    status_code = 409


def _names(value: Any) -> tuple[str, ...]:
    return strs(value)


#: a calendar day as the services take it (YYYY-MM-DD, a real day within the years counted).
DAY = period_pattern("day")

@attrs.frozen
class RegisterInput:
    """挂号: an issue entered in the ledger."""

    project: str = attrs.field(metadata=accepts(min_length=1, max_length=200, pattern=FILLED))
    subject: str = attrs.field(metadata=accepts(min_length=1, max_length=300, pattern=FILLED))
    area_code: str
    unit: str
    affected_count: int = attrs.field(metadata=accepts(minimum=1, maximum=100000))
    deadline: str = attrs.field(metadata=accepts(pattern=DAY))
    measures: str = attrs.field(metadata=accepts(min_length=1, max_length=5000, pattern=FILLED))
    affected: tuple[str, ...] = attrs.field(default=(), converter=_names)
    registered_on: str | None = attrs.field(default=None, metadata=accepts(not_future=True))
    ref: str | None = attrs.field(default=None, metadata=accepts(min_length=1, max_length=64, pattern=FILLED))
    case_id: int | None = None


@attrs.frozen
class ProgressInput:
    """A dated progress note; ``deadline`` moves the deadline (say why in the note)."""

    text: str = attrs.field(metadata=accepts(min_length=1, max_length=5000, pattern=FILLED))
    occurred_on: str | None = attrs.field(default=None, metadata=accepts(not_future=True))
    deadline: str | None = attrs.field(default=None, metadata=accepts(pattern=DAY))


@attrs.frozen
class CloseOutInput:
    """销号: evidence and the responsible unit's sign-off; ``lawsuit`` says whether it went to
    court (closed without one is "settled within the trade", 止诉于行业)."""

    evidence: tuple[str, ...] = attrs.field(converter=_names)
    signed_off_by: str
    signatory: str = attrs.field(metadata=accepts(min_length=1, max_length=100, pattern=FILLED))
    lawsuit: bool
    closed_on: str | None = attrs.field(default=None, metadata=accepts(not_future=True))
    note: str = attrs.field(default="", metadata=accepts(max_length=5000))


@attrs.frozen
class ReopenInput:
    """A closed issue that came back: reopened, never registered twice."""

    reason: str = attrs.field(metadata=accepts(min_length=1, max_length=5000, pattern=FILLED))
    deadline: str = attrs.field(metadata=accepts(pattern=DAY))
    occurred_on: str | None = attrs.field(default=None, metadata=accepts(not_future=True))


@attrs.frozen
class Issue:
    id: int
    ref: str
    project: str
    subject: str
    area_code: str
    unit: str
    unit_name: str
    affected_count: int
    affected: tuple[str, ...]
    measures: str
    deadline: dt.date
    registered_on: dt.date
    status: str
    closed_on: dt.date | None
    lawsuit: bool | None
    reopened: int
    case_id: int | None
    entries: tuple[dict[str, Any], ...] = ()

    def overdue_days(self, on: dt.date) -> int:
        """Days past the deadline while open (0 when not overdue)."""
        if self.status != "open" or on <= self.deadline:
            return 0
        return (on - self.deadline).days

    def as_dict(self, on: dt.date | None = None) -> dict[str, Any]:
        out = attrs.asdict(self, recurse=False)
        for key in ("deadline", "registered_on", "closed_on"):
            value = out[key]
            out[key] = value.isoformat() if value else None
        out["affected"] = list(self.affected)
        out["entries"] = list(self.entries)
        if on is not None:
            out["overdue_days"] = self.overdue_days(on)
            out["overdue"] = out["overdue_days"] > 0
        return out


def affected_as_shown(d: Deployment, issue: Issue, reveal: bool = False) -> list[str]:
    """The people an issue affects as a viewer sees them: masked (``刘**``) unless ``reveal`` —
    the column is declared a :class:`~suyuan_core.SensitiveField`, so the core's privacy service
    masks it, the same in every list, page, export and CLI output."""
    shown = d.privacy.row(m.ledger_issues.name, {"affected": list(issue.affected)}, reveal)
    return list(shown["affected"])


@attrs.frozen
class LedgerFilter:
    """Which issues to list: an area scope (paths), a unit, a status, overdue only, a word."""

    area_paths: Sequence[str] | None = None
    unit: str | None = None
    status: str | None = None
    overdue: bool = False
    q: str | None = None
    project: str | None = None


class Ledger:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    @property
    def settings(self) -> Settings:
        return self.d.settings("co_governance")  # type: ignore[no-any-return]

    # -- reading -----------------------------------------------------------------------------
    def get(self, issue_id: int, session: Session | None = None, *,
            entries: bool = True) -> Issue:
        with self._session(session) as s:
            row = s.execute(sa.select(m.ledger_issues)
                            .where(m.ledger_issues.c.id == issue_id)).first()
            if row is None:
                raise NotFound(f"no ledger issue {issue_id}", field="issue_id", rule="exists",
                               hint="see `suyuan co-governance ledger list`")
            return self._issues(s, [row], entries=entries)[0]

    def list(self, f: LedgerFilter = LedgerFilter(), *, on: dt.date | None = None,
             limit: int = 2000) -> builtins.list[Issue]:
        """Issues matching ``f``: overdue first (most overdue first), then open by deadline,
        then closed (latest first)."""
        day = on or today(self.d)
        c = m.ledger_issues.c
        query = sa.select(m.ledger_issues)
        if f.area_paths is not None:
            if not f.area_paths:
                return []
            query = query.where(sql.within(c.area_path, f.area_paths))
        if f.status is not None:
            query = query.where(c.status == f.status)
        if f.overdue:
            query = query.where(c.status == "open", c.deadline < day)
        if f.project:
            query = query.where(c.project == f.project)
        if f.q:
            like = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(sa.or_(c.project.like(like, escape="\\"),
                                       c.subject.like(like, escape="\\"),
                                       c.ref.like(like, escape="\\")))
        with self.d.reading() as s:
            if f.unit:
                unit = organisation(s, f.unit, "unit")
                query = query.where(c.unit_id == unit.id)
            rows = s.execute(query.order_by(c.id).limit(limit)).all()
            found = self._issues(s, rows, entries=False)

        def order(i: Issue) -> tuple[int, int, str, int]:
            late = i.overdue_days(day)
            if late:
                return (0, -late, i.deadline.isoformat(), i.id)
            if i.status == "open":
                return (1, 0, i.deadline.isoformat(), i.id)
            return (2, 0, "", -(i.closed_on or day).toordinal() * 100000 - i.id)

        return sorted(found, key=order)

    def overdue(self, area_paths: Sequence[str] | None = None,
                on: dt.date | None = None) -> builtins.list[Issue]:
        return self.list(LedgerFilter(area_paths=area_paths, overdue=True), on=on)

    def by_unit(self, area_paths: Sequence[str] | None = None, period: Period | None = None,
                on: dt.date | None = None) -> builtins.list[dict[str, Any]]:
        """Per responsible unit: registered, open, overdue, closed, closed on time, settled within
        the trade (closed without a lawsuit), as they stood on ``on`` (default today).
        ``period`` bounds registration (registered, and the issues the other counts look at)."""
        day = on or today(self.d)
        issues = self.list(LedgerFilter(area_paths=area_paths), on=day, limit=10**9)
        if period is not None:
            issues = [i for i in issues if period.start <= i.registered_on < period.end]
        out: dict[str, dict[str, Any]] = {}
        for i in issues:
            row = out.setdefault(i.unit, {"unit": i.unit, "unit_name": i.unit_name,
                                          "registered": 0, "open": 0, "overdue": 0, "closed": 0,
                                          "closed_on_time": 0, "settled_within_trade": 0,
                                          "lawsuits": 0})
            row["registered"] += 1
            if i.status == "open" or (i.closed_on is not None and i.closed_on > day):
                # open on ``day`` (an issue closed out after it was still open then)
                row["open"] += 1
                row["overdue"] += 1 if i.deadline < day else 0
            else:
                row["closed"] += 1
                row["closed_on_time"] += 1 if i.closed_on and i.closed_on <= i.deadline else 0
                if i.lawsuit:
                    row["lawsuits"] += 1
                else:
                    row["settled_within_trade"] += 1
        for row in out.values():
            row["settled_within_trade_rate"] = (
                round(100.0 * row["settled_within_trade"] / row["closed"], 2)
                if row["closed"] else None)
        return sorted(out.values(), key=lambda r: (-r["overdue"], -r["open"], r["unit"]))

    def closed_in(self, area_code: str, period: Period) -> builtins.list[tuple[int, bool]]:
        """(id, went to court) of the issues closed out (销号) in ``period`` in the area's
        subtree: the 止诉于行业 figure counts those without a lawsuit."""
        c = m.ledger_issues.c
        path = self.d.areas.tree.path(area_code)
        with self.d.reading() as s:
            rows = s.execute(sa.select(c.id, c.lawsuit).where(
                under(c.area_path, path), c.status == "closed", c.closed_on >= period.start,
                c.closed_on < period.end).order_by(c.id)).all()
        return [(r.id, bool(r.lawsuit)) for r in rows]

    def overdue_on(self, area_code: str, day: dt.date) -> builtins.list[int]:
        """Ids of the issues in the area's subtree that were open and past their deadline on
        ``day``: registered by then, not closed out by then (or reopened since), deadline
        before it (the deadline as it stands: a moved deadline counts from its new day)."""
        c = m.ledger_issues.c
        path = self.d.areas.tree.path(area_code)
        with self.d.reading() as s:
            return list(s.scalars(sa.select(c.id).where(
                under(c.area_path, path), c.registered_on <= day, c.deadline < day,
                sa.or_(c.status == "open", c.closed_on > day)).order_by(c.id)))

    # -- writing -----------------------------------------------------------------------------
    def register(self, item: RegisterInput, *, actor: str,
                 session: Session | None = None) -> tuple[Issue, str]:
        """挂号. Returns the issue and what happened: ``registered``, ``reopened`` (it was closed
        and came back) or ``already_open`` (nothing written)."""
        d = self.d
        project = text(item.project, "project")
        subject = text(item.subject, "subject", max_length=300)
        path = area_path(d, item.area_code)
        measures = text(item.measures, "measures", max_length=5000)
        count = item.affected_count
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_AFFECTED:
            raise ValidationError(f"{count!r} is not a number of people between 1 and "
                                  f"{MAX_AFFECTED}", field="affected_count", rule="range",
                                  hint="how many people the issue affects (at least 1)")
        affected = tuple(text(n, f"affected[{i}]", max_length=50)
                         for i, n in enumerate(item.affected))
        if len(affected) > count:
            raise ValidationError(f"{len(affected)} names for {count} people affected",
                                  field="affected", rule="range",
                                  hint="raise affected_count or list fewer names")
        registered_on = not_future(d, to_date(item.registered_on, "registered_on")
                                    or today(d), "registered_on")
        deadline = need_date(item.deadline, "deadline")
        if deadline < registered_on:
            raise ValidationError(f"deadline {deadline} is before the registration "
                                  f"({registered_on})", field="deadline", rule="after_register",
                                  hint="give a deadline on or after the day it is registered")
        ref = text(item.ref, "ref", max_length=64) if item.ref is not None else None
        c = m.ledger_issues.c
        with d.transaction(session) as s:
            unit = organisation(s, item.unit, "unit")
            if item.case_id is not None:
                d.cases.get(item.case_id, s)
            same = sa.and_(c.project == project, c.subject == subject,
                           c.area_code == item.area_code)
            existing = s.execute(sa.select(m.ledger_issues).where(
                sa.or_(same, c.ref == ref) if ref else same)).first()
            if existing is not None:
                if existing.status == "open":
                    return self.get(existing.id, s), "already_open"
                reason = f"再次挂号: {measures}"
                self._reopen(s, existing.id, reason, deadline, registered_on, actor,
                             unit_id=unit.id, measures=measures, affected_count=count,
                             affected=affected)
                return self.get(existing.id, s), "reopened"
            number = ref or self._next_ref(s, registered_on)
            issue_id = s.execute(m.ledger_issues.insert().returning(c.id), {
                "ref": number, "project": project, "subject": subject,
                "area_code": item.area_code, "area_path": path, "unit_id": unit.id,
                "affected_count": count, "affected": list(affected), "measures": measures,
                "deadline": deadline, "registered_on": registered_on, "status": "open",
                "reopened": 0, "case_id": item.case_id}).scalar_one()
            self._entry(s, issue_id, "register", registered_on, actor, text=measures,
                        deadline=deadline)
            return self.get(issue_id, s), "registered"

    def progress(self, issue_id: int, item: ProgressInput, *, actor: str,
                 session: Session | None = None) -> Issue:
        d = self.d
        note = text(item.text, "text", max_length=5000)
        on = not_future(d, to_date(item.occurred_on, "occurred_on") or today(d), "occurred_on")
        with d.transaction(session) as s:
            issue = self.get(issue_id, s, entries=False)
            if issue.status != "open":
                raise Conflict(f"ledger issue {issue.ref} is closed out", field="issue_id",
                               rule="status", hint="reopen it first if it came back")
            if on < issue.registered_on:
                raise ValidationError(f"{on} is before the issue was registered "
                                      f"({issue.registered_on})", field="occurred_on",
                                      rule="after_register")
            deadline = to_date(item.deadline, "deadline")
            if deadline is not None:
                if deadline < issue.registered_on:
                    raise ValidationError(f"deadline {deadline} is before the registration",
                                          field="deadline", rule="after_register")
                s.execute(m.ledger_issues.update().where(m.ledger_issues.c.id == issue_id)
                          .values(deadline=deadline))
            self._entry(s, issue_id, "progress", on, actor, text=note, deadline=deadline)
            return self.get(issue_id, s)

    def close_out(self, issue_id: int, item: CloseOutInput, *, actor: str,
                  session: Session | None = None) -> Issue:
        """销号, only with evidence and the responsible unit's sign-off; refused otherwise and
        nothing is written."""
        d = self.d
        if not isinstance(item.lawsuit, bool):
            raise ValidationError("say whether it ended in a lawsuit (true or false)",
                                  field="lawsuit", rule="type")
        evidence = tuple(text(e, f"evidence[{i}]", max_length=500)
                         for i, e in enumerate(item.evidence))
        if not evidence:
            raise ValidationError("a close-out (销号) needs evidence that the issue is settled",
                                  field="evidence", rule="required",
                                  hint="list at least one item, e.g. 补偿协议 or 签收回执")
        if len(evidence) > MAX_EVIDENCE:
            raise ValidationError(f"at most {MAX_EVIDENCE} items of evidence", field="evidence",
                                  rule="range")
        signatory = text(item.signatory, "signatory", max_length=100)
        note = text(item.note, "note", max_length=5000, required=False)
        on = not_future(d, to_date(item.closed_on, "closed_on") or today(d), "closed_on")
        with d.transaction(session) as s:
            issue = self.get(issue_id, s, entries=False)
            if issue.status != "open":
                raise Conflict(f"ledger issue {issue.ref} is already closed out",
                               field="issue_id", rule="status")
            unit = organisation(s, item.signed_off_by, "signed_off_by")
            if unit.external_id != issue.unit:
                raise ValidationError(
                    f"{unit.name} ({unit.external_id}) is not the unit responsible for "
                    f"{issue.ref}; {issue.unit_name} ({issue.unit}) is",
                    field="signed_off_by", rule="responsible_unit",
                    hint=f"the close-out must be signed off by {issue.unit}")
            if on < issue.registered_on:
                raise ValidationError(f"{on} is before the issue was registered "
                                      f"({issue.registered_on})", field="closed_on",
                                      rule="after_register")
            s.execute(m.ledger_issues.update().where(m.ledger_issues.c.id == issue_id)
                      .values(status="closed", closed_on=on, lawsuit=item.lawsuit))
            self._entry(s, issue_id, "close_out", on, actor, text=note, evidence=list(evidence),
                        signed_by_id=unit.id, signatory=signatory, lawsuit=item.lawsuit)
            return self.get(issue_id, s)

    def reopen(self, issue_id: int, item: ReopenInput, *, actor: str,
               session: Session | None = None) -> Issue:
        d = self.d
        reason = text(item.reason, "reason", max_length=5000)
        deadline = need_date(item.deadline, "deadline")
        on = not_future(d, to_date(item.occurred_on, "occurred_on") or today(d), "occurred_on")
        with d.transaction(session) as s:
            self._reopen(s, issue_id, reason, deadline, on, actor)
            return self.get(issue_id, s)

    def _reopen(self, s: Session, issue_id: int, reason: str, deadline: dt.date, on: dt.date,
                actor: str, **changes: Any) -> None:
        issue = self.get(issue_id, s, entries=False)
        if issue.status != "closed":
            raise Conflict(f"ledger issue {issue.ref} is still open", field="issue_id",
                           rule="status", hint="record progress instead")
        if issue.closed_on and on < issue.closed_on:
            raise ValidationError(f"{on} is before the close-out ({issue.closed_on})",
                                  field="occurred_on", rule="after_close_out")
        if deadline < on:
            raise ValidationError(f"deadline {deadline} is before {on}", field="deadline",
                                  rule="after_reopen")
        values: dict[str, Any] = {"status": "open", "closed_on": None, "lawsuit": None,
                                  "deadline": deadline, "reopened": issue.reopened + 1}
        if "affected" in changes:
            changes["affected"] = list(changes["affected"])
        values.update(changes)
        s.execute(m.ledger_issues.update().where(m.ledger_issues.c.id == issue_id).values(**values))
        self._entry(s, issue_id, "reopen", on, actor, text=reason, deadline=deadline)

    # -- helpers -----------------------------------------------------------------------------
    def _session(self, session: Session | None) -> Any:
        if session is not None:
            from contextlib import nullcontext

            return nullcontext(session)
        return self.d.reading()

    def _next_ref(self, s: Session, on: dt.date) -> str:
        prefix = f"{self.settings.ledger_prefix}-{on.year}-"
        c = m.ledger_issues.c
        taken = s.scalars(sa.select(c.ref).where(c.ref.like(prefix + "%"))).all()
        numbers = [int(r[len(prefix):]) for r in taken if r[len(prefix):].isdigit()]
        return f"{prefix}{max(numbers, default=0) + 1:04d}"

    def _entry(self, s: Session, issue_id: int, kind: str, on: dt.date, actor: str, *,
               text: str = "", evidence: builtins.list[str] | None = None, signed_by_id: int | None = None,
               signatory: str | None = None, lawsuit: bool | None = None,
               deadline: dt.date | None = None) -> None:
        s.execute(m.ledger_entries.insert(), {
            "issue_id": issue_id, "kind": kind, "occurred_on": on, "text": text,
            "evidence": evidence or [], "signed_by_id": signed_by_id, "signatory": signatory,
            "lawsuit": lawsuit, "deadline": deadline, "actor": actor,
            "recorded_at": db_time(dt.datetime.now(dt.UTC))})

    def _issues(self, s: Session, rows: Sequence[Any], *, entries: bool) -> builtins.list[Issue]:
        orgs = organisations_by_id(s, [r.unit_id for r in rows])
        by_issue: dict[int, builtins.list[dict[str, Any]]] = {}
        if entries and rows:
            e = m.ledger_entries.c
            found = s.execute(sa.select(m.ledger_entries).where(
                e.issue_id.in_([r.id for r in rows])).order_by(e.id)).all()
            signers = organisations_by_id(s, [x.signed_by_id for x in found if x.signed_by_id])
            for x in found:
                signer = signers.get(x.signed_by_id) if x.signed_by_id else None
                by_issue.setdefault(x.issue_id, []).append({
                    "id": x.id, "kind": x.kind, "occurred_on": x.occurred_on.isoformat(),
                    "text": x.text, "evidence": list(x.evidence or ()),
                    "signed_off_by": signer.external_id if signer else None,
                    "signed_off_by_name": signer.name if signer else None,
                    "signatory": x.signatory, "lawsuit": x.lawsuit,
                    "deadline": x.deadline.isoformat() if x.deadline else None,
                    "actor": x.actor})
        out = []
        for r in rows:
            unit = orgs.get(r.unit_id)
            out.append(Issue(
                id=r.id, ref=r.ref, project=r.project, subject=r.subject, area_code=r.area_code,
                unit=unit.external_id if unit else "", unit_name=unit.name if unit else "",
                affected_count=r.affected_count, affected=tuple(r.affected or ()),
                measures=r.measures, deadline=r.deadline, registered_on=r.registered_on,
                status=r.status, closed_on=r.closed_on, lawsuit=r.lawsuit,
                reopened=r.reopened or 0, case_id=r.case_id,
                entries=tuple(by_issue.get(r.id, ()))))
        return out


def unit_ids(s: Session, external_ids: Sequence[str]) -> dict[str, int]:
    o = tables.organisations.c
    return dict(s.execute(sa.select(o.external_id, o.id)
                          .where(o.external_id.in_(list(external_ids)))).all())
