"""``[plugins.smart]`` in suyuan.toml: every local rule of the hotline is configuration.

DOMAIN-RULES §3: time limits, the sign-off and return windows, the return reasons and the number of
returns before the centre rules are local practice (a per-county table), so each has a default here
that a county overrides.
"""

from __future__ import annotations

from typing import Any

import attrs

UNITS = ("workdays", "workhours", "days", "hours")
URGENCIES = ("urgent", "normal", "complex")


def _unit(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {value!r}")


def _between(low: float, high: float) -> Any:
    return attrs.validators.and_(attrs.validators.ge(low), attrs.validators.le(high))


@attrs.frozen
class Limit:
    """One row of the time-limit table. Every field given must match the case; of the matching
    rows the most specific wins: urgency outranks category, which outranks request type."""

    amount: float
    unit: str = attrs.field(default="workdays", validator=_unit)
    urgency: str | None = None
    category: str | None = None
    request_type: str | None = None  # 咨询 consult / 求助 help / 投诉 complaint / 建议 suggestion


DEFAULT_LIMITS = (
    Limit(7, "workdays"),                      # ordinary matters: 7 working days
    Limit(15, "workdays", urgency="complex"),  # complex: 15 working days
    Limit(24, "hours", urgency="urgent"),      # urgent: within 24 hours
    Limit(3, "workdays", request_type="consult"),
    Limit(5, "workdays", request_type="help"),
    Limit(13, "workdays", request_type="complaint"),
)


@attrs.frozen
class Unit:
    """A responsible unit (承办单位): which categories and areas it answers for."""

    code: str
    name: str
    categories: list[str] = attrs.Factory(list)
    areas: list[str] = attrs.Factory(list)


DEFAULT_COLUMNS = {
    "source_ref": "工单编号", "title": "标题", "description": "诉求内容", "category": "诉求分类",
    "area": "所属区域", "caller": "来电人", "phone": "联系电话", "reported_at": "受理时间",
    "address": "诉求地址", "urgency": "紧急程度", "request_type": "诉求类型",
}

DEFAULT_KEYWORDS = {
    "labour": ["工资", "欠薪", "讨薪", "拖欠", "劳动合同", "社保", "工伤", "加班费"],
    "property_management": ["物业", "电梯", "小区", "业委会", "停车", "物业费"],
    "neighbour": ["邻居", "噪音", "漏水", "楼上", "占道", "堆放"],
    "environment": ["污染", "排放", "异味", "粉尘", "噪声", "垃圾", "污水"],
    "consumer": ["商家", "退款", "消费", "假货", "欺诈", "退货"],
    "traffic": ["交通", "车辆", "事故", "撞", "红绿灯"],
    "housing_homestead": ["宅基地", "房屋", "建房", "违建"],
    "land_acquisition": ["征地", "拆迁", "补偿款", "安置"],
    "marriage_family": ["离婚", "赡养", "抚养", "家暴", "婚姻"],
    "medical": ["医院", "医疗", "医生", "手术"],
    "urban_management": ["路灯", "井盖", "道路", "摊贩", "绿化", "市容"],
    "public_utilities": ["停水", "停电", "燃气", "水压", "供水", "供电"],
}

DEFAULT_RISK_WORDS = {
    "critical": ["自杀", "轻生", "跳楼", "不想活", "同归于尽", "喝农药"],
    "high": ["群体", "聚集", "堵路", "上访", "拉横幅", "集体"],
    "medium": ["欠薪", "讨薪", "拖欠工资", "农民工"],
}


NATURE_KINDS = ("nature", "risk")


@attrs.frozen
class Nature:
    """One class of the analysis report's "what" (矛盾性质). A ``nature`` rule gives a case its
    nature — the first rule whose category or keyword matches wins, the rest get the default —
    and a ``risk`` rule flags a case whatever its nature, any number of them (a neighbours'
    quarrel is civil *and* at risk of turning criminal when someone threatens to hurt)."""

    code: str
    label_zh: str
    label_en: str
    kind: str = attrs.field(default="nature", validator=attrs.validators.in_(NATURE_KINDS))
    categories: list[str] = attrs.Factory(list)
    keywords: list[str] = attrs.Factory(list)


DEFAULT_NATURES = (
    Nature("administrative", "行政争议", "Administrative",
           categories=["land_acquisition", "urban_management", "public_utilities", "environment"],
           keywords=["执法", "罚款", "审批", "行政", "政府", "城管", "许可", "征收", "低保",
                     "补贴", "不作为"]),
    Nature("civil", "民事纠纷", "Civil",
           categories=["neighbour", "marriage_family", "labour", "consumer", "contract",
                       "property_management", "housing_homestead", "traffic", "medical",
                       "damages"]),
    Nature("criminal_risk", "民转刑风险", "Risk of turning criminal", kind="risk",
           keywords=["打人", "殴打", "持刀", "砍", "报复", "杀", "纵火", "放火", "伤害", "斗殴",
                     "威胁", "同归于尽", "家暴", "扬言"]),
    Nature("group_risk", "群体性事件风险", "Risk of a group incident", kind="risk",
           keywords=["群体", "聚集", "堵路", "拉横幅", "集体", "上访", "围堵", "多名", "数十",
                     "联名", "静坐"]),
)


def _natures(instance: object, attribute: attrs.Attribute[list[Nature]],
             value: list[Nature]) -> None:
    codes = [n.code for n in value]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise ValueError(f"nature codes must be unique: {', '.join(twice)} given twice")
    if not any(n.kind == "nature" for n in value):
        raise ValueError("at least one rule of kind 'nature' is needed")


@attrs.frozen
class Settings:
    # -- deadlines (DOMAIN-RULES §3, §4) --------------------------------------------------
    #: the time-limit table (per county); see :class:`Limit`.
    limits: list[Limit] = attrs.Factory(lambda: list(DEFAULT_LIMITS))
    #: intake sources whose cases run on this plugin's working-day clock.
    deadline_sources: list[str] = attrs.Factory(
        lambda: ["hotline_12345", "mailbox", "messaging", "open311"])
    #: the county's own holiday table: extra days off and make-up working days (any year), and
    #: the years it fully covers (for years the chinesecalendar package does not know yet).
    holidays: list[str] = attrs.Factory(list)
    workdays: list[str] = attrs.Factory(list)
    county_years: list[int] = attrs.Factory(list)
    #: a deadline in a year neither the package nor the county covers: "flag" (weekends-only
    #: calendar, the deadline shown flagged everywhere until the county loads that year's table)
    #: or "refuse" (a clear error, nothing written). Flag by default so that intake never stops
    #: on 1 January while the new year's holiday package is not installed yet.
    missing_year: str = attrs.field(default="flag", validator=attrs.validators.in_(
        ("refuse", "flag")))
    #: remind this many working hours before a deadline.
    remind_workhours: float = 8.0
    #: longest extension one request may ask for.
    max_extension_workdays: int = 15
    #: callback (回访) due this many working days after the case is resolved.
    callback_workdays: int = 1
    #: 通报: an order this many working days past its deadline is reported (``overdue_notice``)
    #: to the hotline centre and the channels that take it (e.g. the county's robot group).
    notice_after_workdays: int = attrs.field(default=5, validator=attrs.validators.and_(
        attrs.validators.ge(1), attrs.validators.le(60)))
    #: from this month on, warn when next year's holiday table is not loaded (the State Council
    #: publishes it in November).
    calendar_warning_month: int = attrs.field(default=11, validator=attrs.validators.and_(
        attrs.validators.ge(1), attrs.validators.le(12)))

    # -- dispatch (派单, 签收, 退单) --------------------------------------------------------
    units: list[Unit] = attrs.Factory(list)
    sign_off_workhours: float = 24.0
    return_window_workhours: float = 24.0
    max_returns: int = 2
    return_reasons: list[str] = attrs.Factory(lambda: ["not_our_duty", "wrong_locality"])
    #: weights of the response, resolution and satisfaction rates in the unit ranking (考核排名).
    ranking_weights: dict[str, float] = attrs.Factory(
        lambda: {"response": 0.3, "resolution": 0.3, "satisfaction": 0.4})

    # -- intake ------------------------------------------------------------------------
    #: 12345 export columns: our field → the export's column header.
    hotline_columns: dict[str, str] = attrs.Factory(lambda: dict(DEFAULT_COLUMNS))
    #: the export's category / area texts → our codes (a code itself is accepted as well).
    hotline_categories: dict[str, str] = attrs.Factory(dict)
    hotline_areas: dict[str, str] = attrs.Factory(dict)
    #: shared secrets of the HMAC-SHA256 webhooks (empty: the webhook is switched off).
    webhook_secret: str = ""
    messaging_secret: str = ""
    #: a signed request older than this is refused (replay protection).
    signature_max_age_seconds: int = 300
    #: the area a case from a channel that does not say where lands in.
    default_area: str | None = None
    #: Open311: API keys allowed to post (none: posting is switched off), and the jurisdiction id.
    open311_api_keys: list[str] = attrs.Factory(list)
    open311_jurisdiction: str = "suyuan"
    #: Open311's reads are public (the spec's), so they show only cases that came in through
    #: these sources — never a dispute filed at a mediation room — and no personal data.
    open311_public_sources: list[str] = attrs.Factory(lambda: ["open311"])

    # -- the residents' page (/residents) ------------------------------------------------------
    #: the api_key the page files appeals with: one of ``open311_api_keys`` (empty: the page
    #: only says online filing is off; tracking codes given earlier still work).
    residents_api_key: str = ""
    #: where the page reaches this deployment's own Open311 endpoint (it is a client of it, like
    #: any other); empty: the address and port the page's request came in on, over loopback.
    residents_open311_url: str = ""
    #: the address residents and staff reach the site at (``https://suyuan.example.gov.cn``): a
    #: photo's ``media_url`` starts with it; empty: the photo's path alone (never the Host header
    #: a request sent, which anyone can forge).
    residents_public_url: str = ""
    #: per client address (``[web] trusted_proxies`` honoured): appeals filed per hour, and
    #: requests of any kind to /residents per minute (which keeps tracking codes unguessable).
    residents_filings_per_hour: int = attrs.field(default=10, validator=attrs.validators.and_(
        attrs.validators.ge(1), attrs.validators.le(10_000)))
    residents_requests_per_minute: int = attrs.field(default=120, validator=attrs.validators.and_(
        attrs.validators.ge(1), attrs.validators.le(100_000)))
    #: the largest photo a resident may attach (JPEG, PNG or WebP; stored re-encoded, without
    #: its EXIF data — a phone's photo carries where it was taken).
    residents_photo_max_bytes: int = attrs.field(default=5_000_000, validator=attrs.validators.and_(
        attrs.validators.ge(10_000), attrs.validators.le(20_000_000)))

    # -- classification / duplicates ---------------------------------------------------------
    keywords: dict[str, list[str]] = attrs.Factory(lambda: {k: list(v) for k, v in
                                                            DEFAULT_KEYWORDS.items()})
    duplicate_window_days: int = 30
    duplicate_threshold: float = 0.7
    #: 多人同诉 (DOMAIN-RULES §3): reports of one category whose points lie this close (metres),
    #: or — when either has no point — in the same smallest area, within
    #: ``duplicate_place_hours`` of each other, are one problem: each later one is proposed
    #: for merging into the first (the master order), whoever called. 0 switches this off.
    duplicate_place_metres: float = attrs.field(default=300.0, validator=_between(0, 5000))
    duplicate_place_hours: float = attrs.field(default=72.0, validator=_between(1, 24 * 30))
    #: merge such place-and-time duplicates at once instead of proposing them.
    duplicate_auto_merge: bool = False
    #: 重复诉求: a report of one category at the same place (or from the same caller) this many
    #: days or fewer after a case was closed is linked to it as a repeat and counts against
    #: 解决率 (``smart_repeats``). 0 switches this off.
    repeat_days: int = attrs.field(default=30, validator=_between(0, 365))

    # -- early warning ---------------------------------------------------------------------
    risk_words: dict[str, list[str]] = attrs.Factory(lambda: {k: list(v) for k, v in
                                                              DEFAULT_RISK_WORDS.items()})
    #: wage-arrears words are raised one severity in these months (before the Spring Festival).
    festival_months: list[int] = attrs.Factory(lambda: [12, 1, 2])
    spike_level: str = "town"
    spike_factor: float = 2.0
    spike_min_cases: int = 5
    baseline_weeks: int = 8
    repeat_caller_cases: int = 3
    repeat_caller_days: int = 30
    stuck_workdays: int = 10

    # -- replies back to the hotline platform (答复, 办结, 回访结果) ---------------------------
    #: where the signed pushes go (empty: no push; the file export still works).
    platform_push_url: str = ""
    #: HMAC-SHA256 key of the pushes (X-Suyuan-Signature over ``timestamp.body``).
    platform_push_secret: str = ""
    platform_retries: int = attrs.field(default=5, validator=attrs.validators.and_(
        attrs.validators.ge(0), attrs.validators.le(50)))
    platform_timeout_seconds: float = 10.0

    # -- reports ---------------------------------------------------------------------------
    report_dir: str = "reports"
    report_levels: list[str] = attrs.Factory(lambda: ["county", "town"])
    #: 研判 "what": the nature and risk rules (see :class:`Nature`), first match wins.
    natures: list[Nature] = attrs.field(factory=lambda: list(DEFAULT_NATURES),
                                        validator=_natures)
    #: the nature of a case no ``nature`` rule matches (a code among ``natures``, or "other").
    nature_default: str = "civil"
    #: 研判 "where it is heading": the current period against this many before it.
    trend_periods: int = attrs.field(default=6, validator=attrs.validators.and_(
        attrs.validators.ge(2), attrs.validators.le(24)))
    #: a change against the previous periods' mean beyond this share reads as rising/falling.
    trend_threshold: float = attrs.field(default=0.1, validator=attrs.validators.and_(
        attrs.validators.ge(0.0), attrs.validators.le(5.0)))

    def __attrs_post_init__(self) -> None:
        if self.residents_api_key and self.residents_api_key not in self.open311_api_keys:
            raise ValueError("residents_api_key must be one of open311_api_keys (the page files "
                             "through the Open311 endpoint like any other client)")
