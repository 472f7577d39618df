"""suyuan (诉源治理): the core every pillar and third-party plugin stands on.

This module is the **public API**. A plugin imports from ``suyuan_core`` and from the modules listed
in ``PUBLIC_MODULES`` only; everything else is internal and may change without notice (an import
contract in CI enforces this for the plugins in this repository).
"""

from __future__ import annotations

from suyuan_core.accounts import DemoLogin
from suyuan_core.accounts.audit import AuditEntry, AuditLog
from suyuan_core.accounts.masking import SensitiveField, mask_address, mask_free_text
from suyuan_core.accounts.principal import Grant, Principal
from suyuan_core.accounts.privacy import Privacy
from suyuan_core.areas.service import AreaService
from suyuan_core.areas.tree import AreaTree
from suyuan_core.cases.bulk import BulkResult, BulkWriter, CaseRecord, EventSpec
from suyuan_core.cases.merging import MergeService
from suyuan_core.cases.query import CaseFilter, CasePage, CaseQuery
from suyuan_core.cases.routing import RoutingService
from suyuan_core.cases.service import CaseService, NewCase, row_to_case
from suyuan_core.config import Config
from suyuan_core.deployment import Deployment
from suyuan_core.domain.agreements import (
    CONFIRMATION_OUTCOMES,
    ConfirmationDecision,
    CourtPlatform,
    MediationAgreement,
    VideoRoom,
)
from suyuan_core.domain.areas import COMMUNITY_LEVELS, Area, Level, Located, distance_m
from suyuan_core.domain.cases import Case, CaseEvent, Party
from suyuan_core.domain.labels import Label
from suyuan_core.domain.lifecycle import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    Status,
    allowed_actions,
)
from suyuan_core.domain.metrics import EventFacts, EventRule, MetricDefinition
from suyuan_core.domain.registry_items import (
    Category,
    EscalationTarget,
    IntakeSource,
    Permission,
    Problem,
    Refusal,
    RouteProposal,
    Suggestion,
)
from suyuan_core.domain.roster import GENDERS, Organisation, Person, Role
from suyuan_core.errors import (
    ConcurrentUpdate,
    ConfigError,
    Conflict,
    IllegalTransition,
    ImportFailed,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    PluginError,
    SuyuanError,
    TransitionRefused,
    ValidationError,
)
from suyuan_core.hookspecs import hookimpl
from suyuan_core.jobs.spec import Job
from suyuan_core.metrics.periods import (
    PERIOD_PATTERN,
    Period,
    parse_period,
    period_pattern,
    weekday_pattern,
)
from suyuan_core.metrics.service import Figure, MetricService
from suyuan_core.notifications.spec import NotificationKind
from suyuan_core.plugins.lazy import implement
from suyuan_core.plugins.routes import (
    AREA_LEVELS,
    FIELD_BOUNDS,
    OPENAPI_OPERATION,
    PUBLIC_ROUTE,
    SIGNED_BY,
    SignatureVerifier,
)
from suyuan_core.plugins.spec import DashboardPanel, MigrationSource, Page, PluginSpec
from suyuan_core.roster.service import RosterService
from suyuan_core.workcal import MissingHolidayData, Span, WorkCalendar

#: Modules a plugin may import besides this one (and their submodules): the hook specifications
#: (to read), the core's tables (to reference in foreign keys and read, never to write), page
#: templates, route helpers (``http``), time (``times``), query helpers (``sql``), import files
#: (``imports``), the declared field ranges (``bounds``), SVG maps of areas (``maps``) and the
#: testing kit. Everything else under ``suyuan_core`` is internal: the import contract
#: (.importlinter, generated from this tuple) and ``suyuan plugins check`` refuse a plugin that imports it.
PUBLIC_MODULES = ("suyuan_core.bodies", "suyuan_core.bounds", "suyuan_core.hookspecs",
                  "suyuan_core.http", "suyuan_core.imports", "suyuan_core.inputs",
                  "suyuan_core.maps", "suyuan_core.sql", "suyuan_core.tables",
                  "suyuan_core.templates", "suyuan_core.testing", "suyuan_core.times")

__all__ = [
    "AREA_LEVELS",
    "COMMUNITY_LEVELS",
    "CONFIRMATION_OUTCOMES",
    "FIELD_BOUNDS",
    "FINAL_STATUSES",
    "GENDERS",
    "OPENAPI_OPERATION",
    "OPEN_STATUSES",
    "PERIOD_PATTERN",
    "PUBLIC_MODULES",
    "PUBLIC_ROUTE",
    "SIGNED_BY",
    "TRANSITIONS",
    "Area",
    "AreaService",
    "AreaTree",
    "AuditEntry",
    "AuditLog",
    "BulkResult",
    "BulkWriter",
    "Case",
    "CaseEvent",
    "CaseFilter",
    "CasePage",
    "CaseQuery",
    "CaseRecord",
    "CaseService",
    "Category",
    "ConcurrentUpdate",
    "Config",
    "ConfigError",
    "ConfirmationDecision",
    "Conflict",
    "CourtPlatform",
    "DashboardPanel",
    "DemoLogin",
    "Deployment",
    "EscalationTarget",
    "EventFacts",
    "EventRule",
    "EventSpec",
    "Figure",
    "Grant",
    "IllegalTransition",
    "ImportFailed",
    "IntakeSource",
    "Job",
    "Label",
    "Level",
    "Located",
    "MediationAgreement",
    "MergeService",
    "MetricDefinition",
    "MetricService",
    "MigrationSource",
    "MissingHolidayData",
    "NewCase",
    "NotAuthenticated",
    "NotFound",
    "NotificationKind",
    "Organisation",
    "Page",
    "Party",
    "Period",
    "Permission",
    "PermissionDenied",
    "Person",
    "PluginError",
    "PluginSpec",
    "Principal",
    "Privacy",
    "Problem",
    "Refusal",
    "Role",
    "RosterService",
    "RouteProposal",
    "RoutingService",
    "SensitiveField",
    "SignatureVerifier",
    "Span",
    "Status",
    "Suggestion",
    "SuyuanError",
    "TransitionRefused",
    "ValidationError",
    "VideoRoom",
    "WorkCalendar",
    "allowed_actions",
    "distance_m",
    "hookimpl",
    "implement",
    "mask_address",
    "mask_free_text",
    "parse_period",
    "period_pattern",
    "row_to_case",
    "weekday_pattern",
]
