"""docker-compose.yml and the Dockerfiles (Docker cannot run here, so their structure is checked),
and that every setting the code reads is documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

SERVICES = {"db", "redis", "web", "worker-gpu", "worker-cpu", "beat", "flower", "prometheus"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def command_of(service: dict[str, Any]) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def documented(name: str) -> bool:
    return re.search(rf"^{name}=", (ROOT / ".env.example").read_text(), re.MULTILINE) is not None


def test_it_defines_every_service_with_a_healthcheck(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == SERVICES
    for name, service in compose["services"].items():
        assert service["healthcheck"]["test"], name
        assert service.get("restart") == "unless-stopped", name


def test_it_runs_each_process_with_its_queue(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert "-Q gpu -c 1" in command_of(services["worker-gpu"])
    assert "-Q default" in command_of(services["worker-cpu"])
    assert " beat " in command_of(services["beat"])
    assert " flower " in command_of(services["flower"])
    assert "gunicorn adcreative.wsgi" in command_of(services["web"])
    assert "migrate" in command_of(services["web"])


def test_every_way_of_starting_a_worker_starts_it_without_gossip_and_mingle(compose: dict[str, Any]) -> None:
    """Gossip's consumer took a worker down when Redis restarted (kombu asks a connection already gone for
    its host): the compose files, the Makefile and runstack (`make run`) all start workers without it."""
    from adcreative.ops.management.commands.runstack import stack

    remote = yaml.safe_load((ROOT / "docker" / "worker-remote.yml").read_text())["services"]
    makefile = [line for line in (ROOT / "Makefile").read_text().splitlines() if " worker -Q " in line]
    commands = [
        command_of(compose["services"]["worker-gpu"]),
        command_of(compose["services"]["worker-cpu"]),
        command_of(remote["worker-gpu"]),
        *makefile,
        *(
            " ".join(command)
            for name, command in stack("127.0.0.1:8000", 1).items()
            if name.startswith("worker")
        ),
    ]
    assert len(commands) == 7
    for command in commands:
        assert "--without-gossip" in command and "--without-mingle" in command, command


def test_prometheus_scrapes_the_web_and_each_worker_where_they_serve_metrics(compose: dict[str, Any]) -> None:
    services = compose["services"]
    config = yaml.safe_load((ROOT / "docker" / "prometheus.yml").read_text())
    targets = {}
    for job in config["scrape_configs"]:
        for static in job.get("static_configs", []):
            targets.update(dict(target.split(":") for target in static["targets"]))
        for found in job.get("dns_sd_configs", []):
            targets.update({name: str(found["port"]) for name in found["names"]})
    assert set(targets) == {"web", "worker-gpu", "worker-cpu"}
    assert targets["web"] == "8000" and "--bind 0.0.0.0:8000" in command_of(services["web"])
    for worker in ("worker-gpu", "worker-cpu"):
        assert services[worker]["environment"]["WORKER_METRICS_BIND"] == f"0.0.0.0:{targets[worker]}"
    assert services["web"]["environment"]["PROMETHEUS_MULTIPROC_DIR"] in command_of(services["web"])
    mounted = services["prometheus"]["volumes"][0]
    assert mounted.startswith("./docker/prometheus.yml:") and services["prometheus"]["profiles"] == [
        "monitoring"
    ]


def test_flower_starts_behind_its_login(compose: dict[str, Any]) -> None:
    flower = compose["services"]["flower"]
    assert command_of(flower).startswith("python manage.py flower")
    assert "FLOWER_BASIC_AUTH" in flower["environment"]


def test_it_reserves_a_gpu_for_the_gpu_worker_only(compose: dict[str, Any]) -> None:
    services = compose["services"]
    devices = services["worker-gpu"]["deploy"]["resources"]["reservations"]["devices"]
    assert devices == [{"driver": "nvidia", "count": 1, "capabilities": ["gpu"]}]
    assert all("deploy" not in s for n, s in services.items() if n != "worker-gpu")


def test_it_points_the_app_at_postgres_and_redis(compose: dict[str, Any]) -> None:
    for name in ("web", "worker-gpu", "worker-cpu", "beat", "flower"):
        environment = compose["services"][name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://"), name
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379"), name
        assert set(compose["services"][name]["depends_on"]) == {"db", "redis"}


def test_it_builds_the_web_image_without_torch() -> None:
    web = (ROOT / "docker" / "web.Dockerfile").read_text()
    assert (
        "requirements/base.txt" in web
        and "worker.txt" not in web
        and "torch" not in web.replace("no torch", "")
    )
    base = (ROOT / "requirements" / "base.txt").read_text().lower()
    assert not re.search(r"^(torch|diffusers|transformers|onnxruntime|rembg)\b", base, re.MULTILINE)
    gpu = (ROOT / "docker" / "worker-gpu.Dockerfile").read_text()
    assert "nvidia/cuda" in gpu and "torch==${TORCH_VERSION}" in gpu and "requirements/worker.txt" in gpu


def test_it_pins_every_requirement_exactly() -> None:
    for path in (ROOT / "requirements").glob("*.txt"):
        for line in path.read_text().splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-r "):
                assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", line), f"{path.name}: {line}"


def test_it_documents_every_variable_the_compose_file_uses() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)", text))
    assert used, "the compose file should take its settings from the environment"
    assert [name for name in sorted(used) if not documented(name)] == []


def settings_read_by_the_code() -> set[str]:
    names: set[str] = set()
    pattern = re.compile(
        r"""(?:env_\w+|os\.environ\.get|os\.environ\.setdefault|getenv)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
    )
    for folder in ("adcreative", "workers", "presets"):
        for path in Path(ROOT / folder).rglob("*.py"):
            names.update(pattern.findall(path.read_text()))
    names.discard("DJANGO_SETTINGS_MODULE")
    return names


def test_it_documents_every_setting_in_env_example_and_readme() -> None:
    names = settings_read_by_the_code()
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "JWT_ACCESS_TOKEN_LIFETIME"} <= names
    readme = (ROOT / "README.md").read_text()
    assert [n for n in sorted(names) if not documented(n)] == []
    assert [n for n in sorted(names) if f"`{n}`" not in readme] == []


def test_the_gpu_worker_keeps_its_model_weights_and_fine_tune_checkpoints_in_volumes(
    compose: dict[str, Any],
) -> None:
    dockerfile = (ROOT / "docker" / "worker-gpu.Dockerfile").read_text()
    volumes = compose["services"]["worker-gpu"]["volumes"]
    assert "ENV U2NET_HOME=/app/models" in dockerfile and "models:/app/models" in volumes
    assert "media:/var/lib/photoshoot/media" in volumes  # the anchor's own mount, kept
    assert (
        "VAR_DIR=/var/lib/photoshoot" in dockerfile and "finetunes:/var/lib/photoshoot/finetunes" in volumes
    )
    assert {"models", "finetunes"} <= set(compose["volumes"])


def test_the_s3_override_puts_every_app_service_on_minio(compose: dict[str, Any]) -> None:
    override: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.s3.yml").read_text())
    services = override["services"]
    minio = services["minio"]
    assert minio["healthcheck"]["test"] and minio["restart"] == "unless-stopped"
    assert "objects:/data" in minio["volumes"] and "objects" in override["volumes"]
    for name in ("web", "worker-gpu", "worker-cpu", "beat", "flower"):
        environment = services[name]["environment"]
        assert (
            environment["STORAGE_URL"].startswith("s3://")
            and environment["STORAGE_ENDPOINT_URL"] == "http://minio:9000"
        )
        assert services[name]["depends_on"]["minio"]["condition"] == "service_healthy", name
    assert "check_storage --create" in command_of(
        compose["services"]["web"]
    )  # makes the bucket at first start
    for name in ("MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD", "MINIO_BUCKET", "MINIO_PORT"):
        assert documented(name), name


def test_a_remote_gpu_worker_shares_no_disk_with_the_main_host() -> None:
    remote: dict[str, Any] = yaml.safe_load((ROOT / "docker" / "worker-remote.yml").read_text())
    worker = remote["services"]["worker-gpu"]
    assert "-Q gpu -c 1" in command_of(worker)
    assert worker["env_file"][0]["path"] == ".env"
    assert not any(volume.startswith("media") for volume in worker["volumes"])  # only its own weights
    assert worker["deploy"]["resources"]["reservations"]["devices"][0]["capabilities"] == ["gpu"]
    assert worker["environment"]["WORKER_METRICS_BIND"] == "0.0.0.0:9100"
    text = (ROOT / "docker" / "worker-remote.yml").read_text()
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "STORAGE_URL", "STORAGE_ENDPOINT_URL"):
        assert name in text, name


def test_redis_keeps_the_queue_across_restarts(compose: dict[str, Any]) -> None:
    assert "--appendonly yes" in command_of(compose["services"]["redis"])
