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


class PageClient(TestClient):  # type: ignore[type-arg]
    """The deployment's web pages as a browser gets them: over https (the session cookie is
    ``Secure``), signed in through the login form::

        with PageClient(d) as site:
            site.sign_in("town", PASSWORD)
            assert site.get("/mypillar/things").status_code == 200
    """

    def __init__(self, deployment: Deployment, **kwargs: Any) -> None:
        from suyuan_core.web import create_app

        self.deployment = deployment
        kwargs.setdefault("base_url", "https://testserver.local")
        super().__init__(create_app(deployment), **kwargs)

    def sign_in(self, username: str, password: str, then: str = "/") -> None:
        """Sign in as ``username`` (signing out whoever was signed in); fails the test when the
        login form does not accept it."""
        self.cookies.clear()
        r = self.post("/login", data={"username": username, "password": password, "next": then},
                      follow_redirects=False)
        assert r.status_code == 303, f"sign-in as {username!r} refused: {r.status_code} {r.text[:200]}"

    def csrf_token(self, path: str = "/inbox") -> str:
        """The CSRF token the signed-in user's forms carry (read from the page at ``path``)."""
        import re

        found = re.search(r'name="csrf_token" value="([^"]+)"', self.get(path).text)
        assert found, f"no csrf_token on {path}"
        return found.group(1)
