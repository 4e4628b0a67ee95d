"""The render pipeline as a gpu task runs it: claimed tasks of one process → creatives → stored results.

Imported by the worker only (the tasks import it when they run): the engines and numpy stay out of the
web process.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from PIL import Image

import presets
from adcreative import engines, telemetry
from adcreative.creatives import state
from adcreative.creatives.models import Task
from adcreative.engines import EngineChoice
from adcreative.finetunes.models import FineTune
from adcreative.leases import heartbeat
from workers.render.engines import Lora
from workers.render.job import RenderJob, run_formats

State = Task.State


def job_of(task: Task) -> RenderJob:
    process = task.process
    return RenderJob(
        preset_id=task.preset_id,
        custom_prompt=str(task.prompt.get("prompt") or ""),
        disable_safe_margin=process.disable_safe_margin,
        use_same_style=process.use_same_style,
        seed=task.seed,
        prompt_text=task.prompt_text,
        negative_prompt=task.negative_prompt,
        product_name=process.product_name,
        relight=process.relight,
        formats=tuple(process.output_formats),  # () renders the one DisableSafeMargin chooses
    )


def open_cutout(task: Task) -> Image.Image:
    with task.process.cutout.file.open("rb") as handle:
        cutout = Image.open(handle)
        cutout.load()
    return cutout.convert("RGBA")


def lora_of(fine_tune: FineTune | None) -> Lora | None:
    """The fine-tune's LoRA as the engine loads it: a local file (copied once from a storage that has no
    local paths)."""
    if fine_tune is None or not fine_tune.weights:
        return None
    try:
        path = Path(fine_tune.weights.path)
    except NotImplementedError:  # a remote storage: a copy beside the fine-tunes' checkpoints
        path = Path(settings.FINETUNE_WORK_DIR) / "loras" / f"{fine_tune.id}.safetensors"
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_suffix(".part")  # a copy cut short is never taken for the file
            with fine_tune.weights.open("rb") as source, part.open("wb") as copy:
                shutil.copyfileobj(source, copy)
            part.replace(path)
    return Lora(str(fine_tune.id), str(path))


def render_tasks(tasks: list[Task]) -> None:
    """Render claimed tasks of one process in one batch with the engine the process was created for, and
    store each result (raises on failure); fail them at once where this worker cannot run that engine."""
    choice = engines.named(tasks[0].process.engine)
    missing = choice.missing()
    if missing:
        for task in tasks:
            state.fail(
                str(task.id),
                "engine_unavailable",
                f"This process is rendered by the {choice.name} "
                f"engine, which this worker cannot run: {missing}.",
            )
        return
    with heartbeat(lambda: state.renew(tasks)):
        render_held(tasks, choice)


def render_held(tasks: list[Task], choice: EngineChoice) -> None:
    cutout = open_cutout(tasks[0])
    if not [task for task in tasks if state.advance(task, State.RENDERING, 10)]:
        return  # every task was cancelled while it waited

    def report(percent: int) -> None:
        for task in tasks:
            state.advance(task, State.RENDERING, percent)

    engine = choice.load()
    if engine.capabilities.fine_tunes:  # the process's fine-tune, or the base alone
        engine.use_lora(lora_of(tasks[0].process.fine_tune))
    results = run_formats(
        [job_of(task) for task in tasks],
        cutout,
        presets.load_catalog(),
        report,
        engine,
        settings.PRESET_PREVIEW_DIR,
    )
    for task, (first, *more) in zip(tasks, results, strict=True):
        seconds = sum(r.timings.get("render", 0.0) + r.timings.get("encode", 0.0) for r in (first, *more))
        telemetry.stage("render", seconds)
        if state.advance(task, State.FINALIZING, 90):
            state.complete(
                task, first.png, first.thumbnail_jpeg, first.timings, engine=engine.name, layout=first.layout,
                more=[state.FormatFiles(r.output_format, r.size, r.png, r.thumbnail_jpeg, r.layout) for r in more],
            )  # fmt: skip
