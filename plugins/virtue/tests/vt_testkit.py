"""Helpers shared by the virtue tests."""

from __future__ import annotations

import sqlalchemy as sa
from cryptography.fernet import Fernet
from suyuan_virtue.pia import PiaInput, Pias
from suyuan_virtue.protection import REGISTERS, Access
from suyuan_virtue.registers import RecordInput

#: the audit action of an unmasking.
UNMASKED = "personal_data.unmask"
PLAIN = {"name": "王小明", "id_number": "510121199001011234", "phone": "13812341234",
         "address": "金堂县赵镇街道沱源社区十字街8号", "offence": "盗窃罪，判处缓刑二年",
         "notes": "每月报到"}


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def deployment_with_keys(make_deployment, tmp_path, *, pia=True, config=None):
    key_file = tmp_path / "suyuan-keys.txt"
    if not key_file.exists():
        key_file.write_text(new_key() + "\n", encoding="ascii")
    cfg = {"plugins": {"virtue": {}},
           "privacy": {"key_file": str(key_file), "keys_env": "SUYUAN_TEST_NO_KEYS"}}
    for k, v in (config or {}).get("plugins", {}).get("virtue", {}).items():
        cfg["plugins"]["virtue"][k] = v
    for k, v in (config or {}).get("privacy", {}).items():
        cfg["privacy"][k] = v
    cfg.update({k: v for k, v in (config or {}).items() if k not in ("plugins", "privacy")})
    d = make_deployment(plugins=["virtue"], config=cfg)
    if pia:
        record_pias(d)
    return d


def user(d, name, *grants):
    """A user holding each ``(role, area)``; returns their principal."""
    if name not in {u.username for u in d.accounts.users()}:
        d.accounts.add_user(name, name, None, actor="test")
    for role, area in grants:
        d.accounts.grant(name, role, area, actor="test")
    return d.accounts.as_user(name)


def access(d, name, *grants, reason=None):
    return Access(user(d, name, *grants), ip="127.0.0.1", reason=reason)


def record_pias(d, registers=tuple(REGISTERS)):
    officer = access(d, "dpo", ("privacy_officer", "C"))
    for register in registers:
        Pias(d).record(officer, PiaInput(
            register=register, assessed_on="2026-01-05", assessor="县司法局个人信息保护负责人",
            purpose="依法开展社区矫正/安置帮教/心理服务/未成年人保护", legal_basis="PIPL Art 13(3)",
            necessity="最小必要", risks="泄露、歧视", measures="加密、脱敏、最小权限、审计",
            review_due="2030-01-05"))


def correction(area="C.T1.C1", **changes):
    values = dict(register="community_correction", area_code=area, term_start="2026-02-01",
                  term_end="2028-01-31", officer="SF01", birth_date="1990-01-01",
                  helpers=("H1", "H2"), **PLAIN)
    values.update(changes)
    return RecordInput(**values)


def count(d, table) -> int:
    with d.reading() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(table)))


def audit(d, prefix="virtue."):
    return [e for e in d.audit.search(limit=1000) if e.action.startswith(prefix)]
