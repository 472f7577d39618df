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
    #: what the account acts for (``organisation:<unit>`` for a handling unit's account,
    #: ``grid:<area>`` for a grid worker's); a plugin refuses it acting for anything else.
    #: None: the person themself.
    acts_for: str | None = None
    #: the materialised path of the grid a ``grid:<area>`` account acts in: every permission is
    #: confined to it, whatever area its grants cover (a grid worker acts in their own grid).
    grid_path: str | None = None

    @property
    def grid(self) -> str | None:
        """The area code of the grid the account acts for (``grid:<area>``), if any."""
        if self.acts_for and self.acts_for.startswith("grid:"):
            return self.acts_for.split(":", 1)[1]
        return None

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
        """Whether the user may do ``permission`` on a record in the area at ``area_path`` (and,
        for a grid worker's account, in its own grid)."""
        return self.granted(permission, area_path) and self.in_grid(area_path)

    def granted(self, permission: str, area_path: str) -> bool:
        """Whether a grant carries ``permission`` over the area, the grid binding aside (to tell
        "not your grid" from "not your role" in a refusal)."""
        return any(permission in g.permissions and area_path.startswith(g.area_path)
                   for g in self.grants)

    def in_grid(self, area_path: str) -> bool:
        """False when the account acts for a grid and the area is outside it."""
        return self.grid_path is None or area_path.startswith(self.grid_path)

    def scope(self, permission: str) -> list[str]:
        """The area paths under which the user holds ``permission``, none inside another (for a
        grid worker's account, clipped to its grid)."""
        paths = sorted({g.area_path for g in self.grants if permission in g.permissions})
        if self.grid_path is not None:
            bound = self.grid_path
            paths = sorted({bound if bound.startswith(p) else p for p in paths
                            if bound.startswith(p) or p.startswith(bound)})
        out: list[str] = []
        for p in paths:
            if not any(p.startswith(q) for q in out):
                out.append(p)
        return out
