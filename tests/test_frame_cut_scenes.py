"""A product the photo's frame cut (a jacket on a model cut at the thighs, a carton cropped at its top)
stands on no block in the studio: one would peek out under a product that runs off the ad. So
Recommendations suggests no scene on a stand for it, and a custom prompt that names one reports the stand's
words as not drawn instead of silently leaving them out. Props still stand on the floor beside it."""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
import pytest
from django.test import Client

import presets
from adcreative.recommendations.models import Recommendation
from tests.conftest import Tenant
from tests.helpers import ad_creative, cutout_asset, process_progress
from workers.analysis import PROMPT_COUNT, rank_presets, recommend_prompts
from workers.colour import Colour
from workers.naming import Product
from workers.render.prompt_scene import grounded, resolve
from workers.vocabulary import FAMILY_OF_CATEGORY

PALETTE = [Colour("#556b2f", "olive", 0.6), Colour("#202020", "black", 0.3)]
ON_A_STAND = "on a travertine plinth with soft window light"
BESIDE_PROPS = "on a rustic oak table beside sliced lemons"


def test_the_resolver_names_the_words_of_the_stand() -> None:
    stand, props = resolve(ON_A_STAND), resolve(BESIDE_PROPS)
    assert (stand.stand, stand.stand_surface, stand.stand_words) == (
        "plinth",
        "stone",
        ("travertine", "plinth"),
    )
    assert (props.props, props.stand_words) == (("lemon",), ())


def test_a_product_the_frame_cuts_is_drawn_on_no_stand_and_the_stands_words_are_reported() -> None:
    whole, cut = grounded(resolve(ON_A_STAND), False), grounded(resolve(ON_A_STAND), True)
    assert whole == resolve(ON_A_STAND) and whole.left_out == ()
    assert (cut.stand, cut.stand_surface, cut.left_out) == ("", "", ("plinth", "travertine"))
    assert not {"plinth", "travertine"} & set(cut.used)
    assert grounded(resolve(BESIDE_PROPS), True) == resolve(BESIDE_PROPS)  # props stay beside it


@pytest.mark.parametrize("category", sorted(FAMILY_OF_CATEGORY))
def test_recommendations_suggest_no_stand_for_a_product_the_frame_cuts(category: str) -> None:
    for seed in range(12):
        prompts = recommend_prompts(category, PALETTE, seed, ("orange",), cut=True)
        assert len(prompts) == len(set(prompts)) == PROMPT_COUNT
        assert not any(resolve(prompt).stand for prompt in prompts), prompts
        assert recommend_prompts(category, PALETTE, seed) == recommend_prompts(
            category, PALETTE, seed, cut=False
        )


def test_recommendations_still_suggest_stands_for_a_whole_product() -> None:
    prompts = {p for seed in range(40) for p in recommend_prompts("fashion", PALETTE, seed)}
    assert any(resolve(p).stand for p in prompts)


class HashedWords:
    """A stand-in text encoder: each word hashed into one of 64 slots, the vector normalised."""

    def encode(self, texts: list[str], **_: Any) -> np.ndarray:
        vectors = np.zeros((len(texts), 64))
        for row, text in enumerate(texts):
            for word in text.lower().replace(",", " ").split():
                vectors[row, zlib.crc32(word.encode()) % 64] += 1.0
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        return vectors


ENCODER = HashedWords()  # one for the session: the ranking caches the catalog's vectors per encoder


def test_recommendations_rank_no_preset_on_a_stand_for_a_product_the_frame_cuts() -> None:
    catalog = presets.load_catalog()
    jacket = Product("jacket", "", "fashion", "cotton", "tall", tuple(PALETTE), ())
    for name in ("velvet pedestal luxury", "glass pedestal champagne", "concrete plinth"):
        product = Product(name, "", "fashion", "velvet", "tall", tuple(PALETTE), ())
        assert any(catalog[i].scene.stand for i in rank_presets(product, catalog, ENCODER))
        chosen = rank_presets(product, catalog, ENCODER, cut=True)
        assert len(chosen) == len(set(chosen)) == 6 and not any(catalog[i].scene.stand for i in chosen)
    assert rank_presets(jacket, catalog, ENCODER) == rank_presets(jacket, catalog, ENCODER, cut=False)


@pytest.mark.django_db
@pytest.mark.parametrize(("cut", "reported"), [({"top": False, "bottom": True}, True), (None, False)])
def test_adcreative_reports_the_stand_a_cut_product_is_drawn_without(
    client: Client, tenant: Tenant, cut: dict[str, bool] | None, reported: bool
) -> None:
    cutout = cutout_asset(tenant)
    analysis: dict[str, Any] = {"category": "fashion"} | ({"frameCut": cut} if cut else {})
    Recommendation.objects.create(
        application=tenant.application, image=cutout, cutout=cutout, status="Completed", analysis=analysis
    )
    prompts = [{"tag": "custom", "prompt": text} for text in (ON_A_STAND, BESIDE_PROPS)]
    response = ad_creative(client, tenant, str(cutout.id), prompts)
    assert response.status_code == 200, response.content
    tasks = process_progress(client, tenant, response.json()["imageProductGeneratorProcessId"])["tasks"]
    expected = [["plinth", "travertine"], []] if reported else [[], []]
    assert [task["prompt"]["unrenderedTerms"] for task in tasks] == expected
    assert "props drawn: lemon" in tasks[1]["prompt"]["promptText"]
