"""An HTTP client for tests: the real app over the real deployment, and users made to measure."""

from __future__ import annotations

import itertools
from typing import Any

from litestar.testing import TestClient

from suyuan_core.deployment import Deployment


class ApiClient(TestClient):  # type: ignore[type-arg]
    """``litestar.testing.TestClient`` for the deployment's app, plus :meth:`as_role`::

        headers = api.as_role("mediator", "C.T1.C1")
        api.get("/api/v1/cases", headers=headers)
    """

    def __init__(self, deployment: Deployment, **kwargs: Any) -> None:
        from suyuan_core.web import create_app

        self.deployment = deployment
        self._n = itertools.count(1)
        super().__init__(create_app(deployment), **kwargs)

    def as_role(self, role: str, area: str, *more: tuple[str, str],
                username: str | None = None, acts_for: str | None = None) -> dict[str, str]:
        """Make a user holding ``role`` at ``area`` (and any ``(role, area)`` in ``more``),
        acting for ``acts_for`` (e.g. ``organisation:RS``) when given; return the headers that
        authenticate as them (a fresh API token)."""
        name = username or f"{role.replace('_', '-')}-{next(self._n)}"
        d = self.deployment
        if name not in {u.username for u in d.accounts.users()}:
            d.accounts.add_user(name, name, None, acts_for=acts_for, actor="test")
        for r, a in ((role, area), *more):
            d.accounts.grant(name, r, a, actor="test")
        return {"Authorization": f"Bearer {d.accounts.make_token(name, actor='test')}"}
