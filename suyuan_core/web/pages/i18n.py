"""Languages of the pages: Chinese (zh-Hans) first, English available; Babel message catalogs in
``suyuan_core/locale`` (the templates are written in English and translated to Chinese)."""

from __future__ import annotations

import functools

from babel.support import NullTranslations
from jinja2 import Environment

from suyuan_core import templates

LANGUAGES = {"zh-Hans": "中文", "en": "English"}
DEFAULT = "zh-Hans"
LANG_COOKIE = "suyuan_lang"


def translations(lang: str) -> NullTranslations:
    return templates.translations("suyuan_core", lang)


@functools.cache
def environment(lang: str) -> Environment:
    """One Jinja2 environment per language (autoescaped, with ``_()`` from the catalog)."""
    env = templates.page_environment("suyuan_core.web", "suyuan_core", lang)
    env.globals["languages"] = LANGUAGES
    return env


def pick(cookie: str | None, accept: str | None) -> str:
    if cookie in LANGUAGES:
        return cookie
    if accept and accept.lower().startswith("en"):
        return "en"
    return DEFAULT
