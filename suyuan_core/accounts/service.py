"""Accounts: users with argon2 password hashes, role grants scoped to area subtrees, API tokens
(only their SHA-256 is stored), signed web sessions with a CSRF token each, and login throttling.

Everything lives in the database, so several ``suyuan serve`` workers share sessions, throttling
and the cookie signing key.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import re
import secrets
import time
from typing import TYPE_CHECKING, Any

import attrs
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from suyuan_core import times
from suyuan_core.accounts.principal import Grant, Principal
from suyuan_core.areas.tree import AreaTree
from suyuan_core.domain.areas import Level
from suyuan_core.errors import (
    NotAuthenticated,
    NotFound,
    TooManyAttempts,
    ValidationError,
)
from suyuan_core.storage import tables

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment

#: how long a worker trusts a token it has checked (revoking, disabling or re-granting in this
#: process clears it at once; other worker processes notice within this many seconds).
TOKEN_CACHE_SECONDS = 5.0
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,63}$")
MIN_PASSWORD = 8
TOKEN_PREFIX = "sy_"
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified when the user name is unknown, so a wrong name costs as long as a wrong password
    (made on first use: hashing at import would slow every CLI command)."""
    return _hasher.hash("not a real password")


ACTS_FOR = re.compile(r"^[a-z][a-z0-9_]*:[A-Za-z0-9_.\-]{1,100}$")


#: the area levels a ``grid:<area>`` account may act for.
GRID_LEVELS = (Level.grid, Level.micro_grid)


def _check_acts_for(value: str, tree: AreaTree) -> None:
    if not ACTS_FOR.match(value):
        raise ValidationError(f"{value!r} is not what an account can act for", field="acts_for",
                              rule="acts_for", hint="write KIND:CODE, e.g. organisation:city_water")
    kind, code = value.split(":", 1)
    if kind == "grid":
        if code not in tree:
            raise ValidationError(f"no area with code {code!r}", field="acts_for",
                                  rule="exists", hint="write grid:AREA with a grid's area code")
        if tree.get(code).level not in GRID_LEVELS:
            raise ValidationError(f"{code} is a {tree.get(code).level.name}, not a grid",
                                  field="acts_for", rule="grid",
                                  hint="a grid worker's account acts for a grid or micro-grid")


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@attrs.frozen
class UserInfo:
    id: int
    username: str
    display_name: str
    active: bool
    person_external_id: str | None
    grants: tuple[tuple[str, str], ...]
    created_at: dt.datetime
    acts_for: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "username": self.username, "display_name": self.display_name,
                "active": self.active, "person_external_id": self.person_external_id,
                "acts_for": self.acts_for,
                "grants": [{"role": r, "area_code": a} for r, a in self.grants],
                "created_at": times.iso(self.created_at)}


@attrs.frozen
class TokenInfo:
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked: bool


@attrs.frozen
class NewSession:
    """What a successful login hands the web layer: the cookie value and the form token."""

    principal: Principal
    cookie: str
    csrf_token: str
    expires_at: dt.datetime


class AccountService:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment
        self._secret: bytes | None = None
        #: sha256(token) → (monotonic expiry, principal): API clients send the same token with
        #: every request, and three queries per request would cost more than the work itself.
        self._tokens: dict[str, tuple[float, Principal]] = {}

    def forget_tokens(self) -> None:
        """Drop the token cache (after any change to who may do what)."""
        self._tokens.clear()

    # -- users -----------------------------------------------------------------------------
    def _check_password(self, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise ValidationError(f"a password needs at least {MIN_PASSWORD} characters",
                                  field="password", rule="min_length",
                                  hint="choose a longer password")

    def add_user(self, username: str, display_name: str, password: str | None, *,
                 person_external_id: str | None = None, acts_for: str | None = None,
                 actor: str = "cli") -> int:
        """Create a user (no grants yet). ``password`` None makes a token-only machine account."""
        if not USERNAME.match(username):
            raise ValidationError(f"{username!r} is not a user name", field="username",
                                  rule="username",
                                  hint="2–64 lower-case letters, digits, '.', '_' or '-'")
        if not display_name.strip():
            raise ValidationError("is required", field="display_name", rule="required")
        if password is not None:
            self._check_password(password)
        if person_external_id is not None:
            self.d.roster.get(person_external_id)
        if acts_for is not None:
            _check_acts_for(acts_for, self.d.areas.tree)
        digest = _hasher.hash(password) if password is not None else None
        with self.d.transaction() as s:
            exists = s.scalar(select(tables.users.c.id)
                              .where(tables.users.c.username == username))
            if exists is not None:
                raise ValidationError(f"user {username!r} already exists", field="username",
                                      rule="unique", hint="choose another name")
            user_id = s.execute(tables.users.insert().returning(tables.users.c.id), {
                "username": username, "display_name": display_name.strip(),
                "password_hash": digest, "person_external_id": person_external_id,
                "acts_for": acts_for,
                "active": True, "created_at": times.to_db(times.now())}).scalar_one()
            self.d.audit.write(s, actor=actor, action="user.add", record=f"user:{username}",
                               detail={"acts_for": acts_for} if acts_for else None)
        return int(user_id)

    def set_acts_for(self, username: str, acts_for: str | None, *, actor: str = "cli") -> None:
        """Bind the account to what it acts for (``organisation:<unit>``; ``grid:<area>``
        confines every permission to that grid), or unbind (None)."""
        if acts_for is not None:
            _check_acts_for(acts_for, self.d.areas.tree)
        with self.d.transaction() as s:
            user_id = self._user_id(s, username)
            s.execute(update(tables.users).where(tables.users.c.id == user_id)
                      .values(acts_for=acts_for))
            self.forget_tokens()
            self.d.audit.write(s, actor=actor, action="user.acts_for", record=f"user:{username}",
                               detail={"acts_for": acts_for})

    def set_password(self, username: str, password: str, *, actor: str = "cli") -> None:
        self._check_password(password)
        with self.d.transaction() as s:
            user_id = self._user_id(s, username)
            s.execute(update(tables.users).where(tables.users.c.id == user_id)
                      .values(password_hash=_hasher.hash(password)))
            # A new password signs every browser out.
            s.execute(delete(tables.web_sessions).where(tables.web_sessions.c.user_id == user_id))
            self.d.audit.write(s, actor=actor, action="user.password", record=f"user:{username}")

    def set_active(self, username: str, active: bool, *, actor: str = "cli") -> None:
        with self.d.transaction() as s:
            user_id = self._user_id(s, username)
            s.execute(update(tables.users).where(tables.users.c.id == user_id)
                      .values(active=active))
            if not active:
                s.execute(delete(tables.web_sessions)
                          .where(tables.web_sessions.c.user_id == user_id))
            self.forget_tokens()
            self.d.audit.write(s, actor=actor, action="user.enable" if active else "user.disable",
                               record=f"user:{username}")

    def _user_id(self, s: Session, username: str) -> int:
        found = s.scalar(select(tables.users.c.id).where(tables.users.c.username == username))
        if found is None:
            raise NotFound(f"no user {username!r}", field="username", rule="exists",
                           hint="see `suyuan users list`")
        return int(found)

    def users(self) -> list[UserInfo]:
        u, g = tables.users.c, tables.user_grants.c
        with self.d.primary() as s:
            rows = s.execute(select(tables.users).order_by(u.username)).all()
            grants: dict[int, list[tuple[str, str]]] = {}
            for user_id, role, area in s.execute(select(g.user_id, g.role, g.area_code)
                                                 .order_by(g.role, g.area_code)):
                grants.setdefault(user_id, []).append((role, area))
        return [UserInfo(id=r.id, username=r.username, display_name=r.display_name,
                         active=bool(r.active), person_external_id=r.person_external_id,
                         acts_for=r.acts_for,
                         grants=tuple(grants.get(r.id, ())),
                         created_at=times.from_db(r.created_at))  # type: ignore[arg-type]
                for r in rows]

    def user(self, username: str) -> UserInfo:
        for info in self.users():
            if info.username == username:
                return info
        raise NotFound(f"no user {username!r}", field="username", rule="exists",
                       hint="see `suyuan users list`")

    # -- grants ----------------------------------------------------------------------------
    def grant(self, username: str, role: str, area_code: str, *, actor: str = "cli") -> None:
        """Give ``username`` the role ``role`` over the subtree of ``area_code`` (idempotent)."""
        if role not in self.d.roles:
            raise ValidationError(f"unknown role {role!r}", field="role", rule="exists",
                                  hint="known: " + ", ".join(self.d.roles.codes()))
        self.d.areas.tree.get(area_code)
        with self.d.transaction() as s:
            user_id = self._user_id(s, username)
            g = tables.user_grants.c
            exists = s.scalar(select(func.count()).where(g.user_id == user_id, g.role == role,
                                                         g.area_code == area_code))
            if not exists:
                s.execute(tables.user_grants.insert(),
                          {"user_id": user_id, "role": role, "area_code": area_code})
                self.forget_tokens()
                self.d.audit.write(s, actor=actor, action="user.grant",
                                   record=f"user:{username}",
                                   detail={"role": role, "area_code": area_code})

    def revoke(self, username: str, role: str, area_code: str, *, actor: str = "cli") -> None:
        with self.d.transaction() as s:
            user_id = self._user_id(s, username)
            g = tables.user_grants.c
            gone = s.execute(delete(tables.user_grants).where(  # type: ignore[attr-defined]
                g.user_id == user_id, g.role == role, g.area_code == area_code)).rowcount
            if not gone:
                raise NotFound(f"{username} does not hold {role} at {area_code}", field="role",
                               rule="exists", hint="see `suyuan users list`")
            self.forget_tokens()
            self.d.audit.write(s, actor=actor, action="user.revoke", record=f"user:{username}",
                               detail={"role": role, "area_code": area_code})

    def principal(self, user_id: int, *, via: str, csrf_token: str | None = None,
                  session: Session | None = None) -> Principal:
        """The user with their grants resolved against the roles and the area tree."""
        def load(s: Session) -> Principal:
            user = s.execute(select(tables.users).where(tables.users.c.id == user_id)).first()
            if user is None or not user.active:
                raise NotAuthenticated("the account is unknown or disabled", rule="active_user",
                                       hint="ask an administrator")
            g = tables.user_grants.c
            rows = s.execute(select(g.role, g.area_code).where(g.user_id == user_id)).all()
            return self._principal(user, rows, via, csrf_token)

        if session is not None:
            return load(session)
        with self.d.primary() as s:
            return load(s)

    def _principal(self, user: Any, grant_rows: Any, via: str,
                   csrf_token: str | None) -> Principal:
        tree = self.d.areas.tree
        grants = []
        for role_code, area_code in grant_rows:
            role = self.d.roles.get(role_code)
            if role is None or area_code not in tree:
                continue  # a role of a plugin that is no longer enabled grants nothing
            grants.append(Grant(role=role_code, area_code=area_code,
                                area_path=tree.path(area_code),
                                permissions=frozenset(role.permissions)))
        grid_path = None
        if user.acts_for and user.acts_for.startswith("grid:"):
            code = user.acts_for.split(":", 1)[1]
            # a grid no longer in the tree confines the account to nothing at all
            grid_path = tree.path(code) if code in tree else "/(no such grid)/"
        return Principal(user_id=user.id, username=user.username, display_name=user.display_name,
                         grants=tuple(sorted(grants, key=lambda x: (x.role, x.area_code))),
                         via=via, csrf_token=csrf_token,
                         person_external_id=user.person_external_id,
                         acts_for=user.acts_for, grid_path=grid_path)

    def as_user(self, username: str, via: str = "cli") -> Principal:
        with self.d.primary() as s:
            return self.principal(self._user_id(s, username), via=via, session=s)

    # -- API tokens ------------------------------------------------------------------------
    def make_token(self, username: str, name: str = "api", *, days: int | None = None,
                   actor: str = "cli") -> str:
        """A new API token for ``username``; returned once, stored only as its hash."""
        if days is not None and days < 1:
            raise ValidationError("must be at least 1", field="days", rule="min")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = times.now()
        with self.d.transaction() as s:
            user_id = self._user_id(s, username)
            s.execute(tables.api_tokens.insert(), {
                "user_id": user_id, "name": name, "token_hash": _sha256(token),
                "prefix": token[:8], "created_at": times.to_db(now),
                "expires_at": times.to_db(now + dt.timedelta(days=days)) if days else None,
                "revoked_at": None})
            self.d.audit.write(s, actor=actor, action="token.create", record=f"user:{username}",
                               detail={"name": name, "prefix": token[:8], "days": days})
        return token

    def tokens(self, username: str) -> list[TokenInfo]:
        t = tables.api_tokens.c
        with self.d.primary() as s:
            user_id = self._user_id(s, username)
            rows = s.execute(select(tables.api_tokens).where(t.user_id == user_id)
                             .order_by(t.id)).all()
        return [TokenInfo(id=r.id, name=r.name, prefix=r.prefix,
                          created_at=times.from_db(r.created_at),  # type: ignore[arg-type]
                          expires_at=times.from_db(r.expires_at),
                          revoked=r.revoked_at is not None) for r in rows]

    def revoke_token(self, username: str, token_id: int, *, actor: str = "cli") -> None:
        t = tables.api_tokens.c
        with self.d.transaction() as s:
            user_id = self._user_id(s, username)
            done = s.execute(update(tables.api_tokens)  # type: ignore[attr-defined]
                             .where(t.id == token_id, t.user_id == user_id, t.revoked_at.is_(None))
                             .values(revoked_at=times.to_db(times.now()))).rowcount
            if not done:
                raise NotFound(f"{username} has no active token {token_id}", field="token_id",
                               rule="exists", hint=f"see `suyuan users token {username} --list`")
            self.forget_tokens()
            self.d.audit.write(s, actor=actor, action="token.revoke", record=f"user:{username}",
                               detail={"token_id": token_id})

    def cached_token(self, token: str) -> Principal | None:
        """The principal of a token checked less than TOKEN_CACHE_SECONDS ago, else None."""
        hit = self._tokens.get(_sha256(token))
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        return None

    def authenticate_token(self, token: str) -> Principal:
        invalid = NotAuthenticated("the API token is unknown, expired or revoked",
                                   field="Authorization", rule="bearer_token",
                                   hint="make one with `suyuan users token NAME`")
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            raise invalid
        t = tables.api_tokens.c
        now = times.to_db(times.now())
        with self.d.primary() as s:
            row = s.execute(select(t.user_id, t.expires_at, t.revoked_at)
                            .where(t.token_hash == _sha256(token))).first()
            if row is None or row.revoked_at is not None or (
                    row.expires_at is not None and row.expires_at <= now):  # type: ignore[operator]
                raise invalid
            principal = self.principal(row.user_id, via="token", session=s)
        if len(self._tokens) > 10_000:
            self._tokens.clear()
        self._tokens[_sha256(token)] = (time.monotonic() + TOKEN_CACHE_SECONDS, principal)
        return principal

    # -- web sessions ----------------------------------------------------------------------
    def secret(self) -> bytes:
        """The cookie signing key: made once per deployment and kept in the database."""
        if self._secret is None:
            k = tables.account_secrets.c
            with self.d.primary() as s:
                value = s.scalar(select(k.value).where(k.name == "session_key"))
            if value is None:
                try:
                    with self.d.transaction() as s:
                        value = secrets.token_hex(32)
                        s.execute(tables.account_secrets.insert(),
                                  {"name": "session_key", "value": value})
                except IntegrityError:  # another worker made it first
                    with self.d.primary() as s:
                        value = s.scalar(select(k.value).where(k.name == "session_key"))
            assert value is not None
            self._secret = bytes.fromhex(value)
        return self._secret

    def _sign(self, sid: str) -> str:
        return hmac.new(self.secret(), sid.encode(), hashlib.sha256).hexdigest()

    def _throttle(self, s: Session, username: str, ip: str) -> None:
        web = self.d.config.core.web
        since = times.to_db(times.now() - dt.timedelta(minutes=web.login_window_minutes))
        f = tables.login_failures.c
        by_name = s.scalar(select(func.count()).where(f.username == username, f.at >= since)) or 0
        by_ip = s.scalar(select(func.count()).where(f.ip == ip, f.at >= since)) or 0
        if by_name >= web.login_max_failures or by_ip >= 4 * web.login_max_failures:
            who = "this user" if by_name >= web.login_max_failures else "this address"
            raise TooManyAttempts(
                f"too many failed sign-ins for {who}",
                field="username", rule="login_throttle", retry_after=web.login_window_minutes * 60,
                hint=f"wait {web.login_window_minutes} minutes, or ask an administrator to "
                     "reset the password")

    def login(self, username: str, password: str, *, ip: str = "-") -> NewSession:
        """Check the password and open a session; failures are counted and throttled."""
        u = tables.users.c
        now = times.now()
        # The attempt is counted *before* the password is checked, in a transaction that holds
        # the user name's (and the address's) lock: parallel attempts queue on it and each sees
        # the ones before it, so exactly login_max_failures are ever checked in a window. A
        # correct password removes the user's count again (below).
        with self.d.transaction() as s:
            if s.get_bind().dialect.name == "postgresql":
                for key in sorted({f"login:user:{username[:64]}", f"login:ip:{ip[:64]}"}):
                    s.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})
            self._throttle(s, username, ip)
            s.execute(tables.login_failures.insert(),
                      {"username": username[:64], "ip": ip[:64], "at": times.to_db(now)})
        with self.d.primary() as s:
            user = s.execute(select(tables.users).where(u.username == username)).first()
        ok = False
        try:
            ok = _hasher.verify(user.password_hash if user and user.password_hash
                                else _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or user is None or not user.password_hash or not user.active:
            with self.d.transaction() as s:  # the failure was counted before the check
                self.d.audit.write(s, actor=f"user:{username[:64]}", action="login.failed",
                                   ip=ip)
            raise NotAuthenticated("wrong user name or password", field="password",
                                   rule="credentials", hint="check both and try again")
        sid = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        expires = now + dt.timedelta(hours=self.d.config.core.web.session_hours)
        window = dt.timedelta(minutes=self.d.config.core.web.login_window_minutes)
        with self.d.transaction() as s:
            # housekeeping on every sign-in: this user's failures, anyone's stale ones, and
            # sessions that have expired
            f = tables.login_failures.c
            s.execute(delete(tables.login_failures).where(
                (f.username == username) | (f.at < times.to_db(now - window))))
            s.execute(delete(tables.web_sessions)
                      .where(tables.web_sessions.c.expires_at < times.to_db(now)))
            s.execute(tables.web_sessions.insert(), {
                "id": _sha256(sid), "user_id": user.id, "csrf_token": csrf,
                "created_at": times.to_db(now), "expires_at": times.to_db(expires)})
            self.d.audit.write(s, actor=f"user:{username}", action="login", ip=ip)
            if _hasher.check_needs_rehash(user.password_hash):
                s.execute(update(tables.users).where(u.id == user.id)
                          .values(password_hash=_hasher.hash(password)))
            principal = self.principal(user.id, via="session", csrf_token=csrf, session=s)
        return NewSession(principal=principal, cookie=f"{sid}.{self._sign(sid)}",
                          csrf_token=csrf, expires_at=expires)

    def check_password(self, username: str, password: str) -> bool:
        """Whether ``password`` is the user's (no session, no audit entry, no throttling): used
        to tell whether the demo login still works before printing it."""
        with self.d.primary() as s:
            digest = s.scalar(select(tables.users.c.password_hash)
                              .where(tables.users.c.username == username))
        if not digest:
            return False
        try:
            return bool(_hasher.verify(digest, password))
        except (VerificationError, InvalidHashError):
            return False

    def _session_id(self, cookie: str) -> str | None:
        sid, _, signature = cookie.partition(".")
        if not sid or not signature or not hmac.compare_digest(signature, self._sign(sid)):
            return None
        return _sha256(sid)

    def authenticate_session(self, cookie: str) -> Principal:
        expired = NotAuthenticated("the session has expired or was signed out", rule="session",
                                   hint="sign in again")
        key = self._session_id(cookie)
        if key is None:
            raise expired
        w = tables.web_sessions.c
        with self.d.primary() as s:
            row = s.execute(select(w.user_id, w.csrf_token, w.expires_at)
                            .where(w.id == key)).first()
            if row is None or row.expires_at <= times.to_db(times.now()):  # type: ignore[operator]
                raise expired
            return self.principal(row.user_id, via="session", csrf_token=row.csrf_token,
                                  session=s)

    def logout(self, cookie: str) -> None:
        key = self._session_id(cookie)
        if key is None:
            return
        with self.d.transaction() as s:
            s.execute(delete(tables.web_sessions).where(tables.web_sessions.c.id == key))
