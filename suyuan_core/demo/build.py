"""Building the Jintang demo deployment: files, plugins, areas, roster, event log, headline figures.

The deployment files come from ``examples/jintang`` (``suyuan.toml``, ``areas.csv``,
``categories.toml``); the roster and the cases are generated from the seed. Everything is loaded
through the core's services, exactly as ``suyuan areas import``, ``suyuan roster import`` and
``suyuan cases import`` would, so ``suyuan metrics verify`` holds on the result.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from suyuan_core import config as config_mod
from suyuan_core.areas.service import read_csv
from suyuan_core.cases.bulk import BulkWriter, CaseRecord
from suyuan_core.demo import roster as roster_mod
from suyuan_core.demo.cases import Generator, Targets, until_of

__all__ = ["until_of"]
from suyuan_core.errors import ConfigError, ValidationError
from suyuan_core.metrics.periods import Period
from suyuan_core.plugins import manager
from suyuan_core.plugins.spec import PluginSpec

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment

DEFAULT_CASES = 20_000
BATCH = 2_000
#: what makes a directory "hold a demo": refuse to overwrite it without --force.
MARKERS = ("suyuan.toml", "suyuan.db")
COPIED = ("suyuan.toml", "areas.csv", "categories.toml")
WRITTEN = ("roster.csv", "organisations.csv", "suyuan.db", "suyuan.db-wal", "suyuan.db-shm")


def example_dir() -> Path:
    """``examples/jintang`` of the source tree suyuan runs from (a clone, installed editable)."""
    found = Path(__file__).resolve().parents[2] / "examples" / "jintang"
    if not (found / "suyuan.toml").exists():
        raise ConfigError(f"the Jintang example deployment is not at {found}",
                          hint="run `suyuan demo` from a clone of the suyuan repository "
                               "installed with `pip install -e .`")
    return found


def check_request(directory: Path, cases: int, force: bool) -> None:
    """Refuse bad input before anything is written."""
    if cases < 1:
        raise ValidationError(f"must be at least 1, got {cases}", field="--cases", rule="positive",
                              hint=f"e.g. --cases {DEFAULT_CASES}")
    if directory.exists() and not directory.is_dir():
        raise ValidationError(f"{directory} is a file, not a directory", field="--dir",
                              rule="directory")
    held = [m for m in MARKERS if (directory / m).exists()]
    if held and not force:
        raise ValidationError(f"{directory} already holds a deployment ({', '.join(held)})",
                              field="--dir", rule="empty",
                              hint=f"pass --force to rebuild it, choose another --dir, or serve "
                                   f"it: suyuan --config {directory / 'suyuan.toml'} serve")


# -- plugins ----------------------------------------------------------------------------------
def choose_plugins(listed: list[str]) -> tuple[list[str], list[str]]:
    """The plugins the demo enables: those ``listed`` in the example's ``suyuan.toml`` plus every
    installed plugin that provides a pillar not already filled (with what it requires).

    Returns the list and notes on installed pillar plugins left out (a pillar taken twice, a
    conflict, a plugin that fails to import). A listed plugin that is not installed is left in:
    the Deployment then names it in a one-line error.
    """
    available = manager.discover()
    specs: dict[str, PluginSpec | None] = {}
    notes: list[str] = []

    def spec(name: str) -> PluginSpec | None:
        if name not in specs:
            try:
                specs[name] = manager.spec_of(name, available[name].load())
            except Exception as exc:  # a broken third-party plugin must not stop the demo
                notes.append(f"{name}: not enabled, it fails to load ({type(exc).__name__}: {exc})")
                specs[name] = None
        return specs[name]

    chosen = list(listed)
    pillars = {}
    for name in listed:
        found = spec(name) if name in available else None
        if found is not None and found.pillar:
            pillars[found.pillar] = name
    for name in sorted(available):
        if name in chosen:
            continue
        found = spec(name)
        if found is None or not found.pillar:
            continue
        if found.pillar in pillars:
            notes.append(f"{name}: not enabled, {pillars[found.pillar]} already provides the "
                         f"pillar {found.pillar}")
            continue
        needed = _requirements(name, available, spec)
        if needed is None:
            notes.append(f"{name}: not enabled, a plugin it requires is not installed")
            continue
        clash = [c for c in chosen + needed if c in found.conflicts
                 or (c in available and name in getattr(spec(c), "conflicts", ()))]
        if clash:
            notes.append(f"{name}: not enabled, it conflicts with {', '.join(clash)}")
            continue
        chosen.extend(n for n in [*needed, name] if n not in chosen)
        pillars[found.pillar] = name
    return chosen, notes


def _requirements(name: str, available: dict[str, manager.Available],
                  spec: Callable[[str], PluginSpec | None]) -> list[str] | None:
    """Everything ``name`` requires, transitively, dependencies first; None if one is missing."""
    out: list[str] = []
    stack = [name]
    seen = {name}
    while stack:
        found = spec(stack.pop())
        if found is None:
            return None
        for req in found.requires:
            if req not in available:
                return None
            if req not in seen:
                seen.add(req)
                out.insert(0, req)
                stack.append(req)
    return out


# -- files ------------------------------------------------------------------------------------
def _with_plugins(text: str, enabled: list[str]) -> str:
    """The example's suyuan.toml with ``[plugins] enabled`` set to ``enabled``, comments kept."""
    value = "[" + ", ".join(f'"{n}"' for n in enabled) + "]"
    new, count = re.subn(r"(?m)^enabled\s*=\s*\[[^\]]*\]", f"enabled = {value}", text, count=1)
    if count != 1:
        raise ConfigError("examples/jintang/suyuan.toml has no `enabled = [...]` under [plugins]")
    if tomllib.loads(new).get("plugins", {}).get("enabled") != enabled:
        raise ConfigError("examples/jintang/suyuan.toml: could not set [plugins] enabled")
    return new


_HEADER = re.compile(r"^\s*\[\[?\s*plugins\.([A-Za-z0-9_]+)")


def _without_tables(text: str, names: set[str]) -> str:
    """The config without the ``[plugins.NAME…]`` tables of ``names`` (plugins not installed
    here: their settings would be refused) and the comment block just above each, the rest kept
    as written."""
    out: list[str] = []
    dropping = False
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("["):
            found = _HEADER.match(line)
            dropping = bool(found and found.group(1) in names)
            if dropping:
                while out and out[-1].lstrip().startswith("#"):
                    out.pop()
        if not dropping:
            out.append(line)
    return "".join(out)


def write_deployment(directory: Path, force: bool,
                     core_only: bool = False) -> tuple[Path, list[str], list[str]]:
    """Copy the example into ``directory`` with the chosen plugins (none with ``core_only``);
    returns the config path, the enabled plugins and notes on the ones left out."""
    source = example_dir()
    text = (source / "suyuan.toml").read_text(encoding="utf-8")
    listed = tomllib.loads(text).get("plugins", {}).get("enabled", [])
    enabled, notes = ([], []) if core_only else choose_plugins(list(listed))
    config_text = _with_plugins(text, enabled)
    installed = set(manager.discover())
    absent = {n for n in tomllib.loads(config_text).get("plugins", {})
              if n != "enabled" and n not in installed}
    if absent:  # e.g. the handling units of [plugins.smart] when the smart pillar is not here
        config_text = _without_tables(config_text, absent)
        notes += [f"{n}: not installed, its [plugins.{n}] settings are left out"
                  for n in sorted(absent)]
    # the checks the Deployment will make (unknown plugin, pillar taken twice, bad settings),
    # before anything is written
    parsed = config_mod.parse(tomllib.loads(config_text))
    manager.resolve(parsed.core.plugins.enabled, manager.discover(), {}, parsed.plugin_tables)
    directory.mkdir(parents=True, exist_ok=True)
    if force:
        for name in (*COPIED, *WRITTEN):
            (directory / name).unlink(missing_ok=True)
    for name in COPIED[1:]:
        shutil.copyfile(source / name, directory / name)
    config = directory / "suyuan.toml"
    config.write_text(config_text, encoding="utf-8")
    return config, enabled, notes


# -- loading ----------------------------------------------------------------------------------
def load_areas(d: Deployment) -> int:
    path = d.config.resolve(d.config.core.data.areas or "areas.csv")
    return d.areas.import_areas(read_csv(path))


def load_roster(d: Deployment, seed: int) -> roster_mod.Roster:
    """Generate the roster, write it as ``organisations.csv`` and ``roster.csv`` and import them
    like ``suyuan roster import-organisations`` and ``suyuan roster import``."""
    generated = roster_mod.generate(d.areas.tree, seed)
    path = d.config.resolve(d.config.core.data.roster or "roster.csv")
    organisations = path.with_name("organisations.csv")
    roster_mod.write_organisations_csv(generated, organisations)
    d.roster.import_organisations_csv(organisations)
    roster_mod.write_csv(generated, path)
    d.roster.import_csv(path)
    return generated


def plugin_order(hook: Any) -> list[str]:
    """The order ``suyuan demo`` writes each plugin's share in: the plugins a plugin requires
    first (registration order), and the implementations marked ``trylast`` — they build on the
    others' data, e.g. rule_of_law confirming self_governance's agreements — after all others."""
    impls = hook.get_hookimpls()
    return ([i.plugin_name for i in impls if not i.trylast]
            + [i.plugin_name for i in reversed(impls) if i.trylast])


def write_cases(d: Deployment, roster: roster_mod.Roster, count: int, seed: int,
                until: dt.datetime, advance: Callable[[int], object] = lambda n: None) -> int:
    """Generate ``count`` cases with their histories and write them in bulk batches."""
    generator = Generator(d.areas.tree, roster, frozenset(d.categories.codes()), seed, until)
    writer = BulkWriter(d)
    written = 0
    for batch in _batches(generator.records(count), BATCH):
        written += writer.write(batch).created
        advance(len(batch))
    return written


def _batches(records: Iterator[CaseRecord], size: int) -> Iterator[list[CaseRecord]]:
    batch: list[CaseRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# -- the figures ------------------------------------------------------------------------------
@attrs.frozen
class Headline:
    label: str
    value: str
    detail: str = ""


def window_figure(d: Deployment, key: str, since: dt.date, until: dt.date,
                  sources: tuple[str | None, ...] = (None,)) -> tuple[int, int, float | int | None]:
    """A metric over every year from ``since`` to ``until`` at the county, summed over
    ``sources``: read from the rollups, like every dashboard figure."""
    svc = d.metric_service
    county = d.areas.tree.roots()[0]
    num = den = 0
    for year in range(since.year, until.year + 1):
        for source in sources:
            f = svc.figure(key, county, Period("year", dt.date(year, 1, 1)), source=source)
            num, den = num + f.num, den + f.den
    return num, den, d.metrics[key].value(num, den)


def headline(d: Deployment, until: dt.datetime, window_days: int = Targets().window_days
             ) -> list[Headline]:
    since = (until - dt.timedelta(days=window_days + 1)).date()
    end = until.date()

    def rate(key: str, label: str, sources: tuple[str | None, ...] = (None,)) -> Headline:
        num, den, value = window_figure(d, key, since, end, sources)
        shown = "—" if value is None else f"{value:.2f}%"
        return Headline(label, shown, f"{num:,} / {den:,}")

    def count(key: str, label: str) -> Headline:
        return Headline(label, f"{window_figure(d, key, since, end)[2]:,}")

    disputes = tuple(s.code for s in d.sources if s.case_kind == "dispute")
    county = d.areas.tree.roots()[0]
    gauges = [Headline(f"{d.metrics[k].label.zh} {d.metrics[k].label.en}",
                       f"{d.metric_service.figure(k, county, Period('day', end)).value:,}")
              for k in ("open_now", "overdue_now")]
    return [
        count("cases_received", "受理案件数 Cases received"),
        rate("mediation_success_rate", "纠纷调解成功率 Mediation success (disputes)", disputes),
        rate("satisfaction_rate", "网上诉求满意率 Online appeal satisfaction",
             ("hotline_12345", "mailbox")),
        rate("on_time_rate", "12345按时办结率 Hotline on-time", ("hotline_12345",)),
        rate("settled_at_community_rate", "小事不出社区率 Settled in the community"),
        count("escalations", "上报升级数 Escalations"),
        *gauges,
    ]
