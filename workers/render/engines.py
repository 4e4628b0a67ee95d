"""The engines that paint a scene around the product: one interface, two implementations.

`StudioEngine` draws the scene procedurally on any CPU; `workers.render.diffusion.DiffusionEngine`
inpaints it with Stable Diffusion on a GPU, starting from the studio's layout. Both take the same jobs
and give creatives in the same order, with the product's own pixels untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from PIL import Image

from presets import Scene
from workers.render.compose import Creative, render_creative

Progress = Callable[[int], object]  # percent of the whole render, 10 to 90


@dataclass(frozen=True)
class SceneJob:
    cutout: Image.Image
    scene: Scene
    palette: list[str]
    disable_safe_margin: bool
    seed: int
    prompt: str = ""  # the resolved prompt and negative prompt (the diffusion engine reads them)
    negative_prompt: str = ""
    style_image: Image.Image | None = None  # the IP-Adapter's style reference (a preset preview)


class Engine(Protocol):
    name: str

    def render(self, jobs: Sequence[SceneJob], progress: Progress = ...) -> list[Creative]: ...


class StudioEngine:
    """Procedural studio scenes, one job after another."""

    name = "studio"

    def render(self, jobs: Sequence[SceneJob], progress: Progress = lambda _: None) -> list[Creative]:
        creatives = []
        for done, job in enumerate(jobs, start=1):
            creatives.append(
                render_creative(job.cutout, job.scene, job.palette, job.disable_safe_margin, job.seed)
            )
            progress(10 + 80 * done // len(jobs))
        return creatives
