"""Every write through a plugin's route is audited, whether or not the plugin remembers to.

The routers of a plugin (``/api/v1/<plugin>/…`` and its root routes) carry this middleware: after
a ``POST``/``PUT``/``PATCH``/``DELETE`` that succeeded (status below 400) and whose handler wrote
no audit entry of its own through :func:`suyuan_core.http.audit` / :func:`~suyuan_core.http.audited`
(they mark the request), it appends ``<plugin>.http`` with the caller (user or signer), the
address, the method, the path and the status. A handler that wants the entry *inside* its
transaction, naming the record it changed, uses ``http.audited`` — this is the safety net.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio.to_thread
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from suyuan_core.accounts.principal import Principal
from suyuan_core.http import AUDITED
from suyuan_core.web.auth import SIGNER_STATE

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _actor(scope: Scope) -> str:
    user = scope.get("user")
    if isinstance(user, Principal):
        return user.actor
    signer = (scope.get("state") or {}).get(SIGNER_STATE)
    return str(signer) if signer else "anonymous"


def audit_writes(plugin: str) -> Callable[[ASGIApp], ASGIApp]:
    """The middleware factory for ``plugin``'s routers."""
    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP or scope.get("method") not in WRITES:
                await app(scope, receive, send)
                return
            status = 0

            async def capture(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                await send(message)

            await app(scope, receive, capture)
            if status >= 400 or (scope.get("state") or {}).get(AUDITED):
                return
            d: Any = scope["app"].state["deployment"]
            client = scope.get("client")
            await anyio.to_thread.run_sync(lambda: d.audit.write(
                None, actor=_actor(scope), action=f"{plugin}.http", record=scope.get("path"),
                ip=client[0] if client else "-",
                detail={"method": scope.get("method"), "status": status}))

        return middleware
    return factory
