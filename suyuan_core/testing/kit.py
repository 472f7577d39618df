"""Building throw-away deployments for tests, on SQLite or on PostgreSQL (a schema each)."""

from __future__ import annotations

import os
import tomllib
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import click
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from suyuan_core.deployment import Deployment
from suyuan_core.testing.factories import standard_areas

ENV_URL = "SUYUAN_TEST_DATABASE_URL"


def _toml_key(key: str) -> str:
    """A bare key when TOML allows one, else a quoted key (e.g. Chinese area names)."""
    if key and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in key):
        return key
    return _toml_value(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {value!r} to TOML")


def dump_toml(data: Mapping[str, Any], prefix: str = "") -> str:
    """A minimal TOML writer for test configs (tables of scalars, lists and inline tables)."""
    scalars = {k: v for k, v in data.items() if not isinstance(v, dict)}
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    lines = [f"[{prefix}]"] if prefix and (scalars or not tables) else []
    lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in scalars.items()]
    for k, v in tables.items():
        lines.append("")
        lines.append(dump_toml(v, f"{prefix}.{k}" if prefix else k))
    out = "\n".join(lines)
    tomllib.loads(out)  # what we write must read back
    return out


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in extra.items():
        out[k] = _merge(out.get(k, {}), v) if isinstance(v, Mapping) else v
    return out


class DeploymentFactory:
    """Makes migrated deployments in ``directory``; :meth:`close` drops what it made."""

    def __init__(self, directory: Path, database_url: str | None = None) -> None:
        self.directory = directory
        self.database_url = database_url if database_url is not None else os.environ.get(ENV_URL)
        self._made: list[tuple[Deployment, str | None]] = []

    def _url(self) -> tuple[str, str | None]:
        if not self.database_url:
            return f"sqlite:///{self.directory / f'suyuan-{uuid.uuid4().hex[:8]}.db'}", None
        schema = f"t_{uuid.uuid4().hex[:12]}"
        url = make_url(self.database_url)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        with_path = url.update_query_dict({"options": f"-csearch_path={schema}"})
        return with_path.render_as_string(hide_password=False), schema

    def __call__(self, *, plugins: list[str] | None = None,
                 config: Mapping[str, Any] | None = None,
                 extra_plugins: Mapping[str, ModuleType | object] | None = None,
                 areas: bool = True, upgrade: bool = True) -> Deployment:
        """A deployment with ``plugins`` (entry points) and ``extra_plugins`` (in-process modules,
        enabled automatically) enabled, ``config`` merged over the defaults, migrated, and seeded
        with :func:`standard_areas` unless ``areas=False``."""
        url, schema = self._url()
        extra = dict(extra_plugins or {})
        data = _merge({"deployment": {"name": "test", "database": url},
                       "plugins": {"enabled": [*(plugins or []), *extra]}}, config or {})
        path = self.directory / f"suyuan-{uuid.uuid4().hex[:8]}.toml"
        path.write_text(dump_toml(data), encoding="utf-8")
        deployment = Deployment.from_file(path, extra_plugins=extra, discover=bool(plugins))
        self._made.append((deployment, schema))
        if upgrade:
            deployment.upgrade()
            if areas:
                deployment.areas.import_areas(standard_areas())
        return deployment

    def close(self) -> None:
        for deployment, schema in self._made:
            deployment.close()
            if schema and self.database_url:
                engine = create_engine(self.database_url)
                with engine.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                engine.dispose()
        self._made.clear()


@contextmanager
def reopened(deployment: Deployment, plugins: Sequence[str]) -> Iterator[Deployment]:
    """Close ``deployment`` and open its database again with exactly ``plugins`` enabled,
    upgraded — how a county switches a plugin off (``plugins=[]``: the core alone) or on again.
    The reopened deployment is closed on leaving the block::

        with reopened(d, []) as core:
            assert "mypillar" not in core.migration_status()
    """
    url = deployment.config.database_url
    deployment.close()
    again = Deployment.from_dict({"deployment": {"name": "reopened", "database": url},
                                  "plugins": {"enabled": list(plugins)}}, discover=bool(plugins))
    try:
        again.upgrade()
        yield again
    finally:
        again.close()


@attrs.frozen
class CliResult:
    """What `run_cli` saw: the exit code and what went to stdout and stderr."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_cli(deployment: Deployment | None, *args: str, input: str | None = None) -> CliResult:
    """Run ``suyuan [--config <deployment's file>] ARGS`` in-process, as a user would."""
    from suyuan_core.cli.main import main

    argv = list(args)
    if deployment is not None and deployment.config.path is not None:
        argv = ["--config", str(deployment.config.path), *argv]
    runner = CliRunner()
    result = runner.invoke(_entry(main), argv, input=input, catch_exceptions=False)
    return CliResult(result.exit_code, result.stdout, result.stderr)


def _entry(main: Callable[[list[str]], None]) -> click.Command:
    """``main(argv)`` (which prints one-line errors and exits) as a command CliRunner can invoke."""
    return click.Command(
        "suyuan", callback=lambda args: main(list(args)),
        params=[click.Argument(["args"], nargs=-1, type=click.UNPROCESSED)],
        context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False,
                          "help_option_names": []})
