"""The server-rendered pages a town official uses: sign in, work queue, cases, a case with its
timeline and the actions her role may take, new case, areas, roster, the county dashboard,
plugin pages and panels, and the admin pages. Same services and the same area-scoped checks as
the API (:mod:`suyuan_core.web.api.common`); forms carry the session's CSRF token."""

from __future__ import annotations

import datetime as dt
import hmac
import inspect
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import attrs
from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect
from markupsafe import Markup

from suyuan_core import maps, times
from suyuan_core.accounts.principal import Principal
from suyuan_core.cases.query import CaseFilter, decode_cursor, encode_cursor
from suyuan_core.cases.service import NewCase
from suyuan_core.deployment import Deployment
from suyuan_core.domain.cases import Case
from suyuan_core.domain.lifecycle import OPEN_STATUSES, TRANSITIONS, Status
from suyuan_core.errors import (
    NotAuthenticated,
    PermissionDenied,
    PluginError,
    SuyuanError,
    ValidationError,
)
from suyuan_core.metrics.periods import Period, parse_period
from suyuan_core.plugins.spec import DashboardPanel, Page
from suyuan_core.web.api.common import (
    action_permission,
    client_ip,
    default_area,
    present,
    readable_case_path,
    require_area,
)
from suyuan_core.web.auth import SESSION_COOKIE
from suyuan_core.web.pages.charts import bar_chart, hbar_chart
from suyuan_core.web.pages.i18n import LANG_COOKIE, LANGUAGES, environment, pick

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


class LoginRequired(Exception):
    """Raised by a page that needs a signed-in user; answered with a redirect to /login."""


def deployment_of(request: Request[Any, Any, Any]) -> Deployment:
    d: Deployment = request.app.state["deployment"]
    return d


def lang_of(request: Request[Any, Any, Any]) -> str:
    return pick(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))


def signed_in(request: Request[Any, Any, Any]) -> Principal:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise LoginRequired
    try:
        return deployment_of(request).accounts.authenticate_session(cookie)
    except NotAuthenticated:
        raise LoginRequired from None


def check_csrf(principal: Principal, form: dict[str, Any]) -> None:
    sent = str(form.get("csrf_token", ""))
    if not principal.csrf_token or not hmac.compare_digest(sent, principal.csrf_token):
        raise PermissionDenied("the form token (CSRF) is missing or wrong", field="csrf_token",
                               rule="csrf", hint="reload the page and submit the form again")


def render(request: Request[Any, Any, Any], template: str, status: int = 200,
           **context: Any) -> Response[str]:
    lang = lang_of(request)
    d = deployment_of(request)
    principal = context.get("me")
    nav_pages = []
    if principal is not None:
        for plugin, page in request.app.state.get("pages", ()):
            if page.nav and (page.permission is None or principal.has(page.permission)):
                nav_pages.append((f"/{plugin}/{page.path.strip('/')}", page.label.get(lang)))
        context.setdefault("unread", d.notifications.unread_count(principal.username))
    html = environment(lang).get_template(template).render(
        request_path=request.url.path, deployment_name=d.config.core.deployment.name,
        nav_pages=nav_pages, label=lambda item: item.label.get(lang) if item else "",
        **context)
    return Response(html, status_code=status, media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                                                        "style-src 'self'; frame-ancestors 'none'"})


def _collect(d: Deployment, hook: str, kind: type[Any]) -> list[tuple[str, Any]]:
    found = []
    for name, items in d.call_each(hook):
        for item in items or ():
            if not isinstance(item, kind):
                hint = (f"return {kind.__name__} objects" if not isinstance(item, Page | DashboardPanel)
                        else "pages come from suyuan_register_pages, panels from "
                             "suyuan_register_dashboard_panels")
                raise PluginError(f"plugin {name!r}: {hook} returned a {type(item).__name__}, "
                                  f"not a {kind.__name__}", hint=hint)
            found.append((name, item))
    return found


def plugin_pages(d: Deployment) -> list[tuple[str, Page]]:
    """Every plugin's pages. Called once, when the app is built (kept in ``app.state``)."""
    return _collect(d, "suyuan_register_pages", Page)


def panels(d: Deployment) -> list[tuple[str, DashboardPanel]]:
    """Every plugin's dashboard panels, in their order. Called once, when the app is built
    (kept in ``app.state``)."""
    found = _collect(d, "suyuan_register_dashboard_panels", DashboardPanel)
    return sorted(found, key=lambda x: (x[1].order, x[1].key))


# -- signing in ---------------------------------------------------------------------------------
@get("/login", sync_to_thread=False)
def login_form(request: Request[Any, Any, Any], next: FromQuery[str] = "/") -> Response[str]:
    return render(request, "login.html", next=_safe_next(next), error=None)


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/"


@post("/login", sync_to_thread=True, status_code=303)
def login(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    d = deployment_of(request)
    username, password = str(data.get("username", "")), str(data.get("password", ""))
    try:
        new = d.accounts.login(username, password, ip=client_ip(request))
    except SuyuanError as exc:
        return render(request, "login.html", status=exc.status_code,
                      next=_safe_next(str(data.get("next", "/"))), error=exc.message)
    cookie = Cookie(key=SESSION_COOKIE, value=new.cookie, path="/", httponly=True,
                    secure=d.config.core.web.secure_cookies, samesite="lax",
                    max_age=int((new.expires_at - times.now()).total_seconds()))
    return Redirect(_safe_next(str(data.get("next", "/"))), status_code=303, cookies=[cookie])


@post("/logout", sync_to_thread=True, status_code=303)
def logout(request: Request[Any, Any, Any], data: Form) -> Redirect:
    me = signed_in(request)
    check_csrf(me, data)
    deployment_of(request).accounts.logout(request.cookies.get(SESSION_COOKIE, ""))
    return Redirect("/login", status_code=303,
                    cookies=[Cookie(key=SESSION_COOKIE, value="", path="/", max_age=0)])


@get("/lang/{code:str}", sync_to_thread=False)
def set_language(request: Request[Any, Any, Any], code: FromPath[str]) -> Redirect:
    if code not in LANGUAGES:
        code = "zh-Hans"
    back = request.headers.get("referer") or "/"
    target = "/" + back.split("://", 1)[-1].split("/", 1)[-1] if "://" in back else back
    return Redirect(_safe_next(target), status_code=303,
                    cookies=[Cookie(key=LANG_COOKIE, value=code, path="/", samesite="lax",
                                    max_age=365 * 86400)])


# -- the work queue and the case list -----------------------------------------------------------
def _rows(d: Deployment, cases: list[Case]) -> list[dict[str, Any]]:
    now = times.now()
    out = []
    for c in cases:
        view = present(d, c, False, now)
        area = d.areas.tree.areas.get(c.area_code)
        category = d.categories.get(c.category)
        out.append({"case": view, "area": area.name_zh if area else c.area_code,
                    "category": category, "overdue": view.overdue})
    return out


@get("/", sync_to_thread=True)
def queue(request: Request[Any, Any, Any]) -> Response[str]:
    """My work queue: what is assigned to me, then my areas' open cases; overdue first."""
    me = signed_in(request)
    d = deployment_of(request)
    scope = tuple(me.scope("cases.read"))
    open_ = tuple(s.value for s in OPEN_STATUSES)

    def ordered(f: CaseFilter) -> list[Case]:
        found = d.case_query.page(f, limit=200).cases
        now = times.now()
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        return sorted(found, key=lambda c: (not (c.deadline and c.deadline < now),
                                            c.deadline or far, c.id or 0))

    mine: list[Case] = []
    if me.person_external_id:
        mine = ordered(CaseFilter(status=open_, assignee=f"person:{me.person_external_id}",
                                  scope=scope))
    unit = ordered(CaseFilter(status=open_, scope=scope)) if scope else []
    return render(request, "queue.html", me=me, mine=_rows(d, mine), unit=_rows(d, unit))


@get("/cases", sync_to_thread=True)
def case_list(request: Request[Any, Any, Any]) -> Response[str]:
    me = signed_in(request)
    d = deployment_of(request)
    q = {k: v for k, v in request.query_params.items() if v not in ("", None)}
    if not me.has("cases.read"):
        raise PermissionDenied("you hold no role that may read cases", rule="cases.read")
    scope = tuple(me.scope("cases.read"))
    cursor = q.get("cursor")
    title = None
    if "metric" in q:  # the drill-down of a dashboard figure
        code, period = _area_period(d, me, q.get("area"), q.get("period"))
        require_area(d, me, "cases.read", code)
        definition = d.metric_service.definition(q["metric"])
        dims = {"category": q.get("category"), "source": q.get("source"),
                "part": q.get("part", "numerator")}
        chosen, more = d.metric_service.drill_page(
            q["metric"], code, period, before=decode_cursor(cursor) if cursor else None,
            limit=50, **dims)
        cases = (d.case_query.page(CaseFilter(ids=tuple(chosen), scope=scope),
                                   limit=max(len(chosen), 1)).cases if chosen else [])
        nxt = encode_cursor(chosen[-1]) if more and chosen else None
        title = (definition, d.areas.tree.get(code), str(period),
                 d.metric_service.drill_count(q["metric"], code, period, **dims))
    else:
        if q.get("area") and q["area"] not in d.areas.tree:
            raise ValidationError(f"no area with code {q['area']!r}", field="area", rule="exists")
        f = CaseFilter(area_code=q.get("area"), status=q.get("status") or (),
                       category=q.get("category"), source=q.get("source"),
                       overdue=True if q.get("overdue") else None, text=q.get("q"), scope=scope)
        page = d.case_query.page(f, cursor=cursor, limit=50)
        cases, nxt = page.cases, page.next_cursor
    next_url = None
    if nxt:
        next_url = "/cases?" + urlencode({**{k: v for k, v in q.items() if k != "cursor"},
                                          "cursor": nxt})
    return render(request, "cases.html", me=me, rows=_rows(d, cases), q=q, next_url=next_url,
                  drill=title, statuses=list(Status), categories=list(d.categories),
                  sources=list(d.sources))


# -- one case -----------------------------------------------------------------------------------
@get("/cases/{case_id:int}", sync_to_thread=True)
def case_page(request: Request[Any, Any, Any], case_id: FromPath[int]) -> Response[str]:
    return _case_page(request, case_id, None)


@post("/cases/{case_id:int}/unmask", sync_to_thread=True, status_code=200)
def case_unmask_page(request: Request[Any, Any, Any], case_id: FromPath[int],
                     data: Form) -> Response[str]:
    """The case with personal data in full: the reason comes in the form's body (never the URL,
    which ends up in access logs and the browser's history), checked and audited."""
    me = signed_in(request)
    check_csrf(me, data)
    return _case_page(request, case_id, str(data.get("reason", "")).strip() or None, unmask=True)


def _case_page(request: Request[Any, Any, Any], case_id: int, reason: str | None,
               unmask: bool = False) -> Response[str]:
    me = signed_in(request)
    d = deployment_of(request)
    with d.reading() as s:
        case, path = readable_case_path(d, me, case_id, s)
        if unmask:
            d.privacy.check_unmask(me, path, reason)
        events = d.cases.timeline(case_id, s)
    if unmask:
        d.audit.write(None, actor=me.actor, action="case.unmask", record=f"case:{case_id}",
                      reason=reason, ip=client_ip(request))
    else:
        d.audit.read(actor=me.actor, action="case.read", record=f"case:{case_id}",
                     ip=client_ip(request))
    allowed = [a for a in d.cases.allowed(case) if me.can(action_permission(a), path)]
    can_note = me.can("cases.transition", path) or me.can("cases.create", path)
    candidates = d.routing.propose(case)[:5] if "assign" in allowed else []
    return render(request, "case.html", me=me, case=present(d, case, unmask),
                  notifications=d.notifications.for_case(case_id),
                  area=d.areas.tree.get(case.area_code), category=d.categories.get(case.category),
                  timeline=[(attrs.evolve(e, reason=d.privacy.text(e.reason, unmask)),
                             d.privacy.event_data(e.data, unmask)) for e in events],
                  allowed=allowed, can_note=can_note, candidates=candidates,
                  may_unmask=me.can("personal_data.unmask", path) and not unmask)


@post("/cases/{case_id:int}/act", sync_to_thread=True, status_code=303)
def case_act(request: Request[Any, Any, Any], case_id: FromPath[int], data: Form) -> Redirect:
    me = signed_in(request)
    check_csrf(me, data)
    d = deployment_of(request)
    action = str(data.get("action", ""))
    if action not in TRANSITIONS:
        raise ValidationError(f"unknown action {action!r}", field="action", rule="one_of")
    case, _ = readable_case_path(d, me, case_id)
    require_area(d, me, action_permission(action), case.area_code)
    try:
        version = int(str(data.get("expected_version", "")))
    except ValueError:
        raise ValidationError("is required", field="expected_version", rule="integer") from None
    payload: dict[str, Any] = {}
    if action == "assign":
        payload["assignees"] = [a.strip() for a in str(data.get("assignees", "")).split(",")
                                if a.strip()]
        d.roster.check_handlers(payload["assignees"])
    reason = str(data.get("reason", "")).strip() or None
    with d.transaction() as s:
        d.cases.act(case_id, action, actor=me.actor, data=payload, reason=reason,
                    expected_version=version, session=s)
        d.audit.write(s, actor=me.actor, action=f"case.{action}", record=f"case:{case_id}",
                      reason=reason, ip=client_ip(request))
    return Redirect(f"/cases/{case_id}", status_code=303)


@post("/cases/{case_id:int}/note", sync_to_thread=True, status_code=303)
def case_note(request: Request[Any, Any, Any], case_id: FromPath[int], data: Form) -> Redirect:
    me = signed_in(request)
    check_csrf(me, data)
    d = deployment_of(request)
    _, path = readable_case_path(d, me, case_id)
    if not (me.can("cases.transition", path) or me.can("cases.create", path)):
        raise PermissionDenied("you may not add notes here", rule="cases.transition")
    text = str(data.get("text", "")).strip()
    if not text:
        raise ValidationError("write the note first", field="text", rule="required")
    with d.transaction() as s:
        d.cases.record(case_id, "note", actor=me.actor, data={"text": text}, session=s)
        d.audit.write(s, actor=me.actor, action="case.note", record=f"case:{case_id}",
                      ip=client_ip(request))
    return Redirect(f"/cases/{case_id}", status_code=303)


@get("/cases/new", sync_to_thread=True)
def new_case_form(request: Request[Any, Any, Any]) -> Response[str]:
    me = signed_in(request)
    d = deployment_of(request)
    return render(request, "new_case.html", me=me, **_new_case_choices(d, me), values={},
                  error=None)


def _new_case_choices(d: Deployment, me: Principal) -> dict[str, Any]:
    paths = me.scope("cases.create")
    tree = d.areas.tree
    areas = [tree.get(c) for c in tree.areas if any(tree.path(c).startswith(p) for p in paths)]
    areas.sort(key=lambda a: tree.path(a.code))
    return {"areas": areas[:2000], "categories": list(d.categories), "sources": list(d.sources)}


@post("/cases/new", sync_to_thread=True, status_code=303)
def new_case(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    me = signed_in(request)
    check_csrf(me, data)
    d = deployment_of(request)
    values = {k: str(v).strip() for k, v in data.items() if k != "csrf_token"}
    try:
        area = values.get("area_code", "")
        if area not in d.areas.tree:
            raise ValidationError("choose an area", field="area_code", rule="exists")
        require_area(d, me, "cases.create", area)
        parties = []
        if values.get("party_name"):
            parties.append({"name": values["party_name"], "role": "applicant",
                            "phone": values.get("party_phone") or None,
                            "anonymous": values.get("party_anonymous") == "on"})
        new = NewCase(title=values.get("title", ""), category=values.get("category", ""),
                      source=values.get("source", ""), area_code=area,
                      description=values.get("description", ""), parties=parties)
        with d.transaction() as s:
            case = d.cases.create(new, actor=me.actor, session=s)
            d.audit.write(s, actor=me.actor, action="case.create", record=f"case:{case.id}",
                          ip=client_ip(request))
    except SuyuanError as exc:
        return render(request, "new_case.html", status=exc.status_code, me=me,
                      **_new_case_choices(d, me), values=values, error=exc)
    return Redirect(f"/cases/{case.id}", status_code=303)


# -- areas, roster, dashboard -------------------------------------------------------------------
@get("/areas", sync_to_thread=True)
def areas_page(request: Request[Any, Any, Any]) -> Response[str]:
    me = signed_in(request)
    tree = deployment_of(request).areas.tree
    under = request.query_params.get("under")
    roots = [under] if under and under in tree else sorted(tree.roots())
    return render(request, "areas.html", me=me, tree=tree, roots=roots)


@get("/roster", sync_to_thread=True)
def roster_page(request: Request[Any, Any, Any]) -> Response[str]:
    me = signed_in(request)
    d = deployment_of(request)
    if not me.has("roster.read"):
        raise PermissionDenied("you hold no role that may read the roster", rule="roster.read")
    paths = set(me.scope("roster.read"))
    codes = sorted({g.area_code for g in me.grants if g.area_path in paths})
    people: dict[str, Any] = {}
    for code in codes:
        for p in d.roster.list(area_code=code, limit=500):
            people.setdefault(p.external_id, p)
    return render(request, "roster.html", me=me, people=sorted(people.values(),
                                                               key=lambda p: p.external_id),
                  roles={r.code: r for r in d.roles})


def _area_period(d: Deployment, me: Principal, area: str | None,
                 period: str | None) -> tuple[str, Period]:
    if area and area not in d.areas.tree:
        raise ValidationError(f"no area with code {area!r}", field="area", rule="exists")
    code = area or default_area(me, "metrics.read")
    require_area(d, me, "metrics.read", code)
    if period:
        return code, parse_period(period)
    today = times.now().astimezone(d.metric_service.tz).date()
    return code, Period.containing("month", today)


def drill_url(metric: str, area: str, period: str, **extra: str) -> str:
    return "/cases?" + urlencode({"metric": metric, "area": area, "period": period, **extra})


@get("/dashboard", sync_to_thread=True)
def dashboard(request: Request[Any, Any, Any]) -> Response[str]:
    """The county dashboard: core figures by area and period, a trend and a by-category chart,
    every figure a link to the cases it counts, and the plugins' panels."""
    me = signed_in(request)
    d = deployment_of(request)
    lang = lang_of(request)
    code, period = _area_period(d, me, request.query_params.get("area"),
                                request.query_params.get("period"))
    svc = d.metric_service
    figures = []
    found = svc.figures([m.key for m in d.metrics], [code], period)  # one batch
    for m in d.metrics:
        f = found[(m.key, code)]
        value = "—" if f.value is None else (f"{f.value:.2f}%" if m.unit == "percent" else f.value)
        figures.append((m, value, f, drill_url(m.key, code, str(period))))
    series = svc.breakdown("cases_received", code, period, "period")
    trend = bar_chart([f.period for f in series], [f.value for f in series],
                      [drill_url("cases_received", code, f.period) for f in series],
                      title=d.metrics["cases_received"].label.get(lang))
    by_cat = sorted(svc.breakdown("cases_received", code, period, "category"),
                    key=lambda f: -(f.value or 0))[:12]
    cat_labels = [(d.categories.get(f.category or "") or None) for f in by_cat]
    categories = hbar_chart([c.label.get(lang) if c else (f.category or "") for c, f in
                             zip(cat_labels, by_cat, strict=True)],
                            [f.value for f in by_cat],
                            [drill_url("cases_received", code, str(period),
                                       category=f.category or "") for f in by_cat],
                            title=d.metrics["cases_received"].label.get(lang))
    children = [d.areas.tree.get(c) for c in sorted(d.areas.tree.children.get(code, []))]
    area_map = _area_map(d, code, period, request.query_params.get("map"), lang)
    rendered = []
    for _, panel in request.app.state.get("panels", ()):
        offered = {"deployment": d, "area_code": code, "period": period, "lang": lang,
                   "principal": me}
        try:
            html = panel.render(**accepted(panel.render, offered))
        except SuyuanError as exc:
            html = f"<p>{exc.message}</p>"
        rendered.append((panel, Markup(html)))
    return render(request, "dashboard.html", me=me, area=d.areas.tree.get(code),
                  period=str(period), figures=figures, trend=trend, categories=categories,
                  children=children, panels=rendered, quote=quote, area_map=area_map,
                  map_metrics=[m for m in d.metrics if not (m.is_gauge or m.is_computed)])


def _area_map(d: Deployment, code: str, period: Period, key: str | None,
              lang: str) -> tuple[Any, maps.Choropleth] | None:
    """Where the figure comes from: the child areas of ``code`` shaded by it (cases received by
    default), each a link to the cases it counts; None when ``code`` has no children."""
    m = d.metric_service.definition(key or "cases_received")
    if m.is_gauge or m.is_computed:
        raise ValidationError(f"metric {m.key} has no figure per period to map", field="map",
                              rule="drill", hint="choose a metric that counts cases, e.g. "
                                                 "cases_received")
    figures = d.metric_service.breakdown(m.key, code, period, "area")
    if not figures:
        return None
    tree = d.areas.tree
    shaded = [maps.Shaded(tree.get(f.area_code), f.value,
                          drill_url(m.key, f.area_code, str(period)))
              for f in sorted(figures, key=lambda f: f.area_code)]
    unit = "%" if m.unit == "percent" else ""
    label = m.label.get(lang)
    return m, maps.choropleth(shaded, title=f"{label} · {tree.get(code).name_zh} · {period}",
                              unit=unit, legend=label)


# -- admin --------------------------------------------------------------------------------------
def _admin(request: Request[Any, Any, Any]) -> Principal:
    me = signed_in(request)
    d = deployment_of(request)
    if not any(me.can("admin.manage", d.areas.tree.path(r)) for r in d.areas.tree.roots()):
        raise PermissionDenied("administrators of the whole deployment only", rule="admin.manage")
    return me


@get("/admin/users", sync_to_thread=True)
def admin_users(request: Request[Any, Any, Any]) -> Response[str]:
    return _admin_users_page(request, _admin(request))

@post("/admin/users", sync_to_thread=True)
def admin_users_change(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Accounts, role grants, what an account acts for, tokens and areas, in the browser: each
    change through the account service (audited there, or here for areas), refused with a 4xx
    naming the field and writing nothing."""
    from suyuan_core.domain.areas import Area

    me = _admin(request)
    check_csrf(me, data)
    d = deployment_of(request)
    f = {k: str(v).strip() for k, v in data.items() if isinstance(v, str)}
    op, who = f.get("op", ""), f.get("username", "")
    actor = me.actor
    new_token = None
    if op == "add":
        d.accounts.add_user(who, f.get("display_name") or who, f.get("password") or None,
                            acts_for=f.get("acts_for") or None, actor=actor)
    elif op in ("grant", "revoke"):
        if op == "grant":
            d.accounts.grant(who, f.get("role", ""), f.get("area_code", ""), actor=actor)
        else:
            d.accounts.revoke(who, f.get("role", ""), f.get("area_code", ""), actor=actor)
    elif op == "bind":
        d.accounts.set_acts_for(who, f.get("acts_for") or None, actor=actor)
    elif op in ("disable", "enable"):
        if who == me.username and op == "disable":
            raise ValidationError("you cannot disable your own account", field="username",
                                  rule="not_self")
        d.accounts.set_active(who, op == "enable", actor=actor)
    elif op == "token":
        raw = f.get("days") or ""
        try:
            days = int(raw) if raw else None
        except ValueError:
            raise ValidationError(f"{raw!r} is not a number of days", field="days",
                                  rule="integer") from None
        new_token = d.accounts.make_token(who, f.get("name") or "web", days=days, actor=actor)
    elif op == "revoke_token":
        raw = f.get("token_id", "")
        if not raw.isdigit():
            raise ValidationError(f"{raw!r} is not a token id", field="token_id", rule="integer")
        d.accounts.revoke_token(who, int(raw), actor=actor)
    elif op == "area":
        area = Area(code=f.get("code", ""), name_zh=f.get("name_zh", ""),
                    level=f.get("level", ""), parent_code=f.get("parent_code") or None,
                    name_en=f.get("name_en") or None)
        if area.code in d.areas.tree:
            raise ValidationError(f"area {area.code} already exists", field="code",
                                  rule="unique", hint="choose another code")
        d.areas.import_areas([area])  # checks the parent and the level; all or nothing
        d.audit.write(None, actor=actor, action="area.add", record=f"area:{area.code}",
                      ip=client_ip(request), detail={"parent": area.parent_code,
                                                     "level": area.level.name})
    else:
        raise ValidationError(f"unknown operation {op!r}", field="op", rule="one_of")
    if new_token is None:
        return Redirect("/admin/users", status_code=303)
    return _admin_users_page(request, me, new_token=(who, new_token))


def _admin_users_page(request: Request[Any, Any, Any], me: Principal,
                      new_token: tuple[str, str] | None = None) -> Response[str]:
    d = deployment_of(request)
    found = d.accounts.users()
    tokens = {u.username: d.accounts.tokens(u.username) for u in found}
    return render(request, "admin_users.html", me=me, users=found, tokens=tokens,
                  roles=list(d.roles), areas=sorted(d.areas.tree.areas.values(),
                                                    key=lambda a: d.areas.tree.path(a.code)),
                  new_token=new_token)



@get("/admin/plugins", sync_to_thread=True)
def admin_plugins(request: Request[Any, Any, Any]) -> Response[str]:
    me = _admin(request)
    return render(request, "admin_plugins.html", me=me, plugins=deployment_of(request).plugins)


@get("/admin/audit", sync_to_thread=True)
def admin_audit(request: Request[Any, Any, Any]) -> Response[str]:
    me = _admin(request)
    q = {k: v for k, v in request.query_params.items() if v}
    since = None
    if q.get("since"):
        try:
            since = dt.datetime.fromisoformat(q["since"])
        except ValueError:
            raise ValidationError(f"{q['since']!r} is not a date", field="since",
                                  rule="iso8601", hint="e.g. 2026-05-01") from None
        since = since if since.tzinfo else since.replace(tzinfo=dt.UTC)
    entries = deployment_of(request).audit.search(actor=q.get("user"), since=since,
                                                  record=q.get("record"),
                                                  action=q.get("action"), limit=200)
    return render(request, "admin_audit.html", me=me, entries=entries, q=q)


def accepted(fn: Any, offered: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments ``fn`` takes among those offered (all of them for ``**kwargs``), so a
    plugin's render function may ask for any subset, like a hook implementation."""
    params = inspect.signature(fn).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return dict(offered)
    return {k: v for k, v in offered.items() if k in params}


def plugin_page_handler(plugin: str, page: Page) -> Any:
    """A route for a plugin's :class:`~suyuan_core.Page`; ``render`` gets any of ``deployment``,
    ``principal``, ``query`` and ``lang`` and returns HTML shown inside the site's layout."""
    path = f"/{plugin}/{page.path.strip('/')}"

    def handler(request: Request[Any, Any, Any]) -> Response[str]:
        me = signed_in(request)
        if page.permission and not me.has(page.permission):
            raise PermissionDenied(f"you hold no role granting {page.permission}",
                                   rule=page.permission)
        offered = {"deployment": deployment_of(request), "principal": me,
                   "query": dict(request.query_params), "lang": lang_of(request)}
        html = page.render(**accepted(page.render, offered))
        return render(request, "plugin_page.html", me=me, title=page.label.get(lang_of(request)),
                      body=Markup(html))

    return get(path, sync_to_thread=True, name=f"page:{plugin}:{page.path}")(handler)


def plugin_submit_handler(plugin: str, page: Page) -> Any:
    """The POST route of a page with ``submit``: sign-in, CSRF and permission checked here, once
    for every plugin, then the plugin's ``submit`` makes the change and says where to go."""
    path = f"/{plugin}/{page.path.strip('/')}"
    submit = page.submit
    assert submit is not None

    def handler(request: Request[Any, Any, Any], data: Form) -> Response[Any]:
        me = signed_in(request)
        check_csrf(me, data)
        if page.permission and not me.has(page.permission):
            raise PermissionDenied(f"you hold no role granting {page.permission}",
                                   rule=page.permission)
        form = {k: v for k, v in data.items() if k != "csrf_token"}
        offered = {"deployment": deployment_of(request), "principal": me, "form": form,
                   "query": dict(request.query_params), "lang": lang_of(request),
                   "ip": client_ip(request)}
        target = submit(**accepted(submit, offered))
        if isinstance(target, Markup):
            # shown to this request only (e.g. a record unmasked for a reason sent in the body):
            # no redirect, so nothing of it lands in a URL, the history or an access log
            return render(request, "plugin_page.html", me=me,
                          title=page.label.get(lang_of(request)), body=target)
        return Redirect(_safe_next(str(target or path)), status_code=303)

    return post(path, sync_to_thread=True, status_code=303,
                name=f"submit:{plugin}:{page.path}")(handler)


# -- inbox --------------------------------------------------------------------------------------
@get("/inbox", sync_to_thread=True)
def inbox_page(request: Request[Any, Any, Any]) -> Response[str]:
    """The in-app inbox: what the signed-in user was told (the default channel)."""
    me = signed_in(request)
    d = deployment_of(request)
    found = d.notifications.inbox(me.username, limit=200)
    lang = lang_of(request)

    def kind_label(code: str) -> str:
        kind = d.notifications.kinds.get(code)
        return kind.label.get(lang) if kind else code

    return render(request, "inbox.html", me=me, notifications=found, kind_label=kind_label)


@post("/inbox/read", sync_to_thread=True, status_code=303)
def inbox_read(request: Request[Any, Any, Any], data: Form) -> Redirect:
    me = signed_in(request)
    check_csrf(me, data)
    raw = str(data.get("id", "")).strip()
    ids = None
    if raw:
        try:
            ids = [int(raw)]
        except ValueError:
            raise ValidationError(f"{raw!r} is not a number", field="id", rule="integer") from None
    deployment_of(request).notifications.mark_read(me.username, ids)
    return Redirect("/inbox", status_code=303)
