"""GET /api/v1/labour_arbitration/referrals: the referrals in the caller's areas."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from litestar import get
from litestar.di import NamedDependency

from suyuan_core import Deployment, Principal, tables
from suyuan_labour_arbitration import READ
from suyuan_labour_arbitration.models import referrals


@get("/referrals", opt={"permission": READ}, sync_to_thread=True,
     summary="劳动仲裁移送 (referrals to labour arbitration)")
def referral_list(deployment: NamedDependency[Deployment],
                  principal: NamedDependency[Principal]) -> list[dict[str, Any]]:
    query = sa.select(referrals.c.case_id, referrals.c.commission, tables.cases.c.area_path).join(
        tables.cases, tables.cases.c.id == referrals.c.case_id).order_by(referrals.c.id)
    with deployment.reading() as s:
        return [{"case_id": r.case_id, "commission": r.commission} for r in s.execute(query)
                if principal.can(READ, r.area_path)]
