"""What a stand is made of (a scene's `stand_surface`): a floor material laid on its faces
(workers/render/stands.py), glass that refracts (workers/render/gloss.py), and the catalog's checks."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy import ndimage

import presets
from tests.drawing import drawn_cutout
from tests.test_presets import VALID_ENTRY
from workers.render.compose import placed
from workers.render.gloss import glaze
from workers.render.layout import FrameCut
from workers.render.paint import rgb
from workers.render.set3d import STAND, WALL, Lighting, Plate, shoot
from workers.render.studio import stand_material

SIZE = (240, 120)  # small plates: a block's faces span a few dozen pixels


def _scene(preset: str, **changes: object) -> presets.Scene:
    return replace(presets.load_catalog()[preset].scene, **changes)  # type: ignore[arg-type]


def _plate(scene: presets.Scene, size: tuple[int, int] = SIZE) -> Plate:
    """The set of `scene` as shot around the drawn product on a small plate."""
    _, _, shot = placed(drawn_cutout(), FrameCut(), scene, size, 0)
    light = Lighting(scene.light_direction, scene.light_softness, scene.light_intensity, False)
    return shoot(scene.backdrop, light, scene.gobo, scene.stand, size, shot, scene.floor_line, 0)


def _lit_stand(scene: presets.Scene, plate: Plate) -> np.ndarray:
    """The stand as the set shows it: its material times the set's light (grey where it is not)."""
    colours = [rgb(c) for c in scene.palette]
    painted = stand_material(scene, colours, plate, np.random.default_rng(0)) * plate.light
    lit: np.ndarray = np.where((plate.part == STAND)[..., None], painted, 0.5).mean(axis=-1)
    return lit


def _across_the_side(plate: Plate) -> tuple[int, np.ndarray]:
    """A row across the middle of a cylinder's side, and the stand's columns on it."""
    stand = plate.part == STAND
    rows = np.flatnonzero(stand.any(axis=1))
    row = int(rows[len(rows) * 2 // 3])
    return row, np.flatnonzero(stand[row])


def test_a_glass_stand_shows_what_lies_behind_it_and_a_velvet_one_does_not() -> None:
    for stand in ("pedestal", "cube", "plinth"):
        scene = _scene("champagne_glass_pedestal", stand=stand, backdrop="wall_floor", surface="matte")
        plate = _plate(scene)
        glass = plate.part == STAND
        plain = np.repeat(np.where(plate.part == WALL, 0.3, 0.6)[..., None], 3, axis=2).astype(np.float32)
        banded = plain.copy()
        rows = np.flatnonzero(glass.any(axis=1))
        banded[rows[0] : rows[len(rows) // 2]][~glass[rows[0] : rows[len(rows) // 2]]] = 0.95
        shown = (glaze(scene, banded, plate) - glaze(scene, plain, plate))[..., 0][glass]
        assert shown.max() > 0.2, f"a band behind the glass {stand} shows through it"
        velvet = replace(scene, stand_surface="velvet")
        assert glaze(velvet, banded, plate) is banded, f"a velvet {stand} shows nothing through it"


def test_a_velvet_pedestal_glows_at_its_outline_where_a_cast_one_does_not() -> None:
    scene = _scene("black_velvet_luxury", stand="pedestal")
    plate = _plate(scene)
    row, columns = _across_the_side(plate)
    middle = columns[len(columns) // 2 - 3 : len(columns) // 2 + 3]
    outline = np.concatenate([columns[:2], columns[-2:]])

    def rim(look: np.ndarray) -> float:
        return float(look[row, outline].mean() / look[row, middle].mean())

    velvet, cast = _lit_stand(scene, plate), _lit_stand(replace(scene, stand_surface=""), plate)
    assert rim(velvet) > 1.5 * rim(cast), "velvet's pile glows where the cylinder turns away from the eye"


def test_a_wooden_plinths_grain_runs_along_its_front() -> None:
    scene = _scene("concrete_plinth", stand_surface="wood", gobo="")
    plate = _plate(scene, (480, 240))
    front = (plate.part == STAND) & (plate.normals[..., 2] < -0.9)
    colours = [rgb(c) for c in scene.palette]
    wood = stand_material(scene, colours, plate, np.random.default_rng(0)).mean(axis=-1)
    inner = front[1:-1, 1:-1] & front[:-2, 1:-1] & front[2:, 1:-1] & front[1:-1, :-2] & front[1:-1, 2:]
    down = np.abs(wood[2:, 1:-1] - wood[:-2, 1:-1])[inner].mean()
    along = np.abs(wood[1:-1, 2:] - wood[1:-1, :-2])[inner].mean()
    assert down > 2 * along, "the grain's lines run across the face: it changes down it, not along it"
    cast = stand_material(replace(scene, stand_surface=""), colours, plate, np.random.default_rng(0))
    assert wood[front].std() > 3 * cast.mean(axis=-1)[front].std(), "the grain shows, unlike a cast block"


def test_a_metal_podium_shows_the_key_lights_highlight_down_its_side() -> None:
    scene = _scene("gold_luxury")
    assert scene.stand_surface == "metal"
    plate = _plate(scene)
    row, columns = _across_the_side(plate)

    def band(look: np.ndarray) -> float:
        """How far the brightest column stands out of the columns round it (a third of the side)."""
        across = look[row, columns]
        return float((across / ndimage.uniform_filter1d(across, len(across) // 3, mode="nearest")).max())

    metal, cast = _lit_stand(scene, plate), _lit_stand(replace(scene, stand_surface=""), plate)
    assert band(metal) > 1.15 > band(cast), "brushed metal mirrors the key light as a band down its side"


@pytest.mark.parametrize("material", [m for m in presets.STAND_SURFACES if m not in ("", "glass")])
def test_every_material_a_stand_may_be_made_of_is_drawn(material: str) -> None:
    scene = _scene("concrete_plinth", stand_surface=material)
    plate = _plate(scene)
    colours = [rgb(c) for c in scene.palette]
    painted = stand_material(scene, colours, plate, np.random.default_rng(0))
    stand = plate.part == STAND
    assert np.isfinite(painted).all() and painted[stand].min() >= 0.0 and painted[stand].max() <= 1.0
    cast = stand_material(replace(scene, stand_surface=""), colours, plate, np.random.default_rng(0))
    assert np.abs(painted[stand] - cast[stand]).mean() > 0.01, f"a {material} block is not a cast one"


def test_the_catalogs_stands_are_made_of_what_their_words_say() -> None:
    catalog = presets.load_catalog()
    made_of = {key: preset.scene.stand_surface for key, preset in catalog.items() if preset.scene.stand}
    assert made_of["champagne_glass_pedestal"] == "glass" and made_of["concrete_plinth"] == "concrete"
    assert made_of["black_velvet_luxury"] == "velvet" and made_of["gold_luxury"] == "metal"
    assert all(not preset.scene.stand_surface for preset in catalog.values() if not preset.scene.stand)


ENTRY = (
    VALID_ENTRY.replace('id = "plain"', 'id = "on_a_block"') + 'stand = "plinth"\nstand_surface = "marble"\n'
)


def test_the_catalog_reads_what_a_stand_is_made_of_and_refuses_what_cannot_be() -> None:
    assert presets.parse_catalog(ENTRY)["on_a_block"].scene.stand_surface == "marble"
    plain = presets.parse_catalog(ENTRY.replace('stand_surface = "marble"\n', ""))["on_a_block"]
    assert plain.scene.stand_surface == ""
    with pytest.raises(presets.CatalogError, match=r"\(on_a_block\): stand_surface='water' is not one of"):
        presets.parse_catalog(ENTRY.replace('"marble"', '"water"'))
    with pytest.raises(presets.CatalogError, match=r"\(on_a_block\): stand_surface='marble' needs a stand"):
        presets.parse_catalog(ENTRY.replace('stand = "plinth"\n', ""))
