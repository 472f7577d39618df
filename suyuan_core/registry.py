"""Registries the plugins fill once at start-up (categories, sources, roles, permissions, metrics)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Generic, Protocol, TypeVar

import attrs

from suyuan_core.errors import PluginError


class _Registered(Protocol):
    @property
    def provider(self) -> str: ...


T = TypeVar("T", bound=_Registered)


class Registry(Generic[T]):
    """Items keyed by their code; registering a code twice is a start-up error naming both."""

    def __init__(self, what: str, key: str = "code") -> None:
        self.what = what
        self._key = key
        self._items: dict[str, T] = {}

    def add(self, item: T, provider: str) -> None:
        item = attrs.evolve(item, provider=provider)  # type: ignore[misc]
        code = getattr(item, self._key)
        if code in self._items:
            first = self._items[code].provider
            raise PluginError(f"{self.what} {code!r} is registered by both {first!r} and "
                              f"{provider!r}", hint="disable one of the plugins or rename the code")
        self._items[code] = item

    def replace(self, item: T) -> None:
        """Put a changed version of a registered item in its place (keeping its provider)."""
        code = getattr(item, self._key)
        if code not in self._items:
            raise KeyError(code)
        self._items[code] = item

    def extend(self, items: Iterable[T] | None, provider: str) -> None:
        for item in items or ():
            self.add(item, provider)

    def __getitem__(self, code: str) -> T:
        return self._items[code]

    def get(self, code: str) -> T | None:
        return self._items.get(code)

    def __contains__(self, code: object) -> bool:
        return code in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def codes(self) -> list[str]:
        return list(self._items)
