"""What every request and response passes through, whichever route serves it: the input checks
that must hold before any handler decodes the body (nesting depth, UTF-8), and the security
headers every response carries (pages, API, print views, static files, errors)."""

from __future__ import annotations

import codecs
from typing import Any
from urllib.parse import parse_qsl, urlencode

from litestar import Request
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from suyuan_core import bounds
from suyuan_core.errors import ValidationError
from suyuan_core.web import addresses

#: paths whose responses hold no personal data and may be cached by the browser.
CACHEABLE_PREFIXES = ("/static/",)
HSTS = "max-age=31536000; includeSubDomains"


def _check_utf8_pairs(raw: bytes, where: str) -> None:
    """Refuse a url-encoded text that is not UTF-8 (litestar would decode it as Latin-1 and
    store mojibake): raw bytes must be ASCII and every %-escape must decode as UTF-8."""
    if not raw:
        return
    try:
        ascii_text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise ValidationError(f"the {where} holds bytes that are not percent-encoded",
                              field=where, rule="utf8",
                              hint="send UTF-8, percent-encoded (what a browser sends)") from None
    try:
        parse_qsl(ascii_text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        name = _first_bad_key(ascii_text)
        raise ValidationError(f"the {where} is not valid UTF-8", field=name or where,
                              rule="utf8", hint="send the text as UTF-8") from None


def _first_bad_key(text: str) -> str | None:
    for pair in text.split("&"):
        key, _, value = pair.partition("=")
        try:
            parse_qsl(f"k={value}", encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            return key or None
    return None


async def check_request(request: Request[Any, Any, Any]) -> None:
    """``before_request`` for the whole app: refuse what a handler must never see."""
    _check_utf8_pairs(request.scope.get("query_string", b""), "query")
    for name, value in request.path_params.items():
        if isinstance(value, int) and not isinstance(value, bool) and not (
                0 <= value <= bounds.MAX_ID):
            raise ValidationError(f"{value} is out of range", field=name, rule="range",
                                  hint=f"ids lie between 1 and {bounds.MAX_ID}")
    if request.method in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return
    header = request.headers.get("content-type", "")
    ctype = header.split(";", 1)[0].strip().lower()
    if ctype == "application/json" or ctype.endswith("+json"):
        body = await request.body()
        if bounds.raw_json_depth(body) > bounds.MAX_JSON_DEPTH:
            raise ValidationError(f"the JSON body nests deeper than {bounds.MAX_JSON_DEPTH} "
                                  "levels", field="body", rule="json_depth",
                                  hint="flatten the document")
    elif ctype == "application/x-www-form-urlencoded":
        raw = await request.body()
        charset = _charset(header)
        if charset is None:
            _check_utf8_pairs(raw, "form")
        elif raw:
            _set_body(request, _canonical_form(raw, charset))


def _charset(header: str) -> str | None:
    """The ``charset`` a Content-Type declares, if any (``…; charset=GBK`` → ``gbk``)."""
    for param in header.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"'):
            return value.strip().strip('"').lower()
    return None


def _canonical_form(raw: bytes, charset: str) -> bytes:
    """A form body in its declared charset (raw bytes or %-escapes of that charset, as older
    clients send) rewritten as ASCII with %-escaped UTF-8 — what every form parser after this
    one reads correctly. A charset Python does not know, or bytes not in it: a 400."""
    try:
        codecs.lookup(charset)
    except LookupError:
        raise ValidationError(f"unknown charset {charset[:40]!r}", field="content-type",
                              rule="charset", hint="send UTF-8 (charset=utf-8)") from None
    try:
        pairs = parse_qsl(raw.decode(charset), keep_blank_values=True, encoding=charset,
                          errors="strict")
    except UnicodeError:
        raise ValidationError(f"the form is not valid {charset}", field="form",
                              rule="charset", hint="send the text in the charset you declare"
                              ) from None
    return urlencode(pairs).encode("ascii")


def _set_body(request: Request[Any, Any, Any], body: bytes) -> None:
    """Replace the body every later reader (the form parser, the handler) sees."""
    request._body = body  # litestar keeps the body read once on the request …
    request._connection_state.body = body  # … and on the connection, for later Requests


class SecurityHeaders:
    """ASGI middleware: adds the security headers to every HTTP response start, including the
    error responses litestar writes itself (404, 405, 413) — a header a handler already set
    (e.g. a page's own Content-Security-Policy) is kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        tls = scope.get("scheme") == "https"
        app = scope.get("app")
        deployment = getattr(getattr(app, "state", None), "deployment", None)
        trusted = deployment.config.core.web.trusted_proxies if deployment is not None else ()
        token = addresses.CURRENT.set(addresses.client_address(scope, trusted))
        cacheable = path.startswith(CACHEABLE_PREFIXES)

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                have = {k.lower() for k, _ in headers}
                extra = [(b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"same-origin"),
                         (b"x-frame-options", b"DENY"),
                         (b"cross-origin-opener-policy", b"same-origin")]
                if not cacheable:
                    extra.append((b"cache-control", b"no-store"))
                    extra.append((b"pragma", b"no-cache"))
                if tls:
                    extra.append((b"strict-transport-security", HSTS.encode()))
                if b"content-security-policy" not in have:
                    extra.append((b"content-security-policy", b"frame-ancestors 'none'"))
                headers += [(k, v) for k, v in extra if k not in have]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, wrapped)
        finally:
            addresses.CURRENT.reset(token)
