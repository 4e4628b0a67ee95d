"""Fill a database migrated to the first layout with one of every record, then read them back after the
move (`python -m tests.legacy_layout.rows fill|read`, with the legacy settings). `read` prints JSON."""

from __future__ import annotations

import json
import sys
import uuid

import django

OLD = ("generation", "0006_process_completion_notified_at")
IDS = {
    name: uuid.UUID(int=n)
    for n, name in enumerate(("application", "photo", "cutout", "reco", "process", "t0", "t1"), 1)
}


def fill() -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    apps = MigrationExecutor(connection).loader.project_state(OLD).apps
    model = apps.get_model
    application = model("tenancy", "Application").objects.create(
        id=IDS["application"],
        name="Before the split",
        api_key="k" * 32,
        api_secret_hash="s",
        jwt_private_key_hash="j",
    )
    asset = model("generation", "Asset").objects
    photo = asset.create(
        id=IDS["photo"],
        application=application,
        kind="original",
        file="assets/a/photo.jpg",
        content_type="image/jpeg",
        width=800,
        height=600,
        size=1234,
    )
    cutout = asset.create(
        id=IDS["cutout"],
        application=application,
        kind="cutout",
        file="assets/a/cut.png",
        content_type="image/png",
        width=400,
        height=500,
        size=999,
    )
    model("generation", "Recommendation").objects.create(
        id=IDS["reco"],
        application=application,
        image=photo,
        cutout=cutout,
        status="Completed",
        product_name="teapot",
        prompts=["a", "b", "c", "d"],
        preset_ids=["white_background"],
    )
    process = model("generation", "Process").objects.create(
        id=IDS["process"], application=application, cutout=cutout, product_name="teapot", idempotency_key="k1"
    )
    for order in (0, 1):
        task = model("generation", "Task").objects.create(
            id=IDS[f"t{order}"],
            process=process,
            order=order,
            render_state=5,
            progress=100,
            prompt={"tag": "preset", "preset": "white_background"},
            preset_id="white_background",
            prompt_text="teapot on white",
            seed=7 + order,
            width=1674,
            height=628,
            engine="studio",
            result=f"results/a/{order}/result.png",
        )
    model("generation", "Rendition").objects.create(
        task=task, variant="full.pdf", file="results/x.pdf", size=5
    )
    ContentType.objects.get_or_create(app_label="generation", model="task")


def read() -> dict[str, object]:
    from django.contrib.contenttypes.models import ContentType

    from adcreative.assets.models import Asset
    from adcreative.creatives.models import Process, Task
    from adcreative.downloads.models import Rendition
    from adcreative.recommendations.models import Recommendation

    recommendation = Recommendation.objects.get(id=IDS["reco"])
    tasks = list(Task.objects.filter(process__cutout_id=IDS["cutout"]).order_by("order"))
    return {
        "assets": sorted(str(a.id) for a in Asset.objects.all()),
        "recommendation": [
            recommendation.product_name,
            str(recommendation.image_id),
            str(recommendation.cutout_id),
        ],
        "process": [p.idempotency_key for p in Process.objects.all()],
        "tasks": [[t.order, t.seed, t.engine, t.result.name] for t in tasks],
        "renditions": [[r.variant, str(r.task_id)] for r in Rendition.objects.all()],
        "content_types": sorted(f"{c.app_label}.{c.model}" for c in ContentType.objects.filter(model="task")),
    }


if __name__ == "__main__":
    django.setup()
    if sys.argv[1] == "fill":
        fill()
    else:
        print(json.dumps(read()))
