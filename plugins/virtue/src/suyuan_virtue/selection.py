"""道德模范 / 最美公婆 / 最美儿媳 / 美美的金堂 and the yearly family-builder awards: nominate →
review → public notice (公示, a configurable period) → vote → award, every step an event in
``virtue_selection_events``, the results disclosed once awarded.

**One vote per household** (一户一票): checked before writing and, against races, by the unique
constraint on (selection, household); a second vote is refused and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from suyuan_core import Conflict, Deployment, NotFound, PermissionDenied, Principal, ValidationError
from suyuan_virtue import models as m
from suyuan_virtue.sensitive import need_text
from suyuan_virtue.settings import Settings
from suyuan_virtue.times import need_date, now_db

KINDS = {"moral_model": ("道德模范", "Moral model"),
         "best_parents_in_law": ("最美公婆", "Best parents-in-law"),
         "best_daughter_in_law": ("最美儿媳", "Best daughter-in-law"),
         "meimei_jintang": ("美美的金堂", "Beautiful Jintang"),
         "family_builder": ("家庭建设者", "Family builder")}
STATUSES = ("nominating", "notice", "voting", "awarded")
HOUSEHOLD = re.compile(r"^[0-9A-Za-z-]{4,32}$")
MANAGE = "virtue.selection.manage"
VOTE = "virtue.selection.vote"


class AlreadyVoted(ValidationError):
    status_code = 409


class Selections:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    @property
    def settings(self) -> Settings:
        return self.d.settings("virtue")  # type: ignore[no-any-return]

    def _require(self, principal: Principal, permission: str, area_code: str) -> None:
        tree = self.d.areas.tree
        if area_code not in tree:
            raise ValidationError(f"no area with code {area_code!r}", field="area_code",
                                  rule="exists")
        if not principal.can(permission, tree.path(area_code)):
            raise PermissionDenied(f"you may not {permission} in area {area_code}",
                                   field="area_code", rule=permission)

    def _event(self, s: Session, selection_id: int, kind: str, actor: str,
               data: dict[str, Any], at: dt.datetime | None = None) -> None:
        s.execute(m.selection_events.insert(), {"selection_id": selection_id, "kind": kind,
                                                "at": at or now_db(), "actor": actor,
                                                "data": data})

    def _selection(self, s: Session, selection_id: int, status: str | None = None) -> Any:
        row = s.execute(sa.select(m.selections)
                        .where(m.selections.c.id == selection_id)).first()
        if row is None:
            raise NotFound(f"no selection {selection_id}", field="selection_id", rule="exists")
        if status is not None and row.status != status:
            raise Conflict(f"selection {selection_id} is at {row.status!r}, not {status!r}",
                           field="selection_id", rule="status",
                           hint="steps: " + " → ".join(STATUSES))
        return row

    # -- the steps -------------------------------------------------------------------------------
    def create(self, principal: Principal, *, kind: str, title: str, year: int, area_code: str,
               places: int = 1, notice_days: int | None = None,
               at: dt.datetime | None = None) -> int:
        if kind not in KINDS:
            raise ValidationError(f"{kind!r} is not a selection", field="kind", rule="one_of",
                                  hint="use " + ", ".join(KINDS))
        self._require(principal, MANAGE, area_code)
        if not 2000 <= int(year) <= 2100:
            raise ValidationError("year out of range", field="year", rule="range",
                                  hint="2000-2100")
        if not 1 <= int(places) <= 100:
            raise ValidationError("1-100 places", field="places", rule="range")
        days = self.settings.notice_days if notice_days is None else int(notice_days)
        if not 1 <= days <= 60:
            raise ValidationError("a notice period is 1-60 days", field="notice_days",
                                  rule="range")
        with self.d.transaction() as s:
            new_id = int(s.execute(m.selections.insert().returning(m.selections.c.id), {
                "kind": kind, "title": need_text(title, "title"), "year": int(year),
                "area_code": area_code, "status": "nominating", "notice_days": days,
                "places": int(places), "created_by": principal.actor}).scalar_one())
            self._event(s, new_id, "created", principal.actor, {"kind": kind, "places": places},
                        at)
        return new_id

    def nominate(self, principal: Principal, selection_id: int, *, nominee: str, area_code: str,
                 deeds: str, at: dt.datetime | None = None) -> int:
        with self.d.transaction() as s:
            sel = self._selection(s, selection_id, "nominating")
            self._require(principal, MANAGE, sel.area_code)
            tree = self.d.areas.tree
            if area_code not in tree or sel.area_code not in tree.ancestors(area_code):
                raise ValidationError(f"{area_code!r} is not inside the selection's area",
                                      field="area_code", rule="inside")
            new_id = int(s.execute(m.nominations.insert().returning(m.nominations.c.id), {
                "selection_id": selection_id, "nominee": need_text(nominee, "nominee", 100),
                "area_code": area_code, "deeds": need_text(deeds, "deeds", 4000),
                "nominated_by": principal.actor, "status": "nominated"}).scalar_one())
            self._event(s, selection_id, "nominated", principal.actor,
                        {"nomination_id": new_id, "nominee": nominee}, at)
        return new_id

    def review(self, principal: Principal, nomination_id: int, *, approve: bool,
               note: str | None = None, at: dt.datetime | None = None) -> None:
        with self.d.transaction() as s:
            nom = s.execute(sa.select(m.nominations)
                            .where(m.nominations.c.id == nomination_id)).first()
            if nom is None:
                raise NotFound(f"no nomination {nomination_id}", field="nomination_id",
                               rule="exists")
            sel = self._selection(s, nom.selection_id, "nominating")
            self._require(principal, MANAGE, sel.area_code)
            status = "approved" if approve else "rejected"
            s.execute(m.nominations.update().where(m.nominations.c.id == nomination_id)
                      .values(status=status, review_note=note))
            self._event(s, sel.id, "reviewed", principal.actor,
                        {"nomination_id": nomination_id, "result": status}, at)

    def start_notice(self, principal: Principal, selection_id: int, on: dt.date | str,
                     at: dt.datetime | None = None) -> dt.date:
        """公示 from ``on``; the period's last day is returned (the start day is not counted)."""
        day = need_date(on, "on")
        with self.d.transaction() as s:
            sel = self._selection(s, selection_id, "nominating")
            self._require(principal, MANAGE, sel.area_code)
            approved = s.scalar(sa.select(sa.func.count()).select_from(m.nominations).where(
                m.nominations.c.selection_id == selection_id,
                m.nominations.c.status == "approved"))
            if not approved:
                raise Conflict("no approved nomination to put on notice",
                               field="selection_id", rule="approved_nominees")
            until = day + dt.timedelta(days=sel.notice_days)
            s.execute(m.selections.update().where(m.selections.c.id == selection_id)
                      .values(status="notice", notice_from=day, notice_until=until))
            self._event(s, selection_id, "notice", principal.actor,
                        {"from": day.isoformat(), "until": until.isoformat()}, at)
        return until

    def open_vote(self, principal: Principal, selection_id: int, on: dt.date | str,
                  at: dt.datetime | None = None) -> None:
        day = need_date(on, "on")
        with self.d.transaction() as s:
            sel = self._selection(s, selection_id, "notice")
            self._require(principal, MANAGE, sel.area_code)
            if day <= sel.notice_until:
                raise ValidationError(f"the public notice runs until {sel.notice_until}",
                                      field="on", rule="notice_period",
                                      hint=f"open the vote from "
                                           f"{sel.notice_until + dt.timedelta(days=1)}")
            s.execute(m.selections.update().where(m.selections.c.id == selection_id)
                      .values(status="voting"))
            self._event(s, selection_id, "vote_opened", principal.actor, {"on": day.isoformat()},
                        at)

    def vote(self, principal: Principal, selection_id: int, *, nomination_id: int,
             household: str, at: dt.datetime | None = None) -> int:
        """One household's vote. A second vote of the same household is refused (409) and
        writes nothing — no vote, no event."""
        code = str(household).strip()
        if not HOUSEHOLD.match(code):
            raise ValidationError("a household number (户号) is 4-32 letters, digits or -",
                                  field="household", rule="household")
        try:
            with self.d.transaction() as s:
                sel = self._selection(s, selection_id, "voting")
                self._require(principal, VOTE, sel.area_code)
                nom = s.execute(sa.select(m.nominations).where(
                    m.nominations.c.id == nomination_id,
                    m.nominations.c.selection_id == selection_id)).first()
                if nom is None or nom.status != "approved":
                    raise ValidationError(f"nomination {nomination_id} is not on the ballot",
                                          field="nomination_id", rule="on_ballot")
                v = m.votes.c
                if s.scalar(sa.select(sa.func.count()).select_from(m.votes).where(
                        v.selection_id == selection_id, v.household == code)):
                    raise self._second(code)
                vote_id = int(s.execute(m.votes.insert().returning(v.id), {
                    "selection_id": selection_id, "nomination_id": nomination_id,
                    "household": code, "voter": principal.actor,
                    "cast_at": now_db() if at is None else at}).scalar_one())
                self._event(s, selection_id, "voted", principal.actor,
                            {"vote_id": vote_id}, at)
        except IntegrityError:
            raise self._second(code) from None
        return vote_id

    @staticmethod
    def _second(code: str) -> AlreadyVoted:
        return AlreadyVoted(f"household {code} has already voted in this selection",
                            field="household", rule="one_vote_per_household",
                            hint="一户一票: each household votes once")

    def award(self, principal: Principal, selection_id: int,
              at: dt.datetime | None = None) -> list[dict[str, Any]]:
        """Close the vote, award the places by votes (ties by nomination order) and disclose."""
        with self.d.transaction() as s:
            sel = self._selection(s, selection_id, "voting")
            self._require(principal, MANAGE, sel.area_code)
            tally = self._tally(s, selection_id)
            winners = [t["nomination_id"] for t in tally[:sel.places] if t["votes"] > 0]
            if winners:
                s.execute(m.nominations.update().where(m.nominations.c.id.in_(winners))
                          .values(status="awarded"))
            s.execute(m.selections.update().where(m.selections.c.id == selection_id)
                      .values(status="awarded"))
            self._event(s, selection_id, "awarded", principal.actor,
                        {"winners": winners, "tally": tally}, at)
        return self.results(selection_id)

    # -- reading ---------------------------------------------------------------------------------
    def _tally(self, s: Session, selection_id: int) -> list[dict[str, Any]]:
        n, v = m.nominations.c, m.votes.c
        rows = s.execute(
            sa.select(n.id, n.nominee, sa.func.count(v.id))
            .select_from(m.nominations.outerjoin(m.votes, v.nomination_id == n.id))
            .where(n.selection_id == selection_id, n.status.in_(["approved", "awarded"]))
            .group_by(n.id, n.nominee)).all()
        out = [{"nomination_id": int(i), "nominee": name, "votes": int(c)} for i, name, c in rows]
        out.sort(key=lambda t: (-t["votes"], t["nomination_id"]))
        return out

    def results(self, selection_id: int) -> list[dict[str, Any]]:
        """The disclosed results (公布结果): only once awarded."""
        with self.d.reading() as s:
            sel = self._selection(s, selection_id)
            if sel.status != "awarded":
                raise Conflict("results are disclosed once the selection is awarded",
                               field="selection_id", rule="awarded")
            tally = self._tally(s, selection_id)
            awarded = set(s.scalars(sa.select(m.nominations.c.id).where(
                m.nominations.c.selection_id == selection_id,
                m.nominations.c.status == "awarded")))
        return [{**t, "awarded": t["nomination_id"] in awarded} for t in tally]

    def get(self, selection_id: int) -> dict[str, Any]:
        with self.d.reading() as s:
            sel = self._selection(s, selection_id)
            noms = s.execute(sa.select(m.nominations).where(
                m.nominations.c.selection_id == selection_id).order_by(m.nominations.c.id)).all()
            events = s.execute(sa.select(m.selection_events).where(
                m.selection_events.c.selection_id == selection_id)
                .order_by(m.selection_events.c.id)).all()
        return {"id": sel.id, "kind": sel.kind, "label": KINDS[sel.kind][0], "title": sel.title,
                "year": sel.year, "area_code": sel.area_code, "status": sel.status,
                "places": sel.places, "notice_days": sel.notice_days,
                "notice_from": sel.notice_from.isoformat() if sel.notice_from else None,
                "notice_until": sel.notice_until.isoformat() if sel.notice_until else None,
                "nominations": [{"id": n.id, "nominee": n.nominee, "area_code": n.area_code,
                                 "deeds": n.deeds, "status": n.status} for n in noms],
                "events": [{"kind": e.kind, "at": e.at.isoformat(), "actor": e.actor,
                            "data": e.data} for e in events]}

    def list(self, area_code: str | None = None) -> list[dict[str, Any]]:
        q = sa.select(m.selections).order_by(m.selections.c.year.desc(), m.selections.c.id)
        with self.d.reading() as s:
            rows = s.execute(q).all()
        tree = self.d.areas.tree
        return [{"id": r.id, "kind": r.kind, "label": KINDS[r.kind][0], "title": r.title,
                 "year": r.year, "area_code": r.area_code, "status": r.status}
                for r in rows if area_code is None or (
                    r.area_code in tree and area_code in tree.ancestors(r.area_code))]
