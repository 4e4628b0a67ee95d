"""The one place that chooses the engine that paints the creatives: a registry keyed by engine name.

Every question about an engine asks its `Capabilities` (workers.capabilities), read here without loading
anything; a worker calls `load()`, which imports the model runtimes there. A process records the engine
it was created for (GENERATION_ENGINE then), and is rendered by that engine or fails with the reason.
It lies below every app, so the apps that enqueue (creatives) and that train (finetunes) ask the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from workers import capabilities
from workers.capabilities import Capabilities

if TYPE_CHECKING:
    from workers.render.engines import Engine


@dataclass(frozen=True)
class EngineChoice:
    name: str
    capabilities: Callable[[], Capabilities]  # read from the settings when asked
    load: Callable[[], Engine]  # in the worker: the engine, loaded once
    missing: Callable[[], str] = lambda: ""  # why this process cannot run it (its settings); "" if it can


def _studio() -> Engine:
    from workers.render.engines import StudioEngine  # the render code (numpy, scipy) loads in the worker only

    return StudioEngine()


def _diffusion() -> Engine:
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
    engine: Engine = models.diffusion_engine(
        settings.SD_INPAINT_MODEL,
        settings.DIFFUSION_STEPS,
        settings.DIFFUSION_GUIDANCE,
        settings.LORA_WEIGHTS,
        ip_adapter,
        settings.FINETUNE_ADAPTERS_KEPT,
    )
    return engine


REGISTRY = {
    "studio": EngineChoice("studio", lambda: capabilities.STUDIO, _studio),
    "diffusion": EngineChoice(
        "diffusion",
        lambda: capabilities.diffusion(style_reference=bool(settings.IP_ADAPTER)),
        _diffusion,
        lambda: "" if settings.SD_INPAINT_MODEL else "this worker has no inpainting model (SD_INPAINT_MODEL)",
    ),
}


def chosen() -> EngineChoice:
    """The engine GENERATION_ENGINE names (settings refuse any other name at start-up): new processes'."""
    return REGISTRY[settings.GENERATION_ENGINE]


def named(name: str) -> EngineChoice:
    """The engine a process was created for; a process made before engines were recorded has none, and
    renders with today's."""
    return REGISTRY[name] if name else chosen()
