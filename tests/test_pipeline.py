"""The Recommendations pipeline on the worker side: cut-out and analysis of real and drawn photos."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import presets
from tests.conftest import photo_bytes
from tests.drawing import bottle_photo, encode
from workers import models
from workers.analysis import analyse
from workers.cutout import _border, _upscaled, clean_mask, cut_out, decontaminate
from workers.imaging import ImageRejected, open_product_image
from workers.recommend import PhotoAnalysis, PipelineSettings, recommend_from_photo
from workers.render.layout import FrameCut, frame_cut

# Below the confidence line (workers.naming.CONFIDENT) a name steps up to its department, or to "product":
# the classifier's mass for these products' kinds is low (backpack 0.06, can 0.31, teapot 0.38, vase 0.09).
EXPECTED_NAMES = {
    "backpack_00.jpg": "product",  # backpack is only the classifier's second guess, after velvet fabric
    "bear_plushie_00.jpg": "teddy bear",
    "can_01.jpg": "drink",  # a beverage can by its neckless silhouette, not sure enough to say so
    "clock_00.jpg": "alarm clock",
    "teapot_00.jpg": "tableware",
    "vase_00.jpg": "product",  # ImageNet's table lamp, with a neck where a lampshade would be: unsure
}


@pytest.fixture(scope="module")
def settings_for_pipeline(u2net_home: str) -> PipelineSettings:
    return PipelineSettings(max_pixels=40_000_000, rembg_model="u2netp", u2net_home=u2net_home)


def run(data: bytes, settings: PipelineSettings) -> PhotoAnalysis:
    return recommend_from_photo(data, presets.load_catalog(), settings)


def assert_clean_cutout(cutout: Image.Image) -> None:
    assert cutout.mode == "RGBA"
    alpha = np.asarray(cutout.getchannel("A"))
    assert alpha.max() == 255 and alpha.min() == 0
    border = np.concatenate([alpha[0], alpha[-1], alpha[:, 0], alpha[:, -1]])
    assert (border < 128).mean() > 0.5, "the crop leaves a margin of background around the product"
    assert (alpha > 127).mean() > 0.15, "the crop is tight around the product"


def assert_recommendation_shape(outcome: PhotoAnalysis) -> None:
    catalog = presets.load_catalog()
    recommendation = outcome.recommendation
    assert len(recommendation.prompts) == 4 and len(set(recommendation.prompts)) == 4
    assert all(prompt and "{" not in prompt for prompt in recommendation.prompts)
    assert len(recommendation.preset_ids) == 6 and len(set(recommendation.preset_ids)) == 6
    assert set(recommendation.preset_ids) <= set(catalog)
    product = recommendation.product
    assert product.name and product.description.endswith(".") and product.colours


@pytest.mark.parametrize("photo", sorted(EXPECTED_NAMES))
def test_it_names_each_sample_photo(photo: str, settings_for_pipeline: PipelineSettings) -> None:
    outcome = run(photo_bytes(photo), settings_for_pipeline)
    assert outcome.recommendation.product.name == EXPECTED_NAMES[photo]
    assert_clean_cutout(outcome.cutout.image)
    assert_recommendation_shape(outcome)


def test_it_gives_the_same_answer_for_the_same_photo(settings_for_pipeline: PipelineSettings) -> None:
    data = photo_bytes("teapot_00.jpg")
    first, second = run(data, settings_for_pipeline), run(data, settings_for_pipeline)
    assert first.recommendation == second.recommendation
    assert np.array_equal(np.asarray(first.cutout.image), np.asarray(second.cutout.image))


def test_it_cuts_out_a_drawn_bottle_and_keeps_its_pixels(settings_for_pipeline: PipelineSettings) -> None:
    photo = bottle_photo()
    outcome = run(encode(photo, "PNG"), settings_for_pipeline)
    assert_clean_cutout(outcome.cutout.image)
    assert_recommendation_shape(outcome)
    left, top, right, bottom = outcome.cutout.box
    assert (left, right) == pytest.approx((195, 445), abs=12) and (top, bottom) == pytest.approx(
        (66, 735), abs=12
    )
    # Inside the product the cut-out carries the photo's own pixels, untouched.
    cut = np.asarray(outcome.cutout.image).astype(int)
    original = np.asarray(photo.crop(outcome.cutout.box)).astype(int)
    opaque = cut[..., 3] == 255
    assert np.abs(cut[..., :3][opaque] - original[opaque]).max() == 0
    assert outcome.recommendation.product.colours[0].name in ("red", "crimson")


def test_a_product_cut_by_the_photo_frame_touches_that_edge_of_its_cut_out(u2net_home: str) -> None:
    session = models.rembg_session("u2netp", u2net_home)
    photo = bottle_photo()
    cut_at_the_bottom = photo.crop((0, 0, photo.width, int(photo.height * 0.7)))  # through the bottle's body
    alpha = np.asarray(cut_out(cut_at_the_bottom, session).image.getchannel("A"))
    assert frame_cut(alpha) == FrameCut(bottom=True)
    assert frame_cut(np.asarray(cut_out(photo, session).image.getchannel("A"))) == FrameCut()


def test_an_upload_already_cut_out_tight_gets_a_margin_not_a_frame_cut(u2net_home: str) -> None:
    session = models.rembg_session("u2netp", u2net_home)
    first = cut_out(bottle_photo(), session).image
    tight = first.crop(first.getchannel("A").point(lambda a: 255 * (a > 127)).getbbox())  # a tight packshot
    assert frame_cut(np.asarray(tight.getchannel("A"))) == FrameCut(top=True, bottom=True)
    cutout = cut_out(tight, session)
    again = np.asarray(cutout.image.getchannel("A"))
    assert frame_cut(again) == FrameCut()
    assert again[0].max() == again[-1].max() == again[:, 0].max() == again[:, -1].max() == 0
    left, top, right, bottom = cutout.box  # the box reaches past the upload, and still says where the crop is
    assert left < 0 and top < 0 and right > tight.width and bottom > tight.height
    assert cutout.image.size == (right - left, bottom - top)
    inside = np.asarray(tight.crop(cutout.box))
    opaque = again == 255
    assert (np.asarray(cutout.image)[..., :3][opaque] == inside[..., :3][opaque]).all()


def test_a_rounded_corner_does_not_make_a_photo_a_cut_out(u2net_home: str) -> None:
    session = models.rembg_session("u2netp", u2net_home)
    photo = bottle_photo().convert("RGBA")
    photo = photo.crop((0, 0, photo.width, int(photo.height * 0.7)))  # the frame cuts the bottle
    corners = np.asarray(photo).copy()
    corners[:12, :12, 3] = 0  # one rounded corner's worth of transparency
    alpha = np.asarray(cut_out(Image.fromarray(corners, "RGBA"), session).image.getchannel("A"))
    assert frame_cut(alpha) == FrameCut(bottom=True)


def test_it_finds_no_product_in_an_empty_photo(settings_for_pipeline: PipelineSettings) -> None:
    blank = encode(Image.new("RGB", (400, 400), (128, 128, 128)), "PNG")
    with pytest.raises(ImageRejected) as caught:
        run(blank, settings_for_pipeline)
    assert caught.value.code == "no_object"


def test_it_drops_stray_blobs_and_fills_pinholes() -> None:
    mask = np.zeros((200, 200), dtype=np.uint8)
    mask[50:150, 50:150] = 255  # the product
    mask[100, 100] = 0  # a pin-hole in it
    mask[10:14, 180:184] = 255  # a speck of background the model kept
    alpha = clean_mask(mask)
    assert alpha[100, 100] == 1.0
    assert alpha[12, 182] == 0.0
    assert alpha[60:140, 60:140].min() == 1.0


def test_it_leaves_no_halo_of_the_old_background_on_the_edge() -> None:
    # A red product on a green backdrop, with the soft edge where the photo mixes the two.
    yy, xx = np.mgrid[0:120, 0:160]
    distance = np.hypot(yy - 60, xx - 80) - 40  # negative inside the disc
    alpha = np.clip(0.5 - distance / 6, 0, 1)
    rgb = alpha[..., None] * np.array([200, 30, 40]) + (1 - alpha[..., None]) * np.array([20, 180, 40])
    rgb = rgb.astype(np.uint8)
    alpha8 = (alpha * 255 + 0.5).astype(np.uint8)
    cleaned = decontaminate(rgb, alpha8)
    opaque, edge = alpha8 == 255, (alpha8 > 0) & (alpha8 < 242)
    assert (cleaned[opaque] == rgb[opaque]).all()  # the product's own pixels untouched
    assert rgb[edge][:, 1].mean() > 80  # the photo's edge pixels carry the green backdrop ...
    assert cleaned[edge][:, 1].max() < 45 and cleaned[edge][:, 0].min() > 170  # ... the cut-out's do not


@pytest.mark.parametrize("size", [(1, 1), (1, 5), (3, 4), (7, 3), (64, 41)])
def test_edges_of_any_size_are_cleaned_and_the_opaque_pixels_kept(size: tuple[int, int]) -> None:
    rng = np.random.default_rng(size[0] * 100 + size[1])
    rgb = rng.integers(0, 256, (*size, 3), dtype=np.uint8)
    alpha = rng.choice(np.array([0, 120, 255], dtype=np.uint8), size)
    cleaned = decontaminate(rgb, alpha)
    assert cleaned.shape == rgb.shape and cleaned.dtype == np.uint8
    assert (cleaned[alpha != 120] == rgb[alpha != 120]).all()  # only see-through pixels change


def test_the_mask_is_brought_to_full_size_only_around_the_product() -> None:
    small = np.zeros((200, 160), dtype=np.uint8)
    small[60:120, 30:90] = 255
    small[70:75, 40:45] = 90  # a soft patch
    mask = Image.fromarray(small, "L")
    full = mask.resize((641, 802), Image.Resampling.BILINEAR)
    region, (left, top) = _upscaled(mask, full.size)
    same = np.asarray(full.crop((left, top, left + region.width, top + region.height))).astype(int)
    assert np.abs(same - np.asarray(region)).max() <= 1  # the same pixels, to rounding
    outside = np.asarray(full).copy()
    outside[top : top + region.height, left : left + region.width] = 0
    assert outside.max() == 0  # nothing of the product outside the region
    assert region.width < full.width / 2


@pytest.mark.parametrize(
    ("height", "width", "band"), [(512, 384, 10), (5, 7, 2), (4, 9, 3), (1, 1, 2), (3, 3, 2)]
)
def test_the_backdrop_is_fitted_to_every_border_pixel_once(height: int, width: int, band: int) -> None:
    expected = np.zeros((height, width), dtype=bool)
    expected[:band], expected[-band:], expected[:, :band], expected[:, -band:] = True, True, True, True
    counted = np.zeros((height, width), dtype=int)
    np.add.at(counted, _border(height, width, band), 1)
    assert (counted == expected).all()


def test_it_reuses_one_session_per_process(u2net_home: str) -> None:
    first = models.rembg_session("u2netp", u2net_home)
    assert models.rembg_session("u2netp", u2net_home) is first
    photo = open_product_image(encode(bottle_photo((320, 400)), "PNG"), 40_000_000)
    assert cut_out(photo, first).image.mode == "RGBA"


def test_it_lets_a_captioning_model_write_the_description(
    settings_for_pipeline: PipelineSettings, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from dataclasses import replace

    from tests.tiny_models import WORDS, tiny_blip

    folder = tiny_blip(tmp_path_factory.mktemp("blip"))
    photo = encode(bottle_photo(), "PNG")
    captioned = run(photo, replace(settings_for_pipeline, caption_model=str(folder))).recommendation.product
    description = captioned.description
    words = description.rstrip(".").lower().split()
    assert description.endswith(".") and words and set(words) <= set(WORDS)
    assert models.captioner(str(folder)) is models.captioner(str(folder))  # loaded once per process


def test_a_caption_names_the_product_in_place_of_the_classifier(u2net_home: str) -> None:
    """The analysis with the real classifier and encoder, and a captioner that says what a real one would."""
    session = models.rembg_session("u2netp", u2net_home)
    cutout = cut_out(bottle_photo(), session).image
    catalog = presets.load_catalog()
    plain = analyse(cutout, catalog, models.classifier(), models.text_encoder()).product
    captioned = analyse(
        cutout,
        catalog,
        models.classifier(),
        models.text_encoder(),
        lambda image: "a red vase on a white table",
    ).product
    assert plain.name != "vase"
    assert (captioned.name, captioned.category, captioned.material) == ("vase", "home", "ceramic")
    assert captioned.description == "A red vase on a white table."
