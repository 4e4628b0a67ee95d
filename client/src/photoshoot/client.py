"""`Photoshoot`: every endpoint of the Product Photoshoot API from Python.

    from photoshoot import Photoshoot, preset, custom

    api = Photoshoot("http://127.0.0.1:8000", application_id, api_key=..., api_secret=...)
    found = api.recommend("teapot.jpg")
    process = api.ad_creative(found, [preset("white_background"), custom("on a marble counter")])
    done = api.wait(process)
    png = api.download(done["tasks"][0], process=done).content

A process may render every creative in several placements at once (an extension of this service), for
one credit a task: `api.ad_creative(found, prompts, output_formats=["square", "story"])`; each task's
`formats` lists them with their sizes and layouts, and `api.download(task, process=done,
output_format="story")` fetches one.

The client fetches a token pair with the application's key and secret (or its `jwtPrivateKey`), refreshes
it before it runs out, and fetches a new pair when a refresh is refused. Errors are raised as the
exceptions of `photoshoot.errors`, each with the status, the errors and the traceId of the service's body;
429 and 503 are retried after their `Retry-After` (at most `retries` times, each wait capped at `max_wait`).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, Literal, cast

import requests

from photoshoot.errors import ApiError, PhotoshootError, error_from
from photoshoot.types import (
    FINISHED,
    Credits,
    FineTune,
    NotificationChannel,
    Preset,
    Process,
    Progress,
    PromptObject,
    Recommendation,
    Tokens,
)

PRODUCT_GENERATION = "/api/v1/Image/ProductGeneration"
Format = Literal["png", "jpeg", "pdf"]
FORMATS: dict[str, int] = {"png": 0, "jpeg": 1, "jpg": 1, "pdf": 2}
EXTENSIONS = {0: "png", 1: "jpg", 2: "pdf"}
REFRESH_BEFORE = timedelta(seconds=30)  # a token this close to its end is refreshed before it is used
Photo = str | Path | bytes | IO[bytes]


def preset(preset_id: str) -> PromptObject:
    """A prompt object naming a preset of the catalog."""
    return {"tag": "preset", "preset": preset_id}


def custom(prompt: str) -> PromptObject:
    """A prompt object with your own words for the scene."""
    return {"tag": "custom", "prompt": prompt, "nativeLanguagePrompt": None}


@dataclass(frozen=True)
class Download:
    content: bytes
    filename: str  # as the service names it: <taskId>.<png|jpg|pdf>, <taskId>-<outputFormat>.<ext> for a later format
    content_type: str

    def save(self, folder: str | Path, name: str | None = None) -> Path:
        path = Path(folder) / (name or self.filename)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.content)
        return path


def _read(photo: Photo) -> tuple[str, bytes]:
    """(file name, bytes) of a photo given as a path, bytes or an open binary file."""
    if isinstance(photo, bytes):
        return "photo", photo
    if isinstance(photo, (str, Path)):
        path = Path(photo)
        try:
            return path.name, path.read_bytes()
        except OSError as error:
            raise PhotoshootError(f"cannot read {path}: {error.strerror or error}") from None
    return Path(getattr(photo, "name", "photo")).name, photo.read()


def _names(output_formats: Sequence[str] | str) -> list[str]:
    """The formats as a list of names: one name alone is a list of one (not of its letters)."""
    return [output_formats] if isinstance(output_formats, str) else list(output_formats)


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _id(value: str | Mapping[str, Any], key: str) -> str:
    """An id given as itself or as the body that holds it."""
    return str(value[key]) if isinstance(value, Mapping) else str(value)


class Photoshoot:
    """A client of one service for one application."""

    def __init__(
        self,
        url: str,
        application_id: str | None = None,
        *,
        api_key: str | None = None,
        api_secret: str | None = None,
        jwt_private_key: str | None = None,
        timeout: float = 120.0,
        retries: int = 5,
        max_wait: float = 60.0,
        session: requests.Session | None = None,
    ) -> None:
        self.url, self._application_id = url.rstrip("/"), application_id
        self._key, self._secret, self._private_key = api_key, api_secret, jwt_private_key
        self.timeout, self.retries, self.max_wait = timeout, retries, max_wait
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = "photoshoot-client/0.1"
        self._tokens: Tokens | None = None
        self.sleep: Callable[[float], None] = time.sleep  # tests and the CLI may watch the waits

    def close(self) -> None:
        """Close the kept-alive connections to the service."""
        self.session.close()

    def __enter__(self) -> Photoshoot:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def application_id(self) -> str:
        """The application the client acts for (public calls, such as presets, need none)."""
        if not self._application_id:
            raise PhotoshootError(
                "no application id: give application_id (PHOTOSHOOT_APPLICATION_ID for the CLI)"
            )
        return self._application_id

    # --- the transport ---------------------------------------------------------------------------------

    def request(
        self, method: str, path: str, *, authenticated: bool = True, **options: Any
    ) -> requests.Response:
        """One call, retried on 429 and 503 after `Retry-After`; an error status raises its exception."""
        for attempt in range(self.retries + 1):
            headers = dict(options.pop("headers", None) or {})
            if authenticated:
                headers["Authorization"] = f"Bearer {self.access_token()}"
            try:
                response = self.session.request(
                    method, self.url + path, headers=headers, timeout=self.timeout, **options
                )
            except requests.ConnectionError:
                raise PhotoshootError(f"cannot reach the service at {self.url} (is it running?)") from None
            except requests.Timeout:
                raise PhotoshootError(f"{method} {path}: no answer within {self.timeout:.0f} s") from None
            except requests.RequestException as error:
                raise PhotoshootError(f"{method} {self.url}{path}: {error}") from None
            options["headers"] = {k: v for k, v in headers.items() if k != "Authorization"}
            if response.status_code < 400:
                return response
            failure = self._error(response)
            response.close()  # its connection back to the pool: a traceback keeping `response` keeps no socket
            if authenticated and response.status_code == 401 and attempt == 0 and self._tokens is not None:
                self._tokens = None  # revoked or rotated elsewhere: one new pair, then the 401 stands
                continue
            if response.status_code not in (429, 503) or attempt == self.retries:
                raise failure
            backoff = min(self.max_wait, 2.0**attempt * (0.5 + random.random() / 2))  # noqa: S311  jitter
            self.sleep(
                min(self.max_wait, failure.retry_after if failure.retry_after is not None else backoff)
            )
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _error(response: requests.Response) -> ApiError:
        try:
            body = response.json()
        except ValueError:
            body = None
        return error_from(response.status_code, body, response.text, response.headers)

    def _page(self, limit: int | None, cursor: str | None) -> dict[str, Any]:
        """The query of a paged list: the application, and `limit` and `cursor` where given."""
        query: dict[str, Any] = {"applicationId": self.application_id}
        return query | {k: v for k, v in (("limit", limit), ("cursor", cursor)) if v is not None}

    def _json(self, method: str, path: str, **options: Any) -> Any:
        return self.request(method, path, **options).json()

    # --- tokens ----------------------------------------------------------------------------------------

    def generate_token(self) -> Tokens:
        """A new access + refresh token pair (with the key and secret, or the jwtPrivateKey)."""
        path = "/api/v1/Authorization/GenerateJwtToken"
        if not (self._key and self._secret) and not self._private_key:
            raise PhotoshootError(
                "no credentials: give api_key and api_secret, or jwt_private_key "
                "(PHOTOSHOOT_API_KEY and PHOTOSHOOT_API_SECRET for the CLI)"
            )
        if self._private_key:
            body = {"applicationId": self.application_id, "jwtPrivateKey": self._private_key}
            tokens = self._json("POST", path, authenticated=False, json=body)
        else:
            headers = {"x-api-key": self._key or "", "x-api-secret": self._secret or ""}
            tokens = self._json("POST", path, authenticated=False, json={}, headers=headers)
        self._tokens = cast(Tokens, tokens)
        return self._tokens

    def refresh_token(self) -> Tokens:
        """The pair rotated with the refresh token (the old refresh token stops working)."""
        if self._tokens is None:
            return self.generate_token()
        body = {"refreshToken": self._tokens["refreshToken"]}
        self._tokens = cast(
            Tokens,
            self._json("POST", "/api/v1/Authorization/RefreshJwtToken", authenticated=False, json=body),
        )
        return self._tokens

    def access_token(self) -> str:
        """A valid access token: the current one, refreshed near its end, or a new pair."""
        now = datetime.now(UTC)
        if self._tokens is None or _when(self._tokens["refreshTokenExpiration"]) - REFRESH_BEFORE <= now:
            return self.generate_token()["accessToken"]
        if _when(self._tokens["accessTokenExpiration"]) - REFRESH_BEFORE <= now:
            try:
                self.refresh_token()
            except ApiError as error:
                if error.status != 401:
                    raise
                self.generate_token()  # the refresh token was refused: start again from the credentials
        return self._tokens["accessToken"] if self._tokens else self.generate_token()["accessToken"]

    # --- presets and recommendations -------------------------------------------------------------------

    def presets(self, category: str | None = None) -> list[Preset]:
        params = {"category": category} if category else {}
        return cast(
            list[Preset],
            self._json("GET", f"{PRODUCT_GENERATION}/PresetKeys", authenticated=False, params=params),
        )

    def preset_preview(self, preset_id: str) -> bytes:
        """A preset's preview image (WebP)."""
        return self.request("GET", f"/assets/ai-product-preset/{preset_id}.webp", authenticated=False).content

    def recommend(self, photo: Photo, *, user_id: str | None = None, wait: float = 600.0) -> Recommendation:
        """Background removal and analysis of a product photo: its name, description, cut-out asset,
        4 prompts and 6 presets. Where the service answers 202 (still working), it is asked again until
        done or `wait` seconds have passed."""
        name, content = _read(photo)
        form = {"applicationId": self.application_id, **({"userId": user_id} if user_id else {})}
        response = self.request(
            "POST",
            f"{PRODUCT_GENERATION}/Recommendations",
            data=form,
            files={"productImage": (name, content)},
        )
        deadline = time.monotonic() + wait
        while response.status_code == 202:
            if time.monotonic() > deadline:
                raise PhotoshootError(f"the recommendation was not ready within {wait:.0f} s")
            self.sleep(1.0)
            location = response.headers.get("Location") or (
                f"{PRODUCT_GENERATION}/Recommendations/{response.json()['recommendationId']}"
            )
            response = self.request("GET", location.removeprefix(self.url))
        return cast(Recommendation, response.json())

    def recommendation(self, recommendation_id: str) -> Recommendation | dict[str, str]:
        """A recommendation by id: its body once done, `{"recommendationId", "status": "Processing"}` before."""
        return cast(
            Recommendation, self._json("GET", f"{PRODUCT_GENERATION}/Recommendations/{recommendation_id}")
        )

    def asset(self, asset_id: str) -> bytes:
        """An asset of the application: an uploaded photo or a cut-out (PNG with alpha)."""
        return self.request("GET", f"/api/v1/Image/Assets/{asset_id}").content

    # --- creatives -------------------------------------------------------------------------------------

    def ad_creative(
        self,
        product: str | Recommendation,
        prompts: Sequence[PromptObject | str],
        *,
        product_name: str | None = None,
        product_description: str | None = None,
        disable_safe_margin: bool = False,
        use_same_style: bool = True,
        seed: int | None = None,
        negative_prompt: str | None = None,
        fine_tune_id: str | None = None,
        user_id: str | None = None,
        idempotency_key: str | None = None,
        relight: bool = False,
        output_formats: Sequence[str] | str | None = None,
    ) -> Process:
        """Render 1-6 creatives of a cut-out: `product` is its asset id or the recommendation that made it
        (whose name and description are then used unless given); a prompt given as a string is a preset id.
        `relight` (this service's extension, sent only when true) lights the product with each scene's light.
        `output_formats` (an extension, sent only when given) renders each creative in 1-8 placements,
        named ("square", "story", ...) or "<W>x<H>"; the service checks them (a bad one is a
        ValidationError on `outputFormats`). Without it, the contract's one format (DisableSafeMargin's)."""
        info = cast(Mapping[str, str], {} if isinstance(product, str) else product.get("productInfo", {}))
        form: dict[str, Any] = {
            "applicationId": self.application_id,
            "renderKind": "4",
            "productImageAssetId": _id(product, "backgroundRemovedImageAssetId"),
            "PromptObjectsString": json.dumps([preset(p) if isinstance(p, str) else p for p in prompts]),
            "productName": info.get("productName", "") if product_name is None else product_name,
            "productDescription": (
                info.get("productDescription", "") if product_description is None else product_description
            ),
            "DisableSafeMargin": "true" if disable_safe_margin else "false",
            "UseSameStyleReferenceImage": "true" if use_same_style else "false",
        }
        optional = {
            "seed": seed,
            "negativePrompt": negative_prompt,
            "fineTuneId": fine_tune_id,
            "userId": user_id,
            "relight": "true" if relight else None,
            "outputFormats": None if output_formats is None else json.dumps(_names(output_formats)),
        }
        form.update({k: str(v) for k, v in optional.items() if v is not None})
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        # multipart, as the public curl example sends it
        files = {key: (None, value) for key, value in form.items()}
        return cast(
            Process, self._json("POST", f"{PRODUCT_GENERATION}/AdCreative", files=files, headers=headers)
        )

    def progress(
        self,
        process: str | Mapping[str, Any] | None = None,
        *,
        user_id: str | None = None,
        limit: int | None = None,
    ) -> Progress:
        """CheckUserProgress: the application's processes newest first, or one process."""
        params: dict[str, Any] = {"applicationId": self.application_id}
        if process is not None:
            params["imageProductGeneratorProcessId"] = _id(process, "imageProductGeneratorProcessId")
        params.update({k: v for k, v in (("userId", user_id), ("limit", limit)) if v is not None})
        return cast(Progress, self._json("GET", f"{PRODUCT_GENERATION}/CheckUserProgress", params=params))

    def all_progresses(self, *, limit: int | None = None, cursor: str | None = None) -> Progress:
        """CheckApplicationAllProgresses: every user's processes, a page at a time (`nextCursor`)."""
        params = self._page(limit, cursor)
        return cast(
            Progress, self._json("GET", f"{PRODUCT_GENERATION}/CheckApplicationAllProgresses", params=params)
        )

    def process(self, process: str | Mapping[str, Any]) -> Process:
        """One process as CheckUserProgress shows it."""
        found = self.progress(process)["processes"]
        if not found:
            raise PhotoshootError(f"process {_id(process, 'imageProductGeneratorProcessId')} was not found")
        return found[0]

    def wait(
        self,
        process: str | Mapping[str, Any],
        *,
        on_update: Callable[[Process], None] | None = None,
        interval: float = 1.0,
        timeout: float = 1800.0,
    ) -> Process:
        """Poll a process until every task is Completed, Failed or Cancelled; `on_update` sees each poll."""
        deadline = time.monotonic() + timeout
        while True:
            current = self.process(process)
            if on_update is not None:
                on_update(current)
            if current["tasks"] and all(t["renderState"] in FINISHED for t in current["tasks"]):
                return current
            if time.monotonic() > deadline:
                raise PhotoshootError(
                    f"process {current['imageProductGeneratorProcessId']} did not finish within {timeout:.0f} s"
                )
            self.sleep(interval)

    def cancel(self, process: str | Mapping[str, Any]) -> Any:
        """Cancel the tasks of a process not yet completed."""
        form = {
            "applicationId": self.application_id,
            "imageProductGeneratorProcessId": _id(process, "imageProductGeneratorProcessId"),
        }
        return self._json("POST", f"{PRODUCT_GENERATION}/Cancel", data=form)

    def download(
        self,
        task: str | Mapping[str, Any],
        *,
        process: str | Mapping[str, Any],
        format: Format = "png",
        low_resolution: bool = False,
        output_format: str | None = None,
    ) -> Download:
        """A finished task's creative (the first download of a task costs 1 credit; later ones are free).
        `output_format` (an extension, sent only when given) picks one of the task's `formats` by name or
        "<W>x<H>"; without it, the task's first. One the task did not render is a 404 BusinessError."""
        if format not in FORMATS:
            raise PhotoshootError(f"format {format!r}: use png, jpeg or pdf")
        params = {
            "applicationId": self.application_id,
            "taskId": _id(task, "taskId"),
            "imageProductGeneratorProcessId": _id(process, "imageProductGeneratorProcessId"),
            "lowResolution": "true" if low_resolution else "false",
            "format": FORMATS[format],
        }
        if output_format is not None:
            params["outputFormat"] = output_format
        response = self.request("GET", f"{PRODUCT_GENERATION}/Download", params=params)
        disposition = response.headers.get("Content-Disposition", "")
        stem = f"{params['taskId']}" + (f"-{output_format}" if output_format else "")
        filename = (
            disposition.partition('filename="')[2].rstrip('"') or f"{stem}.{EXTENSIONS[FORMATS[format]]}"
        )
        return Download(response.content, filename, response.headers.get("Content-Type", ""))

    def credits(self, *, limit: int | None = None, cursor: str | None = None) -> Credits:
        params = self._page(limit, cursor)
        return cast(Credits, self._json("GET", "/api/v1/Credits", params=params))

    # --- notification channels -------------------------------------------------------------------------

    def channels(self) -> list[NotificationChannel]:
        return cast(list[NotificationChannel], self._json("GET", "/api/v1/NotificationChannel"))

    def create_channel(self, channel: Mapping[str, Any]) -> NotificationChannel:
        """A webhook (`{"type": "Webhook", "url"}`) or RabbitMQ channel; the answer holds `signingSecret` once."""
        return cast(
            NotificationChannel, self._json("POST", "/api/v1/NotificationChannel", json=dict(channel))
        )

    def channel(self, channel_id: str) -> NotificationChannel:
        return cast(NotificationChannel, self._json("GET", f"/api/v1/NotificationChannel/{channel_id}"))

    def update_channel(self, channel_id: str, changes: Mapping[str, Any]) -> NotificationChannel:
        return cast(
            NotificationChannel,
            self._json("PATCH", f"/api/v1/NotificationChannel/{channel_id}", json=dict(changes)),
        )

    def delete_channel(self, channel_id: str) -> None:
        self.request("DELETE", f"/api/v1/NotificationChannel/{channel_id}")

    def test_channel(self, channel_id: str) -> dict[str, Any]:
        """Send a test message now: `success`, `statusCode`, `latencyMs`, `error`."""
        return cast(
            dict[str, Any], self._json("POST", f"/api/v1/NotificationChannel/{channel_id}/Test", json={})
        )

    # --- fine-tunes ------------------------------------------------------------------------------------

    def create_fine_tune(
        self,
        *,
        asset_ids: Iterable[str] | None = None,
        photos_zip: str | Path | bytes | None = None,
        name: str | None = None,
        steps: int | None = None,
        rank: int | None = None,
        learning_rate: float | None = None,
        seed: int | None = None,
        user_id: str | None = None,
    ) -> FineTune:
        """Start a fine-tune on the application's assets (uploads or cut-outs) or on a zip of photos."""
        if (asset_ids is None) == (photos_zip is None):
            raise PhotoshootError("give asset_ids or photos_zip, one of them")
        fields = {"applicationId": self.application_id, "name": name, "steps": steps, "rank": rank,
                  "learningRate": learning_rate, "seed": seed, "userId": user_id}  # fmt: skip
        files: dict[str, Any] = {k: (None, str(v)) for k, v in fields.items() if v is not None}
        if asset_ids is not None:
            files["assetIds"] = (None, json.dumps(list(asset_ids)))
        else:
            zip_name, content = _read(cast(Photo, photos_zip))
            files["photos"] = (
                zip_name if zip_name.endswith(".zip") else "photos.zip",
                content,
                "application/zip",
            )
        return cast(FineTune, self._json("POST", "/api/v1/FineTune", files=files))

    def fine_tunes(self, *, limit: int | None = None, cursor: str | None = None) -> dict[str, Any]:
        params = self._page(limit, cursor)
        return cast(dict[str, Any], self._json("GET", "/api/v1/FineTune", params=params))

    def fine_tune(self, fine_tune_id: str) -> FineTune:
        return cast(FineTune, self._json("GET", f"/api/v1/FineTune/{fine_tune_id}"))

    def cancel_fine_tune(self, fine_tune_id: str) -> FineTune:
        return cast(FineTune, self._json("POST", f"/api/v1/FineTune/{fine_tune_id}/Cancel", json={}))
