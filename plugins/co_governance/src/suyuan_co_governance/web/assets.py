"""The pillar's own stylesheet and script for its pages, served from this origin (the site's
Content-Security-Policy allows styles and scripts from 'self' only, never inline, and nothing is
fetched from another server). Public: they hold no data."""

from __future__ import annotations

from importlib import resources
from typing import Annotated

from litestar import Response, get
from litestar.params import Parameter

from suyuan_core import PUBLIC_ROUTE, NotFound

ASSETS = {"ledger.css": "text/css; charset=utf-8",
          "ledger.js": "text/javascript; charset=utf-8"}


@get("/assets/{name:str}", opt={PUBLIC_ROUTE: True}, sync_to_thread=False,
     summary="The pillar's page stylesheet and script (ledger.css, ledger.js)",
     include_in_schema=False)
def asset(name: Annotated[str, Parameter(max_length=32)]) -> Response[bytes]:
    if name not in ASSETS:
        raise NotFound(f"no asset {name!r}", field="name", rule="exists",
                       hint="one of " + ", ".join(ASSETS))
    data = resources.files("suyuan_co_governance.web").joinpath("static", name).read_bytes()
    return Response(data, media_type=ASSETS[name],
                    headers={"Cache-Control": "public, max-age=3600"})


ROUTES = [asset]
