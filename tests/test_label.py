"""Reading the label: words printed on drawn products in several languages, a little rotated, are read;
print on the background is not the product's; a product too small is enlarged and one too large is bounded;
a small packshot's big print, upright or turned, names the product in the languages shops use, and its small
print does not; a real carton's label is read where the sample photos are."""

from __future__ import annotations

from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

from workers.label import ENLARGED_SIDE, MAX_SIDE, MIN_SIDE, Label, Line, label_image, read_label
from workers.label_words import read_words


@pytest.fixture(scope="module")
def reader() -> Any:
    from workers import models

    return models.label_reader()


def carton(
    lines: list[tuple[str, int]], angle: float = 0.0, size: tuple[int, int] = (420, 560)
) -> Image.Image:
    """A cut-out of a pale carton with `lines` (text, font size) printed on it, turned by `angle` degrees."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, size[0] - 20, size[1] - 20), fill=(250, 236, 190, 255))
    top = 80
    for text, points in lines:
        draw.text((45, top), text, fill=(25, 35, 110, 255), font=ImageFont.load_default(size=points))
        top += points + 30
    return image.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Orange Juice", ["orange", "juice"]),  # English
        ("Orangensaft", ["orangensaft"]),  # German
        ("Jus d'orange", ["jus", "orange"]),  # French
        ("Zumo de naranja", ["zumo", "de", "naranja"]),  # Spanish
        ("Succo di arancia", ["succo", "di", "arancia"]),  # Italian
        ("Sinaasappelsap", ["sinaasappelsap"]),  # Dutch
        ("Apelsinjuice", ["apelsinjuice"]),  # Swedish
    ],
)
def test_it_reads_the_name_printed_on_the_product_in_each_language(
    reader: Any, printed: str, expected: list[str]
) -> None:
    label = read_label(carton([(printed, 44), ("500 ml", 22)], angle=4), reader)
    assert label.tokens()[: len(expected)] == expected, label.text
    assert "ml" in label.tokens()  # the small print too, after the big print


def test_biggest_print_comes_first(reader: Any) -> None:
    label = read_label(carton([("fat free", 20), ("YOGHURT", 60), ("natural", 28)]), reader)
    assert label.tokens()[0] == "yoghurt" and label.lines[0].height > label.lines[-1].height


def test_print_around_the_product_is_not_read(reader: Any) -> None:
    photo = Image.new("RGBA", (900, 600), (255, 255, 255, 0))  # the cut-out's transparent surroundings…
    draw = ImageDraw.Draw(photo)
    draw.text(
        (30, 40), "SALE 50%", fill=(200, 0, 0, 0), font=ImageFont.load_default(size=60)
    )  # …hidden print
    photo.alpha_composite(carton([("Coffee", 48)]), (300, 20))
    assert read_label(photo, reader).tokens() == ["coffee"]


def test_the_image_it_reads_is_bounded_both_ways() -> None:
    small = label_image(carton([("Tea", 20)], size=(120, 160)))
    large = label_image(carton([("Tea", 20)], size=(2400, 3200)))
    assert max(small.size) == MIN_SIDE and max(large.size) == MAX_SIDE
    assert small.mode == large.mode == "RGB" and small.getpixel((0, 0)) == (250, 236, 190)  # cropped to it


def test_a_product_without_print_has_no_label(reader: Any) -> None:
    assert read_label(carton([]), reader).lines == ()


def test_it_reads_a_real_cartons_label(u2net_home: str) -> None:
    from tests.conftest import photo_bytes
    from workers import models
    from workers.cutout import cut_out
    from workers.imaging import open_product_image

    data = photo_bytes("dev/gsd_train_God-Morgon-Orange-Juice_001.jpg")
    cutout = cut_out(
        open_product_image(data, 40_000_000).convert("RGB"), models.rembg_session("u2netp", u2net_home)
    )
    assert "orange" in read_label(cutout.image, models.label_reader()).tokens()


def packshot(text: str, points: int, angle: int = 0) -> Image.Image:
    """A 200 px tall carton cut-out with `text` printed big across it (turned with the carton by `angle`) and
    an ingredients line in small print below."""
    image = Image.new("RGBA", (200, 120) if angle else (120, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((3, 3, image.width - 4, image.height - 4), fill=(236, 241, 250, 255))
    draw.text((8, image.height // 3), text, fill=(20, 40, 140, 255), font=ImageFont.load_default(size=points))
    small = ImageFont.load_default(size=7)
    draw.text((8, image.height * 3 // 4), "Ingredients: milk, sugar", fill=(20, 20, 20, 255), font=small)
    return image.rotate(angle, expand=True)


@pytest.mark.parametrize("angle", [0, 90, 270])
@pytest.mark.parametrize(
    ("printed", "points", "name"), [("MJÖLK", 26, "milk"), ("Orange Juice", 14, "orange juice")]
)
def test_a_small_packshots_big_print_names_it_upright_or_turned(
    reader: Any, printed: str, points: int, name: str, angle: int
) -> None:
    words = read_words(read_label(packshot(printed, points, angle), reader))
    assert words.name_for(drink_container=True) == (name, words.category), words.printed


def test_small_print_on_a_label_does_not_name_the_product(reader: Any) -> None:
    label = read_label(carton([("GOD MORGON", 60), ("Ingredients: milk, sugar", 10)]), reader)
    assert "sugar" in label.tokens()  # the ingredients were read…
    assert read_words(label).noun == ""  # …and name nothing


class CountingReader:
    """A stand-in for the OCR that answers `lines` and records the size of every image it was given."""

    def __init__(self, *lines: str) -> None:
        self.lines, self.sizes = lines, list[tuple[int, int]]()

    def __call__(self, bgr: Any) -> tuple[list[Any], None]:
        height, width = bgr.shape[:2]
        self.sizes.append((width, height))
        box = [[0, 0], [width, 0], [width, height / 4], [0, height / 4]]
        return [[box, text, 0.95] for text in self.lines], None


class PanelReader:
    """A stand-in for the OCR that answers lines at given box sizes (text, width, height as shares of the
    image), all at its top left corner."""

    def __init__(self, *lines: tuple[str, float, float]) -> None:
        self.lines = lines

    def __call__(self, bgr: Any) -> tuple[list[Any], None]:
        height, width = bgr.shape[:2]
        found = []
        for text, across, down in self.lines:
            w, h = across * width, down * height
            found.append([[[0, 0], [w, 0], [w, h], [0, h]], text, 0.95])
        return found, None


def test_print_turned_on_a_side_panel_is_measured_across_its_line_not_along_it() -> None:
    # A nutrition line printed up a carton's side: its box is as tall as the line is long.
    turned = ("Energie 8400kJ/2000kcal valeurs nutritionnelles", 0.06, 0.3)
    reader = PanelReader(turned, ("TOFU FERME", 0.5, 0.09), ("Ingredients: eau, soja", 0.4, 0.03))
    label = read_label(carton([]), reader)
    assert label.lines[0].text == "TOFU FERME"
    assert read_words(label).name_for(drink_container=False) == ("tofu", "food")


@pytest.mark.parametrize(
    ("printed", "size", "reads"),
    [
        (("Valio",), (120, 200), [MIN_SIDE, ENLARGED_SIDE]),  # print naming nothing: read again, enlarged
        (("Mjölk",), (120, 200), [MIN_SIDE]),  # named at once
        ((), (120, 200), [MIN_SIDE]),  # no print at all: no second read
        (("Valio",), (1000, 1000), [MAX_SIDE]),  # big enough already
    ],
)
def test_a_small_product_is_read_again_enlarged_only_where_its_print_names_nothing(
    printed: tuple[str, ...], size: tuple[int, int], reads: list[int]
) -> None:
    counting = CountingReader(*printed)
    read_label(carton([], size=size), counting)
    assert [max(size) for size in counting.sizes] == reads


@pytest.mark.parametrize(
    ("printed", "name"),
    [
        *[(word, "milk") for word in ("Milk", "Milch", "Lait", "Leche", "Latte", "Melk", "MJÖLK", "Mjlk", "Mælk",
                                      "Leite", "Mleko", "Vollmilch", "MJELK")],  # Ö read as E
        *[(word, "orange juice") for word in ("Orange Juice", "OrangeJuice", "Orangensaft", "Jus d'orange",
                                              "Zumo de naranja", "Succo di arancia", "Sinaasappelsap",
                                              "Apelsinjuice", "Appelsinjuice", "Sumo de laranja")],
        ("Sok jabłkowy", "apple juice"),  # Polish
        *[(word, "yoghurt") for word in ("Yoghurt", "Joghurt", "Yaourt", "Yogur", "Yogurt", "Jogurt", "Iogurte")],
        *[(word, "oat drink") for word in ("Oat Drink", "Haferdrink", "Boisson à l'avoine", "Bebida de avena",
                                           "Havredryck", "Napój owsiany")],
        ("Joghurtdrink", "yoghurt drink"),
        ("Erdbeerjoghurt", "strawberry yoghurt"),  # a compound: flavour and noun
        *[(word, "sauce") for word in ("Sauce", "Soße", "Salsa", "Molho")],
        *[(word, "shampoo") for word in ("Shampoo", "Szampon", "Champú", "Schampo")],
        *[(word, "serum") for word in ("Serum", "Sérum", "Siero")],
        *[(word, "water") for word in ("Water", "Mineralwasser", "Agua", "Woda")],
        ("Coffee", "coffee"), ("Herbata", "tea"), ("Piwo", "beer"), ("Vinho", "wine"),
        ("Céréales", "cereal"), ("Czekolada", "chocolate"), ("Masło", "butter"), ("Queijo", "cheese"),
        ("Mydło", "soap"), ("Odżywka", "conditioner"), ("Body Lotion", "body lotion"), ("Creme", "cream"),
        ("Pasta do zębów", "toothpaste"), ("Dezodorant", "deodorant"), ("Protetor solar", "sunscreen"),
        ("Peanut Butter", "peanut butter"), ("Tofu", "tofu"),
        *[(word, "biscuits") for word in ("Cookies", "Cookie", "Crackers", "Kekse", "Galletas")],  # "cooky"
        ("Chocolate Cookies", "chocolate biscuits"),
        *[(word, "nuts") for word in ("Mixed Nuts", "Erdnüsse", "Frutos secos", "Cacahuètes", "Orzechy")],
        ("Kartoffelchips", "crisps"), ("Patatas fritas", "crisps"), ("Fideos", "pasta"),
    ],
)  # fmt: skip
def test_each_languages_product_words_name_the_product_in_english(printed: str, name: str) -> None:
    named = read_words(Label((Line(printed, 0.95, 0.1),))).name_for(drink_container=False)
    assert named is not None and named[0] == name


@pytest.mark.parametrize(
    "printed",
    # Brands name nothing; "peanut" alone is as often a spread's word as a bag of nuts'.
    [
        "Water resistant 50 m",
        "Schwein",
        "Consumo",
        "Teamwork",
        "Waterproof",
        "The Original",
        "Plus",
        "Hood",
        "Alesto",
        "Peanut",
        "Hazelnut",
    ],
)
def test_words_that_only_hold_a_product_word_name_nothing(printed: str) -> None:
    assert read_words(Label((Line(printed, 0.95, 0.1),))).name_for(drink_container=False) is None
