"""The errors suyuan raises on purpose.

Every error a user can cause derives from :class:`SuyuanError`. Entry points turn it into a one-line
message (CLI), or a 4xx body (HTTP): the message already says what is wrong and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence


class SuyuanError(Exception):
    """A problem the user can fix; ``str(err)`` is one line that says how."""

    #: HTTP status the web layer maps this error to.
    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None,
                 hint: str | None = None) -> None:
        self.message = message
        self.field = field
        self.rule = rule
        self.hint = hint
        super().__init__(self.one_line())

    #: whether the one-line form starts with the field name (not when the message names it).
    field_prefix = True

    def one_line(self) -> str:
        text = f"{self.field}: {self.message}" if self.field and self.field_prefix else self.message
        if self.hint:
            text = f"{text} ({self.hint})"
        return " ".join(text.split())

    def as_dict(self) -> dict[str, object]:
        return {"error": type(self).__name__, "message": self.message, "field": self.field,
                "rule": self.rule, "hint": self.hint}


class ValidationError(SuyuanError):
    """A value broke a rule; ``field`` names it and ``rule`` names the rule."""

    status_code = 422


class ConfigError(SuyuanError):
    """The deployment's configuration (``suyuan.toml``) is wrong."""


class PluginError(ConfigError):
    """A plugin cannot be loaded or enabled as configured."""


class NotFound(SuyuanError):
    status_code = 404


class Conflict(SuyuanError):
    """The request is well formed but the record's current state does not allow it (a callback
    before the case is resolved, an urge before it is dispatched, an unmerge of a case that is
    not merged): a 409, not a 422 — the same request may succeed once the state has changed."""

    status_code = 409


class IllegalTransition(SuyuanError):
    """An action is not allowed from the case's current status."""

    status_code = 409
    field_prefix = False

    def __init__(self, case_id: int, action: str, status: str, allowed: Sequence[str]) -> None:
        self.case_id = case_id
        self.action = action
        self.status = status
        self.allowed = tuple(allowed)
        allowed_text = ", ".join(self.allowed) if self.allowed else "none (the case is final)"
        super().__init__(
            f"case {case_id}: cannot {action!r} while the case is {status!r}; "
            f"allowed from {status!r}: {allowed_text}",
            field="action", rule="lifecycle")


class TransitionRefused(SuyuanError):
    """A plugin's ``suyuan_case_before_transition`` refused the change (``rule`` names it), or a
    core rule did (``not_merged``: a merged duplicate's lifecycle follows the case it is merged
    into)."""

    status_code = 409
    field_prefix = False

    def __init__(self, case_id: int, action: str, reasons: Sequence[str],
                 rule: str = "before_transition") -> None:
        self.reasons = tuple(reasons)
        super().__init__(f"case {case_id}: {action!r} refused: " + "; ".join(self.reasons),
                         field="action", rule=rule)


class ConcurrentUpdate(SuyuanError):
    """Someone else changed the case since it was read (optimistic version check)."""

    status_code = 409


class ImportFailed(SuyuanError):
    """A line of an import file is bad; nothing of its batch was written."""

    def __init__(self, line: int, field: str | None, message: str) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}", field=field, rule="import",
                         hint="fix the line and run the import again; nothing from this batch was written")

    def one_line(self) -> str:
        where = f"line {self.line}, field {self.field!r}" if self.field else f"line {self.line}"
        msg = self.message.split(": ", 1)[1] if ": " in self.message else self.message
        return f"{where}: {msg} ({self.hint})"


class NotAuthenticated(SuyuanError):
    """No valid credentials: sign in, or send ``Authorization: Bearer <token>``."""

    status_code = 401


class PermissionDenied(SuyuanError):
    """The user is signed in but holds no role granting this permission for this area."""

    status_code = 403


class TooManyAttempts(SuyuanError):
    """Login throttling: too many failed attempts for a user name or an address."""

    status_code = 429

    def __init__(self, message: str, *, retry_after: int, **kwargs: str | None) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
