"""What a plugin's HTTP route handler may say about who can call it (its litestar ``opt``).

Every route — the core's and each plugin's, under ``/api/v1`` or mounted at the root — is
authenticated as a signed-in user (bearer token or session) unless its handler says otherwise
with exactly one of these keys:

* ``opt={PUBLIC_ROUTE: True}``: anyone may call it, signed in or not (health, sign-in, a
  standard's public reads such as Open311's service list). Use it only for what the public may
  see; ``principal`` is not available.
* ``opt={SIGNED_BY: verify}``: a machine-to-machine route (a hotline system's webhook). No user
  signs in; before the handler runs the core calls ``verify(deployment, headers, body)`` with the
  request's headers and raw body. ``verify`` returns who signed (e.g. ``"webhook:12345"``), which
  the handler receives as its ``signer`` parameter, or raises a
  :class:`~suyuan_core.NotAuthenticated` (401) / :class:`~suyuan_core.PermissionDenied` (403) —
  or any :class:`~suyuan_core.SuyuanError` — and the request is refused before the handler (and
  so before anything is written). ``opt["permission"]`` does not apply to such a route.

And, for the OpenAPI document, ``opt={OPENAPI_OPERATION: {...}}``: OpenAPI operation fields
(``responses``, ``requestBody``, …) laid over what litestar generates, for a route whose answers
its annotations cannot describe (Open311 answers JSON or XML by the path's suffix, with the spec's
own error list). A route that documents any 4xx this way keeps its own errors; every other route
gets the core's error responses (see ``suyuan_core.web.openapi``).

``opt={AREA_LEVELS: {"area_code": COMMUNITY_LEVELS}}``: the body fields or parameters named take
an area of those levels only (a hall sits in a village/community): the document's enum of the
deployment's area codes is narrowed to the codes of those levels.

``opt={FIELD_BOUNDS: bounds}``: the body fields whose range is a setting of the deployment (a
volunteer's hours on one day are at most the plugin's ``max_hours_per_entry``). ``bounds`` is
called with the deployment when the document is built and returns ``{field: keywords}``, JSON
Schema keywords (``maximum``, ``maxLength``, ``enum`` …) laid over the field's schema — the same
setting the service refuses against, so the served document states the bound in force::

    @post("/hours", opt={"permission": HOURS, FIELD_BOUNDS: lambda d: {
        "hours": {"maximum": settings(d).max_hours_per_entry}}})

Kept free of litestar so that importing the public API stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment

#: ``opt`` key: the route is public (no sign-in). The value must be true.
PUBLIC_ROUTE = "exclude_from_auth"
#: ``opt`` key: the route is verified by the :data:`SignatureVerifier` given as the value.
SIGNED_BY = "signed_by"

#: ``opt`` key: OpenAPI operation fields laid over the generated ones (a dict).
OPENAPI_OPERATION = "openapi_operation"

#: ``opt`` key: ``{field: levels}``, the area levels a code field takes (see above).
AREA_LEVELS = "area_levels"

#: ``opt`` key: ``bounds(deployment) -> {field: JSON Schema keywords}`` (see above).
FIELD_BOUNDS = "field_bounds"

#: ``verify(deployment, headers, body) -> signer``; raises a SuyuanError to refuse.
SignatureVerifier = Callable[["Deployment", Mapping[str, str], bytes], str]


def is_public(opt: Mapping[str, Any]) -> bool:
    return bool(opt.get(PUBLIC_ROUTE))


def verifier(opt: Mapping[str, Any]) -> SignatureVerifier | None:
    found = opt.get(SIGNED_BY)
    return found if callable(found) else None
