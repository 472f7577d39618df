"""Browser tests in a real headless Chromium (public): Debian's ``/usr/bin/chromium`` driven by
Playwright — never a downloaded browser, so the tests run on an offline intranet machine.

::

    from suyuan_core.testing.browser import browser_page, live_server, requires_chromium

    pytestmark = requires_chromium

    def test_a_page(make_deployment):
        d = make_deployment(plugins=["mypillar"], config={"web": {"secure_cookies": False}})
        with live_server(d) as base, browser_page(base) as (page, requested):
            page.goto(f"{base}/mypillar/")
            ...
        assert not outside(requested, base)     # no page asks anything of another server

``SUYUAN_CHROMIUM`` names another binary; CI sets ``SUYUAN_REQUIRE_BROWSER=1`` so a missing
Chromium fails there instead of skipping quietly. The server is the real app under uvicorn on
127.0.0.1 and a free port; use ``config={"web": {"secure_cookies": False}}`` (plain HTTP).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from suyuan_core.deployment import Deployment

__all__ = ["CHROMIUM", "browser_page", "live_server", "outside", "requires_chromium", "sign_in"]

CHROMIUM = os.environ.get("SUYUAN_CHROMIUM", "/usr/bin/chromium")

#: mark a module or test: skipped without Chromium, unless ``SUYUAN_REQUIRE_BROWSER`` is set.
requires_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("SUYUAN_REQUIRE_BROWSER"),
    reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def live_server(deployment: Deployment, timeout: float = 20) -> Iterator[str]:
    """The deployment's app served by uvicorn in a thread; yields its base URL."""
    import uvicorn

    from suyuan_core.web import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(deployment), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def browser_page(base: str, *, locale: str = "zh-CN", viewport: tuple[int, int] = (1366, 768),
                 javascript: bool = True, mobile: bool = False,
                 ) -> Iterator[tuple[Any, list[str]]]:
    """A Playwright page in headless Chromium, and the list of every URL it requests.
    ``javascript=False`` shows what a page does without scripts; ``mobile`` makes it a phone
    (touch, the mobile viewport meta honoured; give a phone's ``viewport``, e.g. (390, 844))."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]},
                                    locale=locale, accept_downloads=True,
                                    java_script_enabled=javascript, is_mobile=mobile,
                                    has_touch=mobile)
            requested: list[str] = []
            page.on("request", lambda r: requested.append(r.url))
            yield page, requested
        finally:
            browser.close()


def sign_in(page: Any, base: str, username: str, password: str, then: str = "/") -> None:
    """Open ``then`` (which sends a visitor to the sign-in page), sign in, and wait to land."""
    page.goto(f"{base}{then}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{then}")


def outside(requested: list[str], base: str) -> list[str]:
    """The requests that went anywhere but ``base`` (should be none: no CDN, offline intranets).
    Fails when nothing was requested at all, which would make the check vacuous."""
    assert requested, "the page made no request"
    return [u for u in requested if not u.startswith(base)]
