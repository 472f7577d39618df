"""``suyuan plugins new``: a new plugin from the template, with tests that pass out of the box."""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import re
from importlib import resources
from pathlib import Path
from string import Template

from suyuan_core.errors import ValidationError
from suyuan_core.plugins.spec import PILLARS

FILES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "plugin.py.tmpl": "src/suyuan_{name}/__init__.py",
    "models.py.tmpl": "src/suyuan_{name}/models.py",
    "api.py.tmpl": "src/suyuan_{name}/api.py",
    "migration.py.tmpl": "src/suyuan_{name}/migrations/versions/{name}_0001.py",
    "test_plugin.py.tmpl": "tests/test_{name}.py",
}


def scaffold(name: str, target: Path, *, label_zh: str, label_en: str,
             pillar: str | None = None) -> list[Path]:
    """Write a plugin called ``name`` into ``target`` (which must not exist yet)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise ValidationError(f"{name!r} is not a plugin name", field="name", rule="identifier",
                              hint="use lower-case letters, digits and _, e.g. labour_arbitration")
    if pillar is not None and pillar not in PILLARS:
        raise ValidationError(f"{pillar!r} is not a pillar", field="pillar", rule="one_of",
                              hint="use one of " + ", ".join(PILLARS))
    if target.exists():
        raise ValidationError(f"{target} already exists", field="directory", rule="new",
                              hint="choose a new directory")
    values = {"name": name, "dist": name.replace("_", "-"), "command": name.replace("_", "-"),
              "label_zh": label_zh, "label_en": label_en, "pillar": repr(pillar),
              # a pillar's vocabulary: its provider's permissions are named after the pillar
              "prefix": pillar or name,
              "core_version": md.version("suyuan"), "today": dt.date.today().isoformat()}
    written = []
    folder = resources.files("suyuan_core.plugins").joinpath("template")
    for source, dest in FILES.items():
        text = Template(folder.joinpath(source).read_text(encoding="utf-8")).substitute(values)
        path = target / dest.format(name=name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    (target / f"src/suyuan_{name}/migrations/__init__.py").write_text("", encoding="utf-8")
    return written
