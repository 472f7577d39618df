"""The ``suyuan`` console script: import every command module, then run."""

from suyuan_core.cli import cases, db, docs, metrics, plugins, roster, serve  # noqa: F401 - registers
from suyuan_core.cli.app import cli, main

__all__ = ["cli", "main"]
