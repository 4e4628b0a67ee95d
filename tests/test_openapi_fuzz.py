"""The service keeps to its OpenAPI document: schemathesis against a live server, every check on.

The server is the deployed web process (gunicorn as `manage.py runstack` starts it) on loopback, over the
test database, with its rate limits raised so that the run reaches the logic behind them, and a broker in
memory (work it queues goes nowhere, and no test's worker picks it up). What the document cannot say
(a real photo, the objects inside a JSON array in a form field, a receiver that resolves) comes from
tests/fuzz/schemathesis_hooks.py, only where the drawn value has the form the document states. The run is
bounded: FUZZ_EXAMPLES cases per operation and phase, one seed, and FUZZ_SECONDS in all (schemathesis goes
round again with the next seed until then). The defaults (25, 180 s: about 3 minutes on 2 cores) catch each
disagreement the review found with schemathesis in their first round, with time for more.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from adcreative.ops.management.commands.runstack import stack
from adcreative.tenancy import tokens
from tests.conftest import database_url_of_test_database, free_port, make_tenant, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
SCHEMATHESIS = Path(sys.executable).with_name("st")
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "25")
SECONDS = os.environ.get("FUZZ_SECONDS", "180")
UNLIMITED = "1000000/minute"


def inpainting_base(folder: Path) -> Path:
    base = folder / "sd-inpaint"
    base.mkdir()
    (base / "model_index.json").write_text('{"_class_name": "StableDiffusionInpaintPipeline"}')
    return base


def test_each_operation_setting_reaches_one_operation() -> None:
    # An [[operations]] table matches the operations that match any of its filters: one that named a path and a
    # method loosened the checks of every POST, and the run missed what the document got wrong there.
    config = tomllib.loads((ROOT / "tests/fuzz/schemathesis.toml").read_text())
    for table in config.get("operations", []):
        assert [key for key in table if key.startswith(("include-", "exclude-"))] == ["include-name"], table


@pytest.mark.django_db(transaction=True)
def test_the_service_keeps_to_its_openapi_document(tmp_path: Path) -> None:
    if not SCHEMATHESIS.exists():
        pytest.skip("schemathesis is not installed here (requirements/dev.txt installs it)")
    tenant = make_tenant("Fuzzed", balance=1000)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_test_database(),
        "CELERY_BROKER_URL": "memory://",
        "RECOMMENDATION_WAIT_SECONDS": "0",
        **{f"THROTTLE_RATE_{scope}": UNLIMITED for scope in ("APPLICATION", "UPLOAD", "POLL", "ANONYMOUS")},
        "NOTIFICATION_ALLOW_PRIVATE_ADDRESSES": "true",  # the hooks point channels at a closed loopback port
        # A service that fine-tunes: the diffusion engine with an SD 1.5 inpainting base (the web reads only
        # its model_index.json; nothing is trained or rendered, the broker is memory).
        "GENERATION_ENGINE": "diffusion",
        "SD_INPAINT_MODEL": str(inpainting_base(tmp_path)),
    }
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(stack(f"127.0.0.1:{port}", 2)["web"], cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", server)
        run = subprocess.run(
            [str(SCHEMATHESIS), "--config-file", "tests/fuzz/schemathesis.toml", "run",
             f"http://127.0.0.1:{port}/api/schema/", "--max-examples", EXAMPLES, "--max-time", SECONDS,
             "--seed", "1", "--no-shrink", "--report", "junit", "--report-dir", str(tmp_path)],
            cwd=ROOT, capture_output=True, text=True, timeout=int(SECONDS) + 300,
            env={**os.environ, "PYTHONPATH": str(ROOT), "FUZZ_APPLICATION_ID": tenant.id,
                 "FUZZ_ACCESS_TOKEN": tokens.issue_pair(tenant.application)["accessToken"],
                 "FUZZ_API_KEY": tenant.credentials.api_key,
                 "FUZZ_API_SECRET": tenant.credentials.api_secret},
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    summary = run.stdout[run.stdout.find("=== SUMMARY") :]
    print(summary)  # the counts, for the log of a passing run too
    assert run.returncode == 0, run.stdout[-20_000:] + run.stderr[-5_000:]
    assert "Server error" not in run.stdout and " passed" in run.stdout
