"""What the words printed on a product say it is: a multilingual product vocabulary for labels.

Label words in English, German, French, Spanish, Italian, Dutch, Swedish, Danish, Norwegian, Portuguese and
Polish map to the English noun the service names the product with ("Gräddfil", "Sauerrahm" and "crème
fraîche" → sour cream; "Mjölk", "Mleko", "Leite" → milk; "Haferdrink" → oat drink), and to the flavours and
plant bases that make the noun precise ("orange" juice, "soy" milk, "vanilla" yoghurt).

Plain data written for this service, and one matching rule: a vocabulary word matches a whole label word
spelt the same once both are in lower case, with its accents stripped ("gräddfil" → "graddfil", "mælk" →
"maelk") or with its accented letters dropped ("graddfil" or "grddfil": the label reader's alphabet has no
diacritics and sometimes drops the letter; only where 4 letters are left), after folding an English plural.
Phrases ("sour cream", "eau de parfum") match consecutive words of one printed line, longest first. A word
that matches nothing may end in a noun: a compound ("Orangensaft", "Kernseife") or two words the reader ran
together ("OrangeJuice"); the noun must have 5 letters or follow a flavour ("schwein" is no wine). Only
print big on the label names the product (NOUN_PRINT): an ingredients list does not.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from workers.words import singular

# Shopper noun → (category, the words that name it on a label), in English, German, French, Spanish, Italian,
# Dutch, Swedish, Danish, Norwegian, Portuguese and Polish. Longer phrases win over their parts.
NOUNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "juice": ("beverage", ("juice", "saft", "jus", "zumo", "jugo", "succo", "sap", "sumo", "suco", "sok", "nektar",
                           "nectar")),
    "milk": ("dairy", ("milk", "milch", "lait", "leche", "latte", "melk", "mjölk", "mælk", "leite", "mleko",
                       "vollmilch", "lait entier")),
    "oat drink": ("beverage", ("oat drink", "haferdrink", "hafer drink", "boisson avoine", "boisson à l'avoine",
                               "bebida de avena", "bevanda d'avena", "bevanda all'avena", "haverdrank",
                               "havredryck", "havredrik", "havredrikk", "bebida de aveia", "napój owsiany")),
    "yoghurt drink": ("dairy", ("yoghurt drink", "yogurt drink", "drinking yoghurt", "drinking yogurt",
                                "joghurtdrink", "trinkjoghurt", "yaourt à boire", "yogur líquido",
                                "yogurt da bere", "drinkyoghurt", "drickyoghurt", "jogurt pitny",
                                "iogurte líquido")),
    "drink": ("beverage", ("drink", "getränk", "boisson", "bebida", "bevanda", "dryck", "drank", "drik", "drikk",
                           "napój", "lemonade", "limonade", "limonata", "soda")),
    "cola": ("beverage", ("cola",)),
    "water": ("beverage", ("water", "mineral water", "wasser", "mineralwasser", "eau", "eau minérale", "agua",
                           "agua mineral", "acqua", "acqua minerale", "mineraalwater", "vatten", "mineralvatten",
                           "vand", "vann", "água", "woda", "sparkling water", "still water")),
    "coffee": ("beverage", ("coffee", "kaffee", "café", "caffè", "koffie", "kaffe", "kawa", "espresso")),
    "tea": ("beverage", ("tea", "green tea", "black tea", "thee", "herbal tea", "kräutertee", "früchtetee",
                         "grüner tee", "schwarzer tee", "herbata", "infusion")),
    "beer": ("beverage", ("beer", "bier", "bière", "cerveza", "birra", "cerveja", "piwo", "lager", "pilsner")),
    "wine": ("beverage", ("wine", "wein", "vin", "vino", "wijn", "vinho", "wino", "rotwein", "vin rouge")),
    "yoghurt": ("dairy", ("yoghurt", "yogurt", "yoghourt", "joghurt", "jogurt", "yaourt", "yogur", "iogurte",
                          "filmjölk", "kefir", "skyr")),
    "sour cream": ("dairy", ("sour cream", "sauerrahm", "saure sahne", "schmand", "crème aigre", "crema agria",
                             "panna acida", "zure room", "gräddfil")),
    "crème fraîche": ("dairy", ("crème fraîche", "creme fraiche")),
    "cheese": ("dairy", ("cheese", "käse", "fromage", "queso", "formaggio", "kaas", "queijo", "mozzarella",
                         "cheddar", "parmesan", "gouda")),
    "peanut butter": ("food", ("peanut butter", "peanutbutter", "erdnussbutter", "beurre de cacahuète",
                               "crema de cacahuete", "burro di arachidi", "pindakaas", "jordnötssmör",
                               "masło orzechowe", "manteiga de amendoim")),
    "body butter": ("beauty", ("body butter", "shea butter", "körperbutter", "beurre corporel")),
    "butter": ("dairy", ("butter", "beurre", "mantequilla", "burro", "boter", "smör", "smør", "manteiga",
                         "masło")),
    "ice cream": ("food", ("ice cream", "icecream", "eiscreme", "speiseeis", "crème glacée", "helado", "gelato",
                           "iskrem", "sorvete", "lody")),
    "cream": ("dairy", ("cream", "whipping cream", "double cream", "single cream", "schlagsahne", "sahne",
                        "creme", "crème", "crema", "krem", "kräm", "nata", "panna", "slagroom", "vispgrädde",
                        "grädde", "fløde", "fløte")),
    "tofu": ("food", ("tofu",)),
    "biscuits": ("food", ("biscuit", "cookie", "keks", "kekse", "galette", "biscotti", "galleta", "koekje",
                          "koekjes", "kex", "sablé", "shortbread", "cracker", "wafer", "waffel", "gaufrette",
                          "ciastka", "bolacha")),
    "chocolate": ("food", ("chocolate", "schokolade", "chocolat", "cioccolato", "chocolade", "choklad",
                           "chokolade", "sjokolade", "czekolada")),
    "cereal": ("food", ("cereal", "céréales", "cereales", "cereali", "cereais", "muesli", "müsli", "musli",
                        "granola", "cornflakes", "porridge", "haferflocken", "flocons d'avoine",
                        "copos de avena", "havregryn", "płatki śniadaniowe")),
    "pasta": ("food", ("pasta", "spaghetti", "penne", "fusilli", "nudeln", "pâtes", "macaroni", "tagliatelle",
                       "makaron", "fideos", "maccheroni", "noedels", "makaroner")),
    "rice": ("food", ("basmati", "jasmine rice", "long grain rice", "risotto rice", "riso", "arroz", "rijst",
                      "ryż")),
    "honey": ("food", ("honey", "honig", "miel", "miele", "honing", "honung", "honning", "miód")),
    "jam": ("food", ("jam", "marmalade", "marmelade", "konfitüre", "confiture", "mermelada", "marmellata", "sylt",
                     "syltetøj", "dżem")),
    "sauce": ("food", ("sauce", "soße", "sosse", "salsa", "saus", "sås", "molho", "ketchup", "mayonnaise",
                       "pesto", "dressing")),
    "mustard": ("food", ("mustard", "senf", "moutarde", "mostaza", "senape", "mosterd", "senap", "sennep",
                         "musztarda", "mostarda")),
    "seasoning": ("food", ("seasoning", "würze", "gewürz", "assaisonnement", "arôme", "condimento", "kruiden",
                           "krydda", "kryddor", "spices", "épices", "especias", "spezie", "przyprawa",
                           "bouillon", "stock cube")),
    "olive oil": ("food", ("olive oil", "olivenöl", "huile d'olive", "aceite de oliva", "olio di oliva",
                           "olijfolie", "olivolja", "olivenolie", "azeite", "oliwa", "extra virgin")),
    "crisps": ("food", ("crisps", "chips", "tortilla chips", "popcorn", "pretzels", "brezeln", "kartoffelchips",
                        "patatas fritas", "patatine", "chipsy", "batatas fritas")),
    # Nuts in the plural only: "peanut" or "hazelnut" alone is as often a spread's or a flavour's word.
    "nuts": ("food", ("nuts", "mixed nuts", "nüsse", "erdnüsse", "nussmischung", "noix de cajou",
                      "cacahuètes", "frutos secos", "anacardos", "frutta secca", "nötter", "nøtter", "nødder",
                      "orzechy", "amendoins")),
    "supplement": ("supplement", ("supplement", "dietary supplement", "food supplement", "superfood", "probiotic",
                                  "vitamin", "vitamins", "multivitamin", "vitamine", "vitamina", "witamina",
                                  "protein", "protéine", "proteína", "proteina", "eiwit", "collagen", "capsules",
                                  "kapseln", "gélules", "cápsulas", "capsule", "kapsułki", "tablets", "tabletten",
                                  "comprimés", "nahrungsergänzungsmittel", "complément alimentaire",
                                  "suplemento", "integratore", "voedingssupplement", "kosttillskott",
                                  "suplement diety")),
    "shampoo": ("beauty", ("shampoo", "shampooing", "champú", "schampo", "sjampo", "szampon", "champô",
                           "xampu")),
    "conditioner": ("beauty", ("conditioner", "spülung", "après-shampooing", "acondicionador", "balsamo",
                               "balsam", "odżywka", "condicionador")),
    "body lotion": ("beauty", ("body lotion", "lotion", "körperlotion", "lait corporel", "loción", "bodylotion",
                               "loção", "balsam do ciała")),
    "face cream": ("beauty", ("face cream", "moisturiser", "moisturizer", "gesichtscreme", "crème visage",
                              "crema viso", "crema facial", "dagcrème", "night cream", "day cream",
                              "krem do twarzy", "creme facial")),
    "hand cream": ("beauty", ("hand cream", "handcreme", "crème mains", "crema mani", "crema de manos",
                              "håndcreme", "handkräm", "krem do rąk")),
    "serum": ("beauty", ("serum", "sérum", "siero")),
    "micellar water": ("beauty", ("micellar water", "eau micellaire", "mizellenwasser", "agua micelar",
                                  "acqua micellare", "płyn micelarny", "água micelar")),
    "sunscreen": ("beauty", ("sunscreen", "sun cream", "sonnencreme", "crème solaire", "protector solar",
                             "crema solare", "zonnebrand", "solskydd", "solcreme", "solkrem", "protetor solar",
                             "krem z filtrem", "spf")),
    "perfume": ("beauty", ("perfume", "parfum", "profumo", "perfumy", "eau de parfum", "eau de toilette",
                           "eau de cologne", "cologne")),
    "deodorant": ("beauty", ("deodorant", "deo", "déodorant", "desodorante", "deodorante", "dezodorant",
                             "desodorizante", "antiperspirant")),
    "soap": ("beauty", ("soap", "seife", "savon", "jabón", "sapone", "zeep", "tvål", "sæbe", "såpe", "mydło",
                        "sabonete", "hand wash")),
    "shower gel": ("beauty", ("shower gel", "duschgel", "gel douche", "gel de ducha", "bagnoschiuma",
                              "douchegel", "żel pod prysznic", "gel de banho", "body wash")),
    "toothpaste": ("beauty", ("toothpaste", "zahnpasta", "zahncreme", "dentifrice", "pasta de dientes",
                              "dentifricio", "tandpasta", "tandkräm", "tannkrem", "pasta do zębów",
                              "pasta de dentes", "creme dental")),
    "lipstick": ("beauty", ("lipstick", "lippenstift", "rouge à lèvres", "pintalabios", "rossetto", "szminka",
                            "batom")),
    "mascara": ("beauty", ("mascara", "máscara", "tusz do rzęs")),
    "nail polish": ("beauty", ("nail polish", "nagellack", "vernis à ongles", "esmalte", "smalto",
                               "lakier do paznokci")),
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
    "orange": ("orange", "apelsin", "appelsin", "naranja", "arancia", "sinaasappel", "appelsien", "laranja",
               "pomarańcza", "pomarańczowy"),
    "apple": ("apple", "apfel", "pomme", "manzana", "mela", "appel", "äpple", "äppel", "æble", "eple", "maçã",
              "jabłko", "jabłkowy"),
    "strawberry": ("strawberry", "erdbeere", "fraise", "fresa", "fragola", "aardbei", "jordgubb", "jordgubbe",
                   "jordbær", "morango", "truskawka", "truskawkowy"),
    "lemon": ("lemon", "zitrone", "citron", "limón", "limone", "citroen", "sitron", "limão", "cytryna"),
    "peach": ("peach", "pfirsich", "pêche", "melocotón", "pesca", "perzik", "persika", "fersken", "pêssego",
              "brzoskwinia"),
    "raspberry": ("raspberry", "himbeere", "framboise", "frambuesa", "lampone", "framboos", "hallon", "hindbær",
                  "bringebær", "framboesa", "malina"),
    "blueberry": ("blueberry", "heidelbeere", "blaubeere", "myrtille", "arándano", "mirtillo", "bosbes", "blåbär"),
    "cherry": ("cherry", "kirsche", "cerise", "cereza", "ciliegia", "kers", "körsbär", "kirsebær", "cereja",
               "wiśnia"),
    "mango": ("mango", "mangue"),
    "banana": ("banana", "banane", "plátano", "banaan", "banan"),
    "pineapple": ("pineapple", "ananas", "piña", "abacaxi"),
    "grape": ("grape", "traube", "raisin", "uva", "druif", "druva"),
    "vanilla": ("vanilla", "vanille", "vainilla", "vaniglia", "vanilj", "vanilje", "baunilha", "wanilia",
                "waniliowy"),
    "chocolate": ("chocolate", "schoko", "chocolat", "cioccolato", "chocolade", "choklad"),
    "caramel": ("caramel", "karamell", "karamel", "caramelo", "caramello"),
    "mint": ("mint", "minze", "menthe", "menta", "munt", "mynta"),
    "coconut": ("coconut", "kokos", "coco", "cocco", "kokosnöt"),
}  # fmt: skip
BASES: dict[str, tuple[str, ...]] = {
    "soy": ("soy", "soya", "soja", "soia"),
    "oat": ("oat", "hafer", "avoine", "avena", "haver", "havre", "aveia", "owsiany"),
    "almond": ("almond", "mandel", "amande", "almendra", "mandorla", "amandel", "amêndoa", "migdałowy"),
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
# Printed phrases that hold a noun's word and name no product: "water resistant" on a watch.
NOT_NAMES = ("water resistant", "water repellent", "water bottle", "water based", "wasserdicht")
MIN_HEAD = 5  # letters of a noun ending a compound ("haferdrink", "kernseife"); shorter only after a flavour
# ("orangensaft", "sinaasappelsap"): "schwein" is no wine, "consumo" no juice
MIN_STEM = 3  # letters before it: "swine" is no compound of "wine"
LINKS = (
    "n",
    "s",
    "en",
)  # a compound's linking letters: orange+n, jordgubb+s, zitrone+n ("erdbeer" lacks an e)
# A noun counts printed at least this big, as a share of the biggest print. The reader's line boxes pad
# small print more: an ingredients line a sixth the size of the name measures 0.4 of it.
NOUN_PRINT = 0.5
FLAVOUR_PRINT = 0.5  # a flavour counts printed at least this big (not "peach" in a list of ingredients)
QUOTED_LINES = 2  # printed lines quoted in the description
QUOTE_CONFIDENCE = 0.9
# Letters that are no accented letter, as the reader (Latin without diacritics) reads them.
LETTERS = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss", "ł": "l", "œ": "oe", "Æ": "AE", "Ø": "O", "Ł": "L"})


def _spellings(phrase: str) -> set[str]:
    """A phrase as the label reader may return it: accents stripped, or accented letters dropped (only
    where a word keeps 4 letters or more: "sås" without its "å" is no word)."""
    lower = phrase.lower()
    spellings = {_normal(_unaccented(lower))}
    dropped = _normal("".join(c for c in lower if c.isascii() or not c.isalpha()))
    if all(len(word) >= 4 for word in dropped.split()):
        spellings.add(dropped)
    if lower.endswith("ie"):  # "cookie": its printed plural folds to "cooky" (`singular`), so that counts too
        spellings |= _spellings(lower + "s")
    return spellings


def _unaccented(text: str) -> str:
    """The text without accents; letters that are no accented letter spelt as the reader reads them."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LETTERS))
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
    entries += [("", "", NOT_NAMES)]
    for meaning, kind, words in entries:
        for word in words:
            for spelling in _spellings(word):
                table.setdefault(tuple(spelling.split()), (meaning, kind))
    return dict(sorted(table.items(), key=lambda item: -len(item[0])))


class Line(Protocol):
    """A printed line as `workers.label` reads it (that module asks this one whether a read names anything)."""

    @property
    def text(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def height(self) -> float: ...  # as a share of the product's height


class Label(Protocol):
    """A read label (`workers.label.Label`): its lines, biggest print first."""

    @property
    def lines(self) -> Sequence[Line]: ...


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
            found += _misread(tokens[position]) or _compound(tokens[position])
            position += 1
    return [meaning for meaning in found if meaning[0]]


@cache
def _words() -> dict[str, tuple[str, str]]:
    """The one-word spellings of `_phrases`."""
    return {phrase[0]: meaning for phrase, meaning in _phrases().items() if len(phrase) == 1}


@cache
def _accent_slots() -> dict[str, tuple[str, str]]:
    """Every one-word vocabulary spelling of 5 letters or more with an accented letter, that letter made a
    "?" ("mj?lk"), → what it means: the reader reads the letter as any other ("MJELK")."""
    slots: dict[str, tuple[str, str]] = {}
    for phrase, meaning in _phrases().items():
        for word in _accented_words(phrase, meaning):
            plain = _unaccented(word)  # "mælk" → "maelk": its letters no longer line up, it has no slot
            for at, letter in enumerate(word):
                if not letter.isascii() and len(plain) == len(word) >= MIN_HEAD:
                    slots.setdefault(f"{plain[:at]}?{plain[at + 1 :]}", meaning)
    return slots


def _accented_words(phrase: tuple[str, ...], meaning: tuple[str, str]) -> list[str]:
    """The vocabulary's own spellings (with accents) of a one-word phrase's meaning that read as it."""
    if len(phrase) != 1 or not meaning[0]:
        return []
    words = FLAVOURS.get(meaning[0], ()) if meaning[1] == "flavour" else ()
    words += BASES.get(meaning[0], ()) if meaning[1] == "base" else ()
    words += NOUNS[meaning[0]][1] if meaning[0] in NOUNS and meaning[1] == NOUNS[meaning[0]][0] else ()
    return [word.lower() for word in words if " " not in word and _normal(_unaccented(word)) == phrase[0]]


def _misread(word: str) -> list[tuple[str, str]]:
    """What a word means whose accented letter the reader read as another letter ("MJELK" for "MJÖLK")."""
    slots = _accent_slots()
    found = (slots.get(f"{word[:at]}?{word[at + 1 :]}") for at in range(len(word)))
    return next(([meaning] for meaning in found if meaning), [])


def _compound(word: str) -> list[tuple[str, str]]:
    """What a word glued from a product noun at its end means: a compound ("Orangensaft", "Haferdrink",
    "Kernseife") or two printed words read as one ("OrangeJuice"): the noun, after the flavour or base
    before it where that is one. A flavour's own compound form is the flavour ("Erdbeer", not "beer")."""
    whole, words = _stem(word), _words()
    if whole:
        return [whole]
    for cut in range(MIN_STEM, len(word) - 2):  # the longest noun first
        noun = words.get(word[cut:])
        if noun is None or noun[1] in ("flavour", "base", ""):
            continue
        stem = _stem(word[:cut])
        if stem or len(word) - cut >= MIN_HEAD:
            return [stem, noun] if stem else [noun]
    return []


def _stem(text: str) -> tuple[str, str] | None:
    """The flavour or plant base a compound's first part names, with its linking letters ("erdbeer",
    "orangen", "jordgubbs"), or None."""
    cut = [text[: -len(link)] for link in LINKS if text.endswith(link)]
    spellings = [text, text + "e"] + [stem for stem in cut if len(stem) > MIN_STEM]  # "kern" is no "ker(s)"
    meanings = [_words().get(spelling, ("", "")) for spelling in spellings]
    return next((meaning for meaning in meanings if meaning[1] in ("flavour", "base")), None)


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
