"""The root group: finds the deployment (``--config`` / ``SUYUAN_CONFIG`` / ``./suyuan.toml``), adds
each enabled plugin's commands, and turns every user error into one line on stderr."""

from __future__ import annotations

import csv
import json
import os
import sys
import traceback
import zipfile
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.exc import OperationalError, ProgrammingError

from suyuan_core import config as config_mod
from suyuan_core.errors import ConfigError, SuyuanError

F = TypeVar("F", bound=Callable[..., Any])
DEBUG_ENV = "SUYUAN_DEBUG"


class State:
    """What every command shares: the config path and, on first use, the Deployment."""

    def __init__(self, config_path: str | None) -> None:
        self.config_path = config_path
        self.load_error: SuyuanError | None = None

    @cached_property
    def path(self) -> Path:
        found = config_mod.find(self.config_path)
        if found is None:
            raise ConfigError("no suyuan.toml here",
                              hint="run `suyuan init`, or pass --config PATH / set SUYUAN_CONFIG")
        return found

    @cached_property
    def deployment(self) -> Any:
        from suyuan_core.deployment import Deployment

        return Deployment.from_file(self.path)

    def config_path_found(self) -> bool:
        try:
            return self.path.exists()
        except SuyuanError:
            return False

    def maybe_deployment(self) -> Any | None:
        """The deployment, or None when it does not load (the error is kept: a plugin command
        that is missing because of it says so instead of "No such command")."""
        try:
            return self.deployment
        except SuyuanError as exc:
            self.load_error = exc
            return None


pass_state = click.make_pass_decorator(State)


class SuyuanGroup(click.Group):
    """Adds the commands the enabled plugins register (``suyuan_register_commands``)."""

    def _plugin_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        if ctx.obj is None:  # --help is handled before the group's callback runs
            ctx.obj = State(ctx.params.get("config_path") or os.environ.get(config_mod.ENV_CONFIG))
        state = ctx.obj
        if not isinstance(state, State):
            return {}
        cached = getattr(state, "_plugin_commands", None)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        found: dict[str, click.Command] = {}
        deployment = state.maybe_deployment()
        if deployment is not None:
            for commands in deployment.hook.suyuan_register_commands(deployment=deployment):
                for command in [commands] if isinstance(commands, click.Command) else commands:
                    if command.name:
                        found[command.name] = command
        state._plugin_commands = found  # type: ignore[attr-defined]
        return found

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._plugin_commands(ctx)))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name) or self._plugin_commands(ctx).get(cmd_name)
        failed = getattr(ctx.obj, "load_error", None)
        if found is None and failed is not None and ctx.obj.config_path_found():
            # e.g. `suyuan smart --help` with a typo in [plugins.smart]: say why, not "No such
            # command"
            raise ConfigError(f"`suyuan {cmd_name}` is not available because the deployment "
                              f"did not load: {failed.message}", hint=failed.hint)
        return found


@click.group(cls=SuyuanGroup)
@click.option("--config", "config_path", envvar=config_mod.ENV_CONFIG, metavar="PATH", is_eager=True,
              help="The deployment's suyuan.toml (default: $SUYUAN_CONFIG, then ./suyuan.toml).")
@click.option("--debug", is_flag=True, envvar=DEBUG_ENV, is_eager=True,
              help="Show the traceback behind an error (also $SUYUAN_DEBUG=1).")
@click.version_option(package_name="suyuan")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, debug: bool) -> None:
    """suyuan 诉源治理: prevent and settle community disputes at their source."""
    if not isinstance(ctx.obj, State):
        ctx.obj = State(config_path)


def fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)


def _debugging(argv: list[str] | None) -> bool:
    args = sys.argv[1:] if argv is None else argv
    return "--debug" in args or os.environ.get(DEBUG_ENV, "") not in ("", "0")


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors (and a plugin's mistakes) are one line and exit 1; the traceback
    is shown only with ``--debug``. Anything else is a bug: one line saying so, exit 2."""
    debug = _debugging(argv)
    try:
        cli.main(args=argv, prog_name="suyuan", standalone_mode=False)
    except SuyuanError as exc:
        if debug:
            traceback.print_exception(exc)
        fail(exc.one_line())
        sys.exit(1)
    except click.exceptions.Abort:
        fail("aborted")
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (OperationalError, ProgrammingError) as exc:
        text = str(exc.orig).splitlines()[0] if exc.orig else str(exc).splitlines()[0]
        if "no such table" in text or "does not exist" in text:
            fail(f"the database is not set up ({text}); run `suyuan db upgrade`")
        else:
            fail(f"database error: {text}")
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(0)
    except (OSError, UnicodeDecodeError, csv.Error, RecursionError, zipfile.BadZipFile,
            json.JSONDecodeError) as exc:
        # a bad file handed to any command (the core's or a plugin's): one line, no traceback
        if debug:
            raise
        fail(bad_file(exc))
        sys.exit(1)
    except Exception as exc:
        if debug:
            raise
        first = (str(exc).splitlines() or [""])[0]
        fail(f"unexpected {type(exc).__name__}: {first} (a bug; run again with --debug for the "
             "traceback and report it)")
        sys.exit(2)


def bad_file(exc: BaseException) -> str:
    """One line saying what is wrong with a file a command was given."""
    if isinstance(exc, UnicodeDecodeError):
        byte = exc.object[exc.start:exc.start + 1].hex() if exc.object else "?"
        return (f"the file is not UTF-8 text (byte 0x{byte} at offset {exc.start}); "
                "save it as UTF-8 (CSV UTF-8 in Excel) and try again")
    if isinstance(exc, IsADirectoryError):
        return f"{exc.filename}: is a directory, not a file"
    if isinstance(exc, FileNotFoundError):
        return f"{exc.filename}: no such file"
    if isinstance(exc, OSError):
        return f"{exc.filename or 'file'}: cannot be read ({exc.strerror or exc})"
    if isinstance(exc, csv.Error):
        return f"the CSV file cannot be read: {exc}"
    if isinstance(exc, zipfile.BadZipFile):
        return "the file is not an .xlsx workbook (not a valid zip archive)"
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    return "the file nests too deeply to be read"
