"""Starting an AdCreative process: the rules a request must meet, its rows, and its render messages.

Views call `start`; it raises the service errors of `adcreative.api.exceptions`, which the one
exception handler answers. Everything after the start (renderState, progress, results) belongs to
`adcreative.creatives.state`.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q

import presets
from adcreative import engines
from adcreative.api import areas, tracing
from adcreative.api.exceptions import Conflict, InvalidField, NotFound, Unavailable
from adcreative.assets.models import Asset
from adcreative.celery import NEVER_SENT, QUEUE_DOWN, broker_refusing, send_on_commit
from adcreative.creatives import signals, state
from adcreative.creatives.models import Process, Task, formats_of
from adcreative.creatives.tasks import render, render_process
from adcreative.finetunes import services as finetunes
from adcreative.finetunes.models import FineTune
from adcreative.recommendations.models import Recommendation
from adcreative.tenancy import credits
from adcreative.tenancy.models import Application
from workers.render.prompt_scene import grounded, name_pattern, resolve, without_name


@dataclass(frozen=True)
class PromptSpec:
    prompt: dict[str, Any]  # as the client sent it
    preset_id: str
    prompt_text: str
    negative_prompt: str
    unrendered_terms: tuple[str, ...] = ()  # the custom prompt's words the engine cannot draw


@dataclass(frozen=True)
class ProcessRequest:
    user_id: uuid.UUID | None
    cutout: Asset
    product_name: str
    product_description: str
    prompts: list[PromptSpec]
    disable_safe_margin: bool
    use_same_style: bool
    seed: int | None
    idempotency_key: str
    fine_tune: FineTune | None = None
    relight: bool = False  # the product takes the scene's light (an extension, off by default)
    output_formats: tuple[str, ...] = ()  # outputFormats (an extension); empty: DisableSafeMargin's one

    def fingerprint(self) -> str:
        body = {
            "user": str(self.user_id),
            "cutout": str(self.cutout.id),
            "name": self.product_name,
            "description": self.product_description,
            "prompts": [p.prompt for p in self.prompts],
            "wide": not self.disable_safe_margin,
            "style": self.use_same_style,
            "seed": self.seed,
            "fineTune": str(self.fine_tune.id) if self.fine_tune else None,
        }
        if self.relight:  # only when asked: a request without it keeps the fingerprint it always had
            body["relight"] = True
        if self.output_formats:  # likewise
            body["outputFormats"] = list(self.output_formats)
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def resolve_prompt(item: dict[str, Any], product_name: str, negative: str, cut: bool = False) -> PromptSpec:
    """The prompt a task renders: the product's name followed by the preset's promptText or the custom text
    (naming the product once: `named_once`); for an engine that draws the scene from the words (the
    studio's), the props it draws and the words it cannot draw (`workers.render.prompt_scene`: words only,
    the web reads them without rendering), among them a stand, which it does not draw for a product the
    photo's frame cut (`cut`: `frame_cut_of`)."""
    name = product_name.strip() or "product"
    if item["tag"] == "preset":
        preset = presets.load_catalog()[item["preset"]]
        negatives = ", ".join(part for part in (preset.negative_prompt, negative.strip()) if part)
        return PromptSpec(
            {"tag": "preset", "preset": preset.id}, preset.id, f"{name}{preset.prompt_text}", negatives
        )
    text = item["prompt"].strip()
    prompt = {"tag": "custom", "prompt": text, "nativeLanguagePrompt": item.get("nativeLanguagePrompt")}
    studio = engines.chosen().capabilities().draws_props
    resolution = grounded(resolve(text, product_name.strip()), cut) if studio else None
    props = resolution.props if resolution else ()
    drawn = f" (props drawn: {', '.join(props)})" if props else ""  # what the studio engine puts beside it
    unrendered = resolution.left_out if resolution else ()
    return PromptSpec(prompt, "", f"{named_once(name, text)}{drawn}", negative.strip(), unrendered)


def frame_cut_of(cutout: Asset) -> bool:
    """Whether the photo's frame cut the product of a cut-out (at its top or bottom), as the Recommendation
    that made it found (a cut-out made before that was recorded: not cut)."""
    analysis = Recommendation.objects.filter(cutout=cutout).values_list("analysis", flat=True).first()
    cut = (analysis or {}).get("frameCut") or {}
    return bool(cut.get("top") or cut.get("bottom"))


def named_once(name: str, text: str) -> str:
    """A custom prompt's text after the product's name, naming the product once: a prompt that starts with
    the name ("White Sneaker, on grass") gives its own copy up; one that names the product further in ("a
    white sneaker on grass", "two white sneakers") names it already and reads as written."""
    rest = without_name(text, name)
    if rest != text.strip():
        return f"{name}, {rest}" if rest else name
    return text if name_pattern(name).search(text) else f"{name}, {text}"


def fine_tune_for(application: Application, fine_tune_id: uuid.UUID | None) -> FineTune | None:
    """The fine-tune a process renders with: the one it names (a completed fine-tune of this application),
    else the application's default; none with an engine that cannot use one (the studio's)."""
    if not engines.chosen().capabilities().fine_tunes:
        if fine_tune_id is not None:
            raise InvalidField("fineTuneId", finetunes.NO_DIFFUSION)
        return None
    if fine_tune_id is None:
        return finetunes.default_of(application)
    fine_tune = finetunes.own(application, fine_tune_id, areas.AD_CREATIVE)
    if fine_tune.status != FineTune.Status.COMPLETED:
        raise InvalidField(
            "fineTuneId", f"The fine-tune is {fine_tune.status}; only a Completed one renders."
        )
    return fine_tune


def usable_cutout(application: Application, asset_id: uuid.UUID) -> Asset:
    """The application's background-removed asset that the creatives are made of."""
    signals.process_requested.send(sender=Process, application=application)
    cutout = Asset.objects.filter(id=asset_id, application=application).first()
    if cutout is None:
        raise unknown_asset(asset_id)
    if cutout.kind != Asset.Kind.CUTOUT:
        raise InvalidField(
            "productImageAssetId",
            "The asset is not a background-removed image; use backgroundRemovedImageAssetId.",
        )
    return cutout


def unknown_asset(asset_id: uuid.UUID) -> NotFound:
    return NotFound(f"Product image asset {asset_id} was not found.", area=areas.AD_CREATIVE)


def start(application: Application, request: ProcessRequest) -> tuple[Process, list[Task]]:
    """A process with one queued task per prompt, enqueued after commit; (process, its tasks as created).

    With an Idempotency-Key, the same key and body give back the first process and render nothing new.
    """
    if request.idempotency_key and (earlier := _earlier(application, request)) is not None:
        return earlier, list(earlier.tasks.all())
    if broker_refusing():
        raise Unavailable(QUEUE_DOWN, area=areas.AD_CREATIVE)
    try:
        with transaction.atomic():
            _hold(request.cutout)
            process = _open(application, request)
            tracing.bind(process_id=process.id)  # the request's later lines name the process
            tasks = state.queue_new(_tasks_of(process, request))
            _enqueue(process, tasks)
    except IntegrityError:  # a concurrent request with the same Idempotency-Key won
        earlier = _earlier(application, request)
        if earlier is None:
            raise
        return earlier, list(earlier.tasks.all())
    # The tasks as committed: a fast worker may already have claimed one by the time the answer is built.
    return process, tasks


def _hold(cutout: Asset) -> None:
    """Lock the cut-out's row until the process that uses it is committed: a clean-up deleting it meanwhile
    (RETENTION_DAYS) either finishes first, and the request is answered as for an unknown asset, or waits
    and then finds the process and keeps it."""
    if not Asset.objects.select_for_update(no_key=True).filter(pk=cutout.pk).values_list("pk", flat=True):
        raise unknown_asset(cutout.pk)


def rerun(tasks: list[Task]) -> list[Process]:
    """Render failed tasks again: the failed tasks of each process are copied, with the same prompt, seed
    and size, into a new process of the same application and cut-out (`rerun_of` the old one; a finished
    task never changes), and their downloads are waived. Returns the new processes; tasks that are not
    Failed are left alone."""
    failed: dict[uuid.UUID, list[Task]] = {}
    for task in sorted(tasks, key=lambda t: (t.process_id, t.order)):
        if task.render_state == Task.State.FAILED:
            failed.setdefault(task.process_id, []).append(task)
    if failed and broker_refusing():
        raise Unavailable(QUEUE_DOWN, area=areas.AD_CREATIVE)
    with transaction.atomic():
        return [_rerun_process(group) for group in failed.values()]


RERUN_FIELDS = (
    "prompt",
    "preset_id",
    "prompt_text",
    "negative_prompt",
    "unrendered_terms",
    "seed",
    "width",
    "height",
)
PROCESS_FIELDS = (
    "application",
    "user_id",
    "cutout",
    "fine_tune",
    "engine",
    "product_name",
    "product_description",
    "disable_safe_margin",
    "use_same_style",
    "relight",
    "output_formats",
)


def _rerun_process(failed: list[Task]) -> Process:
    old = failed[0].process
    process = Process.objects.create(rerun_of=old, **{name: getattr(old, name) for name in PROCESS_FIELDS})
    copies = [
        Task(process=process, order=order, **{name: getattr(task, name) for name in RERUN_FIELDS})
        for order, task in enumerate(failed)
    ]
    created = state.queue_new(copies)
    for copy, task in zip(created, failed, strict=True):
        credits.waive(
            old.application, copy.id, f"Re-run of failed task {task.id} by an operator: not charged"
        )
    _enqueue(process, created)
    return process


def _earlier(application: Application, request: ProcessRequest) -> Process | None:
    earlier = Process.objects.filter(application=application, idempotency_key=request.idempotency_key).first()
    if earlier is not None and earlier.request_hash != request.fingerprint():
        raise Conflict(
            "This Idempotency-Key was already used with a different request.", area=areas.AD_CREATIVE
        )
    return earlier


def _open(application: Application, request: ProcessRequest) -> Process:
    return Process.objects.create(
        application=application,
        user_id=request.user_id,
        cutout=request.cutout,
        product_name=request.product_name,
        product_description=request.product_description,
        disable_safe_margin=request.disable_safe_margin,
        use_same_style=request.use_same_style,
        relight=request.relight,
        output_formats=list(request.output_formats),
        idempotency_key=request.idempotency_key,
        request_hash=request.fingerprint(),
        fine_tune=request.fine_tune,
        engine=engines.chosen().name,
    )


def _tasks_of(process: Process, request: ProcessRequest) -> list[Task]:
    first = formats_of(request.output_formats, request.disable_safe_margin)[0]
    width, height = first.width, first.height
    base_seed = request.seed if request.seed is not None else int.from_bytes(uuid.uuid4().bytes[:4], "big")
    return [
        Task(
            process=process,
            order=order,
            prompt=spec.prompt,
            preset_id=spec.preset_id,
            prompt_text=spec.prompt_text,
            negative_prompt=spec.negative_prompt,
            unrendered_terms=list(spec.unrendered_terms),
            seed=base_seed + order,
            width=width,
            height=height,
        )
        for order, spec in enumerate(request.prompts)
    ]


def _enqueue(process: Process, tasks: list[Task]) -> None:
    ids = [task.id for task in tasks]

    def unsent() -> None:  # the reaper's next tick sends them
        Task.objects.filter(id__in=ids).update(queued_at=NEVER_SENT)

    if engines.named(process.engine).capabilities().batched:  # one batched call renders the whole process
        send_on_commit(render_process, str(process.id), unsent=unsent)
        return
    for task in tasks:
        send_on_commit(render, str(task.id), unsent=unsent)


def usage_since(application: Application, since: datetime) -> dict[str, int]:
    """The creatives the application asked for and got since then, for its admin page (tenancy.usage)."""
    tasks = Task.objects.filter(process__application=application, process__created_at__gte=since)
    counts = tasks.aggregate(requested=Count("id"), rendered=Count("id", filter=~Q(result="")))
    return {"creatives requested": counts["requested"], "creatives rendered": counts["rendered"]}
