"""Reading the label: words printed on drawn products in several languages, a little rotated, are read;
print on the background is not the product's; a product too small is enlarged and one too large is bounded;
a real carton's label is read where the sample photos are."""

from __future__ import annotations

from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

from workers.label import MAX_SIDE, MIN_SIDE, label_image, read_label


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
