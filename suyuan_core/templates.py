"""Public: Jinja2 environments for server-rendered pages, the core's and the plugins' alike.

A package keeps its templates in ``<templates_package>/templates`` and its Babel catalog in
``<locale_package>/locale/zh_Hans/LC_MESSAGES/messages.mo``; the templates are written in English
and translated to Chinese (zh-Hans), which is the default language.
"""

from __future__ import annotations

import functools
from importlib import resources

from babel.support import NullTranslations, Translations
from jinja2 import Environment, PackageLoader, select_autoescape


@functools.cache
def translations(locale_package: str, lang: str) -> NullTranslations:
    """The package's catalog for ``lang`` (English is the templates' own text)."""
    if lang == "en":
        return NullTranslations()
    folder = str(resources.files(locale_package).joinpath("locale"))
    return Translations.load(folder, locales=["zh_Hans"], domain="messages")


def page_environment(templates_package: str, locale_package: str, lang: str) -> Environment:
    """An autoescaped environment with ``_()`` from the package's catalog and ``lang`` set.
    Callers cache it per language and add their own globals."""
    env = Environment(loader=PackageLoader(templates_package, "templates"),
                      autoescape=select_autoescape(["html"]), extensions=["jinja2.ext.i18n"],
                      trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(locale_package, lang),  # type: ignore[attr-defined]
                                     newstyle=True)
    env.globals["lang"] = lang
    return env
