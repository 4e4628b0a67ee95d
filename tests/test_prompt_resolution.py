"""Every custom prompt is honoured or honestly reported: `workers.render.prompt_scene` reads each word into
what the studio engine draws, knows the words that carry no scene, and reports the rest, which the task
shows as its `prompt.unrenderedTerms`; the task's `prompt.promptText` names the product once."""

from __future__ import annotations

import ast
import itertools
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

import presets
from adcreative.creatives.models import Task
from adcreative.creatives.services import resolve_prompt
from tests.conftest import ROOT, Tenant
from tests.helpers import ad_creative, cutout_asset, process_progress
from workers import colour as colours
from workers.label_words import FLAVOUR_PROPS, FLAVOURED
from workers.render import prompt_scene, scenes
from workers.render.prompt_scene import NEUTRAL, Resolution, resolve
from workers.render.scenes import palette_for, preset_for_prompt, scene_from_prompt
from workers.vocabulary import COLOUR_NAMES, FAMILY_OF_CATEGORY, SCENES

CATALOG = presets.load_catalog()


def accent_phrases() -> set[str]:
    """Every accent `colours.accent_colour` can write: asked of a grid of product colours, and (a superset,
    so a colour the grid misses is still read) "soft" before every colour name."""
    grid = range(0, 256, 32)
    found = {
        colours.accent_colour([colours.Colour(f"#{r:02x}{g:02x}{b:02x}", "", 1.0)])
        for r, g, b in itertools.product(grid, grid, grid)
    }
    found.add(colours.accent_colour([]))
    written = {"soft grey", "warm beige", "deep charcoal", *(f"soft {name}" for name in COLOUR_NAMES)}
    assert found <= written, f"accent_colour writes colours this test does not know: {found - written}"
    return written


def recommendation_sentences() -> list[str]:
    """Every sentence `workers.analysis.recommend_prompts` can write: each scene of each family, the
    coloured ones in every accent, the plain ones also with each flavour's props where a flavoured
    category belongs to the family ("…, beside sliced oranges")."""
    accents = sorted(accent_phrases())
    flavoured = {FAMILY_OF_CATEGORY.get(category, "home") for category in FLAVOURED}
    sentences = []
    for family, templates in SCENES.items():
        for template in templates:
            if "{accent}" in template:
                sentences += [template.format(accent=accent) for accent in accents]
                continue
            sentences.append(template)
            if family in flavoured:
                sentences += [f"{template}, beside {props}" for props in FLAVOUR_PROPS.values()]
    return sentences


def test_every_sentence_recommendations_can_write_is_drawn_word_for_word() -> None:
    sentences = recommendation_sentences()
    assert len(sentences) > 500
    left_out = {sentence: resolve(sentence).left_out for sentence in sentences}
    assert {s: words for s, words in left_out.items() if words} == {}
    for sentence in sentences:  # and each draws something: a surface, a stand, a backdrop or a texture
        resolution = resolve(sentence)
        assert resolution.surface or resolution.stand or resolution.backdrop or resolution.texture, sentence


def test_every_resolved_value_is_one_the_catalog_knows() -> None:
    for sentence in recommendation_sentences():
        r = resolve(sentence)
        assert r.backdrop in (None, *presets.BACKDROPS) and r.surface in (None, *presets.SURFACES)
        assert (
            r.texture in (None, *presets.TEXTURES) and r.stand in presets.STANDS and r.gobo in presets.GOBOS
        )
        assert r.light_direction in (None, *presets.LIGHT_DIRECTIONS) and set(r.props) <= set(presets.PROPS)
    for entry in [*prompt_scene.WORDS.values(), *prompt_scene.PHRASES.values()]:
        for key, value in (*entry.strong, *entry.weak):
            choices = {
                "surface": presets.SURFACES, "backdrop": presets.BACKDROPS, "texture": presets.TEXTURES,
                "stand": presets.STANDS, "gobo": presets.GOBOS, "light_direction": presets.LIGHT_DIRECTIONS,
                "prop": presets.PROPS,
            }.get(key)  # fmt: skip
            assert choices is None or value in choices, (key, value)


def drawn(prompt: str) -> tuple[Resolution, presets.Scene, list[str]]:
    preset = preset_for_prompt(prompt, CATALOG)
    return resolve(prompt), scene_from_prompt(preset.scene, prompt), palette_for(preset, prompt)


def hex_of(name: str) -> str:
    return "#{:02x}{:02x}{:02x}".format(*COLOUR_NAMES[name])


def test_grass_in_dappled_sunlight_under_a_lavender_sky() -> None:
    resolution, scene, palette = drawn("on green grass in dappled sunlight with a soft lavender sky")
    assert resolution.left_out == ()
    assert (scene.surface, scene.gobo, scene.backdrop) == ("grass", "leaves", "gradient")
    assert palette[0] == hex_of("lavender") and palette[1] == hex_of("green")  # the sky, the grass


def test_a_picnic_table_with_a_blanket_in_late_afternoon_light() -> None:
    prompt = "on a weathered picnic table with a soft lavender blanket in late-afternoon light"
    resolution, scene, palette = drawn(prompt)
    assert resolution.left_out == ()
    assert scene.surface == "wood" and ("fabric" in scene.props or scene.surface == "linen")
    assert resolution.warmth == "warm" and resolution.time == "golden"  # warm, low light
    assert scene.light_direction in ("left", "right") and scene.gel == ""  # a low sun, not a gel
    assert (scene.light_colour, scene.light_height) == scenes.TIMES["golden"]
    assert hex_of("lavender") in palette  # the blanket's colour among the scene's
    assert scene.texture == "none" and scene.stand == ""


def test_a_wet_glossy_surface_with_droplets_and_a_charcoal_backdrop() -> None:
    prompt = "on a wet glossy surface with water droplets and a deep charcoal backdrop"
    resolution, scene, palette = drawn(prompt)
    assert resolution.left_out == ()
    assert scene.surface == "glossy" and scene.reflection >= 0.35  # the droplets are a wet sheen, no pool
    assert palette[0] == hex_of("charcoal")
    assert scene.texture == "none" and scene.props == ()  # no confetti, whatever preset lent its light


def test_a_velvet_pedestal_in_a_boutique_under_a_warm_spotlight() -> None:
    prompt = "draped over a velvet pedestal in a boutique display, warm spotlight"
    resolution, scene, _ = drawn(prompt)
    assert resolution.left_out == () and resolution.spotlight
    assert (scene.stand, scene.surface) == ("pedestal", "velvet")
    assert scene.light_softness <= 0.3 and scene.vignette >= 0.35  # hard light, the edges dark


@pytest.mark.parametrize(
    ("prompt", "field", "value"),
    [
        ("on a marble podium", "stand", "podium"),
        ("on a concrete plinth", "stand", "plinth"),
        ("on a white block", "stand", "cube"),
        ("on a stone cube", "stand", "cube"),
        ("balanced on a glass orb", "stand", "sphere"),
        ("on a pink ball", "stand", "sphere"),
        ("on travertine steps", "stand", "steps"),
        ("on stone stairs", "stand", "steps"),
        ("on a slate slab", "stand", "slab"),
        ("under a plaster arch", "stand", "arch"),
        ("soft shadows from window blinds", "gobo", "blinds"),
        ("with leaf shadows", "gobo", "leaves"),
        ("in warm window light", "gobo", "window"),
        ("against a wall with palm shadows", "gobo", "palms"),
        ("on icy ground", "surface", "ice"),
        ("on fresh snow", "surface", "snow"),
        ("on a mirror", "surface", "mirror"),
        ("on crumpled kraft paper", "surface", "paper"),
        ("on brushed steel", "surface", "metal"),
        ("on a bed of moss", "surface", "moss"),
    ],
)
def test_each_word_maps_onto_the_catalogs_values(prompt: str, field: str, value: str) -> None:
    assert getattr(resolve(prompt), field) == value


def test_words_the_engine_cannot_draw_are_left_out_and_only_they() -> None:
    resolution = resolve("on the surface of the moon with a unicorn")
    assert resolution.left_out == ("moon", "unicorn")
    # Function words, jargon and the product's own name are no scene: never reported.
    plain = resolve("white sneaker, professional product photo, 8k, high quality, on marble", "white sneaker")
    assert plain.left_out == () and plain.surface == "marble" and plain.wall_colour is None
    assert {"photo", "professional", "product", "high", "quality", "studio"} <= NEUTRAL
    # A word that asks for what an earlier one already set is reported too: marble is drawn, not oak.
    assert resolve("on a marble and oak counter").left_out == ("oak",)
    # Props beside a product on a stand are not drawn (the engine stands them on the floor): reported.
    on_stand = resolve("on a plinth with lemons")
    assert on_stand.stand == "plinth" and on_stand.props == () and on_stand.left_out == ("lemons",)


def test_the_worker_draws_a_prompt_that_starts_with_the_product_name_as_the_web_resolved_it() -> None:
    from tests.drawing import drawn_cutout
    from workers.render.job import RenderJob, scene_of

    catalog = presets.load_catalog()
    text = "on green grass in dappled sunlight"

    def drawn(prompt: str, name: str) -> tuple[presets.Scene, list[str]]:
        job = RenderJob("", prompt, False, False, seed=1, product_name=name)
        return scene_of(job, drawn_cutout(), catalog)

    assert drawn(f"White Sneaker, {text}", "White Sneaker") == drawn(text, "White Sneaker")  # no white wall
    assert resolve(f"White Sneaker, {text}", "White Sneaker") == resolve(text)


def test_stand_ins_are_named_not_hidden() -> None:
    resolution = resolve("on a marble counter, beside fresh strawberries")
    assert resolution.props == ("apple",) and ("strawberries", "apple") in resolution.stand_ins


def test_the_resolver_is_words_only(tmp_path: Path) -> None:
    source = (ROOT / "workers" / "render" / "prompt_scene.py").read_text(encoding="utf-8")
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not {m for m in imported if m.split(".")[0] in ("numpy", "PIL", "torch", "scipy")}
    code = (
        "import sys; import workers.render.prompt_scene, workers.render.prompt_props\n"
        "print(','.join(m for m in ('numpy', 'PIL', 'torch', 'scipy') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"the resolver imported: {result.stdout}"


def _progress_tasks(client: Client, tenant: Tenant, process_id: str) -> list[dict[str, Any]]:
    return list(process_progress(client, tenant, process_id)["tasks"])


@pytest.mark.django_db
def test_check_user_progress_reports_the_words_left_out(client: Client, tenant: Tenant) -> None:
    prompts: list[dict[str, Any]] = [
        {
            "tag": "custom",
            "prompt": "on the surface of the moon with a unicorn",
            "nativeLanguagePrompt": None,
        },
        {"tag": "custom", "prompt": "on green grass in dappled sunlight with a soft lavender sky"},
        {"tag": "preset", "preset": "white_background"},
        {"tag": "preset", "preset": "concrete_plinth"},
    ]
    response = ad_creative(client, tenant, str(cutout_asset(tenant).id), prompts)
    assert response.status_code == 200, response.content
    tasks = _progress_tasks(client, tenant, response.json()["imageProductGeneratorProcessId"])
    terms = [["moon", "unicorn"], [], [], []]
    assert [task["prompt"]["unrenderedTerms"] for task in tasks] == terms
    assert Task.objects.get(id=tasks[0]["taskId"]).unrendered_terms == ["moon", "unicorn"]
    # The answer to AdCreative already tells them, in the same prompt object.
    assert [task["prompt"]["unrenderedTerms"] for task in response.json()["tasks"]] == terms
    # The contract's task fields are as they were, then the formats extension: the resolution lives in the
    # prompt object, one name.
    assert list(tasks[0])[-3:] == ["error", "downloadUrl", "formats"] and "unresolvedWords" not in tasks[0]
    assert tasks[0]["prompt"] == {
        **prompts[0],
        "promptText": "red bottle, on the surface of the moon with a unicorn",
        "unrenderedTerms": ["moon", "unicorn"],
    }


@pytest.mark.parametrize(
    ("prompt", "prompt_text"),
    [
        ("White Sneaker, on green grass", "White Sneaker, on green grass"),
        ("white sneaker on green grass", "White Sneaker, on green grass"),
        ("a white sneaker on green grass", "a white sneaker on green grass"),
        ("on green grass", "White Sneaker, on green grass"),
        ("White Sneakers on green grass", "White Sneaker, on green grass"),
        ("two white sneakers on green grass", "two white sneakers on green grass"),
        ("White Sneakerstand on grass", "White Sneaker, White Sneakerstand on grass"),
        ("White Sneaker", "White Sneaker"),
    ],
)
def test_the_prompt_text_names_the_product_once(prompt: str, prompt_text: str) -> None:
    spec = resolve_prompt({"tag": "custom", "prompt": prompt}, " White Sneaker ", "")
    assert spec.prompt_text == prompt_text
    assert spec.prompt == {"tag": "custom", "prompt": prompt, "nativeLanguagePrompt": None}


@pytest.mark.parametrize(
    ("prompt", "scene_words"),
    [
        ("White Sneakers on green grass", "on green grass"),
        ("white sneaker, on a marble counter", "on a marble counter"),
        ("White Sneakerstand on grass", "White Sneakerstand on grass"),
        ("a white sneaker on grass", "a white sneaker on grass"),
    ],
)
def test_the_worker_reads_the_scene_after_the_whole_name(prompt: str, scene_words: str) -> None:
    assert prompt_scene.without_name(prompt, "White Sneaker") == scene_words


@pytest.mark.parametrize(
    ("prompt", "stand", "stand_surface", "surface"),
    [
        ("draped over a velvet pedestal in a boutique display, warm spotlight", "pedestal", "velvet", None),
        ("on a marble plinth", "plinth", "marble", None),  # the plinth is marble, not the floor
        ("a glass pedestal on a wooden floor", "pedestal", "glass", "wood"),
        ("on a wooden podium", "podium", "wood", None),
        ("on a concrete block in an urban loft", "cube", "concrete", None),
        ("on a round stone pedestal", "pedestal", "stone", None),
        ("on marble beside a pedestal", "pedestal", "", "marble"),  # a material elsewhere is the floor's
        ("on a snow plinth", "plinth", "", "snow"),  # no stand is made of snow: the floor is
    ],
)
def test_a_material_before_a_stand_is_what_the_stand_is_made_of(
    prompt: str, stand: str, stand_surface: str, surface: str | None
) -> None:
    resolution = resolve(prompt)
    assert (resolution.stand, resolution.stand_surface, resolution.surface) == (stand, stand_surface, surface)
    assert resolution.left_out == ()
    assert resolution.stand_surface in presets.STAND_SURFACES


def test_the_scene_of_a_prompt_stands_the_product_on_what_it_names() -> None:
    catalog = presets.load_catalog()
    prompt = "draped over a velvet pedestal in a boutique display, warm spotlight"
    scene = scene_from_prompt(preset_for_prompt(prompt, catalog).scene, prompt)
    assert (scene.stand, scene.stand_surface) == ("pedestal", "velvet")
    glass = scene_from_prompt(catalog["champagne_glass_pedestal"].scene, "on a wooden podium")
    assert (glass.stand, glass.stand_surface) == ("podium", "wood")  # the preset's glass is not kept
    plain = scene_from_prompt(catalog["concrete_plinth"].scene, "on a plinth")
    assert (plain.stand, plain.stand_surface) == ("plinth", "")
    assert preset_for_prompt("on a clear glass pedestal", catalog).id == "champagne_glass_pedestal"
