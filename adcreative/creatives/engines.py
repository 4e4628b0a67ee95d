"""The one place that chooses the engine that paints the creatives: a registry keyed by GENERATION_ENGINE.

The web reads `batched` (how work is enqueued) without loading anything; a worker calls `load()`,
which imports the model runtimes there. Each task row records the name of the engine that painted it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class EngineChoice:
    name: str
    batched: bool  # True: one gpu task renders a whole process in batched calls; False: one task per creative
    load: Callable[[], Any]  # in the worker: the engine (a workers.render.engines.Engine), loaded once
    draws_props: bool = False  # draws the props a custom prompt names itself (reported in its promptText)


def _studio() -> Any:
    from workers.render.engines import StudioEngine  # the render code (numpy, scipy) loads in the worker only

    return StudioEngine()


def _diffusion() -> Any:
    # Model runtimes (torch, diffusers) load in the worker only, never in the web process.
    from workers import models
    from workers.render.diffusion import IpAdapter

    ip_adapter = None
    if settings.IP_ADAPTER:
        ip_adapter = IpAdapter(
            settings.IP_ADAPTER,
            settings.IP_ADAPTER_SUBFOLDER,
            settings.IP_ADAPTER_WEIGHT_NAME,
            settings.IP_ADAPTER_SCALE,
        )
    return models.diffusion_engine(
        settings.SD_INPAINT_MODEL,
        settings.DIFFUSION_STEPS,
        settings.DIFFUSION_GUIDANCE,
        settings.LORA_WEIGHTS,
        ip_adapter,
        settings.FINETUNE_ADAPTERS_KEPT,
    )


REGISTRY = {
    "studio": EngineChoice("studio", batched=False, load=_studio, draws_props=True),
    "diffusion": EngineChoice("diffusion", batched=True, load=_diffusion),
}


def chosen() -> EngineChoice:
    """The engine GENERATION_ENGINE names (settings refuse any other name at start-up)."""
    return REGISTRY[settings.GENERATION_ENGINE]
