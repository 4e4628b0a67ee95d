"""The zero-shot recogniser (ZERO_SHOT_MODEL): the shop taxonomy it names products over, a CLIP or SigLIP
loaded from a local folder, and how its nouns name the product (the label, the confidence and stepping up
apply to them as to the ImageNet classifier's)."""

from __future__ import annotations

import json
import string
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from workers import naming, taxonomy
from workers.label import Label, Line
from workers.label_words import LabelWords, read_words
from workers.naming import CONFIDENT, confidence, identify, name_with_label, step_up, zero_shot_guess
from workers.vocabulary import CATEGORY_NOUNS, DEPARTMENT_NOUNS


# --- the taxonomy -----------------------------------------------------------------------------------
def test_the_taxonomy_files_every_noun_once_under_a_known_category() -> None:
    listed = Counter(noun for aisle in taxonomy.AISLES for noun in aisle.nouns)
    assert [noun for noun, times in listed.items() if times > 1] == []
    assert len(taxonomy.NOUNS) == len(listed) >= 250
    assert {aisle.category for aisle in taxonomy.AISLES} == set(CATEGORY_NOUNS)  # every category has nouns
    for noun in taxonomy.NOUNS:
        category, department = taxonomy.place(noun)
        assert category in CATEGORY_NOUNS and department, noun
    assert taxonomy.place("flux capacitor") == ("general", "product")


def test_departments_are_the_ones_the_imagenet_path_steps_up_to() -> None:
    # A kind both name steps up to the same department whichever model named it.
    for kind, department in DEPARTMENT_NOUNS.items():
        if kind in taxonomy.PLACES:
            assert taxonomy.place(kind)[1] == department, kind
    # A department that is also a noun is that noun's own department ("plant", "wallet", "book").
    for aisle in taxonomy.AISLES:
        if aisle.department in taxonomy.PLACES:
            assert taxonomy.place(aisle.department)[1] == aisle.department, aisle.path
    assert set(taxonomy.UNCOUNTED) <= set(taxonomy.NOUNS)


@pytest.mark.parametrize(
    ("noun", "phrase"),
    [("mug", "a mug"), ("apron", "an apron"), ("umbrella", "an umbrella"), ("ukulele", "a ukulele"),
     ("headphones", "headphones"), ("camera lens", "a camera lens"), ("milk", "milk"), ("hourglass", "an hourglass")],
)  # fmt: skip
def test_prompts_read_as_sentences(noun: str, phrase: str) -> None:
    assert taxonomy.with_article(noun) == phrase


def test_the_taxonomy_loads_no_model_runtime() -> None:
    code = "import sys, workers.taxonomy; sys.exit(any(m in sys.modules for m in ('torch', 'transformers')))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --- a tiny random CLIP and SigLIP saved as a deployment would have them ------------------------------
def tiny_model(folder: Path, model_type: str) -> Path:
    """A random CLIP (or SigLIP) with a letter-by-letter tokenizer, saved with its processor: the layout of
    a real model's folder, small enough to build in a test."""
    import torch
    from transformers import (
        CLIPConfig,
        CLIPImageProcessor,
        CLIPModel,
        CLIPProcessor,
        CLIPTokenizer,
        SiglipConfig,
        SiglipModel,
    )

    letters = string.ascii_lowercase
    tokens = ["<|startoftext|>", "<|endoftext|>", *letters, *(letter + "</w>" for letter in letters)]
    (folder / "vocab.json").write_text(json.dumps({token: i for i, token in enumerate(tokens)}))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    length = 64 if model_type == "siglip" else 77
    tokenizer = CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"), model_max_length=length)
    text = {
        "vocab_size": len(tokens),
        "max_position_embeddings": length,
        "bos_token_id": 0,
        "eos_token_id": 1,
    }
    vision = {"image_size": 32, "patch_size": 8}
    for part in (text, vision):
        part.update(hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2)
    torch.manual_seed(0)
    if model_type == "siglip":
        model: Any = SiglipModel(SiglipConfig(text_config=text, vision_config=vision))
    else:
        model = CLIPModel(
            CLIPConfig(text_config={**text, "pad_token_id": 1}, vision_config=vision, projection_dim=16)
        )
    model.save_pretrained(folder)
    images = CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    CLIPProcessor(image_processor=images, tokenizer=tokenizer).save_pretrained(folder)
    return folder


def product_photo() -> Image.Image:
    """A cut-out: a dark band with two round cups, on transparency."""
    cutout = Image.new("RGBA", (240, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(cutout)
    draw.arc((40, 10, 200, 170), 180, 360, fill=(30, 30, 35, 255), width=18)
    for left in (20, 170):
        draw.ellipse((left, 90, left + 50, 180), fill=(40, 40, 48, 255))
    return cutout


@pytest.mark.parametrize("model_type", ["clip", "siglip"])
def test_a_local_clip_or_siglip_gives_probabilities_over_the_taxonomys_nouns(
    model_type: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workers import models

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    source = str(tiny_model(tmp_path, model_type))
    recogniser = models.zero_shot(source)
    assert recogniser.sigmoid == (model_type == "siglip")
    seen = recogniser(product_photo())
    nouns, probabilities = [noun for noun, _ in seen], [p for _, p in seen]
    assert len(seen) == models.ZERO_SHOT_TOP_K == len(set(nouns)) and set(nouns) <= set(taxonomy.NOUNS)
    assert probabilities == sorted(probabilities, reverse=True) and probabilities[-1] > 0
    assert sum(probabilities) <= 1.0 + 1e-6
    assert float(recogniser.probabilities(product_photo()).sum()) == pytest.approx(1.0, abs=1e-5)
    assert recogniser(product_photo()) == seen  # the same photo, the same answer
    assert models.zero_shot(source) is recogniser  # loaded once per process


# --- naming with a zero-shot recogniser ---------------------------------------------------------------
@pytest.fixture(scope="module")
def classifier() -> Any:
    from workers import models

    return models.classifier()


def test_a_sure_zero_shot_noun_names_what_imagenet_has_no_class_for(classifier: Any) -> None:
    cutout = product_photo()
    product = identify(cutout, classifier, zero_shot=lambda image: [("headphones", 0.9), ("earbuds", 0.05)])
    assert (product.name, product.category) == ("headphones", "tech")
    assert product.confidence >= CONFIDENT and " headphones " in product.description
    assert product.labels == identify(cutout, classifier).labels  # the ImageNet guesses, for the record


def test_an_unsure_zero_shot_noun_steps_up_to_its_department_or_to_product(classifier: Any) -> None:
    jewellery = [("earrings", 0.3), ("necklace", 0.3), ("ring", 0.2)]
    product = identify(product_photo(), classifier, zero_shot=lambda image: jewellery)
    assert (product.name, product.category, product.confidence) == ("jewellery", "jewelry", 0.8)
    scattered = [("headphones", 0.2), ("yoga mat", 0.15), ("milk", 0.1)]
    product = identify(product_photo(), classifier, zero_shot=lambda image: scattered)
    assert (product.name, product.category) == ("product", "general")
    # Below the department, the category's noun sums every noun of the category.
    guess = zero_shot_guess([("earbuds", 0.25), ("laptop", 0.25), ("headphones", 0.1)])
    assert guess.departments == (("audio device", 0.35), ("electronic device", 0.6))
    assert step_up(guess, 0.25).noun == "audio device"


def _printed(*lines: tuple[str, float]) -> LabelWords:
    """What a label with these lines (text, print height) says, biggest print first."""
    return read_words(Label(tuple(Line(text, 0.95, height) for text, height in lines)))


def test_the_label_still_names_packaged_goods_and_not_what_the_recogniser_is_sure_of() -> None:
    cereal = _printed(("Kellogg's", 0.2), ("Cereal", 0.15))
    guess = zero_shot_guess([("granola bar", 0.45), ("crackers", 0.2), ("chocolate bar", 0.1)])
    labelled = name_with_label(guess, cereal)
    assert labelled.noun == "cereal" and confidence(guess, labelled, cereal) >= CONFIDENT
    coffee = _printed(("COFFEE", 0.1))
    headphones = zero_shot_guess([("headphones", 0.9)])
    assert name_with_label(headphones, coffee) is headphones  # a print on headphones names no coffee


def test_identify_reads_the_label_over_an_unsure_zero_shot_guess(
    classifier: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    label = Label((Line("Kellogg's", 0.95, 0.2), Line("Cereal", 0.95, 0.15)))
    monkeypatch.setattr(naming, "read_label", lambda cutout, reader: label)
    seen = [("granola bar", 0.45), ("crackers", 0.2)]
    product = identify(product_photo(), classifier, reader=object(), zero_shot=lambda image: seen)
    assert product.name == "cereal" and product.confidence >= CONFIDENT
    assert product.printed == ("Kellogg's", "Cereal")
