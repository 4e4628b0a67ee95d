"""What a failed job does next: one classification for the recommendation and render tasks, and a GPU
that runs out of memory gets the same creatives again in smaller batches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from billiard.exceptions import WorkerLostError
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError
from PIL import UnidentifiedImageError

from adcreative import engines
from adcreative.creatives.models import Task
from adcreative.creatives.tasks import render_process
from adcreative.failures import MAX_RETRIES, Failure, classify
from tests.conftest import Tenant
from tests.helpers import queued_process
from workers import capabilities
from workers.imaging import ImageRejected
from workers.render.compose import Creative
from workers.render.engines import SceneJob, StudioEngine


class OutOfMemoryError(RuntimeError):
    """What torch.cuda raises (its class has this name; the service never imports torch to catch it)."""


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        (OSError("storage hiccup"), Failure.TRANSIENT),
        (OperationalError("the database restarted"), Failure.TRANSIENT),
        (MemoryError(), Failure.TRANSIENT),
        (OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"), Failure.OUT_OF_MEMORY),
        (RuntimeError("CUDA error: out of memory"), Failure.OUT_OF_MEMORY),
        (WorkerLostError("the worker exited"), Failure.WORKER_LOST),
        (SoftTimeLimitExceeded(), Failure.TIME_LIMIT),
        (ImageRejected("no_object", "No product."), Failure.REJECTED),
        (UnidentifiedImageError("not an image"), Failure.REJECTED),
        (RuntimeError("shape mismatch"), Failure.PERMANENT),
        (ValueError("a bug"), Failure.PERMANENT),
    ],
)
def test_it_classifies_each_failure_once_for_every_task(error: BaseException, failure: Failure) -> None:
    assert classify(error) is failure


class RunsOutOfMemory:
    """An engine on a GPU too small for more than one creative per call."""

    name = "diffusion"
    capabilities = capabilities.diffusion(style_reference=False)

    def __init__(self) -> None:
        self.calls: list[int] = []

    def use_lora(self, lora: Any) -> None:
        assert lora is None  # the processes here name no fine-tune

    def render(self, jobs: Sequence[SceneJob], progress: Any = lambda _: None) -> list[Creative]:
        self.calls.append(len(jobs))
        if len(jobs) > 1:
            raise OutOfMemoryError("CUDA out of memory. Tried to allocate 6.00 GiB")
        return StudioEngine().render(jobs, progress)


@pytest.fixture
def small_gpu(settings: Any, monkeypatch: pytest.MonkeyPatch) -> RunsOutOfMemory:
    engine = RunsOutOfMemory()
    settings.GENERATION_ENGINE = "diffusion"
    monkeypatch.setitem(
        engines.REGISTRY,
        "diffusion",
        engines.EngineChoice("diffusion", lambda: capabilities.diffusion(False), lambda: engine),
    )
    return engine


@pytest.mark.django_db(transaction=True)
def test_a_gpu_out_of_memory_renders_the_process_again_one_creative_at_a_time(
    tenant: Tenant, small_gpu: RunsOutOfMemory
) -> None:
    process, _ = queued_process(tenant, prompts=3)
    render_process.apply(args=[str(process.id)])  # run here; Celery replays the retry at once when eager
    assert small_gpu.calls == [3, 1, 1, 1]  # one batch of three, then each on its own
    finished = Task.objects.filter(process=process).order_by("order")
    assert [(t.render_state, t.engine, t.error_code) for t in finished] == [
        (Task.State.COMPLETED, "diffusion", "")
    ] * 3
    assert all(t.result.name for t in finished) and max(t.attempts for t in finished) == 2


class NeverHasTheMemory(RunsOutOfMemory):
    def render(self, jobs: Sequence[SceneJob], progress: Any = lambda _: None) -> list[Creative]:
        self.calls.append(len(jobs))
        raise OutOfMemoryError("CUDA out of memory. Tried to allocate 512.00 MiB")


@pytest.mark.django_db(transaction=True)
def test_a_gpu_that_never_has_the_memory_fails_the_tasks_as_unavailable(
    tenant: Tenant, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = NeverHasTheMemory()
    settings.GENERATION_ENGINE = "diffusion"
    monkeypatch.setitem(
        engines.REGISTRY,
        "diffusion",
        engines.EngineChoice("diffusion", lambda: capabilities.diffusion(False), lambda: engine),
    )
    process, _ = queued_process(tenant, prompts=2)
    render_process.apply(args=[str(process.id)])
    # Halved at once, then one at a time until the tries ran out; the last try fails each creative.
    assert engine.calls == [2] + [1] * MAX_RETRIES + [1]
    failed = Task.objects.filter(process=process)
    assert {(t.render_state, t.error_code) for t in failed} == {(Task.State.FAILED, "unavailable")}
