"""``suyuan serve`` in a real process: prints the URL and the demo login, answers over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from suyuan_core.accounts import DEMO_PASSWORD, ensure_demo_users


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_prints_url_and_demo_login_and_serves(deployment, workers):
    ensure_demo_users(deployment)
    port = free_port()
    cmd = [sys.executable, "-c", "from suyuan_core.cli.main import main; main()",
           "--config", str(deployment.config.path), "serve", "--port", str(port),
           "--workers", str(workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
                if r.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        login = httpx.post(f"http://127.0.0.1:{port}/api/v1/auth/login",
                           json={"username": "admin", "password": DEMO_PASSWORD})
        assert login.status_code == 200 and login.json()["username"] == "admin"
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        out, _ = proc.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in out
    assert f"demo login: admin / {DEMO_PASSWORD}" in out
    assert "POST /api/v1/auth/login" not in out  # no access log by default (it is slow)


def test_serve_runs_on_the_fast_stack():
    """uvloop and httptools are installed with suyuan and chosen, not uvicorn's pure-Python
    fallbacks."""
    import httptools  # noqa: F401
    import uvloop  # noqa: F401

    from suyuan_core.web.server import server_options

    options = server_options()
    assert options["loop"] == "uvloop" and options["http"] == "httptools"
    assert options["access_log"] is False and server_options(True)["access_log"] is True


def test_serve_refuses_an_unmigrated_database(make_deployment, tmp_path):
    from suyuan_core.testing import run_cli

    d = make_deployment(upgrade=False)
    r = run_cli(d, "serve", "--port", "1")
    assert r.exit_code == 1 and "suyuan db upgrade" in r.stderr and "Traceback" not in r.output
