"""``suyuan serve``: uvicorn in front of the app; one process, or several workers that each build
their own Deployment from the same configuration file."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from suyuan_core.accounts import DEMO_PASSWORD
from suyuan_core.config import ENV_CONFIG
from suyuan_core.errors import ConfigError

if TYPE_CHECKING:
    from litestar import Litestar

    from suyuan_core.deployment import Deployment


def app_from_env() -> Litestar:
    """The app factory each uvicorn worker calls (``--workers`` > 1)."""
    from suyuan_core.deployment import Deployment
    from suyuan_core.web.app import create_app

    d = Deployment.from_file(os.environ[ENV_CONFIG])
    return create_app(d, scheduler=d.config.core.jobs.scheduler == "embedded")


def check_ready(d: Deployment) -> None:
    behind = [branch for branch, (current, head) in d.migration_status().items() if current != head]
    if behind:
        raise ConfigError(f"the database is not up to date ({', '.join(behind)})",
                          hint="run `suyuan db upgrade` first")


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    import ipaddress

    if host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def banner(d: Deployment, host: str, port: int, *, tls: bool = False) -> list[str]:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"{'https' if tls else 'http'}://{shown}:{port}"
    lines = [f"suyuan {d.config.core.deployment.name}: serving on {base}/",
             f"  API {base}/api/v1/  ·  API reference (offline) {base}/api/v1/schema"]
    if d.accounts.check_password("admin", DEMO_PASSWORD):
        others = [u.username for u in d.accounts.users() if u.username != "admin"
                  and u.active and d.accounts.check_password(u.username, DEMO_PASSWORD)]
        lines.append(f"  demo login: admin / {DEMO_PASSWORD}  (also {', '.join(others)}; "
                     "same password)")
    if d.config.core.web.secure_cookies and not tls and not is_loopback(host):
        lines.append(
            f"  WARNING: serving plain HTTP on {host}, but session cookies are Secure: browsers "
            "other than on this machine will drop them and sign-in will loop. Serve over TLS "
            "(--ssl-certfile/--ssl-keyfile), or behind an HTTPS proxy (list it in [web] "
            "trusted_proxies), or set [web] secure_cookies = false for a plain-HTTP intranet")
    return lines


def server_options(access_log: bool = False) -> dict[str, object]:
    """uvicorn's fast stack (uvloop, httptools — both dependencies of suyuan) and no access log
    by default: the pure-Python loop and parser and a log line per request cost more than a
    case read. The audit log, not the access log, is the record of who read what."""
    return {"loop": "uvloop", "http": "httptools", "access_log": access_log,
            "log_level": "info"}


def run(deployment: Deployment, *, host: str = "127.0.0.1", port: int = 8000,
        workers: int = 1, access_log: bool = False, ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None) -> None:
    import uvicorn

    from suyuan_core.web.app import create_app

    if workers < 1:
        raise ConfigError("--workers must be at least 1", field="workers", rule="min")
    if bool(ssl_certfile) != bool(ssl_keyfile):
        raise ConfigError("TLS needs both --ssl-certfile and --ssl-keyfile", field="ssl",
                          rule="required")
    check_ready(deployment)
    tls = bool(ssl_certfile)
    for line in banner(deployment, host, port, tls=tls):
        click.echo(line, err=line.lstrip().startswith("WARNING"))
    # suyuan reads X-Forwarded-For itself, from [web] trusted_proxies only (uvicorn would
    # believe it from any local peer)
    options: dict[str, object] = {"host": host, "port": port, "proxy_headers": False,
                                  **server_options(access_log)}
    if tls:
        options.update(ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile)
    if workers == 1:
        uvicorn.run(create_app(deployment, scheduler=deployment.config.core.jobs.scheduler
                               == "embedded"), **options)  # type: ignore[arg-type]
        return
    if deployment.config.path is None:
        raise ConfigError("several workers need a configuration file", hint="pass --config PATH")
    os.environ[ENV_CONFIG] = str(deployment.config.path)
    deployment.close()
    uvicorn.run("suyuan_core.web.server:app_from_env", factory=True, workers=workers,
                **options)  # type: ignore[arg-type]
