"""Key rotation: every ``*_enc`` column of the pillar re-encrypted under the newest key
(``MultiFernet.rotate``) in one transaction, then an audit entry. After it, the old key can be
removed from the key file."""

from __future__ import annotations

import sqlalchemy as sa

from suyuan_core import Deployment
from suyuan_virtue import models as m
from suyuan_virtue.crypto import vault


def rotate(d: Deployment, *, actor: str) -> dict[str, int]:
    box = vault(d)
    counts: dict[str, int] = {}
    with d.transaction() as s:
        for table in m.metadata.sorted_tables:
            cols = [c for c in table.c if c.name.endswith("_enc")]
            if not cols:
                continue
            n = 0
            for row in s.execute(sa.select(table.c.id, *cols)).all():
                values = {c.name: box.rotate(getattr(row, c.name)) for c in cols}
                s.execute(table.update().where(table.c.id == row.id).values(**values))
                n += 1
            counts[table.name] = n
        d.audit.write(s, actor=actor, action="virtue.keys.rotate", record="virtue.registers:*",
                      detail={"rows": counts, "keys": box.key_count})
    return counts
