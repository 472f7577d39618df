"""The area tree (county → town → community → grid → micro-grid)."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.params import Parameter

from suyuan_core.deployment import Deployment
from suyuan_core.errors import ValidationError
from suyuan_core.web.api.common import DeploymentDep, PrincipalDep
from suyuan_core.web.dto import AreaOut


def _node(d: Deployment, code: str, depth: int) -> AreaOut:
    a = d.areas.tree.get(code)
    children = ([_node(d, c, depth - 1) for c in sorted(d.areas.tree.children.get(code, []))]
                if depth > 0 else [])
    return AreaOut(code=a.code, name_zh=a.name_zh, name_en=a.name_en, level=a.level.name,
                   parent_code=a.parent_code, children=children)


@get("/areas", tags=["areas"], sync_to_thread=False,
     summary="The area tree (or the subtree under one area), nested to a depth")
def area_tree(deployment: DeploymentDep, principal: PrincipalDep,
              under: Annotated[str | None, Parameter(max_length=64)] = None,
              depth: Annotated[int, Parameter(ge=0, le=5)] = 5) -> list[AreaOut]:
    tree = deployment.areas.tree
    if under is not None and under not in tree:
        raise ValidationError(f"no area with code {under!r}", field="under", rule="exists",
                              hint="leave it out for the whole tree")
    roots = [under] if under else sorted(tree.roots())
    return [_node(deployment, r, depth) for r in roots]
