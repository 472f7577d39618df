"""The testing kit: pytest fixtures (entry point ``pytest11``) and factories for plugin authors.

Public. A plugin's tests get a migrated deployment with just the plugins they ask for::

    def test_my_hook(make_deployment):
        d = make_deployment(plugins=["my_plugin"])
        case = d.cases.create(...)

SQLite in a temporary file by default; PostgreSQL (a fresh schema per deployment) when
``SUYUAN_TEST_DATABASE_URL`` is set, e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``.
"""

from suyuan_core.testing.factories import Factories, standard_areas
from suyuan_core.testing.kit import CliResult, DeploymentFactory, reopened, run_cli
from suyuan_core.testing.servers import http_receiver, smtp_server

__all__ = ["CliResult", "DeploymentFactory", "Factories", "http_receiver", "reopened", "run_cli",
           "smtp_server", "standard_areas"]
