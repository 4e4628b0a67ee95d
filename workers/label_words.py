"""What the words printed on a product say it is: a multilingual product vocabulary for labels.

Label words in English, German, French, Spanish, Italian, Dutch and Swedish map to the noun a shopper uses
("Gräddfil", "Sauerrahm" and "crème fraîche" → sour cream; "Galettes", "Kekse" → biscuits), and to the
flavours and plant bases that make the noun precise ("orange" juice, "soy" milk, "vanilla" yoghurt).

Plain data written for this service, and one matching rule: a vocabulary word matches a label word spelt
the same once both are in lower case, with its accents stripped ("gräddfil" → "graddfil") or with its
accented letters dropped ("graddfil" or "grddfil": the label reader's alphabet has no diacritics and
sometimes drops the letter), after folding an English plural. Phrases ("sour cream", "eau de parfum") match
consecutive words of one printed line, longest first.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from workers.label import Label, Line
from workers.words import singular

# Shopper noun → (category, the words that name it on a label). Longer phrases win over their parts.
NOUNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "juice": ("beverage", ("juice", "saft", "jus", "zumo", "jugo", "succo", "sap", "sumo", "nektar", "nectar")),
    "milk": ("dairy", ("milk", "milch", "lait", "leche", "latte", "melk", "mjölk", "vollmilch", "lait entier")),
    "drink": ("beverage", ("drink", "getränk", "boisson", "bebida", "bevanda", "dryck", "drank", "lemonade",
                           "limonade", "limonata", "soda")),
    "water": ("beverage", ("mineral water", "mineralwasser", "eau minérale", "agua mineral", "acqua minerale",
                           "mineraalwater", "mineralvatten", "sparkling water", "still water")),
    "coffee": ("beverage", ("coffee", "kaffee", "café", "caffè", "koffie", "kaffe", "espresso")),
    "tea": ("beverage", ("tea", "green tea", "black tea", "thee", "herbal tea", "kräutertee", "infusion")),
    "beer": ("beverage", ("beer", "bier", "bière", "cerveza", "birra", "lager", "pilsner")),
    "wine": ("beverage", ("wine", "wein", "vin", "vino", "wijn", "rotwein", "vin rouge")),
    "yoghurt": ("dairy", ("yoghurt", "yogurt", "yoghourt", "joghurt", "jogurt", "yaourt", "yogur", "filmjölk",
                          "drinking yoghurt", "kefir", "skyr")),
    "sour cream": ("dairy", ("sour cream", "sauerrahm", "saure sahne", "schmand", "crème aigre", "crema agria",
                             "panna acida", "zure room", "gräddfil")),
    "crème fraîche": ("dairy", ("crème fraîche", "creme fraiche")),
    "cheese": ("dairy", ("cheese", "käse", "fromage", "queso", "formaggio", "kaas", "mozzarella",
                         "cheddar", "parmesan", "gouda")),
    "butter": ("dairy", ("butter", "beurre", "mantequilla", "burro", "boter", "smör")),
    "cream": ("dairy", ("whipping cream", "schlagsahne", "crème fraîche liquide", "nata", "panna", "slagroom",
                        "vispgrädde", "grädde")),
    "biscuits": ("food", ("biscuit", "cookie", "keks", "kekse", "galette", "biscotti", "galleta", "koekje",
                          "koekjes", "kex", "sablé", "shortbread", "cracker", "wafer", "waffel", "gaufrette")),
    "chocolate": ("food", ("chocolate", "schokolade", "chocolat", "cioccolato", "chocolade", "choklad")),
    "cereal": ("food", ("cereal", "muesli", "müsli", "granola", "cornflakes", "porridge", "haferflocken",
                        "flocons d'avoine", "copos de avena", "havregryn")),
    "pasta": ("food", ("pasta", "spaghetti", "penne", "fusilli", "nudeln", "pâtes", "macaroni", "tagliatelle")),
    "rice": ("food", ("basmati", "jasmine rice", "long grain rice", "risotto rice", "riso", "arroz", "rijst")),
    "honey": ("food", ("honey", "honig", "miel", "miele", "honing", "honung")),
    "jam": ("food", ("jam", "marmalade", "marmelade", "konfitüre", "confiture", "mermelada", "marmellata", "sylt")),
    "sauce": ("food", ("sauce", "soße", "salsa", "saus", "sås", "ketchup", "mayonnaise", "pesto", "dressing")),
    "mustard": ("food", ("mustard", "senf", "moutarde", "mostaza", "senape", "mosterd", "senap")),
    "seasoning": ("food", ("seasoning", "würze", "gewürz", "assaisonnement", "arôme", "condimento", "kruiden",
                           "krydda", "kryddor", "spices", "épices", "especias", "spezie", "bouillon", "stock cube")),
    "olive oil": ("food", ("olive oil", "olivenöl", "huile d'olive", "aceite de oliva", "olio di oliva",
                           "olijfolie", "olivolja", "extra virgin")),
    "crisps": ("food", ("crisps", "chips", "tortilla chips", "popcorn", "pretzels", "brezeln")),
    "supplement": ("supplement", ("supplement", "dietary supplement", "food supplement", "superfood", "probiotic",
                                  "vitamin", "vitamins", "multivitamin", "vitamine", "vitamina", "protein",
                                  "protéine", "proteína", "proteina", "eiwit", "collagen", "capsules", "kapseln",
                                  "gélules", "cápsulas", "capsule", "tablets", "tabletten", "comprimés",
                                  "nahrungsergänzungsmittel", "complément alimentaire", "suplemento",
                                  "integratore", "voedingssupplement", "kosttillskott")),
    "shampoo": ("beauty", ("shampoo", "shampooing", "champú", "schampo")),
    "conditioner": ("beauty", ("conditioner", "spülung", "après-shampooing", "acondicionador", "balsamo")),
    "body lotion": ("beauty", ("body lotion", "lotion", "körperlotion", "lait corporel", "loción", "bodylotion")),
    "face cream": ("beauty", ("face cream", "moisturiser", "moisturizer", "gesichtscreme", "crème visage",
                              "crema viso", "crema facial", "dagcrème", "night cream", "day cream")),
    "hand cream": ("beauty", ("hand cream", "handcreme", "crème mains", "crema mani", "crema de manos")),
    "serum": ("beauty", ("serum", "sérum", "siero")),
    "sunscreen": ("beauty", ("sunscreen", "sun cream", "sonnencreme", "crème solaire", "protector solar",
                             "crema solare", "zonnebrand", "solskydd", "spf")),
    "perfume": ("beauty", ("perfume", "parfum", "profumo", "eau de parfum", "eau de toilette", "cologne")),
    "deodorant": ("beauty", ("deodorant", "deo", "déodorant", "desodorante", "deodorante", "antiperspirant")),
    "soap": ("beauty", ("soap", "seife", "savon", "jabón", "sapone", "zeep", "tvål", "hand wash")),
    "shower gel": ("beauty", ("shower gel", "duschgel", "gel douche", "gel de ducha", "bagnoschiuma",
                              "douchegel", "body wash")),
    "toothpaste": ("beauty", ("toothpaste", "zahnpasta", "zahncreme", "dentifrice", "pasta de dientes",
                              "dentifricio", "tandpasta", "tandkräm")),
    "lipstick": ("beauty", ("lipstick", "lippenstift", "rouge à lèvres", "pintalabios", "rossetto")),
    "mascara": ("beauty", ("mascara", "máscara")),
    "nail polish": ("beauty", ("nail polish", "nagellack", "vernis à ongles", "esmalte", "smalto")),
    "candle": ("home", ("candle", "kerze", "bougie", "vela", "candela", "kaars", "scented candle", "duftkerze")),
    "camera": ("tech", ("camera", "kamera", "appareil photo", "cámara", "fotocamera")),
    "headphones": ("tech", ("headphones", "kopfhörer", "casque", "auriculares", "cuffie", "koptelefoon",
                            "hörlurar", "earbuds")),
    "charger": ("tech", ("charger", "ladegerät", "chargeur", "cargador", "caricatore", "oplader", "laddare")),
    "cable": ("tech", ("cable", "kabel", "câble", "cavo", "usb cable", "charging cable", "ladekabel")),
    "speaker": ("tech", ("speaker", "lautsprecher", "enceinte", "altavoz", "altoparlante", "luidspreker",
                         "högtalare")),
    "notebook": ("stationery", ("notebook", "notizbuch", "cahier", "cuaderno", "quaderno", "notitieboek",
                                "anteckningsbok", "notepad")),
    "plush toy": ("toy", ("plush", "peluche", "kuscheltier", "plüsch", "knuffel", "gosedjur", "soft toy")),
    "puzzle": ("toy", ("puzzle", "jigsaw", "rompecabezas", "pussel")),
    "dog food": ("general", ("dog food", "hundefutter", "croquettes", "pienso", "hundfoder")),
}  # fmt: skip

# Words that make a noun precise: fruits and flavours, and the plant bases of plant milks.
FLAVOURS: dict[str, tuple[str, ...]] = {
    "orange": ("orange", "apelsin", "naranja", "arancia", "sinaasappel", "appelsien"),
    "apple": ("apple", "apfel", "pomme", "manzana", "mela", "appel", "äpple"),
    "strawberry": ("strawberry", "erdbeere", "fraise", "fresa", "fragola", "aardbei", "jordgubb", "jordgubbe"),
    "lemon": ("lemon", "zitrone", "citron", "limón", "limone", "citroen"),
    "peach": ("peach", "pfirsich", "pêche", "melocotón", "pesca", "perzik", "persika"),
    "raspberry": ("raspberry", "himbeere", "framboise", "frambuesa", "lampone", "framboos", "hallon"),
    "blueberry": ("blueberry", "heidelbeere", "blaubeere", "myrtille", "arándano", "mirtillo", "bosbes", "blåbär"),
    "cherry": ("cherry", "kirsche", "cerise", "cereza", "ciliegia", "kers", "körsbär"),
    "mango": ("mango", "mangue"),
    "banana": ("banana", "banane", "plátano", "banaan", "banan"),
    "pineapple": ("pineapple", "ananas", "piña"),
    "grape": ("grape", "traube", "raisin", "uva", "druif", "druva"),
    "vanilla": ("vanilla", "vanille", "vainilla", "vaniglia", "vanilj"),
    "chocolate": ("chocolate", "schoko", "chocolat", "cioccolato", "chocolade", "choklad"),
    "caramel": ("caramel", "karamell", "karamel", "caramelo", "caramello"),
    "mint": ("mint", "minze", "menthe", "menta", "munt", "mynta"),
    "coconut": ("coconut", "kokos", "coco", "cocco", "kokosnöt"),
}  # fmt: skip
BASES: dict[str, tuple[str, ...]] = {
    "soy": ("soy", "soya", "soja", "soia"),
    "oat": ("oat", "hafer", "avoine", "avena", "haver", "havre"),
    "almond": ("almond", "mandel", "amande", "almendra", "mandorla", "amandel"),
    "rice": ("rice", "reis", "riz"),
}  # fmt: skip
# What a flavour looks like beside its product in a scene: "orange juice … beside sliced oranges".
FLAVOUR_PROPS = {
    "orange": "sliced oranges", "apple": "fresh apples", "strawberry": "fresh strawberries",
    "lemon": "halved lemons", "peach": "ripe peaches", "raspberry": "fresh raspberries",
    "blueberry": "scattered blueberries", "cherry": "fresh cherries", "mango": "sliced mango",
    "banana": "ripe bananas", "pineapple": "pineapple slices", "grape": "bunches of grapes",
    "vanilla": "vanilla pods and white flowers", "chocolate": "broken chocolate pieces",
    "caramel": "caramel drizzle", "mint": "fresh mint leaves", "coconut": "halved coconuts",
    "soy": "scattered soybeans", "oat": "scattered oat flakes", "almond": "whole almonds", "rice": "rice grains",
}  # fmt: skip
FLAVOURED = {"beverage", "dairy", "food"}  # categories whose nouns take a flavour: "vanilla yoghurt"
DRINKS = {"drink", "milk", "juice"}
NOUN_PRINT = 0.35  # a noun counts printed at least this big, as a share of the biggest print
FLAVOUR_PRINT = 0.5  # a flavour counts printed at least this big (not "peach" in a list of ingredients)
QUOTED_LINES = 2  # printed lines quoted in the description
QUOTE_CONFIDENCE = 0.9


def _spellings(phrase: str) -> set[str]:
    """A phrase as the label reader may return it: accents stripped, or accented letters dropped (only
    where a word keeps 4 letters or more: "sås" without its "å" is no word)."""
    lower = phrase.lower()
    spellings = {_normal(_unaccented(lower))}
    dropped = _normal("".join(c for c in lower if c.isascii() or not c.isalpha()))
    if all(len(word) >= 4 for word in dropped.split()):
        spellings.add(dropped)
    return spellings


def _unaccented(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _normal(text: str) -> str:
    """Lower-case words without punctuation, English plurals folded."""
    return " ".join(singular(word) for word in _letters(text))


def _letters(text: str) -> list[str]:
    """The runs of letters of a text, lower case ("Crème-fraîche!" → crème, fraîche)."""
    return "".join(c if c.isalpha() else " " for c in text.lower()).split()


@cache
def _phrases() -> dict[tuple[str, ...], tuple[str, str]]:
    """Every spelling as a word sequence → (what it means, its kind: a category, "flavour" or "base")."""
    table: dict[tuple[str, ...], tuple[str, str]] = {}
    # Flavours first: "chocolate" is a flavour ("chocolate milk") unless no other noun is printed.
    entries = [(flavour, "flavour", words) for flavour, words in FLAVOURS.items()]
    entries += [(base, "base", words) for base, words in BASES.items()]
    entries += [(noun, category, words) for noun, (category, words) in NOUNS.items()]
    for meaning, kind, words in entries:
        for word in words:
            for spelling in _spellings(word):
                table.setdefault(tuple(spelling.split()), (meaning, kind))
    return dict(sorted(table.items(), key=lambda item: -len(item[0])))


def _meanings(line: Line) -> list[tuple[str, str]]:
    """What the words of one printed line mean, in order: (noun, category), (flavour, "flavour") or
    (base, "base"); the longest phrase at each position wins."""
    tokens, position = _normal(_unaccented(line.text)).split(), 0
    found: list[tuple[str, str]] = []
    phrases = _phrases()
    while position < len(tokens):
        for phrase, meaning in phrases.items():
            if tuple(tokens[position : position + len(phrase)]) == phrase:
                found.append(meaning)
                position += len(phrase)
                break
        else:
            position += 1
    return found


@dataclass(frozen=True)
class LabelWords:
    """What a label says: the product noun printed biggest, its category, flavours and plant bases in big
    print, and the biggest lines as printed (for the description)."""

    noun: str = ""
    category: str = ""
    flavours: tuple[str, ...] = ()
    bases: tuple[str, ...] = ()
    printed: tuple[str, ...] = ()

    def name_for(self, drink_container: bool) -> tuple[str, str] | None:
        """(name, category) the label supports, or None. Without a noun, a flavour or a plant base printed
        big on a drink container makes a drink: "orange" on a carton is orange juice, "soya" soy milk."""
        noun, category = self.noun, self.category
        if not noun and drink_container and (self.flavours or self.bases):
            noun, category = ("milk", "dairy") if self.bases else ("juice", "beverage")
            if self.flavours and self.flavours[0] not in FLAVOURS_OF_FRUIT:
                noun = "drink"
        if not noun:
            return None
        if self.bases and noun in DRINKS:
            return f"{self.bases[0]} milk", "beverage"
        if self.flavours and category in FLAVOURED and self.flavours[0] != noun:
            return f"{self.flavours[0]} {noun}", category
        return noun, category


FLAVOURS_OF_FRUIT = {
    "orange", "apple", "strawberry", "lemon", "peach", "raspberry", "blueberry", "cherry", "mango", "banana",
    "pineapple", "grape",
}  # fmt: skip


def read_words(label: Label) -> LabelWords:
    """The product noun, flavours and bases a read label gives (`workers.label.read_label`)."""
    if not label.lines:
        return LabelWords()
    biggest = label.lines[0].height or 1.0
    noun, category, flavours, bases = "", "", [], []
    for line in label.lines:  # biggest print first
        size = line.height / biggest
        for meaning, kind in _meanings(line):
            if kind == "flavour" and size >= FLAVOUR_PRINT and meaning not in flavours:
                flavours.append(meaning)
            elif kind == "base" and size >= FLAVOUR_PRINT and meaning not in bases:
                bases.append(meaning)
            elif kind not in ("flavour", "base") and size >= NOUN_PRINT and not noun:
                noun, category = meaning, kind
    if not noun and flavours and flavours[0] in NOUNS:  # "Chocolate" alone, in big print
        noun, category = flavours[0], NOUNS[flavours[0]][0]
    return LabelWords(noun, category, tuple(flavours[:1]), tuple(bases[:1]), _quotable(label))


def _quotable(label: Label) -> tuple[str, ...]:
    """The biggest lines read with confidence, each once, as printed: for the description."""
    printed: dict[str, str] = {}
    for line in label.lines:
        if line.confidence >= QUOTE_CONFIDENCE and _letters(line.text):
            printed.setdefault(line.text.casefold(), line.text)
    return tuple(printed.values())[:QUOTED_LINES]
