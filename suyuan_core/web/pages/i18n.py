"""Languages of the pages: Chinese (zh-Hans) first, English available; Babel message catalogs in
``suyuan_core/locale`` (the templates are written in English and translated to Chinese)."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from babel.support import NullTranslations, Translations
from jinja2 import Environment, PackageLoader, select_autoescape

LANGUAGES = {"zh-Hans": "中文", "en": "English"}
DEFAULT = "zh-Hans"
LANG_COOKIE = "suyuan_lang"


def locale_dir() -> Path:
    return Path(str(resources.files("suyuan_core"))) / "locale"


@functools.cache
def translations(lang: str) -> NullTranslations:
    if lang == "en":
        return NullTranslations()
    return Translations.load(str(locale_dir()), locales=["zh_Hans"], domain="messages")


@functools.cache
def environment(lang: str) -> Environment:
    """One Jinja2 environment per language (autoescaped, with ``_()`` from the catalog)."""
    env = Environment(loader=PackageLoader("suyuan_core.web", "templates"),
                      autoescape=select_autoescape(["html"]), extensions=["jinja2.ext.i18n"],
                      trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["lang"] = lang
    env.globals["languages"] = LANGUAGES
    return env


def pick(cookie: str | None, accept: str | None) -> str:
    if cookie in LANGUAGES:
        return cookie
    if accept and accept.lower().startswith("en"):
        return "en"
    return DEFAULT
