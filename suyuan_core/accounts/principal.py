"""Who is asking: a signed-in user with the roles they hold, each over an area subtree."""

from __future__ import annotations

import attrs


@attrs.frozen
class Grant:
    """The user holds ``role`` over the subtree of ``area_code`` (materialised path ``area_path``)."""

    role: str
    area_code: str
    area_path: str
    permissions: frozenset[str]


@attrs.frozen
class Principal:
    """The caller of a request (or a CLI command).

    Every permission is scoped: :meth:`can` answers "may this user do *permission* on a record
    whose area has the path *area_path*?" — true only when one of the user's grants carries the
    permission *and* covers that area (its path is a prefix of the record's).
    """

    user_id: int
    username: str
    display_name: str
    grants: tuple[Grant, ...] = ()
    #: how the caller proved who they are: ``session``, ``token`` or ``cli``.
    via: str = "session"
    csrf_token: str | None = None
    person_external_id: str | None = None
    #: what the account acts for (``organisation:<unit>`` for a handling unit's account); a
    #: plugin refuses it acting for anything else. None: the person themself.
    acts_for: str | None = None

    @property
    def actor(self) -> str:
        """What case events and the audit log record as the actor."""
        return f"user:{self.username}"

    @property
    def permissions(self) -> frozenset[str]:
        """Every permission the user holds somewhere."""
        return frozenset(p for g in self.grants for p in g.permissions)

    def has(self, permission: str) -> bool:
        """Whether the user holds ``permission`` for at least one area."""
        return any(permission in g.permissions for g in self.grants)

    def can(self, permission: str, area_path: str) -> bool:
        """Whether the user may do ``permission`` on a record in the area at ``area_path``."""
        return any(permission in g.permissions and area_path.startswith(g.area_path)
                   for g in self.grants)

    def scope(self, permission: str) -> list[str]:
        """The area paths under which the user holds ``permission``, none inside another."""
        paths = sorted({g.area_path for g in self.grants if permission in g.permissions})
        out: list[str] = []
        for p in paths:
            if not any(p.startswith(q) for q in out):
                out.append(p)
        return out
