"""HTTP benchmark: POST a case through suyuan's API, and GET the dashboard page, under load from a
second process on 127.0.0.1 — against a bare litestar endpoint doing the same single insert, served
the same way (uvicorn, one worker, the same database) and measured in the same run.

    python bench/http_intake.py [--seconds 10] [--concurrency 8] [--database-url postgresql+psycopg://…]

Target (issue 4): suyuan's intake ≥ 50% of the bare endpoint's requests per second. Exit 1 below.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import msgspec

TARGET = 0.5
CASE = {"title": "压测：邻里噪音纠纷", "category": "neighbour", "source": "walk_in",
        "area_code": "C.T1.C1.G1", "parties": [{"name": "张三", "phone": "13812341234"}]}


# -- the bare endpoint (run in its own process) ----------------------------------------------------
class BareCase(msgspec.Struct):
    title: str
    category: str
    source: str
    area_code: str
    parties: list[dict[str, str]] = []


def bare_app(database_url: str):  # type: ignore[no-untyped-def]
    """One POST that validates the body with msgspec and inserts one row into ``cases``."""
    import datetime as dt

    from litestar import Litestar, post
    from litestar.params import JSONBody
    from sqlalchemy import insert

    from suyuan_core.storage import tables
    from suyuan_core.storage.engine import make_engine

    engine = make_engine(database_url)

    @post("/bare/cases", sync_to_thread=True, status_code=201)
    def create(data: JSONBody[BareCase]) -> dict[str, int]:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        row = {"kind": "dispute", "title": data.title, "description": "",
               "category": data.category, "source": data.source, "source_ref": None,
               "area_code": data.area_code, "area_path": "/C/C.T1/C.T1.C1/C.T1.C1.G1/",
               "level": "grid", "handling_area_code": data.area_code, "status": "reported",
               "version": 1, "reported_at": now, "parties": data.parties, "assignees": [],
               "data": {}, "updated_at": now}
        with engine.begin() as conn:
            new_id = conn.execute(insert(tables.cases).returning(tables.cases.c.id), row).scalar_one()
        return {"id": new_id}

    return Litestar([create])


def serve(kind: str, config: str, port: int) -> subprocess.Popen[str]:
    if kind == "suyuan":
        cmd = [sys.executable, "-c", "from suyuan_core.cli.main import main; main()",
               "--config", config, "serve", "--port", str(port)]
    else:
        cmd = [sys.executable, __file__, "--bare-server", config, "--port", str(port)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def load(url: str, seconds: float, concurrency: int, *, method: str = "POST",
               headers: dict[str, str] | None = None, cookies: dict[str, str] | None = None,
               ok: int = 201) -> tuple[float, int]:
    """Requests per second over ``seconds`` with ``concurrency`` connections; every answer
    must be ``ok`` (an error stops the run)."""
    import httpx

    done = 0
    stop = time.perf_counter() + seconds
    async with httpx.AsyncClient(headers=headers, cookies=cookies, timeout=30) as client:
        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < stop:
                r = await (client.post(url, json=CASE) if method == "POST" else client.get(url))
                if r.status_code != ok:
                    raise SystemExit(f"{url}: {r.status_code} {r.text[:300]}")
                done += 1
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.perf_counter() - started), done


def wait_up(url: str) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--database-url", help="default: a SQLite file in a temporary directory")
    ap.add_argument("--bare-server", metavar="URL", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.bare_server:
        import uvicorn

        uvicorn.run(bare_app(args.bare_server), host="127.0.0.1", port=args.port, log_level="warning")
        return

    from suyuan_core.accounts import ensure_demo_users
    from suyuan_core.testing import DeploymentFactory

    work = Path(tempfile.mkdtemp(prefix="suyuan-bench-"))
    factory = DeploymentFactory(work, args.database_url)
    d = factory(config={"web": {"secure_cookies": False}})
    ensure_demo_users(d)
    d.accounts.add_user("bench", "bench", None)
    d.accounts.grant("bench", "official", "C")
    token = d.accounts.make_token("bench")
    session = d.accounts.login("admin", "suyuan-demo").cookie
    config, url = str(d.config.path), d.config.database_url
    ports = {"suyuan": free_port(), "bare": free_port()}
    procs = {"suyuan": serve("suyuan", config, ports["suyuan"]),
             "bare": serve("bare", url, ports["bare"])}
    try:
        for port in ports.values():
            wait_up(f"http://127.0.0.1:{port}/")
        base = {k: f"http://127.0.0.1:{p}" for k, p in ports.items()}
        warm = min(2.0, args.seconds / 5)
        asyncio.run(load(f"{base['bare']}/bare/cases", warm, args.concurrency))
        asyncio.run(load(f"{base['suyuan']}/api/v1/cases", warm, args.concurrency,
                         headers={"Authorization": f"Bearer {token}"}))
        bare, n_bare = asyncio.run(load(f"{base['bare']}/bare/cases", args.seconds,
                                        args.concurrency))
        ours, n_ours = asyncio.run(load(f"{base['suyuan']}/api/v1/cases", args.seconds,
                                        args.concurrency,
                                        headers={"Authorization": f"Bearer {token}"}))
        dash, n_dash = asyncio.run(load(f"{base['suyuan']}/dashboard?area=C", args.seconds,
                                        args.concurrency, method="GET",
                                        cookies={"suyuan_session": session}, ok=200))
    finally:
        for p in procs.values():
            os.killpg(p.pid, signal.SIGINT)
            p.wait(timeout=30)
        factory.close()
    share = ours / bare if bare else 0.0
    db = "PostgreSQL" if url.startswith("postgresql") else "SQLite (file, WAL)"
    print(f"database: {db}; {args.concurrency} connections for {args.seconds:g} s each")
    print(f"bare litestar insert : {bare:8.1f} req/s ({n_bare} cases)")
    print(f"suyuan POST /cases   : {ours:8.1f} req/s ({n_ours} cases)  = {share:.0%} of bare "
          f"(target {TARGET:.0%})")
    print(f"suyuan GET /dashboard: {dash:8.1f} req/s ({n_dash} pages)")
    sys.exit(0 if share >= TARGET else 1)


if __name__ == "__main__":
    main()
