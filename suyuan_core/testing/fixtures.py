"""pytest fixtures shipped with suyuan (registered through the ``pytest11`` entry point)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from suyuan_core.deployment import Deployment
from suyuan_core.testing.factories import Factories
from suyuan_core.testing.kit import CliResult, DeploymentFactory, run_cli


@pytest.fixture
def make_deployment(tmp_path: Path) -> Iterator[DeploymentFactory]:
    """Factory: ``make_deployment(plugins=[...], config={...}, extra_plugins={...})`` → a migrated
    Deployment on a fresh database (dropped after the test)."""
    factory = DeploymentFactory(tmp_path)
    yield factory
    factory.close()


@pytest.fixture
def deployment(make_deployment: DeploymentFactory) -> Deployment:
    """A core-only deployment with the standard test area tree."""
    return make_deployment()


@pytest.fixture(scope="session")
def pg_replica() -> Iterator[Any]:
    """A real PostgreSQL hot standby streaming from the test database's cluster (see
    :mod:`suyuan_core.testing.replica`), made once per session and dropped after; skips with the
    reason when it cannot be made (no PostgreSQL, no cluster tools, not root)."""
    import os

    from suyuan_core.testing.kit import ENV_URL
    from suyuan_core.testing.replica import streaming_replica, unavailable

    url = os.environ.get(ENV_URL)
    reason = unavailable(url)
    if reason or url is None:
        pytest.skip(reason or "no database")
    with streaming_replica(url) as replica:
        yield replica


@pytest.fixture
def factories(deployment: Deployment) -> Factories:
    """Factories for cases and roster members bound to ``deployment``."""
    return Factories(deployment)


@pytest.fixture
def api(deployment: Deployment) -> Iterator[Any]:
    """An HTTP client (``litestar.testing.TestClient``) for ``deployment``'s app, with
    ``api.as_role(role, area)`` returning the headers of a user holding that role there."""
    from suyuan_core.testing.http import ApiClient

    with ApiClient(deployment) as client:
        yield client


@pytest.fixture
def cli(deployment: Deployment) -> Callable[..., CliResult]:
    """``cli("cases", "show", "1")`` runs the suyuan CLI against ``deployment``."""
    def run(*args: str, **kwargs: Any) -> CliResult:
        return run_cli(deployment, *args, **kwargs)
    return run
