"""AdCreative's `relight` (off by default): the product takes the scene's light only where the user asks; without
it the product's own pixels are the cut-out's, bit for bit. Its alpha is never touched."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from django.test import Client
from PIL import Image
from scipy import ndimage

import presets
from adcreative.creatives.models import Process, Task
from adcreative.creatives.rendering import job_of
from tests.conftest import Tenant
from tests.drawing import drawn_cutout, product_fidelity
from tests.helpers import ad_creative, cutout_asset
from workers.render.compose import Creative, compose
from workers.render.diffusion import restore_product
from workers.render.engines import SceneJob, StudioEngine
from workers.render.relight import dome_normals, relight

CATALOG = presets.load_catalog()
SMALL = (560, 210)  # a small canvas: the product about 80 x 110 pixels
WARM, COOL = (0.92, 0.62, 0.32), (0.25, 0.42, 0.85)


def grey_product(size: tuple[int, int] = (60, 120), level: int = 128) -> Image.Image:
    """A flat grey upright product with soft edges: whatever colour it takes is the light's."""
    width, height = size
    y, x = np.mgrid[0:height, 0:width]
    body = (np.abs(x - width / 2) < width * 0.4) & (y > height * 0.05) & (y < height * 0.95)
    alpha = np.asarray(Image.fromarray(body.astype(np.uint8) * 255).resize(size, Image.Resampling.BOX))
    return Image.fromarray(np.dstack([np.full((height, width, 3), level, np.uint8), alpha]), "RGBA")


def lit(product: Image.Image, colour: tuple[float, float, float], **scene: str) -> np.ndarray:
    """The product relit in a room of one colour (`scene` changes the white studio's light)."""
    background = np.ones((200, 200, 3), np.float32) * np.array(colour, np.float32)
    setting = replace(CATALOG["white_background"].scene, **{"gel": "", **scene})  # type: ignore[arg-type]
    return np.asarray(relight(product, background, (70, 40), setting), np.float32)


def inside(product: Image.Image) -> np.ndarray:
    return np.asarray(np.asarray(product.getchannel("A")) == 255)


def test_without_relight_the_products_pixels_are_the_cut_outs_bit_for_bit() -> None:
    scene = CATALOG["gold_luxury"].scene
    default = compose(drawn_cutout(), scene, SMALL, seed=2)
    off = compose(drawn_cutout(), scene, SMALL, seed=2, relight=False)
    assert np.array_equal(np.asarray(default.image), np.asarray(off.image))
    assert product_fidelity(off.image, off.product, off.placement.left, off.placement.top) == 0.0


def _warmth(creative: Creative) -> float:
    """How much redder than blue the product's opaque pixels are in the creative."""
    spot = creative.placement
    region = np.asarray(creative.image)[spot.top : spot.bottom, spot.left : spot.left + spot.width]
    pixels = region[inside(creative.product)].astype(np.float32)
    return float((pixels[:, 0] - pixels[:, 2]).mean())


def test_relight_moves_the_product_towards_the_scenes_light() -> None:
    scene = CATALOG["gold_luxury"].scene  # a warm gold set
    off = compose(drawn_cutout(), scene, SMALL, seed=2)
    on = compose(drawn_cutout(), scene, SMALL, seed=2, relight=True)
    assert product_fidelity(on.image, on.product, on.placement.left, on.placement.top) > 2
    assert _warmth(on) > _warmth(off) + 3
    assert on.image.size == SMALL and on.placement == off.placement


def test_the_cast_is_the_rooms_white_balance() -> None:
    product = grey_product()
    body = inside(product)
    warm, cool, grey = (lit(product, colour)[body] for colour in (WARM, COOL, (0.7, 0.7, 0.7)))
    assert (warm[:, 0] - warm[:, 2]).mean() > 8  # warm in a warm room
    assert (cool[:, 2] - cool[:, 0]).mean() > 8  # cool blue at night
    assert abs((grey[:, 0] - grey[:, 2]).mean()) < 1  # a grey room casts nothing


def test_relight_never_touches_the_alpha() -> None:
    scene = replace(CATALOG["neon_city_night_bokeh"].scene, light_direction="back")
    for product in (drawn_cutout(), grey_product()):
        relit = relight(product, np.full((500, 600, 3), 0.4, np.float32), (20, 30), scene)
        assert relit.mode == "RGBA" and relit.size == product.size
        assert np.array_equal(np.asarray(relit.getchannel("A")), np.asarray(product.getchannel("A")))
    creative = compose(drawn_cutout(), scene, SMALL, seed=1, relight=True)
    spot = creative.placement
    assert np.array_equal(
        np.asarray(creative.product.getchannel("A")),
        np.asarray(
            drawn_cutout().resize((spot.width, spot.height), Image.Resampling.LANCZOS).getchannel("A")
        ),
    )


@pytest.mark.parametrize(("direction", "lit_side"), [("left", 0), ("right", 1)])
def test_the_side_facing_the_key_light_is_the_brighter(direction: str, lit_side: int) -> None:
    product = grey_product()
    body = inside(product)
    relit = lit(product, (0.8, 0.8, 0.8), light_direction=direction).mean(axis=-1)
    half = product.width // 2
    halves = [relit[:, :half][body[:, :half]].mean(), relit[:, half:][body[:, half:]].mean()]
    assert halves[lit_side] > halves[1 - lit_side] + 4


def test_whites_keep_their_detail() -> None:
    rng = np.random.default_rng(0)
    product = grey_product(level=0)
    pixels = np.asarray(product).copy()
    pixels[..., :3] = rng.integers(232, 251, pixels.shape[:2])[..., None]  # a white label's fine texture
    white = Image.fromarray(pixels, "RGBA")
    body = inside(white)
    relit = lit(white, (1.0, 0.95, 0.85), light_direction="left")[..., :3][body]
    assert relit.max() < 255, "a white under 255 stays under it"
    assert relit.std(axis=0).min() > 0.5 * pixels[..., :3][body].astype(np.float32).std(axis=0).min()


def test_a_gel_rims_the_silhouette_in_its_colour() -> None:
    product = grey_product((80, 120))
    body = inside(product)
    relit = lit(product, (0.3, 0.3, 0.3), gel="#ff2020", light_direction="back")
    redness = relit[..., 0] - relit[..., 1]
    edge = body & ~ndimage.binary_erosion(body, iterations=2)  # its outermost pixels
    assert redness[edge].mean() > redness[body & ~edge].mean() + 6


def test_the_floor_bounces_its_colour_onto_the_products_base() -> None:
    product = grey_product()
    body = inside(product)
    background = np.full((200, 200, 3), 0.6, np.float32)
    background[40 + 114 :] = (0.2, 0.8, 0.2)  # a green floor from just below the product's base
    relit = np.asarray(relight(product, background, (70, 40), CATALOG["white_background"].scene), np.float32)
    greenness = relit[..., 1] - relit[..., 0]
    rows = np.flatnonzero(body.any(axis=1))
    base, top = body.copy(), body.copy()
    base[: rows[-1] - 10], top[rows[0] + 30 :] = False, False
    assert greenness[base].mean() > greenness[top].mean() + 3


def test_the_dome_faces_the_camera_in_the_middle_and_turns_at_the_sides() -> None:
    normals = dome_normals(inside(grey_product((60, 120))))
    row = normals[60]
    assert row[30, 2] > 0.95 and abs(row[30, 0]) < 0.1
    assert row[8, 0] < -0.6 and row[51, 0] > 0.6  # the left side faces left, the right side right
    assert np.allclose(np.linalg.norm(normals, axis=-1), 1.0, atol=1e-3)


def test_the_studio_engine_relights_only_a_job_that_asks() -> None:
    scene = CATALOG["gold_luxury"].scene
    job = SceneJob(drawn_cutout(), scene, list(scene.palette), True, 4)
    plain, relit = StudioEngine().render([job, replace(job, relight=True)])
    spot = plain.placement
    assert product_fidelity(plain.image, plain.product, spot.left, spot.top) == 0.0
    assert product_fidelity(relit.image, relit.product, spot.left, spot.top) > 2


def test_the_diffusion_engine_relights_the_product_in_the_scene_it_painted() -> None:
    creative = compose(drawn_cutout(), CATALOG["white_background"].scene, SMALL, seed=2)
    painted = Image.new("RGB", SMALL, (235, 160, 80))  # the model painted a warm room
    plain = restore_product(painted, creative)
    relit = restore_product(painted, creative, relight_in=CATALOG["white_background"].scene)
    spot = creative.placement
    assert product_fidelity(plain, creative.product, spot.left, spot.top) == 0.0
    assert (
        _warmth(Creative(relit, spot, creative.product))
        > _warmth(Creative(plain, spot, creative.product)) + 3
    )


@pytest.mark.django_db
def test_the_form_reads_relight_strictly_and_the_worker_gets_it(client: Client, tenant: Tenant) -> None:
    asset = str(cutout_asset(tenant).id)
    prompts = [{"tag": "preset", "preset": "white_background"}]
    refused = ad_creative(client, tenant, asset, prompts, relight="maybe")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"relight": ["The value 'maybe' is not valid."]}
    assert refused.json()["title"] == "One or more validation errors occurred."
    asked = ad_creative(client, tenant, asset, prompts, relight="True")
    unasked = ad_creative(client, tenant, asset, prompts)
    assert asked.status_code == unasked.status_code == 200
    for answer, wanted in ((asked, True), (unasked, False)):
        process = Process.objects.get(id=answer.json()["imageProductGeneratorProcessId"])
        assert process.relight is wanted
        assert job_of(Task.objects.get(process=process)).relight is wanted
    # The same Idempotency-Key with and without relight is a different request.
    first = ad_creative(client, tenant, asset, prompts, **{"Idempotency-Key": "k1"})
    again = ad_creative(client, tenant, asset, prompts, relight="true", **{"Idempotency-Key": "k1"})
    assert first.status_code == 200 and again.status_code == 409
