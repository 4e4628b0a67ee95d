"""Every ad placement from one shoot: the formats a request may name, each creative laid out anew for its
format's shape around the product's own pixels, and the layout (product box, text zones, crop windows)
that tells the client where its copy goes."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from PIL import Image

import presets
from tests.drawing import drawn_cutout, product_fidelity
from workers.render.compose import Creative, placed, render_format
from workers.render.engines import SceneJob, StudioEngine
from workers.render.formats import (
    MAX_FORMATS,
    NAMED,
    OutputFormat,
    default_formats,
    output_format,
    output_formats,
)
from workers.render.job import RenderJob, run_batch, run_formats, scene_jobs
from workers.render.layout import LAYOUTS, FrameCut, frame_cut, place, place_format
from workers.render.layout_meta import Box, crop_windows, free_zones, layout_of, text_colour
from workers.render.props import prop_models
from workers.render.studio import render_background

SCENE = replace(presets.load_catalog()["light_grey_background"].scene, props=("lemon", "leaf"))
SEED = 4


@pytest.fixture(scope="module")
def creatives() -> dict[str, tuple[Creative, dict[str, Any]]]:
    """The drawn product in every named format of one scene and seed, with each one's layout."""
    cutout = drawn_cutout()
    shots = {}
    for name in NAMED:
        fmt = output_format(name)
        creative = render_format(cutout, SCENE, list(SCENE.palette), fmt, SEED)
        shots[name] = (creative, layout_of(creative, fmt))
    return shots


def test_named_formats_and_sizes_are_read_leniently_and_one_size_has_one_name() -> None:
    assert output_format("square") == OutputFormat("square", 1080, 1080)
    assert output_format(" Story ") == OutputFormat("story", 1080, 1920)
    assert output_format("1080X1080") == output_format("1080x1080") == output_format("square")
    assert output_format("1920x1080") == OutputFormat("1920x1080", 1920, 1080)
    assert output_format("landscape_safe").safe_margin and not output_format("landscape").safe_margin
    assert [f.name for f in default_formats(False)] == ["landscape_safe"]
    assert [f.name for f in default_formats(True)] == ["landscape"]
    assert [f.name for f in output_formats(["story", "300x250", "64x64"])] == [
        "story",
        "banner_300x250",
        "64x64",
    ]


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["billboard"], "Unknown format 'billboard'"),
        (["1080x"], "Unknown format"),
        (["-5x100"], "Unknown format"),
        (["10x10"], "too small: each side must be at least 64"),
        (["5000x100"], "too large: no side may exceed 4096"),
        (["3000x2000"], "at most 4,194,304 pixels"),
        ([], "at least one format"),
        ("square", "at least one format"),  # a bare string is no list of names
        (["square", "square"], "named twice"),
        (["square", "1080x1080"], "named twice"),
        ([f"{100 + i}x100" for i in range(MAX_FORMATS + 1)], f"At most {MAX_FORMATS} formats"),
    ],
)
def test_a_bad_list_of_formats_is_refused_with_a_message_for_the_client(names: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        output_formats(names)


@pytest.mark.parametrize("name", list(NAMED))
def test_every_named_format_renders_at_its_exact_size_around_the_products_own_pixels(
    creatives: dict[str, tuple[Creative, dict[str, Any]]], name: str
) -> None:
    creative, _ = creatives[name]
    assert creative.image.size == NAMED[name] and creative.image.mode == "RGB"
    spot = creative.placement
    assert spot.left >= 0 and spot.left + spot.width <= NAMED[name][0]
    assert spot.top >= 0 and spot.bottom <= NAMED[name][1]
    assert product_fidelity(creative.image, creative.product, spot.left, spot.top) == 0.0
    assert abs(spot.width / spot.height - 300 / 420) < 0.05  # never distorted


@pytest.mark.parametrize("name", list(NAMED))
def test_the_product_box_is_the_products_alpha_as_pasted(
    creatives: dict[str, tuple[Creative, dict[str, Any]]], name: str
) -> None:
    creative, layout = creatives[name]
    alpha = np.zeros(creative.image.size[::-1], bool)
    spot = creative.placement
    alpha[spot.top : spot.bottom, spot.left : spot.left + spot.width] = (
        np.asarray(creative.product.getchannel("A")) > 127
    )
    rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    box = layout["productBox"]
    assert (box["x"], box["y"]) == (cols[0], rows[0])
    assert (box["width"], box["height"]) == (cols[-1] + 1 - cols[0], rows[-1] + 1 - rows[0])
    assert all(type(value) is int for value in box.values())


def _box(zone: dict[str, Any]) -> Box:
    return Box(zone["x"], zone["y"], zone["x"] + zone["width"], zone["y"] + zone["height"])


@pytest.mark.parametrize("name", list(NAMED))
def test_text_zones_lie_in_the_ad_clear_of_the_product_and_of_one_another(
    creatives: dict[str, tuple[Creative, dict[str, Any]]], name: str
) -> None:
    _, layout = creatives[name]
    width, height = NAMED[name]
    ad_left = (width - 1200) // 2 if name == "landscape_safe" else 0
    ad_right = ad_left + 1200 if name == "landscape_safe" else width
    product = _box(layout["productBox"])
    zones = [_box(zone) for zone in layout["textZones"]]
    assert zones, "no place for a headline"
    assert [z.area for z in zones] == sorted((z.area for z in zones), reverse=True)
    for zone, raw in zip(zones, layout["textZones"], strict=True):
        assert ad_left <= zone.left and zone.right <= ad_right and zone.top >= 0 and zone.bottom <= height
        assert zone.width >= 0.25 * (ad_right - ad_left) and zone.height >= 0.1 * height  # a line fits
        gap = Box(product.left - 4, product.top - 4, product.right + 4, product.bottom + 4)
        assert not zone.overlaps(gap)
        assert raw["text"] in ("light", "dark") and all(type(raw[k]) is int for k in ("x", "y", "width"))
    assert not any(a.overlaps(b) for i, a in enumerate(zones) for b in zones[i + 1 :])
    assert ("cropWindows" in layout) is (name == "landscape_safe")


def test_a_tall_format_leaves_the_upper_part_for_a_headline_and_a_strip_most_of_its_width(
    creatives: dict[str, tuple[Creative, dict[str, Any]]],
) -> None:
    for name in ("story", "skyscraper_160x600", "portrait", "square"):
        creative, layout = creatives[name]
        top = layout["textZones"][0]
        assert (top["x"], top["y"], top["width"]) == (0, 0, NAMED[name][0])  # across the top
        assert top["height"] >= 0.25 * NAMED[name][1]
        assert creative.placement.top + creative.placement.height / 2 > NAMED[name][1] / 2  # lower half
    creative, layout = creatives["leaderboard_728x90"]
    assert layout["productBox"]["width"] < 0.3 * 728 and layout["textZones"][0]["width"] > 0.6 * 728


def test_the_text_colour_is_the_one_that_reads_on_the_zone() -> None:
    image = np.zeros((100, 200, 3), np.uint8)
    image[:, 100:] = 235
    assert text_colour(image, Box(0, 0, 100, 100)) == "light"
    assert text_colour(image, Box(100, 0, 200, 100)) == "dark"


def test_zones_keep_off_the_block_the_product_stands_on() -> None:
    area, product, stand = Box(0, 0, 1080, 1080), Box(400, 300, 680, 700), Box(250, 700, 830, 1080)
    zones = free_zones(area, product, 8, (270, 108), stand)
    assert zones and not any(zone.overlaps(stand) or zone.overlaps(product) for zone in zones)
    assert zones[0] == Box(0, 0, 1080, 292)  # the band across the top first


def test_crop_windows_hold_the_whole_product_at_its_left_centre_and_right(
    creatives: dict[str, tuple[Creative, dict[str, Any]]],
) -> None:
    _, layout = creatives["landscape_safe"]
    windows = {window["placement"]: window for window in layout["cropWindows"]}
    assert list(windows) == ["left", "centre", "right"]
    product = _box(layout["productBox"])
    for window in windows.values():
        assert (window["y"], window["width"], window["height"]) == (0, 1200, 628)
        assert 0 <= window["x"] <= 474
        assert window["x"] <= product.left and product.right <= window["x"] + 1200
    assert (
        windows["left"]["x"] > windows["centre"]["x"] > windows["right"]["x"]
    )  # the product moves left to right


def test_a_crop_the_image_cannot_reach_is_clamped_to_the_nearest_that_holds_the_product() -> None:
    fmt = output_format("landscape_safe")
    near_the_left = crop_windows(Box(300, 100, 500, 500), fmt)
    assert [w["x"] for w in near_the_left] == [156, 0, 0]  # right: as far as the image goes
    wide = crop_windows(Box(250, 0, 1420, 628), fmt)
    assert all(250 - w["x"] >= 0 and w["x"] + 1200 >= 1420 for w in wide)


@pytest.mark.parametrize("name", list(NAMED))
def test_any_product_shape_stays_whole_and_undistorted_in_every_format(name: str) -> None:
    fmt = output_format(name)
    for size in ((100, 900), (900, 100), (400, 400), (2000, 1500)):
        for seed in range(len(LAYOUTS)):
            for cut in (FrameCut(), FrameCut(bottom=True), FrameCut(top=True)):
                spot = place_format(size, fmt, 0.66, cut, seed)
                assert spot.top >= 0 and spot.bottom <= fmt.height, (size, seed, cut)
                assert spot.left >= 0 and spot.left + spot.width <= fmt.width, (size, seed, cut)
                assert abs(spot.width / spot.height - size[0] / size[1]) < 0.1 * max(1, size[0] / size[1])
                if cut.bottom:
                    assert spot.bottom == fmt.height  # it runs off the edge the photo cut it at


def test_the_ad_sizes_are_laid_out_as_they_always_were() -> None:
    for name, disable_safe_margin in (("landscape_safe", False), ("landscape", True)):
        for seed in (None, 0, 1, 2, 5):
            for cut in (FrameCut(), FrameCut(bottom=True)):
                ever = place((300, 420), NAMED[name], 0.7, cut, seed)
                assert place_format((300, 420), output_format(name), 0.7, cut, seed) == ever
        assert default_formats(disable_safe_margin)[0].name == name


def test_one_seed_gives_one_scene_family_in_every_format() -> None:
    job = RenderJob("", "on wet black stone with lemons", False, True, 9, "bottle, on stone", "", formats=(
        "landscape_safe", "square", "banner_300x250"
    ))  # fmt: skip
    shots = scene_jobs([job], drawn_cutout(), presets.load_catalog(), None)
    assert [s.fmt.name for s in shots] == ["landscape_safe", "square", "banner_300x250"]
    for other in shots[1:]:
        assert (other.scene, other.palette, other.seed, other.prompt) == (
            shots[0].scene, shots[0].palette, shots[0].seed, shots[0].prompt
        )  # fmt: skip
    # The same props, set down by the same code around the product in each format: as many as fit there.
    cutout = drawn_cutout()
    models = sorted(p.kind for p in prop_models(SCENE.props, SEED))
    for name in ("landscape_safe", "square", "banner_300x250"):
        fmt = output_format(name)
        _, _, shot = placed(cutout, frame_cut(np.asarray(cutout.getchannel("A"))), SCENE, fmt, SEED)
        view = render_background(SCENE, list(SCENE.palette), fmt.size, SEED, shot)[1].props
        assert view is not None
        kinds = sorted(p.kind for p in view.placed)
        assert set(kinds) == {"lemon", "leaf"} and len(kinds) >= 5 and not Counter(kinds) - Counter(models)


def test_run_formats_gives_each_job_its_formats_in_order_and_run_batch_the_first() -> None:
    jobs = [
        RenderJob("white_background", "", False, False, 3, formats=("skyscraper_160x600", "banner_300x250")),
        RenderJob("white_background", "", True, False, 5),  # no formats: DisableSafeMargin's landscape
    ]
    reported: list[int] = []
    results = run_formats(jobs, drawn_cutout(), presets.load_catalog(), reported.append, StudioEngine())
    assert [[r.output_format for r in job] for job in results] == [
        ["skyscraper_160x600", "banner_300x250"],
        ["landscape"],
    ]
    for job_results in results:
        for result in job_results:
            assert Image.open(io.BytesIO(result.png)).size == result.size == NAMED[result.output_format]
            assert set(result.layout) == {"productBox", "textZones"} and result.layout["textZones"]
            assert result.timings["render"] > 0
    assert reported[0] == 10 and reported[-1] == 90 and reported == sorted(reported)
    firsts = run_batch(jobs, drawn_cutout(), presets.load_catalog(), lambda _: None, StudioEngine())
    assert [r.output_format for r in firsts] == ["skyscraper_160x600", "landscape"]


def test_a_scene_job_without_a_format_renders_as_disable_safe_margin_says() -> None:
    job = SceneJob(drawn_cutout(), SCENE, list(SCENE.palette), True, 1)
    assert (
        job.fmt.name == "landscape" and replace(job, disable_safe_margin=False).fmt.name == "landscape_safe"
    )
    assert replace(job, output_format=output_format("square")).fmt.size == (1080, 1080)


def test_diffusion_batches_the_formats_of_one_working_size_in_one_call() -> None:
    from workers.render.diffusion import DiffusionEngine, working_size

    engine = DiffusionEngine.__new__(DiffusionEngine)  # the batching, without a pipeline
    engine.native_side = 512
    calls: list[tuple[tuple[int, int], list[tuple[int, int]]]] = []

    def inpaint(
        jobs: Any, layouts: list[Creative], canvas: tuple[int, int], report: Any
    ) -> list[Image.Image]:
        calls.append((canvas, [layout.image.size for layout in layouts]))
        report(1.0)
        return [Image.new("RGB", canvas, (30, 120, 200)) for _ in layouts]

    engine.inpaint = inpaint  # type: ignore[method-assign]
    base = SceneJob(drawn_cutout(), SCENE, list(SCENE.palette), True, 2, "bottle", "")
    names = ["banner_300x250", "skyscraper_160x600", "360x300"]  # the banner and 360x300 are both 6:5
    creatives = engine.render([replace(base, output_format=output_format(n)) for n in names])
    assert sorted(calls) == sorted(
        [
            (working_size((300, 250), 512), [(300, 250), (360, 300)]),
            (working_size((160, 600), 512), [(160, 600)]),
        ]
    )
    assert [c.image.size for c in creatives] == [(300, 250), (160, 600), (360, 300)]
    for creative in creatives:
        spot = creative.placement
        assert product_fidelity(creative.image, creative.product, spot.left, spot.top) < 2
