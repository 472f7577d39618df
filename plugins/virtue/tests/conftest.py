"""Fixtures for the virtue tests: the core's ``make_deployment`` with this plugin enabled, a key
file beside the configuration (never in the database) and the PIAs recorded."""

from __future__ import annotations

import pytest
from vt_testkit import deployment_with_keys


@pytest.fixture
def d(make_deployment, tmp_path):
    return deployment_with_keys(make_deployment, tmp_path)
