"""The areas of the contract's error bodies: each failure is listed under `business: <area>` (what the
request asked for) and, where a model or engine said why, `engine: <area>`.

Every key a client sees is built here, so the spelling of an area cannot drift between endpoints.
"""

from __future__ import annotations

GENERAL = "business:"  # errors of no endpoint of their own: auth, routing, limits
GENERAL_ENGINE = "engine:"  # an unexpected server error

RECOMMENDATIONS = "ProductGeneration/Recommendations"
AD_CREATIVE = "ProductGeneration/AdCreative"
CANCEL = "ProductGeneration/Cancel"
DOWNLOAD = "ProductGeneration/Download"
ASSETS = "Image/Assets"
CREDITS = "Credits/Get"
PROGRESS = "ProductGeneration/CheckApplicationAllProgresses"


def business(area: str) -> str:
    return f"business: {area}"


def engine(area: str) -> str:
    return f"engine: {area}"


def fine_tune(action: str) -> str:
    """FineTune/<Create|Get|List|Cancel>."""
    return f"FineTune/{action}"


def channel(action: str) -> str:
    """NotificationChannel/<Get|Update|Delete|Test>."""
    return f"NotificationChannel/{action}"
