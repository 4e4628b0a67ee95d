"""The JSON bodies of the Product Photoshoot API, as typed dictionaries (field names as on the wire)."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict


class Category(TypedDict):
    name: str


class Preset(TypedDict):
    id: str
    previewImageUrl: str
    previewName: str
    promptText: str
    categories: list[Category]


class ProductInfo(TypedDict):
    productName: str
    productDescription: str
    productNameConfidence: NotRequired[float]  # this service's extension: how likely the name is right


class Recommendation(TypedDict):
    productInfo: ProductInfo
    backgroundRemovedImageAssetId: str
    recommendedPrompts: list[str]
    recommendedPresetIds: list[str]


class PromptObject(TypedDict):
    tag: Literal["preset", "custom"]
    preset: NotRequired[str]
    prompt: NotRequired[str]
    nativeLanguagePrompt: NotRequired[str | None]


class TaskPrompt(TypedDict):
    """A task's prompt object: as it was sent, with its resolution (this service's; the public API's answer
    to AdCreative has none)."""

    tag: Literal["preset", "custom"]
    preset: NotRequired[str]
    prompt: NotRequired[str]
    nativeLanguagePrompt: NotRequired[str | None]
    promptText: NotRequired[str]  # the scene as resolved, naming the product once
    # The custom prompt's words the engine could not draw ([] when none).
    unrenderedTerms: NotRequired[list[str]]


class Box(TypedDict):
    """A rectangle in integer pixels of its format's image (x, y: its top-left corner)."""

    x: int
    y: int
    width: int
    height: int


class TextZone(Box):
    """Free space beside the product where a headline or call-to-action fits, and the text colour that
    reads on it."""

    text: Literal["light", "dark"]


class CropWindow(Box):
    """One of the three 1200x628 ads a landscape_safe (1674x628) creative can be cropped to."""

    placement: Literal["left", "centre", "right"]


class Layout(TypedDict):
    """Where copy goes on a creative (this service's extension): the product's box, the zones text fits in
    and, for landscape_safe only, its crop windows."""

    productBox: Box
    textZones: list[TextZone]
    cropWindows: NotRequired[list[CropWindow]]


class TaskFormat(TypedDict):
    """One output format of a task (this service's extension): a named placement (e.g. "square") or a
    custom "<W>x<H>"; `downloadUrl` and `layout` are null until the task is Completed."""

    outputFormat: str
    width: int
    height: int
    downloadUrl: str | None
    layout: Layout | None


class Task(TypedDict):
    taskId: str
    order: int
    renderState: int
    renderStateName: NotRequired[str]
    progress: NotRequired[int]
    prompt: TaskPrompt
    seed: NotRequired[int | None]
    width: NotRequired[int | None]
    height: NotRequired[int | None]
    error: NotRequired[str | None]
    downloadUrl: NotRequired[str | None]
    # Every format the task renders, the process's first format first (its downloadUrl is the task's).
    formats: NotRequired[list[TaskFormat]]


class Process(TypedDict):
    imageProductGeneratorProcessId: str
    applicationId: NotRequired[str]
    userId: NotRequired[str | None]
    createdAt: NotRequired[str]
    progress: int
    status: NotRequired[str]
    tasks: list[Task]


class Progress(TypedDict):
    applicationId: str
    userId: NotRequired[str | None]
    processes: list[Process]
    nextCursor: NotRequired[str | None]


class LedgerEntry(TypedDict):
    at: str
    change: int
    reason: str
    taskId: str | None


class Credits(TypedDict):
    applicationId: str
    balance: int
    ledger: list[LedgerEntry]
    nextCursor: NotRequired[str | None]


class Tokens(TypedDict):
    applicationId: str
    accessToken: str
    accessTokenExpiration: str
    refreshToken: str
    refreshTokenExpiration: str


class NotificationChannel(TypedDict, total=False):
    id: str
    applicationId: str
    type: Literal["Webhook", "RabbitMQ"]
    url: str | None
    connectionString: str | None  # its password masked
    queueName: str | None
    isActive: bool
    includeImageData: bool
    deactivatedReason: str | None
    createdAt: str
    updatedAt: str
    signingSecret: str  # in the answer to create only


class FineTune(TypedDict, total=False):
    fineTuneId: str
    applicationId: str
    userId: str | None
    name: str
    status: Literal["Queued", "Running", "Completed", "Failed", "Cancelled"]
    isDefault: bool
    progress: int
    step: int
    steps: int
    loss: float | None
    log: list[dict[str, float]]
    photos: int
    skipped: list[dict[str, str]]
    validationImageUrls: list[str]
    errorCode: str | None
    error: str | None
    createdAt: str
    startedAt: str | None
    finishedAt: str | None


# renderState: 0 Created, 1 Queued, 2 Preparing, 3 Rendering, 4 Finalizing, 5 Completed, 6 Failed, 7 Cancelled
COMPLETED, FAILED, CANCELLED = 5, 6, 7
FINISHED = frozenset({COMPLETED, FAILED, CANCELLED})
