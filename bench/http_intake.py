"""HTTP benchmark: POST a case and GET one case through suyuan's API, and GET a town's dashboard
page, under load from a second process on 127.0.0.1 — against a bare litestar app doing the same
single insert and the same one-transaction read of a case and its events, served the same way
(uvicorn with uvloop and httptools, the same workers, the same database) and measured in the same
run.

    python bench/http_intake.py [--seconds 10] [--concurrency 8] [--workers 1]
                                [--database-url postgresql+psycopg://…] [--json out.json]

Targets (issue 15): POST ≥ 0.7 and GET /cases/{id} ≥ 0.6 of the bare app's requests per second.
Exit 1 below.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import msgspec

TARGET = 0.7
TARGET_GET = 0.6
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

    from litestar import Litestar, get, post
    from litestar.exceptions import NotFoundException
    from litestar.params import JSONBody
    from sqlalchemy import insert, select

    from suyuan_core.areas.tree import AreaTree
    from suyuan_core.domain.areas import Area
    from suyuan_core.storage import tables
    from suyuan_core.storage.engine import make_engine

    engine = make_engine(database_url)
    with engine.connect() as conn:
        tree = AreaTree(Area(r.code, r.name_zh, r.level, r.parent_code) for r in conn.execute(
            select(tables.areas.c.code, tables.areas.c.name_zh, tables.areas.c.level,
                   tables.areas.c.parent_code)))

    @post("/bare/cases", sync_to_thread=True, status_code=201)
    def create(data: JSONBody[BareCase]) -> dict[str, int]:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        path = "/" + "/".join(reversed(tree.ancestors(data.area_code))) + "/"
        row = {"kind": "dispute", "title": data.title, "description": "",
               "category": data.category, "source": data.source, "source_ref": None,
               "area_code": data.area_code, "area_path": path,
               "level": "grid", "handling_area_code": data.area_code, "status": "reported",
               "version": 1, "reported_at": now, "parties": data.parties, "assignees": [],
               "data": {}, "updated_at": now}
        with engine.begin() as conn:
            new_id = conn.execute(insert(tables.cases).returning(tables.cases.c.id), row).scalar_one()
        return {"id": new_id}

    @get("/bare/cases/{case_id:int}", sync_to_thread=True)
    def read(case_id: int) -> dict[str, Any]:
        c, e = tables.cases.c, tables.case_events.c
        with engine.connect() as conn:
            case = conn.execute(select(tables.cases).where(c.id == case_id)).mappings().first()
            if case is None:
                raise NotFoundException()
            events = conn.execute(select(tables.case_events).where(e.case_id == case_id)
                                  .order_by(e.seq)).mappings().all()
        return {"case": dict(case), "timeline": [dict(x) for x in events]}

    return Litestar([create, read])


def bare_app_from_env():  # type: ignore[no-untyped-def]
    """The bare app factory each uvicorn worker calls (``--workers`` > 1)."""
    return bare_app(os.environ["BENCH_BARE_URL"])


def serve(kind: str, config: str, port: int, workers: int = 1) -> subprocess.Popen[str]:
    if kind == "suyuan":
        cmd = [sys.executable, "-c", "from suyuan_core.cli.main import main; main()",
               "--config", config, "serve", "--port", str(port), "--workers", str(workers)]
    else:
        cmd = [sys.executable, __file__, "--bare-server", config, "--port", str(port),
               "--workers", str(workers)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def load(url: str | list[str], seconds: float, concurrency: int, *, method: str = "POST",
               headers: dict[str, str] | None = None, cookies: dict[str, str] | None = None,
               ok: int = 201, body: dict[str, Any] | None = None
               ) -> tuple[float, int, list[float]]:
    """Requests per second over ``seconds`` with ``concurrency`` connections, and every
    request's latency (s); every answer must be ``ok`` (an error stops the run). A list of URLs
    is walked round-robin (GETs of many cases)."""
    import httpx

    urls = [url] if isinstance(url, str) else url
    done = 0
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    async with httpx.AsyncClient(headers=headers, cookies=cookies, timeout=60) as client:
        async def worker(start: int) -> None:
            nonlocal done
            i = start
            while time.perf_counter() < stop:
                target = urls[i % len(urls)]
                i += concurrency
                t = time.perf_counter()
                r = await (client.post(target, json=body or CASE) if method == "POST"
                           else client.get(target))
                latencies.append(time.perf_counter() - t)
                if r.status_code != ok:
                    raise SystemExit(f"{target}: {r.status_code} {r.text[:300]}")
                done += 1
        started = time.perf_counter()
        await asyncio.gather(*(worker(k) for k in range(concurrency)))
        return done / (time.perf_counter() - started), done, latencies


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0–1) of ``values`` in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


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
    ap.add_argument("--workers", type=int, default=1, help="uvicorn workers of each app")
    ap.add_argument("--database-url", help="default: a SQLite file in a temporary directory")
    ap.add_argument("--config", help="serve this existing deployment (e.g. bench/pg_scale.py's "
                    "database) instead of a fresh one")
    ap.add_argument("--json", help="write the figures here")
    ap.add_argument("--bare-server", metavar="URL", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.bare_server:
        import uvicorn

        options: dict[str, Any] = {"host": "127.0.0.1", "port": args.port,
                                   "log_level": "warning", "loop": "uvloop",
                                   "http": "httptools", "access_log": False}
        if args.workers > 1:
            os.environ["BENCH_BARE_URL"] = args.bare_server
            sys.path.insert(0, str(Path(__file__).parent))
            uvicorn.run("http_intake:bare_app_from_env", factory=True, workers=args.workers,
                        **options)
        else:
            uvicorn.run(bare_app(args.bare_server), **options)
        return
    out = run(args.seconds, args.concurrency, args.workers, args.database_url, args.config)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    ok = out["post_share"] >= TARGET and out["get_share"] >= TARGET_GET
    sys.exit(0 if ok else 1)


def run(seconds: float, concurrency: int, workers: int, database_url: str | None,
        config: str | None) -> dict[str, Any]:
    """Load both apps and print the figures; returns them."""
    from sqlalchemy import create_engine, text

    from suyuan_core.accounts import ensure_demo_users
    from suyuan_core.deployment import Deployment
    from suyuan_core.testing import DeploymentFactory

    work = Path(tempfile.mkdtemp(prefix="suyuan-bench-"))
    factory = DeploymentFactory(work, database_url)
    d = (Deployment.from_file(config) if config
         else factory(config={"web": {"secure_cookies": False}}))
    ensure_demo_users(d)
    tree = d.areas.tree
    root = next(a.code for a in tree.areas.values() if a.parent_code is None)
    town = tree.children[root][0]
    grid = next(a.code for a in tree.areas.values() if a.level.name == "grid")
    if all(u.username != "bench" for u in d.accounts.users()):
        d.accounts.add_user("bench", "bench", None)
        d.accounts.grant("bench", "official", root)
    token = d.accounts.make_token("bench")
    body = {**CASE, "area_code": grid}
    session = d.accounts.login("admin", "suyuan-demo").cookie
    config_path, url = str(d.config.path), d.config.database_url
    ports = {"suyuan": free_port(), "bare": free_port()}
    procs = {"suyuan": serve("suyuan", config_path, ports["suyuan"], workers),
             "bare": serve("bare", url, ports["bare"], workers)}
    bearer = {"Authorization": f"Bearer {token}"}
    try:
        for port in ports.values():
            wait_up(f"http://127.0.0.1:{port}/")
        base = {k: f"http://127.0.0.1:{p}" for k, p in ports.items()}
        warm = min(2.0, seconds / 5)
        asyncio.run(load(f"{base['bare']}/bare/cases", warm, concurrency, body=body))
        asyncio.run(load(f"{base['suyuan']}/api/v1/cases", warm, concurrency, headers=bearer,
                         body=body))
        bare, n_bare, _ = asyncio.run(load(f"{base['bare']}/bare/cases", seconds, concurrency,
                                              body=body))
        ours, n_ours, _ = asyncio.run(load(f"{base['suyuan']}/api/v1/cases", seconds,
                                           concurrency, headers=bearer, body=body))
        # GET one case: the cases the runs above wrote (each with a `reported` event), in turn
        with d.reading() as s:
            ids = [r[0] for r in s.execute(text(
                "SELECT id FROM cases ORDER BY id DESC LIMIT 500")).all()]
        get_bare, n_get_bare, lat_bare = asyncio.run(load(
            [f"{base['bare']}/bare/cases/{i}" for i in ids], seconds, concurrency,
            method="GET", ok=200))
        get_ours, n_get_ours, lat_ours = asyncio.run(load(
            [f"{base['suyuan']}/api/v1/cases/{i}" for i in ids], seconds, concurrency,
            method="GET", headers=bearer, ok=200))
        # a town's dashboard page: alone (one connection), then under the same load
        town_url = f"{base['suyuan']}/dashboard?area={town}"
        _, n_alone, lat_alone = asyncio.run(load(town_url, seconds, 1, method="GET",
                                                 cookies={"suyuan_session": session}, ok=200))
        dash, _, lat_dash = asyncio.run(load(town_url, seconds, concurrency, method="GET",
                                                  cookies={"suyuan_session": session}, ok=200))
    finally:
        for p in procs.values():
            os.killpg(p.pid, signal.SIGINT)
            p.wait(timeout=60)
        if config:
            d.close()
        factory.close()
    check = create_engine(url)  # the reads' audit entries were written by the servers' shutdown
    with check.connect() as conn:
        cases = conn.execute(text("SELECT count(*) FROM cases")).scalar_one()
        reads = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'case.read'")
                             ).scalar_one()
    check.dispose()
    out = {
        "database": "PostgreSQL" if url.startswith("postgresql") else "SQLite (file, WAL)",
        "workers": workers, "concurrency": concurrency, "seconds": seconds, "cases": cases,
        "bare_post": bare, "post": ours, "post_share": ours / bare if bare else 0.0,
        "bare_get": get_bare, "get": get_ours, "get_share": get_ours / get_bare if get_bare else 0,
        "bare_get_p99_ms": pct(lat_bare, .99), "get_p99_ms": pct(lat_ours, .99),
        "dashboard_alone_p50_ms": pct(lat_alone, .5), "dashboard_alone_p95_ms": pct(lat_alone, .95),
        "dashboard_loaded_p95_ms": pct(lat_dash, .95), "dashboard_pages_per_s": dash,
        "case_read_audit_entries": reads,
    }
    print(f"database: {out['database']}, {cases} cases; {workers} worker(s) each, "
          f"{concurrency} connections for {seconds:g} s each")
    print(f"bare litestar insert   : {bare:8.1f} req/s ({n_bare} cases)")
    print(f"suyuan POST /cases     : {ours:8.1f} req/s ({n_ours} cases)  = {out['post_share']:.2f} "
          f"of bare (target {TARGET})")
    print(f"bare litestar read     : {get_bare:8.1f} req/s ({n_get_bare}), p99 "
          f"{out['bare_get_p99_ms']:.0f} ms")
    print(f"suyuan GET /cases/{{id}} : {get_ours:8.1f} req/s ({n_get_ours}), p99 "
          f"{out['get_p99_ms']:.0f} ms  = {out['get_share']:.2f} of bare (target {TARGET_GET})")
    print(f"town dashboard {town}  : alone p50 {out['dashboard_alone_p50_ms']:.0f} ms, p95 "
          f"{out['dashboard_alone_p95_ms']:.0f} ms ({n_alone} pages); under load "
          f"{dash:.1f} pages/s, p95 {out['dashboard_loaded_p95_ms']:.0f} ms")
    print(f"case.read audit entries written: {reads} (every GET above, batched)")
    return out


if __name__ == "__main__":
    main()
