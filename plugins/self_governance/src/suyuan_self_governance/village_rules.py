"""村规民约 and 院落公约: versioned documents with who adopted each version, when, at what meeting,
when it was filed with the town government (Organic Law Art 27), and a diff between versions."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from suyuan_core import Conflict, Deployment, Level, NotFound, ValidationError
from suyuan_core.inputs import accepts
from suyuan_self_governance import models as m
from suyuan_self_governance.common import date_conv, opt_date_conv
from suyuan_self_governance.quorum import Meeting, meeting_from, passed, require_quorum
from suyuan_self_governance.vocab import RULE_KINDS

VILLAGE_BODIES = ("villagers_assembly", "residents_assembly", "representative_assembly")
COURTYARD_BODIES = ("courtyard_meeting", "residents_assembly", "villager_group")


def _meeting(value: Any) -> Meeting | None:
    return None if value is None else meeting_from(value)


@attrs.frozen
class RuleVersionInput:
    kind: str = attrs.field(metadata=accepts(enum=RULE_KINDS))
    area_code: str
    title: str
    text: str
    adopted_on: dt.date = attrs.field(converter=date_conv("adopted_on"))  # type: ignore[misc]
    meeting_ref: str
    meeting: Meeting | None = attrs.field(default=None, converter=_meeting)
    body: str | None = None
    courtyard: str = ""
    filed_at: dt.date | None = attrs.field(default=None, converter=opt_date_conv("filed_at"))  # type: ignore[misc]


class VillageRules:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def adopt(self, item: RuleVersionInput, *, actor: str,
              session: Session | None = None) -> dict[str, Any]:
        """Record a new version (version 1 creates the document)."""
        if item.kind not in RULE_KINDS:
            raise ValidationError(f"{item.kind!r} is not one of {', '.join(RULE_KINDS)}",
                                  field="kind", rule="one_of")
        area = self.d.areas.tree.get(item.area_code)
        body = item.meeting.body if item.meeting else item.body
        if item.kind == "village_rules":
            if area.level is not Level.community:
                raise ValidationError("village rules belong to a village or community",
                                      field="area_code", rule="community_level")
            allowed = VILLAGE_BODIES
        else:
            if area.level not in (Level.community, Level.grid, Level.micro_grid):
                raise ValidationError("a courtyard compact belongs to a community, grid or "
                                      "micro-grid", field="area_code", rule="level")
            if not item.courtyard.strip():
                raise ValidationError("name the courtyard", field="courtyard", rule="required")
            allowed = COURTYARD_BODIES
        if body not in allowed:
            raise ValidationError(f"{RULE_KINDS[item.kind][0]} is adopted by "
                                  f"{' or '.join(allowed)}, not {body}", field="body",
                                  rule="adopting_body")
        if not item.text.strip():
            raise ValidationError("is required", field="text", rule="required")
        if not item.meeting_ref.strip():
            raise ValidationError("say which meeting adopted it", field="meeting_ref",
                                  rule="required")
        if item.meeting is not None:
            require_quorum(item.meeting)
            carried, text = passed(item.meeting)
            if not carried:
                raise ValidationError(f"the vote did not carry: {text}", field="meeting.yes",
                                      rule="majority")
        if item.filed_at is not None and item.filed_at < item.adopted_on:
            raise ValidationError("filed before it was adopted", field="filed_at", rule="period")
        d, v = m.rule_documents.c, m.rule_versions.c
        with self.d.transaction(session) as s:
            doc = s.execute(sa.select(d.id).where(d.kind == item.kind, d.area_code == item.area_code,
                                                  d.courtyard == item.courtyard,
                                                  d.title == item.title)).scalar()
            if doc is None:
                doc = s.execute(m.rule_documents.insert().returning(d.id).values(
                    kind=item.kind, area_code=item.area_code, courtyard=item.courtyard,
                    title=item.title)).scalar_one()
                number = 1
            else:
                last = s.execute(sa.select(v.version, v.adopted_on).where(v.document_id == doc)
                                 .order_by(v.version.desc()).limit(1)).one()
                if item.adopted_on < last.adopted_on:
                    raise ValidationError(f"version {last.version} was adopted on "
                                          f"{last.adopted_on}; a new version cannot be older",
                                          field="adopted_on", rule="chronological")
                number = last.version + 1
            s.execute(m.rule_versions.insert().values(
                document_id=doc, version=number, text=item.text, adopted_on=item.adopted_on,
                body=body, meeting_ref=item.meeting_ref,
                meeting=item.meeting.as_dict() if item.meeting else {}, filed_at=item.filed_at,
                actor=actor))
        return {"document_id": doc, "version": number}

    def file(self, document_id: int, version: int, filed_at: dt.date | str, *,
             session: Session | None = None) -> None:
        """Record that the version was filed (备案) with the town government (Art 27)."""
        day = date_conv("filed_at")(filed_at)
        v = m.rule_versions.c
        with self.d.transaction(session) as s:
            row = s.execute(sa.select(v.adopted_on, v.filed_at).where(
                v.document_id == document_id, v.version == version)).first()
            if row is None:
                raise NotFound(f"no version {version} of document {document_id}", field="version",
                               rule="exists")
            if row.filed_at is not None:
                raise Conflict(f"already filed on {row.filed_at}", field="filed_at",
                               rule="once")
            if day < row.adopted_on:
                raise Conflict("filed before it was adopted", field="filed_at",
                               rule="period")
            s.execute(m.rule_versions.update().where(v.document_id == document_id,
                                                     v.version == version).values(filed_at=day))

    def documents(self, area_code: str | None = None) -> list[dict[str, Any]]:
        d, v = m.rule_documents.c, m.rule_versions.c
        q = (sa.select(d.id, d.kind, d.area_code, d.courtyard, d.title,
                       sa.func.max(v.version).label("versions"))
             .join(m.rule_versions, v.document_id == d.id).group_by(d.id).order_by(d.id))
        if area_code:
            q = q.where(d.area_code.in_(self.d.areas.tree.subtree(area_code)))
        with self.d.reading() as s:
            return [dict(r._mapping) for r in s.execute(q)]

    def document(self, document_id: int) -> dict[str, Any]:
        """One document's kind, area, courtyard and title."""
        d = m.rule_documents.c
        with self.d.reading() as s:
            row = s.execute(sa.select(d.id, d.kind, d.area_code, d.courtyard, d.title)
                            .where(d.id == document_id)).first()
        if row is None:
            raise NotFound(f"no document {document_id}", field="document_id", rule="exists")
        return dict(row._mapping)

    def versions(self, document_id: int) -> list[dict[str, Any]]:
        v = m.rule_versions.c
        with self.d.reading() as s:
            rows = s.execute(sa.select(m.rule_versions).where(v.document_id == document_id)
                             .order_by(v.version)).all()
        if not rows:
            raise NotFound(f"no document {document_id}", field="document_id", rule="exists")
        return [{"version": r.version, "adopted_on": r.adopted_on.isoformat(), "body": r.body,
                 "meeting_ref": r.meeting_ref, "meeting": r.meeting,
                 "filed_at": r.filed_at.isoformat() if r.filed_at else None, "text": r.text}
                for r in rows]

    def diff(self, document_id: int, old: int, new: int) -> str:
        """A unified diff between two versions, line by line."""
        texts = {v["version"]: v["text"] for v in self.versions(document_id)}
        for number, field in ((old, "old"), (new, "new")):
            if number not in texts:
                raise NotFound(f"document {document_id} has no version {number} "
                               f"(versions: {', '.join(map(str, sorted(texts)))})", field=field,
                               rule="exists")
        def lines(text: str) -> list[str]:
            return (text if text.endswith("\n") else text + "\n").splitlines(keepends=True)

        return "".join(difflib.unified_diff(lines(texts[old]), lines(texts[new]),
                                            fromfile=f"v{old}", tofile=f"v{new}"))
