"""Public: Jinja2 environments for server-rendered pages, the core's and the plugins' alike.

A package keeps its templates in ``<templates_package>/templates`` and its Babel catalog in
``<locale_package>/locale/zh_Hans/LC_MESSAGES/messages.mo``; the templates are written in English
and translated to Chinese (zh-Hans), which is the default language.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from babel.support import NullTranslations, Translations
from jinja2 import Environment, PackageLoader, select_autoescape

from suyuan_core.bounds import MAX_ID
from suyuan_core.errors import ValidationError

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment
    from suyuan_core.metrics.periods import Period

__all__ = ["figure_cells", "page_environment", "pick", "query_id", "query_text", "translations"]


@functools.cache
def translations(locale_package: str, lang: str) -> NullTranslations:
    """The package's catalog for ``lang`` (English is the templates' own text)."""
    if lang == "en":
        return NullTranslations()
    folder = str(resources.files(locale_package).joinpath("locale"))
    return Translations.load(folder, locales=["zh_Hans"], domain="messages")


def pick(pair: tuple[str, str] | None, lang: str, fallback: str = "") -> str:
    """The ``lang`` half of a ``(zh, en)`` label pair; ``fallback`` (e.g. the code) without one."""
    if not pair:
        return fallback
    return pair[1] if lang == "en" else pair[0]


def page_environment(templates_package: str, locale_package: str, lang: str,
                     labels: Mapping[str, Mapping[str, tuple[str, str]]] | None = None) -> Environment:
    """An autoescaped environment with ``_()`` from the package's catalog and ``lang`` set.

    Templates get ``pick(pair)`` (a ``(zh, en)`` pair in the page's language) and, for each
    ``name: {code: (zh, en)}`` in ``labels``, ``name(code)``: the code's label, or the code itself
    when it has none. Callers cache the environment per language and may add their own globals."""
    env = Environment(loader=PackageLoader(templates_package, "templates"),
                      autoescape=select_autoescape(["html"]), extensions=["jinja2.ext.i18n"],
                      trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(locale_package, lang),  # type: ignore[attr-defined]
                                     newstyle=True)
    env.globals["lang"] = lang
    env.globals["pick"] = functools.partial(_pick_pair, lang)
    for name, mapping in (labels or {}).items():
        env.globals[name] = functools.partial(_label, mapping, lang)
    return env


def _pick_pair(lang: str, pair: tuple[str, str] | None, fallback: str = "") -> str:
    return pick(pair, lang, fallback)


def _label(mapping: Mapping[str, tuple[str, str]], lang: str, code: str | None) -> str:
    return pick(mapping.get(code or ""), lang, code or "")


def query_id(query: Mapping[str, Any], field: str = "id") -> int | None:
    """A record id from a page's query string (``?id=12``): None when absent, else a whole number
    in the API's range (1 … 2⁶²), or a 422 naming the field — the page refuses what the API
    refuses."""
    raw = query.get(field)
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw))
    except ValueError:
        raise ValidationError(f"{raw!r} is not a number", field=field, rule="integer",
                              hint="give the record's number, e.g. ?id=12") from None
    if not 1 <= value <= MAX_ID:
        raise ValidationError(f"{value} is out of range", field=field, rule="range",
                              hint="ids run from 1 to 2^62")
    return value


def query_text(query: Mapping[str, Any], field: str, limit: int = 100) -> str | None:
    """A trimmed text filter from a page's query string (None when empty), at most ``limit``
    characters."""
    value = str(query.get(field) or "").strip()
    if len(value) > limit:
        raise ValidationError(f"longer than {limit} characters", field=field, rule="max_length",
                              hint=f"shorten it to {limit} characters")
    return value or None


def figure_cells(deployment: Deployment, keys: Iterable[str], area_code: str, period: Period,
                 lang: str = "zh-Hans",
                 links: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """The figures of ``keys`` (those registered; others are skipped) as a dashboard panel shows
    them: ``key``, ``label`` in ``lang``, ``value`` as shown (``92.50%``, ``12``; None without a
    figure), ``num``/``den``, ``percent``, and ``link``, the cases it counts — a flow figure
    drills to ``/cases?metric=…``, a computed one to ``links[key]`` (``{area}`` filled in) or
    nowhere."""
    d, out = deployment, []
    for key in keys:
        if key not in d.metrics:
            continue
        m = d.metrics[key]
        f = d.metric_service.figure(key, area_code, period)
        if m.compute is None:
            link: str | None = "/cases?" + urlencode({"metric": key, "area": area_code,
                                                      "period": str(period)})
        else:
            link = (links or {}).get(key, "").format(area=area_code) or None
        percent = m.unit == "percent"
        value = None if f.value is None else (f"{f.value:.2f}%" if percent else f"{f.value:g}")
        out.append({"key": key, "label": m.label.get(lang), "value": value, "num": f.num,
                    "den": f.den, "percent": percent, "link": link})
    return out
