"""Fine-tunes through the API and the admin: the rules a request must meet, one application's fine-tunes
invisible to another, cancel, the reaper, and AdCreative's fineTuneId (the worker's part is in
test_finetune_worker.py)."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from adcreative.assets.models import Asset
from adcreative.assets.storage import atomic_with_files
from adcreative.creatives.models import Process
from adcreative.finetunes.models import FineTune
from adcreative.finetunes.tasks import finetune
from adcreative.recommendations.models import Recommendation
from tests.conftest import Tenant
from tests.drawing import bottle_photo, encode
from tests.helpers import ad_creative, cutout_asset

URL = "/api/v1/FineTune"
PRESET = [{"tag": "preset", "preset": "white_background"}]


def archive(files: dict[str, bytes]) -> io.BytesIO:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as out:
        for name, content in files.items():
            out.writestr(name, content)
    data.seek(0)
    data.name = "photos.zip"
    return data


def photos_zip(count: int = 2) -> io.BytesIO:
    files = {f"shoot/{i}.jpg": encode(bottle_photo((160, 200))) for i in range(count)}
    return archive({**files, "shoot/0.txt": b"on a marble counter", "__MACOSX/shoot/._0.jpg": b"junk"})


def start(client: Client, tenant: Tenant, **form: Any) -> Any:
    with mock.patch.object(finetune, "delay") as send:
        response = client.post(URL, form, headers=tenant.key_headers())
    response.sent = [call.args for call in send.call_args_list]  # type: ignore[attr-defined]
    return response


def completed(tenant: Tenant, **fields: Any) -> FineTune:
    return FineTune.objects.create(
        application=tenant.application, steps=3, status=FineTune.Status.COMPLETED, **fields
    )


def original_photo(tenant: Tenant) -> Asset:
    data = encode(bottle_photo((160, 200)))
    with atomic_with_files() as files:
        return files.store(tenant.application, Asset.Kind.ORIGINAL, data, "image/jpeg", (160, 200))


@pytest.mark.django_db(transaction=True)
def test_a_zip_of_photos_starts_a_queued_fine_tune_sent_to_a_worker(
    client: Client, tenant: Tenant, can_train: Path
) -> None:
    response = start(
        client,
        tenant,
        photos=photos_zip(),
        name="summer",
        steps="12",
        rank="4",
        learningRate="0.0005",
        seed="3",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == f"{URL}/{body['fineTuneId']}"
    assert {k: body[k] for k in ("name", "status", "progress", "step", "steps", "loss", "isDefault")} == {
        "name": "summer", "status": "Queued", "progress": 0, "step": 0, "steps": 12, "loss": None,
        "isDefault": False,
    }  # fmt: skip
    assert response.sent == [(body["fineTuneId"],)]  # after commit, to the gpu queue
    fine_tune = FineTune.objects.get(id=body["fineTuneId"])
    assert fine_tune.arguments == {"rank": 4, "learningRate": 0.0005, "seed": 3}
    assert zipfile.ZipFile(fine_tune.upload.open("rb")).namelist()[0] == "shoot/0.jpg"
    assert client.get(f"{URL}/{fine_tune.id}", headers=tenant.key_headers()).json() == body


@pytest.mark.django_db
def test_asset_ids_take_photos_and_cut_outs_stand_for_their_photos(
    client: Client, tenant: Tenant, can_train: Path
) -> None:
    photo, cutout = original_photo(tenant), cutout_asset(tenant)
    Recommendation.objects.create(
        application=tenant.application, image=photo, cutout=cutout, status="Completed"
    )
    response = start(client, tenant, assetIds=json.dumps([str(cutout.id), str(photo.id)]))
    assert response.status_code == 201, response.content
    assert FineTune.objects.get().asset_ids == [str(photo.id)]  # the same photo once


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({}, "photos", "Give either assetIds or a zip archive of photos, not both or neither."),
        ({"photos": io.BytesIO(b"not a zip")}, "photos", "The file is not a zip archive."),
        ({"photos": archive({"notes.txt": b"hello"})}, "photos", "The archive holds no photo"),
        (
            {"photos": archive({"a.jpg": b"1", "b.png": b"2", "c.webp": b"3"})},
            "photos",
            "holds 3 photos; at most 2",
        ),
        ({"assetIds": "[1]"}, "assetIds", "The value '1' is not valid."),
        ({"assetIds": "not json"}, "assetIds", "not a valid JSON array"),
        ({"assetIds": "[]"}, "assetIds", "one or more asset ids"),
        ({"steps": "0", "assetIds": "[]"}, "steps", "greater than or equal to 1"),
        ({"learningRate": "1", "assetIds": "[]"}, "learningRate", "less than or equal to 0.01"),
    ],
)
@pytest.mark.django_db
def test_bad_requests_are_field_errors_and_store_nothing(
    client: Client,
    tenant: Tenant,
    can_train: Path,
    settings: Any,
    form: dict[str, Any],
    field: str,
    message: str,
) -> None:
    settings.FINETUNE_MAX_PHOTOS = 2
    for value in form.values():
        if isinstance(value, io.BytesIO):
            value.name = "photos.zip"
    response = start(client, tenant, **form)
    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()["errors"][field])
    assert not FineTune.objects.exists() and response.sent == []


@pytest.mark.django_db
def test_a_cut_out_of_no_photo_and_a_foreign_asset_are_refused(
    client: Client, tenant: Tenant, other_tenant: Tenant, can_train: Path
) -> None:
    lone = cutout_asset(tenant)  # no recommendation made it: there is no photo behind it
    response = start(client, tenant, assetIds=json.dumps([str(lone.id)]))
    assert response.status_code == 400
    assert "neither a photo nor a cut-out of one" in response.json()["errors"]["assetIds"][0]
    theirs = original_photo(other_tenant)
    response = start(client, tenant, assetIds=json.dumps([str(theirs.id)]))
    assert response.status_code == 404
    assert response.json()["errors"] == {"business: FineTune/Create": [f"Asset {theirs.id} was not found."]}


@pytest.mark.django_db
def test_without_the_diffusion_engine_or_with_an_sdxl_base_it_says_why(
    client: Client, tenant: Tenant, can_train: Path, settings: Any
) -> None:
    (can_train / "model_index.json").write_text(
        json.dumps({"_class_name": "StableDiffusionXLInpaintPipeline"})
    )
    response = start(client, tenant, photos=photos_zip())
    assert response.status_code == 400
    assert "StableDiffusionXLInpaintPipeline" in response.json()["errors"]["business: FineTune/Create"][0]
    settings.GENERATION_ENGINE = "studio"
    response = start(client, tenant, photos=photos_zip())
    assert response.status_code == 400
    assert "need the diffusion engine" in response.json()["errors"]["business: FineTune/Create"][0]
    assert not FineTune.objects.exists()


@pytest.mark.django_db
def test_it_lists_newest_first_in_pages_and_reads_one(client: Client, tenant: Tenant) -> None:
    made = [
        completed(tenant, name=f"n{i}", created_at=timezone.now() - timedelta(minutes=i)) for i in range(3)
    ]
    first = client.get(URL, {"limit": "2"}, headers=tenant.key_headers()).json()
    assert [f["name"] for f in first["fineTunes"]] == ["n0", "n1"] and first["nextCursor"] == str(made[1].id)
    second = client.get(
        URL, {"limit": "2", "cursor": first["nextCursor"]}, headers=tenant.key_headers()
    ).json()
    assert [f["name"] for f in second["fineTunes"]] == ["n2"] and second["nextCursor"] is None
    assert client.get(f"{URL}/not-a-guid", headers=tenant.key_headers()).status_code == 400
    missing = client.get(f"{URL}/{uuid.uuid4()}", headers=tenant.key_headers())
    assert missing.status_code == 404
    assert missing.json()["errors"] == {"business: FineTune/Get": ["Fine-tune not found."]}


@pytest.mark.django_db
def test_cancel_stops_one_not_finished_and_answers_a_finished_one_as_it_is(
    client: Client, tenant: Tenant
) -> None:
    running = FineTune.objects.create(application=tenant.application, steps=9, status=FineTune.Status.RUNNING)
    body = client.post(f"{URL}/{running.id}/Cancel", headers=tenant.key_headers()).json()
    assert body["status"] == "Cancelled" and body["finishedAt"]
    done = completed(tenant)
    assert (
        client.post(f"{URL}/{done.id}/Cancel", headers=tenant.key_headers()).json()["status"] == "Completed"
    )


@pytest.mark.django_db
def test_ad_creative_renders_with_the_fine_tune_it_names_or_the_default(
    client: Client, tenant: Tenant, other_tenant: Tenant, can_train: Path
) -> None:
    cutout = str(cutout_asset(tenant).id)
    default, named = completed(tenant, is_default=True), completed(tenant)
    queued = FineTune.objects.create(application=tenant.application, steps=3)
    theirs = completed(other_tenant)
    assert ad_creative(client, tenant, cutout, PRESET).status_code == 200
    assert ad_creative(client, tenant, cutout, PRESET, fineTuneId=str(named.id)).status_code == 200
    assert [p.fine_tune_id for p in Process.objects.order_by("created_at")] == [default.id, named.id]
    refused = ad_creative(client, tenant, cutout, PRESET, fineTuneId=str(queued.id))
    assert refused.status_code == 400
    assert refused.json()["errors"]["fineTuneId"] == [
        "The fine-tune is Queued; only a Completed one renders."
    ]
    foreign = ad_creative(client, tenant, cutout, PRESET, fineTuneId=str(theirs.id))
    assert foreign.status_code == 404
    assert foreign.json()["errors"] == {"business: ProductGeneration/AdCreative": ["Fine-tune not found."]}
    assert Process.objects.count() == 2


@pytest.mark.django_db
def test_the_studio_engine_refuses_a_fine_tune_id_and_ignores_the_default(
    client: Client, tenant: Tenant, settings: Any
) -> None:
    settings.GENERATION_ENGINE = "studio"
    cutout = str(cutout_asset(tenant).id)
    named = completed(tenant, is_default=True)
    refused = ad_creative(client, tenant, cutout, PRESET, fineTuneId=str(named.id))
    assert refused.status_code == 400
    assert "need the diffusion engine" in refused.json()["errors"]["fineTuneId"][0]
    assert ad_creative(client, tenant, cutout, PRESET).status_code == 200
    assert Process.objects.get().fine_tune is None


@pytest.mark.django_db(transaction=True)
def test_operators_start_one_in_the_admin_and_choose_the_default(
    admin_client: Client, tenant: Tenant, can_train: Path
) -> None:
    form = {"application": tenant.id, "name": "from the admin", "photos": photos_zip(), "asset_ids": "",
            "steps": "7", "rank": "8", "learning_rate": "0.0001", "seed": "0"}  # fmt: skip
    with mock.patch.object(finetune, "delay") as send:
        response = admin_client.post("/admin/finetunes/finetune/add/", form, follow=True)
    assert response.status_code == 200, response.content
    made = FineTune.objects.get(name="from the admin")
    assert (made.steps, made.status, made.upload.name != "") == (7, "Queued", True)
    assert [call.args for call in send.call_args_list] == [(str(made.id),)]
    refused = admin_client.post("/admin/finetunes/finetune/add/", {**form, "photos": io.BytesIO(b"x")})
    assert refused.status_code == 200 and b"The file is not a zip archive." in refused.content
    assert FineTune.objects.count() == 1

    older, newer = completed(tenant, is_default=True), completed(tenant)
    action = {"action": "make_default", "_selected_action": [str(newer.id)]}
    admin_client.post("/admin/finetunes/finetune/", action)
    assert list(FineTune.objects.filter(is_default=True)) == [newer]
    assert not FineTune.objects.get(id=older.id).is_default
    admin_client.post("/admin/finetunes/finetune/", {**action, "_selected_action": [str(made.id)]})
    assert FineTune.objects.get(id=newer.id).is_default  # a queued one cannot be the default


@pytest.mark.django_db
def test_the_reaper_resends_a_lost_fine_tune_and_fails_one_out_of_tries(tenant: Tenant) -> None:
    from adcreative.ops.tasks import reap_stuck_work

    long_ago = timezone.now() - timedelta(hours=2)
    lost = FineTune.objects.create(application=tenant.application, steps=3, queued_at=long_ago)
    dead = FineTune.objects.create(
        application=tenant.application,
        steps=3,
        status="Running",
        started_at=long_ago,
        lease_until=long_ago,
        attempts=1,
    )
    hopeless = FineTune.objects.create(
        application=tenant.application,
        steps=3,
        status="Running",
        started_at=long_ago,
        lease_until=long_ago,
        attempts=3,
    )
    with mock.patch.object(finetune, "delay") as send:
        counts = reap_stuck_work()
    assert (counts["fine_tunes_resent"], counts["fine_tunes_failed"]) == (2, 1)
    assert sorted(call.args[0] for call in send.call_args_list) == sorted([str(lost.id), str(dead.id)])
    hopeless.refresh_from_db()
    assert (hopeless.status, hopeless.error_code) == ("Failed", "stuck")
