"""Synchronisation with the court's online mediation platform (人民法院调解平台 / 和合智解).

The platform is reached through the core hook ``suyuan_court_platform`` (first result wins), so a
county plugs in its own connector; this plugin ships two:

* ``file``: an exchange folder. The court's export lands as JSON files in ``<dir>/inbox/`` (each a
  list of delegated cases); results are written to ``<dir>/outbox/results.json``, merged by the
  platform's reference, so writing the same results twice changes nothing.
* ``http``: ``GET {platform_url}/delegations`` returns the list; ``POST {platform_url}/results``
  takes ``{"results": [...]}`` and answers ``{"accepted": n}`` (bearer token when configured).

:func:`sync` pulls, imports (idempotent on ``platform_ref``), and pushes results not yet sent. A
malformed record is refused naming its file (or position) and field, and nothing is imported.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from suyuan_core import CourtPlatform, Deployment, SuyuanError, ValidationError
from suyuan_rule_of_law.common import from_dict, settings
from suyuan_rule_of_law.invited import DelegationInput, Invited

SOURCE = "_source"


class FileExchange:
    name = "file"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def pull(self) -> list[dict[str, Any]]:
        inbox = self.folder / "inbox"
        out: list[dict[str, Any]] = []
        for path in sorted(inbox.glob("*.json")) if inbox.is_dir() else []:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ValidationError(f"{path.name} is not JSON: {exc}", field=path.name,
                                      rule="json", hint="the court's export is a JSON list of "
                                                        "delegated cases") from None
            if not isinstance(data, list):
                raise ValidationError(f"{path.name} holds {type(data).__name__}, not a list",
                                      field=path.name, rule="shape")
            for i, record in enumerate(data):
                if not isinstance(record, dict):
                    raise ValidationError(f"record {i + 1} is not an object", field=f"{path.name}"
                                          f"[{i + 1}]", rule="shape")
                out.append({**record, SOURCE: f"{path.name}[{i + 1}]"})
        return out

    def push(self, results: Sequence[Mapping[str, Any]]) -> int:
        outbox = self.folder / "outbox"
        outbox.mkdir(parents=True, exist_ok=True)
        target = outbox / "results.json"
        merged: dict[str, dict[str, Any]] = {}
        if target.exists():
            merged = {str(r["platform_ref"]): r for r in json.loads(target.read_text("utf-8"))}
        for r in results:
            merged[str(r["platform_ref"])] = dict(r)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(sorted(merged.values(), key=lambda r: str(r["platform_ref"])),
                                  ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(target)
        return len(results)


class HttpPlatform:
    name = "http"

    def __init__(self, url: str, token: str = "", timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.timeout = timeout

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            r = httpx.request(method, f"{self.url}{path}", headers=self.headers,
                              timeout=self.timeout, **kwargs)
            r.raise_for_status()
            return r.json()
        except httpx.HTTPStatusError as exc:
            raise SuyuanError(f"the court platform answered {exc.response.status_code} to "
                              f"{method} {path}", field="platform_url",
                              rule="platform") from None
        except (httpx.HTTPError, ValueError) as exc:
            raise SuyuanError(f"cannot reach the court platform at {self.url}: {exc}",
                              field="platform_url", rule="platform") from None

    def pull(self) -> list[dict[str, Any]]:
        data = self._call("GET", "/delegations")
        if not isinstance(data, list):
            raise ValidationError("the platform's /delegations is not a list", field="platform",
                                  rule="shape")
        return [{**r, SOURCE: f"delegations[{i + 1}]"} if isinstance(r, dict) else r
                for i, r in enumerate(data)]

    def push(self, results: Sequence[Mapping[str, Any]]) -> int:
        if not results:
            return 0
        data = self._call("POST", "/results", json={"results": [dict(r) for r in results]})
        return int(data.get("accepted", 0)) if isinstance(data, dict) else 0


def adapter(d: Deployment, system: str) -> CourtPlatform | None:
    conf = settings(d)
    if system == "file":
        folder = Path(conf.platform_dir)
        if not folder.is_absolute():
            folder = Path(d.config.base_dir) / folder
        return FileExchange(folder)
    if system == "http":
        if not conf.platform_url:
            raise ValidationError("set the court platform's URL", field="plugins.rule_of_law."
                                  "platform_url", rule="required")
        return HttpPlatform(conf.platform_url, conf.platform_token)
    return None


def parse(records: Sequence[Any]) -> list[DelegationInput]:
    """Every record or none: the first bad one is named with its place and field."""
    out = []
    for i, record in enumerate(records):
        where = f"record {i + 1}"
        if not isinstance(record, dict):
            raise ValidationError(f"{where} is not an object", field=where, rule="shape")
        where = str(record.get(SOURCE, where))
        data = {k: v for k, v in record.items() if k != SOURCE}
        try:
            out.append(from_dict(DelegationInput, data, where))
        except ValidationError as exc:
            field = exc.field if exc.field and exc.field.startswith(where) else \
                f"{where}.{exc.field}"
            raise ValidationError(exc.message, field=field, rule=exc.rule,
                                  hint=exc.hint) from None
    return out


def sync(d: Deployment, *, actor: str, system: str | None = None) -> dict[str, int]:
    name = system or settings(d).platform_adapter
    platform: CourtPlatform | None = d.hook.suyuan_court_platform(system=name, deployment=d)
    if platform is None:
        raise ValidationError(f"no court platform adapter {name!r}", field="plugins.rule_of_law."
                              "platform_adapter", rule="exists", hint="file, http, or one a "
                                                                      "county plugin provides")
    items = parse(list(platform.pull()))
    inv = Invited(d)
    counts = inv.receive(items, actor=actor)
    results = inv.results_to_export()
    pushed = platform.push(results) if results else 0
    if results:
        inv.mark_exported([r["platform_ref"] for r in results])
    return {**counts, "pushed": pushed}
