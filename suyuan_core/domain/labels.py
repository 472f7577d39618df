"""Bilingual labels: Chinese (zh-Hans) first, English beside it."""

from __future__ import annotations

import attrs

from suyuan_core.domain.rules import non_empty


@attrs.frozen
class Label:
    """A user-facing name: ``zh`` is shown first, ``en`` beside it or when English is chosen."""

    zh: str = attrs.field(validator=non_empty)
    en: str = attrs.field(validator=non_empty)

    def __str__(self) -> str:
        return f"{self.zh} ({self.en})"

    def get(self, lang: str) -> str:
        return self.en if lang.startswith("en") else self.zh


def label(value: Label | tuple[str, str] | dict[str, str]) -> Label:
    """Accept a Label, a ``(zh, en)`` pair or ``{"zh": .., "en": ..}`` (as found in TOML)."""
    if isinstance(value, Label):
        return value
    if isinstance(value, dict):
        return Label(zh=value.get("zh", ""), en=value.get("en", ""))
    zh, en = value
    return Label(zh=zh, en=en)
