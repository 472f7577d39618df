"""Notifications that reach people: an outbox of who must be told what, an in-app inbox (the
default channel, nothing to configure), and outside channels through apprise (WeCom and DingTalk
robots, e-mail, SMS gateways …) configured in ``[notifications.channels]``."""

from suyuan_core.notifications.service import Notification, NotificationService
from suyuan_core.notifications.spec import CORE_KINDS, NotificationKind

__all__ = ["CORE_KINDS", "Notification", "NotificationKind", "NotificationService"]
