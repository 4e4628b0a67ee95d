"""Python client and CLI of the Product Photoshoot API (AdCreative-compatible)."""

from photoshoot.client import Download, Photoshoot, custom, preset
from photoshoot.errors import (
    ApiError,
    BusinessError,
    PhotoshootError,
    RateLimited,
    RenderFailed,
    ValidationError,
)

__all__ = [
    "ApiError",
    "BusinessError",
    "Download",
    "Photoshoot",
    "PhotoshootError",
    "RateLimited",
    "RenderFailed",
    "ValidationError",
    "custom",
    "preset",
]
