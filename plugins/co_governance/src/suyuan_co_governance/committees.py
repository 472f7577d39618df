"""行业性调解委员会 / 仲裁会 (``industry_committee``): trade and industry mediation committees.

The county's agriculture and rural affairs bureau and its health commission each run one (seed
§四 二). A committee declares the categories it covers and the areas it covers them in; a dispute
of its trade is proposed to it through ``suyuan_case_route`` with the reason (medical → the health
committee; land transfer, farm produce → the agriculture committee). A category includes its
sub-types (a committee covering ``land_acquisition`` covers ``resettlement_compensation``).

Two committees may not claim one category for one area without a priority that settles which
comes first (lower number first): such a claim is refused and nothing is written. A committee
covering a smaller area inside another's is more specific and needs no priority.

The cases a committee received (assigned to ``organisation:<its id>``) and how they ended are
projected from the case events, inside the transaction that writes each event, into
``cg_committee_cases``: caseload, results and time to result per committee are lookups there,
and each figure lists the very cases it counts.
"""

from __future__ import annotations

import builtins
import datetime as dt
import statistics
from collections.abc import Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_co_governance import models as m
from suyuan_co_governance.common import (
    area_path,
    code_of,
    db_time,
    from_db_time,
    local_date,
    organisation,
    text,
    tz,
)
from suyuan_co_governance.settings import Settings
from suyuan_co_governance.vocab import COMMITTEE_FORMS
from suyuan_core import (
    Case,
    CaseEvent,
    Conflict,
    Deployment,
    NotFound,
    Organisation,
    Period,
    RouteProposal,
    ValidationError,
    period_pattern,
    sql,
    tables,
)
from suyuan_core.inputs import FILLED, accepts, check_ranges, from_dict

RESULT_OF = {"resolve": "resolved", "fail": "unresolved", "refer": "referred",
             "withdraw": "withdrawn"}
KIND = "industry_committee"


def _whole(value: Any) -> Any:
    """5.0 is the JSON integer 5 (JSON Schema says so): build with 5."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


@attrs.frozen
class CoverageItem:
    """What a committee covers: a category (with its sub-types) in an area's subtree; a
    ``priority`` (1 first) settles which committee comes first where two claim the same."""

    category: str
    area_code: str
    priority: int | None = attrs.field(default=None, converter=_whole,
                                       metadata=accepts(minimum=1, maximum=99))


def _coverage(value: Any) -> tuple[CoverageItem, ...]:
    """Each item as a :class:`CoverageItem` (an object of its fields, or one already)."""
    if value is None:
        return ()
    items = (value,) if isinstance(value, dict | CoverageItem) else tuple(value)
    out = []
    for i, c in enumerate(items):
        if isinstance(c, dict):  # the ranges first, so that a refusal names the item
            check_ranges(CoverageItem, c, f"coverage[{i}]")
        out.append(c if isinstance(c, CoverageItem) else from_dict(CoverageItem, c,
                                                                   f"coverage[{i}]"))
    return tuple(out)


#: a calendar day as the services take it (YYYY-MM-DD, a real day within the years counted).
DAY = period_pattern("day")

@attrs.frozen
class CommitteeInput:
    """A trade/industry committee: the organisation, its sponsoring department and what it
    covers: ``coverage`` is a list of ``{"category", "area_code", "priority"?}``, each category
    once per area."""

    external_id: str = attrs.field(metadata=accepts(min_length=1, max_length=64, pattern=FILLED))
    name: str = attrs.field(metadata=accepts(min_length=1, max_length=200, pattern=FILLED))
    area_code: str
    sponsor: str = attrs.field(metadata=accepts(min_length=1, max_length=200, pattern=FILLED))
    coverage: tuple[CoverageItem, ...] = attrs.field(converter=_coverage, metadata=accepts(
        min_items=1, unique_items=True))
    form: str = attrs.field(default="mediation", metadata=accepts(enum=COMMITTEE_FORMS))


@attrs.frozen
class Committee:
    external_id: str
    name: str
    area_code: str
    sponsor: str
    form: str
    coverage: tuple[dict[str, Any], ...]

    def as_dict(self) -> dict[str, Any]:
        out = attrs.asdict(self, recurse=False)
        out["coverage"] = [dict(c) for c in self.coverage]
        return out


class Committees:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    @property
    def settings(self) -> Settings:
        return self.d.settings("co_governance")  # type: ignore[no-any-return]

    # -- declaring -----------------------------------------------------------------------
    def save(self, item: CommitteeInput, *, session: Session | None = None) -> Committee:
        """Create or replace a committee and its coverage (all or nothing)."""
        d = self.d
        external_id = text(item.external_id, "external_id", max_length=64)
        name = text(item.name, "name")
        area_path(d, item.area_code)
        sponsor = text(item.sponsor, "sponsor")
        form = code_of(COMMITTEE_FORMS, item.form, "form")
        wanted = self._check_coverage(item.coverage)
        with d.transaction(session) as s:
            o = tables.organisations.c
            existing = s.execute(sa.select(tables.organisations)
                                 .where(o.external_id == external_id)).first()
            if existing is not None and existing.kind != KIND:
                raise Conflict(f"{external_id!r} is a {existing.kind}, not an industry "
                               "committee", field="external_id", rule="kind",
                               hint="choose another id")
            d.roster.save_organisations([Organisation(external_id=external_id, name=name,
                                                      kind=KIND, area_code=item.area_code)],
                                        session=s)
            org = organisation(s, external_id, "external_id")
            self._check_conflicts(s, org.id, wanted)
            s.info.pop("cg_committee_ids", None)
            s.execute(m.committees.delete().where(m.committees.c.organisation_id == org.id))
            s.execute(m.committees.insert(), {"organisation_id": org.id, "sponsor": sponsor,
                                              "form": form})
            s.execute(m.coverage.delete().where(m.coverage.c.organisation_id == org.id))
            if wanted:
                s.execute(m.coverage.insert(), [{"organisation_id": org.id, **c} for c in wanted])
            return self.get(external_id, s)

    def _check_coverage(self, items: Sequence[Any]) -> builtins.list[dict[str, Any]]:
        d = self.d
        if not items:
            raise ValidationError("a committee covers at least one category in one area",
                                  field="coverage", rule="required",
                                  hint='e.g. [{"category": "medical", "area_code": "C"}]')
        out: builtins.list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()
        for i, raw in enumerate(items):
            where = f"coverage[{i}]"
            c = raw if isinstance(raw, CoverageItem) else from_dict(CoverageItem, raw, where)
            category, area, priority = c.category, c.area_code, c.priority
            if not isinstance(category, str) or category not in d.categories:
                raise ValidationError(f"unknown category {category!r}", field=f"{where}.category",
                                      rule="exists", hint="see `suyuan categories` for the codes")
            area_path(d, area, f"{where}.area_code")
            if priority is not None and (isinstance(priority, bool) or not isinstance(
                    priority, int) or not 1 <= priority <= 99):
                raise ValidationError(f"{priority!r} is not a priority from 1 to 99",
                                      field=f"{where}.priority", rule="range",
                                      hint="1 comes first; leave it out when no other committee "
                                           "claims the category there")
            if (category, area) in seen:
                raise ValidationError(f"{category} in {area} is listed twice", field=where,
                                      rule="unique")
            seen.add((category, area))
            out.append({"category": category, "area_code": area, "priority": priority})
        return out

    def _check_conflicts(self, s: Session, org_id: int, wanted: builtins.list[dict[str, Any]]) -> None:
        cv, o = m.coverage.c, tables.organisations.c
        for i, c in enumerate(wanted):
            rows = s.execute(sa.select(cv.priority, o.external_id, o.name)
                             .join(tables.organisations, o.id == cv.organisation_id)
                             .where(cv.category == c["category"], cv.area_code == c["area_code"],
                                    cv.organisation_id != org_id)).all()
            for other in rows:
                if c["priority"] is None or other.priority is None or \
                        other.priority == c["priority"]:
                    category = self.d.categories.get(c["category"])
                    held = f" at priority {other.priority}" if other.priority else ""
                    raise Conflict(
                        f"{other.name} ({other.external_id}) already covers "
                        f"{category.label.zh if category else c['category']} "
                        f"({c['category']}) in {c['area_code']}{held}",
                        field=f"coverage[{i}].priority", rule="coverage_conflict",
                        hint="give each committee a different priority for this category and "
                             "area (1 comes first), or leave the category to the other committee")

    # -- reading -------------------------------------------------------------------------
    def get(self, external_id: str, session: Session | None = None) -> Committee:
        found = self.list(external_ids=[external_id], session=session)
        if not found:
            raise NotFound(f"no industry committee {external_id!r}", field="committee",
                           rule="exists", hint="see `suyuan co-governance committees list`")
        return found[0]

    def list(self, *, area_paths: Sequence[str] | None = None,
             external_ids: Sequence[str] | None = None,
             session: Session | None = None) -> builtins.list[Committee]:
        """Committees whose own area lies in ``area_paths`` (or covers one of them)."""
        o, k, cv = tables.organisations.c, m.committees.c, m.coverage.c
        query = (sa.select(o.id, o.external_id, o.name, o.area_code, k.sponsor, k.form)
                 .join(m.committees, k.organisation_id == o.id).order_by(o.external_id))
        if external_ids is not None:
            query = query.where(o.external_id.in_(list(external_ids)))

        def run(s: Session) -> builtins.list[Committee]:
            rows = s.execute(query).all()
            cover: dict[int, builtins.list[dict[str, Any]]] = {}
            if rows:
                for c in s.execute(sa.select(m.coverage).where(
                        cv.organisation_id.in_([r.id for r in rows])).order_by(cv.id)):
                    cover.setdefault(c.organisation_id, []).append(
                        {"category": c.category, "area_code": c.area_code,
                         "priority": c.priority})
            tree = self.d.areas.tree
            out = []
            for r in rows:
                if area_paths is not None:
                    mine = tree.path(r.area_code) if r.area_code in tree else ""
                    if not any(mine.startswith(p) or p.startswith(mine) for p in area_paths):
                        continue
                out.append(Committee(r.external_id, r.name, r.area_code, r.sponsor, r.form,
                                     tuple(cover.get(r.id, ()))))
            return out

        if session is not None:
            return run(session)
        with self.d.reading() as s:
            return run(s)

    # -- routing -------------------------------------------------------------------------
    def propose(self, case: Case, session: Session) -> builtins.list[RouteProposal]:
        """The committees whose declared trade covers the case (its category or a parent
        category, in its area or an area above)."""
        d = self.d
        tree = d.areas.tree
        if case.area_code not in tree:
            return []
        chain = self._category_chain(case.category)
        areas = list(tree.ancestors(case.area_code))
        cv, o, k = m.coverage.c, tables.organisations.c, m.committees.c
        rows = session.execute(
            sa.select(cv.category, cv.area_code, cv.priority, o.external_id, o.name, k.sponsor)
            .join(tables.organisations, o.id == cv.organisation_id)
            .join(m.committees, k.organisation_id == o.id)
            .where(cv.category.in_(chain), cv.area_code.in_(areas))).all()
        if not rows:
            return []
        # the most specific claims first: exact category, nearest area, then priority.
        ranked = sorted(rows, key=lambda r: (chain.index(r.category), areas.index(r.area_code),
                                             r.priority if r.priority is not None else 100,
                                             r.external_id))
        base = self.settings.route_score
        out: dict[str, RouteProposal] = {}
        for rank, r in enumerate(ranked):
            if r.external_id in out:
                continue
            exact = r.category == case.category
            score = round(max(0.05, base - (0 if exact else 0.1) - 0.05 * len(out)), 3)
            cat = d.categories.get(r.category)
            cat_zh = cat.label.zh if cat else r.category
            cat_en = cat.label.en if cat else r.category
            area = tree.get(r.area_code)
            via = "" if exact else f"(属{cat_zh}类)"
            priority = f"; 优先级 {r.priority}" if r.priority is not None else ""
            reason = (f"{cat_zh}{via}属{r.name}受理范围({area.name_zh}){priority}; "
                      f"主管单位 {r.sponsor} — the committee's declared trade covers "
                      f"{cat_en} in {area.code}" + ("" if exact else f" ({case.category} is a "
                                                     f"kind of {r.category})"))
            del rank
            out[r.external_id] = RouteProposal("organisation", r.external_id, score, reason)
        return list(out.values())

    def _category_chain(self, code: str) -> builtins.list[str]:
        chain: builtins.list[str] = []
        current: str | None = code
        while current is not None and current not in chain:
            chain.append(current)
            found = self.d.categories.get(current)
            current = found.parent if found else None
        return chain

    # -- the projection of case events ---------------------------------------------------
    def observe(self, case: Case, event: CaseEvent, session: Session) -> None:
        """Keep ``cg_committee_cases`` in step with the case's events (same transaction)."""
        if event.kind == "assign":
            wanted = [a.split(":", 1)[1] for a in event.data.get("assignees") or ()
                      if isinstance(a, str) and a.startswith("organisation:")]
            if not wanted:
                return
            committee_ids = self._committee_ids(session)
            ids = sorted({committee_ids[w] for w in wanted if w in committee_ids})
            if not ids:
                return
            known = self._known(session)
            cc = m.committee_cases.c
            path = self.d.areas.tree.path(case.area_code)
            for org_id in ids:
                # a case not yet known has no row for any committee: no query to ask
                if case.id in known and session.scalar(
                        sa.select(cc.id).where(cc.organisation_id == org_id,
                                               cc.case_id == case.id)) is not None:
                    continue
                session.execute(m.committee_cases.insert(), {
                    "organisation_id": org_id, "case_id": case.id, "area_path": path,
                    "category": case.category, "assigned_at": db_time(event.occurred_at),
                    "result": None, "result_at": None})
                known.add(case.id or 0)
            return
        if event.kind in RESULT_OF or event.kind == "reopen":
            if case.id not in self._known(session):
                return
            cc = m.committee_cases.c
            if event.kind == "reopen":
                values: dict[str, Any] = {"result": None, "result_at": None}
                where = cc.case_id == case.id
            else:
                values = {"result": RESULT_OF[event.kind],
                          "result_at": db_time(event.occurred_at)}
                where = sa.and_(cc.case_id == case.id, cc.result.is_(None))
            session.execute(m.committee_cases.update().where(where).values(**values))

    def rebuild(self) -> int:
        """Recompute ``cg_committee_cases`` from the case events alone (after the plugin was
        enabled on a deployment with history, or to check the projection). Returns the rows."""
        e, c = tables.case_events.c, tables.cases.c
        kinds = ["assign", *RESULT_OF, "reopen"]
        with self.d.transaction() as s:
            k, o = m.committees.c, tables.organisations.c
            committee_ids = dict(s.execute(sa.select(o.external_id, o.id)
                                           .join(m.committees, k.organisation_id == o.id)).all())
            s.execute(m.committee_cases.delete())
            rows: dict[tuple[int, int], dict[str, Any]] = {}
            open_by_case: dict[int, list[tuple[int, int]]] = {}
            query = (sa.select(e.case_id, e.kind, e.data, e.occurred_at, c.area_path, c.category)
                     .join(tables.cases, c.id == e.case_id).where(e.kind.in_(kinds))
                     .order_by(e.case_id, e.seq))
            for r in s.execute(query):
                if r.kind == "assign":
                    for a in (r.data or {}).get("assignees") or ():
                        if not (isinstance(a, str) and a.startswith("organisation:")):
                            continue
                        org_id = committee_ids.get(a.split(":", 1)[1])
                        if org_id is None or (org_id, r.case_id) in rows:
                            continue
                        rows[(org_id, r.case_id)] = {
                            "organisation_id": org_id, "case_id": r.case_id,
                            "area_path": r.area_path, "category": r.category,
                            "assigned_at": r.occurred_at, "result": None, "result_at": None}
                        open_by_case.setdefault(r.case_id, []).append((org_id, r.case_id))
                    continue
                for key in open_by_case.get(r.case_id, ()):
                    row = rows[key]
                    if r.kind == "reopen":
                        row["result"] = row["result_at"] = None
                    elif row["result"] is None:
                        row["result"] = RESULT_OF[r.kind]
                        row["result_at"] = r.occurred_at
            if rows:
                s.execute(m.committee_cases.insert(), list(rows.values()))
            s.info.pop("cg_committee_cases", None)
            return len(rows)

    @staticmethod
    def _committee_ids(session: Session) -> dict[str, int]:
        """The committees' organisation ids by external id, read once per session (a bulk
        import observes tens of thousands of assignments in one; :meth:`save` forgets it)."""
        found = session.info.get("cg_committee_ids")
        if found is None:
            k, o = m.committees.c, tables.organisations.c
            found = dict(session.execute(sa.select(o.external_id, o.id)
                                         .join(m.committees, k.organisation_id == o.id)).all())
            session.info["cg_committee_ids"] = found
        return found  # type: ignore[no-any-return]

    @staticmethod
    def _known(session: Session) -> set[int]:
        known = session.info.get("cg_committee_cases")
        if known is None:
            known = set(session.scalars(sa.select(m.committee_cases.c.case_id)))
            session.info["cg_committee_cases"] = known
        return known  # type: ignore[no-any-return]

    # -- figures -------------------------------------------------------------------------
    def _rows(self, s: Session, external_id: str | None, area_paths: Sequence[str] | None,
              period: Period | None) -> builtins.list[Any]:
        cc, o = m.committee_cases.c, tables.organisations.c
        query = (sa.select(cc.case_id, cc.category, cc.assigned_at, cc.result, cc.result_at,
                           o.external_id, o.name)
                 .join(tables.organisations, o.id == cc.organisation_id).order_by(cc.case_id))
        if external_id is not None:
            query = query.where(o.external_id == external_id)
        if area_paths is not None:
            if not area_paths:
                return []
            query = query.where(sql.within(cc.area_path, area_paths))
        if period is not None:
            start = db_time(dt.datetime.combine(period.start, dt.time(), tz(self.d)))
            end = db_time(dt.datetime.combine(period.end, dt.time(), tz(self.d)))
            query = query.where(cc.assigned_at >= start, cc.assigned_at < end)
        return list(s.execute(query).all())

    def figures(self, *, area_paths: Sequence[str] | None = None, period: Period | None = None,
                external_id: str | None = None) -> builtins.list[dict[str, Any]]:
        """Per committee: caseload (cases assigned in the period), resolved, unresolved,
        referred, withdrawn, open, success rate and days from assignment to result (mean,
        median)."""
        with self.d.reading() as s:
            rows = self._rows(s, external_id, area_paths, period)
        committees = {c.external_id: c for c in self.list(
            external_ids=[external_id] if external_id else None)}
        out: dict[str, dict[str, Any]] = {
            c.external_id: {"committee": c.external_id, "name": c.name, "sponsor": c.sponsor,
                            "caseload": 0, "resolved": 0, "unresolved": 0, "referred": 0,
                            "withdrawn": 0, "open": 0, "days": []}
            for c in committees.values()}
        for r in rows:
            f = out.setdefault(r.external_id, {
                "committee": r.external_id, "name": r.name, "sponsor": "", "caseload": 0,
                "resolved": 0, "unresolved": 0, "referred": 0, "withdrawn": 0, "open": 0,
                "days": []})
            f["caseload"] += 1
            f[r.result or "open"] += 1
            if r.result in ("resolved", "unresolved", "referred") and r.result_at:
                f["days"].append((r.result_at - r.assigned_at).total_seconds() / 86400)
        for f in out.values():
            days = f.pop("days")
            settled = f["resolved"] + f["unresolved"]
            f["success_rate"] = round(100.0 * f["resolved"] / settled, 2) if settled else None
            f["mean_days_to_result"] = round(statistics.fmean(days), 1) if days else None
            f["median_days_to_result"] = round(statistics.median(days), 1) if days else None
            f["with_result"] = len(days)
        return sorted(out.values(), key=lambda f: (-f["caseload"], f["committee"]))

    def cases(self, external_id: str, *, result: str | None = None,
              area_paths: Sequence[str] | None = None,
              period: Period | None = None) -> builtins.list[dict[str, Any]]:
        """The cases behind a committee's figures (``result`` = resolved / unresolved /
        referred / withdrawn / open narrows to one figure)."""
        self.get(external_id)
        with self.d.reading() as s:
            rows = self._rows(s, external_id, area_paths, period)
        out = []
        for r in rows:
            if result is not None and (r.result or "open") != result:
                continue
            days = ((r.result_at - r.assigned_at).total_seconds() / 86400
                    if r.result_at and r.result in ("resolved", "unresolved", "referred")
                    else None)
            out.append({"case_id": r.case_id, "category": r.category,
                        "assigned_on": local_date(self.d, from_db_time(r.assigned_at)).isoformat(),
                        "result": r.result or "open",
                        "result_on": local_date(self.d, from_db_time(r.result_at)).isoformat()
                        if r.result_at else None,
                        "days_to_result": round(days, 1) if days is not None else None})
        return out

    def received(self, area_code: str, period: Period) -> builtins.list[Any]:
        """The cases committees in the area received in ``period`` (case_id, result, …)."""
        with self.d.reading() as s:
            return self._rows(s, None, [self.d.areas.tree.path(area_code)], period)
