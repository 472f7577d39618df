"""A Python client generated from the served OpenAPI document (``openapi-python-client``, as an
integrator would) files a case, moves it through its lifecycle, reads a figure and gets the
core's error body back — over a real socket. What the generator builds, typed from the document,
is only as right as the document."""

from __future__ import annotations

import datetime as dt
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from suyuan_core.testing.factories import Factories
from suyuan_core.testing.http import ApiClient
from suyuan_core.testing.servers import app_server

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture
def client_package(deployment, tmp_path, monkeypatch):
    """The client package generated from the deployment's document, importable."""
    with ApiClient(deployment) as api:
        (tmp_path / "openapi.json").write_bytes(api.get("/api/v1/schema/openapi.json").content)
    (tmp_path / "config.yaml").write_text("post_hooks: []\npackage_name_override: suyuan_client\n")
    out = tmp_path / "suyuan_client"
    done = subprocess.run(
        [str(GENERATOR if GENERATOR.exists() else shutil.which("openapi-python-client")),
         "generate", "--path", str(tmp_path / "openapi.json"), "--meta", "none",
         "--config", str(tmp_path / "config.yaml"), "--output-path", str(out)],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout, done.stdout  # every schema understood
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "suyuan_client"
    for name in [m for m in sys.modules if m.split(".")[0] == "suyuan_client"]:
        del sys.modules[name]


def test_a_generated_client_files_a_case_moves_it_and_reads_a_figure(deployment,
                                                                     client_package):
    pkg = client_package
    Client = importlib.import_module(f"{pkg}.client").AuthenticatedClient
    create = importlib.import_module(f"{pkg}.api.cases.api_v1_cases_create_case")
    act = importlib.import_module(f"{pkg}.api.cases.api_v1_cases_case_id_actions_act")
    figure = importlib.import_module(f"{pkg}.api.metrics.api_v1_metrics_key_figure")
    models = importlib.import_module(f"{pkg}.models")

    Factories(deployment).person(external_id="M1")
    with ApiClient(deployment) as api:
        token = api.as_role("supervisor", "C", username="integrator")["Authorization"][7:]
    with app_server(deployment) as url:
        client = Client(base_url=url, token=token, raise_on_unexpected_status=True,
                        timeout=httpx.Timeout(30))
        # the deployment's codes are enums in the document, so the client takes them as such
        made = create.sync(client=client, body=models.NewCaseIn(
            title="邻里噪音纠纷", category=models.NewCaseInCategory("neighbour"),
            source=models.NewCaseInSource("walk_in"),
            area_code=models.NewCaseInAreaCodeType0("C.T1.C1.G1")))
        assert isinstance(made, models.CaseOut) and made.status == "reported"
        version = made.version
        for action in ("accept", "assign", "start", "resolve", "close"):
            body = models.ActionIn(expected_version=version, reason=f"{action} by the client",
                                   assignees=["person:M1"] if action == "assign" else None)
            moved = act.sync(made.id, action, client=client, body=body)
            assert isinstance(moved, models.CaseOut), moved
            version = moved.version
        assert moved.status == "closed"

        # an error comes back as the documented error body, not an undocumented status
        again = act.sync_detailed(made.id, "accept", client=client,
                                  body=models.ActionIn(expected_version=version))
        assert again.status_code == 409 and isinstance(again.parsed, models.ErrorBody)
        assert again.parsed.rule == "lifecycle" and again.parsed.hint

        period = dt.datetime.now(dt.UTC).astimezone(deployment.metric_service.tz).strftime("%Y-%m")
        got = figure.sync("cases_closed", client=client, area="C", period=period)
        assert isinstance(got, models.FiguresOut), got
        assert got.figures[0].value == 1 and got.figures[0].num == 1
