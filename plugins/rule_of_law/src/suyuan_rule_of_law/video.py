"""Online (video) mediation through an existing video system — never a home-made one.

Scheduling a remote session for a case asks the core hook ``suyuan_video_room`` for the join link
(first result wins): by default a room on the county's self-hosted Jitsi Meet
(``video_base_url`` + a room name that cannot be guessed); a county plugin answers first with its
own system (the county public legal service centre's 远程视频系统). Attendance and the outcome are
case events (``rule_of_law.video_scheduled``, ``.video_attendance``, ``.video_outcome``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from urllib.parse import quote

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import Conflict, Deployment, NotFound, ValidationError, VideoRoom
from suyuan_core.inputs import FILLED, ranged
from suyuan_rule_of_law import models as m
from suyuan_rule_of_law.common import settings, strs
from suyuan_rule_of_law.vocab import VIDEO_OUTCOMES


def jitsi_room(d: Deployment, room: str) -> VideoRoom:
    conf = settings(d)
    return VideoRoom(system=conf.video_system, room=room,
                     join_url=f"{conf.video_base_url.rstrip('/')}/{quote(room)}")


def _aware(value: Any) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"{value!r} is not a date-time (ISO 8601)", field="scheduled_at",
                                  rule="datetime") from None
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise ValidationError("needs a time zone, e.g. 2026-05-03T09:30+08:00",
                              field="scheduled_at", rule="aware_datetime")
    return value


@attrs.frozen
class ScheduleInput:
    case_id: int
    scheduled_at: dt.datetime = attrs.field(converter=_aware)
    #: who is invited (names of parties, the mediator …).
    participants: tuple[str, ...] = ranged(converter=strs, min_items=1, items={
        "min_length": 1, "max_length": 100, "pattern": FILLED})


class Video:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def schedule(self, item: ScheduleInput, *, actor: str,
                 session: Session | None = None) -> dict[str, Any]:
        d = self.d
        with d.transaction(session) as s:
            case = d.cases.get(item.case_id, s)
            if case.status.value in ("closed", "withdrawn"):
                raise Conflict(f"case {item.case_id} is {case.status.value}: a video session "
                               "is scheduled for an open case", field="case_id", rule="open_case")
            room = f"suyuan-{item.case_id}-{secrets.token_urlsafe(9)}"
            found: VideoRoom | None = d.hook.suyuan_video_room(case_id=item.case_id, room=room,
                                                               deployment=d)
            if found is None:
                raise ValidationError("no video system answers", field="video_system",
                                      rule="video_room")
            vid = s.execute(m.video_sessions.insert().returning(m.video_sessions.c.id).values(
                case_id=item.case_id, system=found.system, room=found.room,
                join_url=found.join_url,
                scheduled_at=item.scheduled_at.astimezone(dt.UTC).replace(tzinfo=None),
                attendance={"invited": list(item.participants), "attended": []},
                outcome=None, actor=actor)).scalar_one()
            d.cases.record(item.case_id, "rule_of_law.video_scheduled", actor=actor, session=s,
                           data={"video_session_id": vid, "system": found.system,
                                 "join_url": found.join_url,
                                 "scheduled_at": item.scheduled_at.isoformat(),
                                 "participants": list(item.participants)})
            return self.get(vid, session=s)

    def attendance(self, video_id: int, attended: list[str], *, actor: str,
                   session: Session | None = None) -> dict[str, Any]:
        d = self.d
        with d.transaction(session) as s:
            v = self.get(video_id, session=s)
            stray = sorted(set(attended) - set(v["invited"]))
            if stray:
                raise ValidationError(f"{', '.join(stray)} was not invited (invited: "
                                      f"{', '.join(v['invited'])})", field="attended",
                                      rule="invited")
            s.execute(m.video_sessions.update().where(m.video_sessions.c.id == video_id).values(
                attendance={"invited": v["invited"], "attended": sorted(set(attended))}))
            d.cases.record(v["case_id"], "rule_of_law.video_attendance", actor=actor, session=s,
                           data={"video_session_id": video_id, "attended": sorted(set(attended)),
                                 "absent": sorted(set(v["invited"]) - set(attended))})
            return self.get(video_id, session=s)

    def outcome(self, video_id: int, outcome: str, *, actor: str, note: str = "",
                session: Session | None = None) -> dict[str, Any]:
        if outcome not in VIDEO_OUTCOMES:
            raise ValidationError(f"{outcome!r} is not one of {', '.join(VIDEO_OUTCOMES)}",
                                  field="outcome", rule="one_of")
        d = self.d
        with d.transaction(session) as s:
            v = self.get(video_id, session=s)
            if v["outcome"] is not None:
                raise Conflict(f"video session {video_id} already ended ({v['outcome']})",
                               field="outcome", rule="once")
            s.execute(m.video_sessions.update().where(m.video_sessions.c.id == video_id)
                      .values(outcome=outcome))
            d.cases.record(v["case_id"], "rule_of_law.video_outcome", actor=actor, session=s,
                           data={"video_session_id": video_id, "outcome": outcome, "note": note})
            return self.get(video_id, session=s)

    def get(self, video_id: int, *, session: Session | None = None) -> dict[str, Any]:
        def read(s: Session) -> dict[str, Any]:
            r = s.execute(sa.select(m.video_sessions)
                          .where(m.video_sessions.c.id == video_id)).first()
            if r is None:
                raise NotFound(f"no video session {video_id}", field="video_session",
                               rule="exists")
            return {"id": r.id, "case_id": r.case_id, "system": r.system, "room": r.room,
                    "join_url": r.join_url,
                    "scheduled_at": r.scheduled_at.replace(tzinfo=dt.UTC).isoformat(),
                    "invited": list(r.attendance.get("invited", [])),
                    "attended": list(r.attendance.get("attended", [])), "outcome": r.outcome}
        if session is not None:
            return read(session)
        with self.d.reading() as s:
            return read(s)

    def for_case(self, case_id: int) -> list[dict[str, Any]]:
        with self.d.reading() as s:
            ids = list(s.scalars(sa.select(m.video_sessions.c.id)
                                 .where(m.video_sessions.c.case_id == case_id)
                                 .order_by(m.video_sessions.c.id)))
            return [self.get(i, session=s) for i in ids]
