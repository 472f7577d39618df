"""The residents' page as a client of this deployment's own Open311 endpoint, over HTTP (httpx),
exactly as a city app would be: the page never calls the Open311 functions directly, so every
appeal filed, every status shown, exercises the endpoint a third party relies on."""

from __future__ import annotations

from typing import Any

import attrs
import httpx

TIMEOUT = 15.0


@attrs.frozen
class Refused(Exception):
    """The endpoint answered with the spec's error list: its HTTP status and first description."""

    status: int
    description: str


class Open311Client:
    """``services``, ``create``, ``request`` and ``updates`` of GeoReport v2 (JSON)."""

    def __init__(self, base_url: str, api_key: str = "") -> None:
        self.base = base_url.rstrip("/")
        self.api_key = api_key

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT, trust_env=False) as http:
                answer = await http.request(method, f"{self.base}/{path}", **kwargs)
        except httpx.HTTPError as exc:  # not reachable, timed out: the page says so
            raise Refused(502, f"{self.base} is not reachable ({type(exc).__name__})") from None
        try:
            body = answer.json()
        except ValueError:
            raise Refused(answer.status_code, answer.text[:200]) from None
        if answer.status_code >= 400:
            first = body[0] if isinstance(body, list) and body else {}
            raise Refused(answer.status_code, str(first.get("description") or answer.text[:200]))
        return body

    async def services(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await self._call("GET", "services.json")
        return found

    async def create(self, fields: dict[str, str]) -> dict[str, Any]:
        """POST requests.json (form-encoded, UTF-8): the first (only) request it answers with."""
        made = await self._call("POST", "requests.json", data={"api_key": self.api_key, **fields})
        first: dict[str, Any] = made[0]
        return first

    async def request(self, request_id: int) -> dict[str, Any]:
        found = await self._call("GET", f"requests/{request_id}.json")
        first: dict[str, Any] = found[0]
        return first

    async def updates(self, request_id: int, since: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await self._call(
            "GET", "servicerequestupdates.json",
            params={"service_request_id": str(request_id), "start_date": since})
        return found
