"""What an engine can do, as data: the one declaration every question about an engine asks.

The web reads it to decide how work is enqueued and what a request may ask for; a worker's engine carries
the same declaration. It imports nothing heavy, so the web can read it without loading any engine.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Capabilities:
    batched: bool  # one gpu task renders a whole process, in one call per canvas size; else one per creative
    fine_tunes: bool  # renders with a LoRA fine-tune (the FineTune endpoints, AdCreative's fineTuneId)
    style_reference: bool  # follows a preset's preview image (UseSameStyleReferenceImage, an IP-Adapter)
    draws_props: bool  # draws the props a custom prompt names itself (reported in its promptText)


STUDIO = Capabilities(batched=False, fine_tunes=False, style_reference=False, draws_props=True)


def diffusion(style_reference: bool) -> Capabilities:
    """Stable Diffusion inpainting: a style reference where an IP-Adapter is loaded."""
    return Capabilities(batched=True, fine_tunes=True, style_reference=style_reference, draws_props=False)
