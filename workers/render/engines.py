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
from workers import capabilities
from workers.capabilities import Capabilities
from workers.render.compose import Creative, render_format
from workers.render.formats import OutputFormat, default_formats

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
    relight: bool = False  # the product takes the scene's light (workers.render.relight)
    output_format: OutputFormat | None = None  # what it renders; None: as `disable_safe_margin` says

    @property
    def fmt(self) -> OutputFormat:
        """The format it renders: its own, or landscape (DisableSafeMargin) or landscape_safe."""
        return self.output_format or default_formats(self.disable_safe_margin)[0]


@dataclass(frozen=True)
class Lora:
    """A fine-tune's LoRA: the adapter name it is loaded under (the fine-tune's id) and its safetensors file."""

    name: str
    path: str


class Engine(Protocol):
    name: str
    capabilities: Capabilities  # what it can do: every question about an engine asks this

    def use_lora(self, lora: Lora | None) -> None:
        """Render the next jobs with a fine-tune's LoRA (None: without); only with `capabilities.fine_tunes`."""

    def render(self, jobs: Sequence[SceneJob], progress: Progress = ...) -> list[Creative]: ...


class StudioEngine:
    """Procedural studio scenes, one job after another, each in its own format."""

    name = "studio"
    capabilities = capabilities.STUDIO

    def use_lora(self, lora: Lora | None) -> None:
        if lora is not None:
            raise ValueError("The studio engine renders no fine-tune.")

    def render(self, jobs: Sequence[SceneJob], progress: Progress = lambda _: None) -> list[Creative]:
        creatives = []
        for done, job in enumerate(jobs, start=1):
            creatives.append(
                render_format(job.cutout, job.scene, job.palette, job.fmt, job.seed, job.relight)
            )
            progress(10 + 80 * done // len(jobs))
        return creatives
