"""``[plugins.rule_of_law]`` in suyuan.toml: the periods and local practice this pillar counts.

The statutory periods of judicial confirmation (人民调解法 Art 33; 法释〔2011〕5号) are defaults,
not constants, because DOMAIN-RULES §1 marks the court's time limit as M-confidence (15 or 30 days
under the 2023 Civil Procedure Law) and counties read them differently.
"""

from __future__ import annotations

import attrs


def _at_least(low: int):  # type: ignore[no-untyped-def]
    def check(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
        if not isinstance(value, int) or value < low:
            raise ValueError(f"{attribute.name} must be an integer of at least {low}, not {value!r}")
    return check


def _schedule(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    """The same rules as ``Job.every`` / ``Job.at``, checked when the settings load (not at the
    first tick)."""
    from suyuan_core import Job, SuyuanError

    if value == "" and attribute.name.endswith("_every"):
        return
    try:
        if attribute.name.endswith("_every"):
            Job("rule_of_law.check", every=value, run=lambda: None)
        else:
            Job("rule_of_law.check", every="day", at=value, run=lambda: None)
    except SuyuanError as exc:
        raise ValueError(f"{attribute.name}: {exc.message}") from None


@attrs.frozen
class Settings:
    #: Art 33: the parties apply jointly within this many days of the agreement taking effect
    #: (calendar days; a last day on a holiday rolls to the next working day).
    confirmation_window_days: int = attrs.field(default=30, validator=_at_least(1))
    #: 法释〔2011〕5号: the court decides whether to accept within 3 days of the application.
    court_accept_days: int = attrs.field(default=3, validator=_at_least(1))
    #: … and decides within 15 days of accepting, ``court_extension_days`` more with approval.
    court_decide_days: int = attrs.field(default=15, validator=_at_least(1))
    court_extension_days: int = attrs.field(default=10, validator=_at_least(0))
    #: matters a court does not confirm: identity, adoption, marriage (身份/收养/婚姻). Case
    #: categories that map to them.
    excluded_matters: tuple[str, ...] = ("identity", "adoption", "marriage")
    #: 法治大讲堂: lectures required per community per month.
    lectures_per_month: int = attrs.field(default=2, validator=_at_least(0))
    #: days after the term ends before a lapsed advisor shows as a gap (0 = at once).
    advisor_grace_days: int = attrs.field(default=0, validator=_at_least(0))
    #: where the self-hosted Jitsi Meet (or another video system's) rooms live.
    video_base_url: str = "https://meet.jitsi.invalid"
    #: the video system's name as recorded with each session.
    video_system: str = "jitsi"
    #: the court platform adapter (``file``, ``http`` or one a county plugin provides).
    platform_adapter: str = "file"
    #: the exchange folder of the file adapter (relative to suyuan.toml's folder).
    platform_dir: str = "court_platform"
    #: the HTTP adapter's base URL (``GET {url}/delegations``, ``POST {url}/results``).
    platform_url: str = ""
    platform_token: str = ""
    #: how often the ``rule_of_law.platform_sync`` job pulls delegated cases and pushes results
    #: (a ``Job.every``: ``"15m"``, ``"1h"``, ``"day"`` …; ``""`` = no scheduled sync, only
    #: ``suyuan rule-of-law platform sync``).
    platform_sync_every: str = attrs.field(default="1h", validator=_schedule)
    #: the ``rule_of_law.confirmation_window`` job warns this many days before an effective
    #: agreement's joint-application window closes without an application (0 = no warning).
    window_notice_days: int = attrs.field(default=7, validator=_at_least(0))
    #: when (local HH:MM) the daily window check runs.
    window_notice_at: str = attrs.field(default="08:00", validator=_schedule)
    #: days an invited mediator has for a delegated case when the platform gives none (30 days,
    #: extendable by agreement: DOMAIN-RULES §1).
    delegation_days: int = attrs.field(default=30, validator=_at_least(1))
    #: the county's own holiday table (as the smart pillar's; empty = the packaged calendar).
    holidays: tuple[str, ...] = ()
    workdays: tuple[str, ...] = ()
    county_years: tuple[int, ...] = ()
