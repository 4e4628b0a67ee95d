"""POST/GET Recommendations and GET Assets, end to end: HTTP → PostgreSQL → Redis → a real worker."""

from __future__ import annotations

import io
import json
import subprocess
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image

from adcreative.assets.models import Asset
from adcreative.recommendations import services, state
from adcreative.recommendations.models import Recommendation
from tests.conftest import Tenant, make_tenant, photo_bytes
from tests.drawing import bottle_photo, encode

URL = "/api/v1/Image/ProductGeneration/Recommendations"
FIELD = "productImage"


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def post(client: Client, tenant: Tenant, path: str = URL, **form: object):
    return client.post(path, {"applicationId": tenant.id, **form}, headers=tenant.key_headers())


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- end to end through the worker ----------------------------------------------------------------


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_it_recommends_for_an_uploaded_photo(client: Client, celery_worker: subprocess.Popen[bytes]) -> None:
    tenant = make_tenant()
    photo = bottle_photo()
    response = post(client, tenant, productImage=upload(encode(photo, "JPEG", quality=95)))
    assert response.status_code == 200, response.content
    body = response.json()
    assert list(body) == [
        "productInfo",
        "backgroundRemovedImageAssetId",
        "recommendedPrompts",
        "recommendedPresetIds",
    ]
    assert set(body["productInfo"]) == {"productName", "productDescription", "productNameConfidence"}
    assert len(body["recommendedPrompts"]) == 4 and len(set(body["recommendedPresetIds"])) == 6

    asset = client.get(
        f"/api/v1/Image/Assets/{body['backgroundRemovedImageAssetId']}", headers=tenant.key_headers()
    )
    assert asset.status_code == 200 and asset["Content-Type"] == "image/png"
    cutout = Image.open(io.BytesIO(b"".join(asset.streaming_content)))  # type: ignore[attr-defined]
    assert cutout.mode == "RGBA" and cutout.getchannel("A").getextrema() == (0, 255)
    record = Recommendation.objects.get(cutout_id=body["backgroundRemovedImageAssetId"])
    assert record.status == "Completed" and record.attempts == 1 and record.timings["total"] > 0
    # The worker said it was warm (what `runstack` waits for before "Serving").
    from adcreative.recommendations.tasks import warm_marker

    warm = json.loads(warm_marker().read_text(encoding="utf-8"))
    assert {"rembg", "classifier", "text_encoder"} <= set(warm["seconds"]) and warm["pid"] > 0


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_it_names_a_real_photo_over_http(client: Client, celery_worker: subprocess.Popen[bytes]) -> None:
    tenant = make_tenant()
    data = photo_bytes("teapot_00.jpg")
    response = post(client, tenant, "/api/v1/ProductGeneration/Recommendations", productImage=upload(data))
    assert response.status_code == 200, response.content
    assert response.json()["productInfo"]["productName"] == "tableware"  # a teapot, not named surely


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@override_settings(RECOMMENDATION_WAIT_SECONDS=0)
def test_it_answers_202_and_a_location_when_the_wait_runs_out(
    client: Client, celery_worker: subprocess.Popen[bytes]
) -> None:
    tenant = make_tenant()
    response = post(client, tenant, productImage=upload(encode(bottle_photo(), "PNG"), "p.png", "image/png"))
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "Processing" and uuid.UUID(body["recommendationId"])
    location = response["Location"]
    assert location.endswith(f"/api/v1/Image/ProductGeneration/Recommendations/{body['recommendationId']}")
    deadline = time.monotonic() + 60
    while (polled := client.get(location, headers=tenant.key_headers())).status_code == 202:
        assert time.monotonic() < deadline
        time.sleep(0.3)
    assert polled.status_code == 200 and len(polled.json()["recommendedPresetIds"]) == 6


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_it_fails_with_a_reason_when_no_product_is_found(
    client: Client, celery_worker: subprocess.Popen[bytes]
) -> None:
    tenant = make_tenant()
    blank = encode(Image.new("RGB", (400, 400), (128, 128, 128)), "PNG")
    response = post(client, tenant, productImage=upload(blank, "blank.png", "image/png"))
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "engine: ProductGeneration/Recommendations": [
            "No product could be found in the photo. Use a photo where the product is clearly visible."
        ],
        "business: ProductGeneration/Recommendations": [
            "Unprocessable entity error occurred while analysing the product image"
        ],
    }
    record = Recommendation.objects.get(application=tenant.application)
    assert (record.status, record.error_code, record.cutout_id) == ("Failed", "no_object", None)


# --- the state machine ----------------------------------------------------------------------------
def test_it_never_processes_a_finished_recommendation_twice(
    tenant: Tenant, django_capture_on_commit_callbacks
) -> None:
    from workers.imaging import inspect_upload

    data = encode(bottle_photo((320, 400)), "PNG")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        record = services.create(tenant.application, None, data, inspect_upload(data, 10**8))
    assert len(queued) == 1  # exactly one task, sent only after the commit
    assert state.fail(str(record.id), "no_object", "Nothing there.")
    assert state.claim(str(record.id)) is None  # a redelivered task finds nothing to do
    assert not state.fail(str(record.id), "other", "Overwritten?")
    record.refresh_from_db()
    assert (record.status, record.error_code, record.attempts) == ("Failed", "no_object", 0)


@pytest.mark.parametrize(
    ("code", "status", "what"),
    [
        ("corrupt_image", 400, "Bad request"),  # the photo: a file that is no usable image
        ("no_object", 422, "Unprocessable entity"),  # the photo: an image without a product
        ("unavailable", 503, "Service unavailable"),  # the service: out of retries
        ("timeout", 504, "Timeout"),
        ("processing_failed", 500, "Internal"),
        ("stuck", 500, "Internal"),
    ],
)
def test_a_failed_recommendation_answers_by_what_went_wrong(
    client: Client, tenant: Tenant, django_capture_on_commit_callbacks, code: str, status: int, what: str
) -> None:
    from workers.imaging import inspect_upload

    data = encode(bottle_photo((320, 400)), "PNG")
    with django_capture_on_commit_callbacks(execute=False):
        record = services.create(tenant.application, None, data, inspect_upload(data, 10**8))
    assert state.fail(str(record.id), code, "What the worker said.")
    response = client.get(f"{URL}/{record.id}", headers=tenant.key_headers())
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {
        "engine: ProductGeneration/Recommendations": ["What the worker said."],
        "business: ProductGeneration/Recommendations": [
            f"{what} error occurred while analysing the product image"
        ],
    }


def test_a_transient_failure_is_retried_then_reported_as_the_services(
    client: Client, tenant: Tenant, django_capture_on_commit_callbacks
) -> None:
    from adcreative.failures import MAX_RETRIES
    from adcreative.recommendations.tasks import recommend
    from workers.imaging import inspect_upload

    data = encode(bottle_photo((320, 400)), "PNG")
    with django_capture_on_commit_callbacks(execute=False):
        record = services.create(tenant.application, None, data, inspect_upload(data, 10**8))
    record.image.file.delete(save=False)  # storage lost the upload: an OSError on every try
    recommend.apply(args=[str(record.id)])  # run here; Celery replays each retry at once when eager
    record.refresh_from_db()
    assert (record.status, record.error_code, record.attempts) == ("Failed", "unavailable", MAX_RETRIES + 1)
    response = client.get(f"{URL}/{record.id}", headers=tenant.key_headers())
    assert response.status_code == 503


def test_a_database_hiccup_while_claiming_is_retried(
    tenant: Tenant, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch, u2net_home: str
) -> None:
    from django.db import OperationalError

    from adcreative.recommendations.tasks import recommend
    from workers.imaging import inspect_upload

    data = encode(bottle_photo((320, 400)), "PNG")
    with django_capture_on_commit_callbacks(execute=False):
        record = services.create(tenant.application, None, data, inspect_upload(data, 10**8))
    real_claim, calls = state.claim, []

    def claim_after_a_restart(recommendation_id: str) -> Recommendation | None:
        calls.append(recommendation_id)
        if len(calls) == 1:
            raise OperationalError("the database restarted")
        return real_claim(recommendation_id)

    monkeypatch.setattr(state, "claim", claim_after_a_restart)
    recommend.apply(args=[str(record.id)])
    record.refresh_from_db()
    assert len(calls) == 2 and record.status == "Completed" and record.attempts == 1


# --- bad input: a clear error, and nothing written --------------------------------------------------
def assert_field_error(response, messages: list[str] | None = None, field: str = FIELD) -> list[str]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["title"] == "One or more validation errors occurred."
    if messages is not None:
        assert body["errors"][field] == messages
    assert not Asset.objects.exists() and not Recommendation.objects.exists()
    assert stored_files() == []
    result: list[str] = body["errors"][field]
    return result


def test_it_asks_for_the_file_when_there_is_none(client: Client, tenant: Tenant) -> None:
    assert_field_error(
        post(client, tenant),
        [
            "The productImage field is required.",
            "The request does not contain a file. Please make sure to upload the file.",
        ],
    )
    assert_field_error(
        post(client, tenant, productImage="not a file"),
        ["The request does not contain a file. Please make sure to upload the file."],
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"just some text, named like a photo",
            "The file is not an image. Upload a JPEG, PNG or WebP photo.",
        ),
        (
            b"<html><body>not an image</body></html>",
            "The file is not an image. Upload a JPEG, PNG or WebP photo.",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"/>',
            "The file is not an image. Upload a JPEG, PNG or WebP photo.",
        ),
        (b"", "The uploaded file is empty."),
    ],
)
def test_it_refuses_files_that_are_not_photos(
    client: Client, tenant: Tenant, data: bytes, message: str
) -> None:
    assert_field_error(post(client, tenant, productImage=upload(data)), [message])


def test_it_refuses_a_truncated_photo(client: Client, tenant: Tenant) -> None:
    data = encode(bottle_photo(), "JPEG")
    messages = assert_field_error(post(client, tenant, productImage=upload(data[: len(data) // 3])))
    assert messages[0].startswith("The image is truncated or corrupt")


def test_it_refuses_tiny_and_oversized_images(client: Client, tenant: Tenant) -> None:
    tiny = encode(Image.new("RGB", (50, 50), "red"), "PNG")
    assert_field_error(post(client, tenant, productImage=upload(tiny, "t.png", "image/png")))
    with override_settings(MAX_IMAGE_PIXELS=100_000):
        big = encode(Image.new("RGB", (400, 400), "red"), "PNG")
        messages = assert_field_error(post(client, tenant, productImage=upload(big, "b.png", "image/png")))
        assert messages == ["The image has 400x400 = 0.2 megapixels; the limit is 0.1 megapixels."]


@override_settings(UPLOAD_MAX_BYTES=4096)
def test_it_answers_413_for_a_file_over_the_size_limit(client: Client, tenant: Tenant) -> None:
    response = post(client, tenant, productImage=upload(encode(bottle_photo(), "PNG"), "p.png", "image/png"))
    assert response.status_code == 413
    assert list(response.json()["errors"]) == ["business: ProductGeneration/Recommendations"]
    assert not Asset.objects.exists() and stored_files() == []


def test_it_validates_user_and_application_ids(client: Client, tenant: Tenant, other_tenant: Tenant) -> None:
    photo = encode(bottle_photo((320, 400)), "JPEG")
    assert_field_error(
        post(client, tenant, productImage=upload(photo), userId="nope"),
        ["The value 'nope' is not valid."],
        "userId",
    )
    response = post(client, tenant, productImage=upload(photo), applicationId=other_tenant.id)
    assert response.status_code == 401
    assert not Asset.objects.exists()


def test_it_hides_other_applications_assets_and_recommendations(
    client: Client, tenant: Tenant, other_tenant: Tenant
) -> None:
    from workers.imaging import inspect_upload

    data = encode(bottle_photo((320, 400)), "PNG")
    record = services.create(other_tenant.application, None, data, inspect_upload(data, 10**8))
    for path in (f"/api/v1/Image/Assets/{record.image_id}", f"{URL}/{record.id}"):
        response = client.get(path, headers=tenant.key_headers())
        assert response.status_code == 404, path
        assert response.json()["status"] == 404
        assert client.get(path, headers=other_tenant.key_headers()).status_code in (200, 202)
    malformed = client.get("/api/v1/Image/Assets/not-a-guid", headers=tenant.key_headers())
    assert malformed.status_code == 400
    assert malformed.json()["errors"] == {"assetId": ["The value 'not-a-guid' is not valid."]}


def test_it_serves_the_original_photo_unchanged_to_its_owner(client: Client, tenant: Tenant) -> None:
    from workers.imaging import inspect_upload

    data = encode(bottle_photo((320, 400)), "JPEG")
    record = services.create(tenant.application, None, data, inspect_upload(data, 10**8))
    response = client.get(f"/api/v1/Image/Assets/{record.image_id}", headers=tenant.key_headers())
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == data  # type: ignore[attr-defined]
    assert np.asarray(Image.open(io.BytesIO(data))).shape == (400, 320, 3)


def test_it_claims_a_recommendation_once_and_reaps_lost_ones(tenant: Tenant) -> None:
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    from adcreative.ops.tasks import reap_stuck_work
    from workers.imaging import inspect_upload

    data = encode(bottle_photo((320, 400)), "PNG")
    lost = services.create(tenant.application, None, data, inspect_upload(data, 10**8))
    held = services.create(tenant.application, None, data, inspect_upload(data, 10**8))
    assert state.claim(str(held.id)) is not None
    assert state.claim(str(held.id)) is None  # a duplicate message finds it taken
    long_ago = timezone.now() - timedelta(hours=2)
    Recommendation.objects.filter(id=lost.id).update(queued_at=long_ago, created_at=long_ago)
    Recommendation.objects.filter(id=held.id).update(  # its worker died two hours ago: the lease ran out
        started_at=long_ago, queued_at=long_ago - timedelta(minutes=1), lease_until=long_ago
    )
    with mock.patch("adcreative.recommendations.tasks.recommend.delay") as send:
        result = reap_stuck_work()
    assert (result["recommendations_resent"], result["recommendations_failed"]) == (2, 0)
    assert sorted(c.args[0] for c in send.call_args_list) == sorted([str(lost.id), str(held.id)])
    assert state.claim(str(held.id)) is not None  # the dead worker's record is free again
    assert reap_stuck_work()["recommendations_resent"] == 0  # re-sent at most once per interval


def test_it_takes_an_empty_user_id_as_none_for_a_large_upload(client: Client, tenant: Tenant) -> None:
    """Over 2.5 MB Django spools the upload to a temporary file; an empty userId must not copy the form."""
    noisy = np.random.default_rng(0).integers(0, 255, (1400, 1400, 3), dtype=np.uint8)
    data = encode(Image.fromarray(noisy), "PNG")
    assert len(data) > 2_621_440
    with override_settings(RECOMMENDATION_WAIT_SECONDS=0):
        response = post(client, tenant, productImage=upload(data, "big.png", "image/png"), userId="")
    assert response.status_code == 202
    assert Recommendation.objects.get().user_id is None
