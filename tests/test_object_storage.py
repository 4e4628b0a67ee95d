"""Every file in an S3-compatible store: moto's standalone server on loopback, spoken to over real HTTP by
django-storages (boto3) in the web and in worker processes that share no disk with it."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from adcreative.env import ObjectStore, parse_storage_url
from tests.conftest import free_port, wait_until_up

pytest.importorskip("moto.server", reason="moto[server] is in requirements/dev.txt")
boto3 = pytest.importorskip("boto3", reason="boto3 is in requirements/base.txt")

KEYS = {"STORAGE_ACCESS_KEY_ID": "photoshoot-test", "STORAGE_SECRET_ACCESS_KEY": "photoshoot-test-secret"}


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto's S3 server in a process of its own, as a real store would be."""
    port = free_port()
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{endpoint}/moto-api/", server)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["STORAGE_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["STORAGE_SECRET_ACCESS_KEY"],
    )


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    """A bucket of this test's own."""
    name = f"photoshoot-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint).create_bucket(Bucket=name)
    return name


def store_of(endpoint: str) -> ObjectStore:
    return ObjectStore(
        endpoint, "us-east-1", KEYS["STORAGE_ACCESS_KEY_ID"], KEYS["STORAGE_SECRET_ACCESS_KEY"], "path", 300
    )


@pytest.fixture
def on_s3(settings: Any, s3_endpoint: str, bucket: str) -> dict[str, str]:
    """This process stores every file in the test's bucket (under a prefix) instead of on disk."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": parse_storage_url("STORAGE_URL", f"s3://{bucket}/media", store_of(s3_endpoint)),
    }
    return {"bucket": bucket, "endpoint": s3_endpoint}


def keys_in(endpoint: str, bucket: str) -> list[str]:
    listing = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def files_under(folder: str) -> list[Path]:
    root = Path(folder)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_the_storage_url_chooses_local_disk_or_an_s3_bucket() -> None:
    local = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert parse_storage_url("STORAGE_URL", "", store_of("")) == local
    assert parse_storage_url("STORAGE_URL", "file://", store_of("")) == local
    s3 = parse_storage_url("STORAGE_URL", "s3://shop-media/photoshoot/prod", store_of("http://minio:9000"))
    options: Any = s3["OPTIONS"]
    assert s3["BACKEND"] == "adcreative.objectstore.ObjectStorage"
    assert (options["bucket_name"], options["location"], options["endpoint_url"]) == (
        "shop-media",
        "photoshoot/prod",
        "http://minio:9000",
    )
    assert options["file_overwrite"] is False and options["default_acl"] is None


@pytest.mark.parametrize("url", ["s3://", "gs://bucket", "minio://bucket"])
def test_a_storage_url_it_cannot_use_is_refused(url: str) -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="STORAGE_URL"):
        parse_storage_url("STORAGE_URL", url, store_of(""))


def test_one_key_without_the_other_is_refused() -> None:
    from django.core.exceptions import ImproperlyConfigured

    half = ObjectStore("", "", "key", "", "virtual", 300)
    with pytest.raises(ImproperlyConfigured, match="STORAGE_SECRET_ACCESS_KEY"):
        parse_storage_url("STORAGE_URL", "s3://bucket", half)


def test_a_completed_creative_is_stored_and_downloaded_from_the_bucket(
    client: Client, tenant: Any, on_s3: dict[str, str], settings: Any
) -> None:
    from tests.test_download import download, finished_process

    process, (task,) = finished_process(tenant)
    keys = keys_in(on_s3["endpoint"], on_s3["bucket"])
    assert f"media/{task.result.name}" in keys and f"media/{task.thumbnail.name}" in keys
    assert f"media/{process.cutout.file.name}" in keys
    png = download(client, tenant, task)
    assert png.status_code == 200 and Image.open(io.BytesIO(png.body)).size == (1674, 628)
    for fmt, magic in (("1", b"\xff\xd8"), ("2", b"%PDF")):
        converted = download(client, tenant, task, format=fmt)
        assert converted.status_code == 200 and converted.body.startswith(magic), fmt
    small = download(client, tenant, task, lowResolution="true")
    assert small.status_code == 200 and max(Image.open(io.BytesIO(small.body)).size) == 600
    assert len(keys_in(on_s3["endpoint"], on_s3["bucket"])) == len(keys) + 3  # the renditions made
    assert files_under(settings.MEDIA_ROOT) == []  # nothing on this machine's disk


@pytest.fixture
def s3_requests(on_s3: dict[str, str]) -> Iterator[list[str]]:
    """The operations this thread's store client sends to S3, as they are sent."""
    from django.core.files.storage import default_storage

    sent: list[str] = []
    events = default_storage.connection.meta.client.meta.events  # type: ignore[attr-defined]

    def note(model: Any, **_: Any) -> None:
        sent.append(model.name)

    events.register("before-call.s3", note, unique_id="test-count")
    yield sent
    events.unregister("before-call.s3", unique_id="test-count")


def test_a_read_is_one_request_and_a_missing_object_is_file_not_found(
    tenant: Any, s3_requests: list[str]
) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("probe/one.bin", ContentFile(b"x" * 3000))
    s3_requests.clear()
    with default_storage.open(name) as handle:
        assert handle.read(10) == b"x" * 10
        handle.seek(0)  # Pillow seeks
        assert len(handle.read()) == 3000
    assert default_storage.size(name) == 3000
    assert s3_requests == ["GetObject", "HeadObject"]
    with pytest.raises(FileNotFoundError):
        default_storage.open("probe/none.bin")
    with pytest.raises(FileNotFoundError):
        default_storage.size("probe/none.bin")


def test_a_download_asks_the_store_for_the_bytes_only(
    client: Client, tenant: Any, s3_requests: list[str]
) -> None:
    from adcreative.creatives.models import Task
    from tests.test_download import download, finished_process

    _, (task, older) = finished_process(tenant, tasks=2)
    s3_requests.clear()
    png = download(client, tenant, task)
    assert png.status_code == 200 and png["Content-Length"] == str(task.result_size)
    assert s3_requests == ["GetObject"]  # the size was recorded with the file
    Task.objects.filter(id=older.id).update(result_size=None)  # completed before sizes were recorded
    s3_requests.clear()
    assert download(client, tenant, older).status_code == 200
    assert s3_requests == ["HeadObject", "GetObject"]
    s3_requests.clear()
    assert download(client, tenant, task, format="1").status_code == 200  # converted and stored, then sent
    assert s3_requests == ["GetObject", "HeadObject", "PutObject", "GetObject"]


@pytest.mark.django_db(transaction=True)
def test_a_fine_tunes_zip_and_weights_go_through_the_bucket(
    client: Client, tenant: Any, on_s3: dict[str, str], settings: Any, tmp_path: Path, can_train: Path
) -> None:
    """The zip a client uploads is read back from the store by the worker, and a LoRA is copied once from
    it to the worker's own disk (diffusers wants a path): nothing assumes a shared disk."""
    from django.core.files.base import ContentFile

    from adcreative.creatives.rendering import lora_of
    from adcreative.finetunes.models import FineTune
    from adcreative.finetunes.training import photos_of
    from tests.test_finetunes import photos_zip, start

    answer = start(client, tenant, photos=photos_zip(3), name="on s3", steps="12")
    assert answer.status_code == 201, answer.content
    fine_tune = FineTune.objects.get(id=answer.json()["fineTuneId"])
    assert f"media/{fine_tune.upload.name}" in keys_in(on_s3["endpoint"], on_s3["bucket"])
    photos = list(photos_of(fine_tune))
    assert [(source, data[:2], note) for source, data, note in photos] == [
        ("shoot/0.jpg", b"\xff\xd8", "on a marble counter"),
        ("shoot/1.jpg", b"\xff\xd8", ""),
        ("shoot/2.jpg", b"\xff\xd8", ""),
    ]

    fine_tune.weights.save("lora.safetensors", ContentFile(b"lora weights"))
    settings.FINETUNE_WORK_DIR = str(tmp_path / "worker")
    lora = lora_of(fine_tune)
    assert lora is not None and Path(lora.path).read_bytes() == b"lora weights"
    assert Path(lora.path).is_relative_to(tmp_path / "worker")
    assert files_under(settings.MEDIA_ROOT) == []


def test_an_upload_that_cannot_be_stored_leaves_nothing_behind(
    client: Client, tenant: Any, on_s3: dict[str, str]
) -> None:
    from adcreative.recommendations.models import Recommendation
    from tests.drawing import bottle_photo, encode

    s3_client(on_s3["endpoint"]).delete_bucket(Bucket=on_s3["bucket"])  # the store refuses every write
    photo = io.BytesIO(encode(bottle_photo(), "JPEG"))
    photo.name = "bottle.jpg"
    response = client.post(
        "/api/v1/Image/ProductGeneration/Recommendations",
        {"productImage": photo},
        headers=tenant.key_headers(),
    )
    assert response.status_code == 503, response.content
    assert not Recommendation.objects.exists()


def test_the_files_of_a_deleted_process_leave_the_bucket(tenant: Any, on_s3: dict[str, str]) -> None:
    from adcreative.assets.storage import purge_discarded
    from tests.test_download import finished_process

    process, (task,) = finished_process(tenant)
    before = set(keys_in(on_s3["endpoint"], on_s3["bucket"]))
    process.delete()
    assert purge_discarded(0) == (2, 0)
    after = set(keys_in(on_s3["endpoint"], on_s3["bucket"]))
    assert before - after == {f"media/{task.result.name}", f"media/{task.thumbnail.name}"}


def test_a_store_out_of_reach_keeps_the_discarded_names_for_later(
    tenant: Any, on_s3: dict[str, str], settings: Any
) -> None:
    from adcreative.assets.models import DiscardedFile
    from adcreative.assets.storage import purge_discarded
    from tests.test_download import finished_process

    process, _ = finished_process(tenant)
    process.delete()
    reachable = settings.STORAGES
    nowhere = store_of(f"http://127.0.0.1:{free_port()}")  # nothing listens there
    settings.STORAGES = {
        **reachable,
        "default": parse_storage_url("STORAGE_URL", f"s3://{on_s3['bucket']}", nowhere),
    }
    assert purge_discarded(0) == (0, 2)
    assert DiscardedFile.objects.count() == 2
    settings.STORAGES = reachable
    assert purge_discarded(0) == (2, 0)


def recorded_files() -> list[str]:
    """The storage name of every file the database records."""
    from adcreative.ops.retention import FILE_FIELDS

    names = [
        name
        for model, fields in FILE_FIELDS.items()
        for row in model._default_manager.values_list(*fields)
        for name in row
    ]
    return sorted(name for name in names if name)


@pytest.fixture
def stack_on_s3(
    on_s3: dict[str, str], own_broker: str, tmp_path: Path, transactional_db: None
) -> Iterator[dict[str, Any]]:
    """The web (gunicorn), a gpu worker and a default worker as processes of their own, each with a disk of
    its own: they share the broker, the database and the bucket, nothing else."""
    from adcreative.ops.management.commands.runstack import stack
    from tests.conftest import ROOT, database_url_of_test_database

    port = free_port()
    commands = stack(f"127.0.0.1:{port}", 2)
    processes, logs = {}, []
    for name in ("web", "worker-gpu", "worker-cpu"):
        disk = tmp_path / name
        env = {
            **os.environ, **KEYS, "DATABASE_URL": database_url_of_test_database(), "CELERY_BROKER_URL": own_broker,
            "CELERY_RESULT_BACKEND": own_broker, "STORAGE_URL": f"s3://{on_s3['bucket']}/media",
            "STORAGE_ENDPOINT_URL": on_s3["endpoint"], "STORAGE_REGION": "us-east-1",
            "STORAGE_ROOT": str(disk / "media"), "VAR_DIR": str(disk / "var"), "PYTHONUNBUFFERED": "1",
            "NOTIFICATION_ALLOW_PRIVATE_ADDRESSES": "true",
        }  # fmt: skip
        logs.append(log := (tmp_path / f"{name}.log").open("wb"))
        processes[name] = subprocess.Popen(commands[name], cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", processes["web"], seconds=90)
        yield {"url": f"http://127.0.0.1:{port}", "disks": [tmp_path / n for n in processes], **on_s3}
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            process.wait(timeout=30)
        for log in logs:
            log.close()


def test_a_whole_flow_runs_with_the_web_and_the_workers_sharing_no_disk(stack_on_s3: dict[str, Any]) -> None:
    photoshoot = pytest.importorskip(
        "photoshoot", reason="the client is installed with `pip install -e ./client`"
    )
    from tests.conftest import make_tenant
    from tests.drawing import bottle_photo, encode

    tenant = make_tenant(balance=20)
    photo = stack_on_s3["disks"][0].parent / "bottle.jpg"
    photo.write_bytes(encode(bottle_photo(), "JPEG"))
    key = tenant.credentials
    with photoshoot.Photoshoot(
        stack_on_s3["url"], tenant.id, api_key=key.api_key, api_secret=key.api_secret
    ) as api:
        found = api.recommend(photo)
        assert api.asset(found["backgroundRemovedImageAssetId"]).startswith(b"\x89PNG")
        prompts = [photoshoot.preset(p) for p in found["recommendedPresetIds"][:6]]
        done = api.wait(api.ad_creative(found, prompts, seed=5), interval=0.5, timeout=300)
        assert [t["renderState"] for t in done["tasks"]] == [5] * 6
        for task in done["tasks"]:
            for fmt, magic in (("png", b"\x89PNG"), ("jpeg", b"\xff\xd8"), ("pdf", b"%PDF")):
                for low in (False, True):
                    body = api.download(task, process=done, format=fmt, low_resolution=low).content
                    assert body.startswith(magic), (fmt, low)
        assert api.credits()["balance"] == 14
    keys = keys_in(stack_on_s3["endpoint"], stack_on_s3["bucket"])
    assert keys == [f"media/{name}" for name in recorded_files()]  # every file in the store, and no orphan
    assert sum(key.startswith("media/results/") for key in keys) > 6 * 2  # creatives, thumbnails, renditions
    for disk in stack_on_s3["disks"]:
        assert files_under(str(disk / "media")) == [], disk  # no process wrote a file to its own disk


def test_a_presigned_download_is_charged_then_redirected_to_a_link_that_expires(
    client: Client, tenant: Any, on_s3: dict[str, str], settings: Any
) -> None:
    from urllib.parse import parse_qs, urlsplit

    from tests.test_download import balance, download, finished_process

    settings.DOWNLOAD_REDIRECT, settings.DOWNLOAD_LINK_SECONDS = "presigned", 120
    _, (task,) = finished_process(tenant)
    before = balance(tenant)
    first = download(client, tenant, task, format="1")
    assert first.status_code == 302 and first["Cache-Control"] == "no-store"
    link = first["Location"]
    assert link.startswith(f"{on_s3['endpoint']}/{on_s3['bucket']}/media/") and balance(tenant) == before - 1
    query = parse_qs(urlsplit(link).query)
    assert query["X-Amz-Expires"] == ["120"] and "X-Amz-Signature" in query
    with urllib.request.urlopen(link, timeout=10) as stored:  # the store serves it, named as Download does
        assert stored.read().startswith(b"\xff\xd8") and stored.headers["Content-Type"] == "image/jpeg"
        assert f'filename="{task.id}.jpg"' in stored.headers["Content-Disposition"]
    assert download(client, tenant, task).status_code == 302 and balance(tenant) == before - 1  # once a task
    head = client.head(
        "/api/v1/Image/ProductGeneration/Download",
        {
            "applicationId": tenant.id,
            "taskId": str(task.id),
            "imageProductGeneratorProcessId": str(task.process_id),
        },
        headers=tenant.key_headers(),
    )
    assert head.status_code == 200


def test_a_presigned_download_without_credits_is_refused_without_a_link(
    client: Client, on_s3: dict[str, str], settings: Any, db: None
) -> None:
    from tests.conftest import make_tenant
    from tests.test_download import download, finished_process

    settings.DOWNLOAD_REDIRECT = "presigned"
    broke = make_tenant("Broke", balance=0)
    _, (task,) = finished_process(broke)
    refused = download(client, broke, task)
    assert refused.status_code == 402 and "Location" not in refused


def test_no_presigned_link_and_no_charge_for_a_file_gone_from_the_store(
    client: Client, tenant: Any, on_s3: dict[str, str], settings: Any
) -> None:
    from tests.test_download import balance, download, finished_process

    settings.DOWNLOAD_REDIRECT = "presigned"
    _, (task,) = finished_process(tenant)
    task.result.storage.delete(task.result.name)
    before = balance(tenant)
    gone = download(client, tenant, task)
    assert gone.status_code == 404 and "Location" not in gone and balance(tenant) == before


def test_check_storage_makes_the_bucket_and_proves_the_store(settings: Any, s3_endpoint: str) -> None:
    from django.core.management import CommandError, call_command

    fresh = f"photoshoot-{uuid.uuid4().hex[:12]}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": parse_storage_url("STORAGE_URL", f"s3://{fresh}/media", store_of(s3_endpoint)),
    }
    with pytest.raises(CommandError, match=f"s3://{fresh}/media cannot be used"):
        call_command("check_storage", stdout=io.StringIO())
    out = io.StringIO()
    call_command("check_storage", "--create", stdout=out)
    assert f"made the bucket {fresh}" in out.getvalue() and "file store ok" in out.getvalue()
    assert keys_in(s3_endpoint, fresh) == []  # the probe is deleted again
    call_command("check_storage", "--create", stdout=(again := io.StringIO()))
    assert "made the bucket" not in again.getvalue()


def test_check_storage_on_local_disk(settings: Any, tmp_path: Path) -> None:
    from django.core.management import call_command

    settings.MEDIA_ROOT = str(tmp_path / "media")
    out = io.StringIO()
    call_command("check_storage", "--create", stdout=out)
    assert "file store ok" in out.getvalue() and files_under(settings.MEDIA_ROOT) == []
