# ruff: noqa: E501 - the page below is HTML and JavaScript, not Python
"""A browsable API reference that works offline: one self-contained page (no CDN, no external
request), rendered in the browser from the OpenAPI document served next to it."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.openapi.plugins import OpenAPIRenderPlugin

PAGE = """<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>诉源治理 API 文档 · suyuan API reference</title>
<style>
body{font:14px/1.5 system-ui,"Microsoft YaHei","PingFang SC",sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
header{background:#8c1d18;color:#fff;padding:12px 24px}header h1{margin:0;font-size:20px}
main{max-width:1100px;margin:0 auto;padding:16px 24px}
section{background:#fff;border:1px solid #d9dde3;border-radius:6px;margin:12px 0;padding:8px 16px}
details{border-top:1px solid #eceef1;padding:6px 0}summary{cursor:pointer}
.m{display:inline-block;min-width:58px;font-weight:700;font-family:monospace}
.get{color:#176b2c}.post{color:#8a4b00}.put,.patch{color:#1f4f8f}.delete{color:#9b1c1c}
code,pre{font-family:ui-monospace,Consolas,monospace;font-size:12px}
pre{background:#f3f4f6;padding:8px;overflow:auto;max-height:320px}
table{border-collapse:collapse;margin:4px 0}td,th{border:1px solid #e1e4e8;padding:2px 8px;text-align:left}
input{width:480px;padding:4px}
</style></head><body>
<header><h1>诉源治理 API 文档 <small>suyuan API reference</small></h1></header>
<main>
<p>OpenAPI 文档 / document: <a id="json" href="__JSON__">__JSON__</a>.
认证 / Auth: <code>Authorization: Bearer &lt;token&gt;</code> (<code>suyuan users token NAME</code>)
或登录会话 / or a session from <code>POST /api/v1/auth/login</code> (+ <code>X-CSRF-Token</code> on changes).</p>
<p><input id="filter" placeholder="筛选 / filter: path, tag or summary"></p>
<div id="ops">加载中… / loading…</div>
</main>
<script>
"use strict";
const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}[c]));
function render(doc, filter) {
  const groups = {};
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== "object" || !op.responses) continue;
      const tag = (op.tags || ["other"])[0];
      const text = (path + " " + tag + " " + (op.summary || "")).toLowerCase();
      if (filter && !text.includes(filter)) continue;
      (groups[tag] = groups[tag] || []).push([method, path, op]);
    }
  }
  let html = "";
  for (const tag of Object.keys(groups).sort()) {
    html += "<section><h2>" + esc(tag) + "</h2>";
    for (const [method, path, op] of groups[tag]) {
      const params = (op.parameters || []).map(p => "<tr><td><code>" + esc(p.name) + "</code></td><td>" +
        esc(p.in) + "</td><td>" + (p.required ? "required" : "") + "</td><td><code>" +
        esc(JSON.stringify(p.schema || {})) + "</code></td><td>" + esc(p.description) + "</td></tr>").join("");
      const body = op.requestBody ? "<p>Body:</p><pre>" + esc(JSON.stringify(op.requestBody.content, null, 1)) + "</pre>" : "";
      const responses = Object.keys(op.responses).join(", ");
      html += "<details><summary><span class='m " + method + "'>" + method.toUpperCase() + "</span> <code>" +
        esc(path) + "</code> — " + esc(op.summary) + "</summary>" +
        (params ? "<table><tr><th>name</th><th>in</th><th></th><th>schema</th><th></th></tr>" + params + "</table>" : "") +
        body + "<p>Responses: " + esc(responses) + "</p></details>";
    }
    html += "</section>";
  }
  document.getElementById("ops").innerHTML = html || "—";
}
fetch(document.getElementById("json").getAttribute("href")).then(r => r.json()).then(doc => {
  const schemas = doc.components && doc.components.schemas ? Object.keys(doc.components.schemas).length : 0;
  document.title = doc.info.title + " " + doc.info.version;
  render(doc, "");
  document.getElementById("filter").addEventListener("input", e => render(doc, e.target.value.toLowerCase()));
  document.getElementById("ops").insertAdjacentHTML("beforeend", "<p>" + schemas + " schemas · OpenAPI " + esc(doc.openapi) + "</p>");
});
</script></body></html>
"""


class OfflineDocs(OpenAPIRenderPlugin):
    """Serves :data:`PAGE`; the page loads only the OpenAPI JSON from this server."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return PAGE.replace("__JSON__", self.get_openapi_json_route(request)).encode()
