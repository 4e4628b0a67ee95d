"""What shops sell, as shoppers name it: the nouns a zero-shot recogniser (`workers.models.zero_shot`, set by
ZERO_SHOT_MODEL) chooses among, each filed under the categories `workers.vocabulary` uses and a department.

ImageNet has no class for much of what shops sell (headphones, yoga mats, phone cases, earrings, milk), so
the ImageNet classifier steps such products up to "product"; an image-text model can name any noun it is
given, and these are the nouns. They are a general shop vocabulary, not a list fitted to any photos.

The aisles follow the top levels of the public Google product taxonomy (Apparel & Accessories, Electronics,
Health & Beauty, Food, Beverages & Tobacco, Home & Garden, Toys & Games, Sporting Goods, Office Supplies,
Luggage & Bags, Hardware, Arts & Entertainment, Media, Baby & Toddler, Animals & Pet Supplies). Each aisle's
department is what a shopper calls any of its products when unsure which ("audio device", "makeup",
"cutlery"): an unsure name steps up to it (`workers.naming.step_up`). Departments reuse the nouns of
`workers.vocabulary.DEPARTMENT_NOUNS` and `CATEGORY_NOUNS` where those have one.

Plain data (no model runtime is imported): the web process may read it.
"""

from __future__ import annotations

from typing import NamedTuple

from workers.vocabulary import CATEGORY_NOUNS
from workers.words import is_plural


class Aisle(NamedTuple):
    path: str  # where the Google product taxonomy files these products, for the record
    category: str  # a `workers.vocabulary` category: chooses prompts, scenes and presets
    department: str  # what a shopper calls any of them
    nouns: tuple[str, ...]


AISLES: tuple[Aisle, ...] = (
    # --- Apparel & Accessories ---------------------------------------------------------------------
    Aisle("Apparel & Accessories > Clothing", "fashion", CATEGORY_NOUNS["fashion"], (
        "t-shirt", "shirt", "blouse", "polo shirt", "tank top", "sweater", "cardigan", "hoodie", "sweatshirt",
        "jacket", "coat", "raincoat", "blazer", "dress", "skirt", "jeans", "trousers", "shorts", "leggings",
        "jumpsuit", "pyjamas", "bathrobe", "swimsuit", "bikini", "socks", "bra", "underwear", "kimono",
    )),
    Aisle("Apparel & Accessories > Clothing Accessories", "fashion", "accessory", (
        "scarf", "necktie", "bow tie", "belt", "gloves", "mittens", "hat", "baseball cap", "beanie",
        "sun hat", "headband", "scrunchie", "keychain",
    )),
    Aisle("Apparel & Accessories > Clothing Accessories > Sunglasses", "fashion", "eyewear", (
        "sunglasses", "eyeglasses",
    )),
    Aisle("Apparel & Accessories > Jewelry", "jewelry", "jewellery", (
        "earrings", "ring", "bracelet", "necklace", "pendant", "brooch", "anklet", "cufflinks", "hair clip",
    )),
    Aisle("Apparel & Accessories > Jewelry > Watches", "jewelry", CATEGORY_NOUNS["jewelry"], (
        "watch", "pocket watch", "stopwatch",
    )),
    Aisle("Apparel & Accessories > Shoes", "footwear", CATEGORY_NOUNS["footwear"], (
        "sneakers", "running shoes", "boots", "ankle boots", "rain boots", "hiking boots", "cowboy boots",
        "sandals", "flip-flops", "slippers", "high heels", "loafers", "ballet flats", "clogs", "espadrilles",
    )),
    Aisle("Apparel & Accessories > Handbags, Wallets & Cases", "bag", CATEGORY_NOUNS["bag"], (
        "handbag", "tote bag", "clutch bag", "crossbody bag", "backpack", "messenger bag", "belt bag",
        "laptop bag", "briefcase", "gym bag", "cosmetic bag",
    )),
    Aisle("Apparel & Accessories > Handbags, Wallets & Cases > Wallets", "bag", "wallet", (
        "wallet", "card holder", "coin purse",
    )),
    Aisle("Luggage & Bags > Suitcases", "bag", "luggage", ("suitcase", "duffel bag")),
    # --- Electronics -------------------------------------------------------------------------------
    Aisle("Electronics > Audio", "tech", "audio device", (
        "headphones", "earbuds", "speaker", "smart speaker", "soundbar", "record player", "radio",
        "microphone", "amplifier", "cassette player", "music player",
    )),
    Aisle("Electronics > Communications > Telephony", "tech", "phone", ("smartphone", "telephone")),
    Aisle("Electronics > Communications > Telephony > Mobile Phone Accessories", "tech", "phone accessory", (
        "phone case", "phone charger", "power bank", "charging cable", "wireless charger", "phone stand",
        "selfie stick",
    )),
    Aisle("Electronics > Computers", "tech", "computer", (
        "laptop", "desktop computer", "tablet", "e-reader",
    )),
    Aisle("Electronics > Electronics Accessories > Computer Accessories", "tech", "computer accessory", (
        "monitor", "keyboard", "computer mouse", "mouse pad", "webcam", "external hard drive",
        "usb flash drive", "router", "printer", "laptop stand", "memory card",
    )),
    Aisle("Cameras & Optics", "tech", "camera gear", (
        "camera", "instant camera", "camera lens", "action camera", "tripod", "drone", "binoculars",
        "telescope",
    )),
    Aisle("Electronics > Video Game Consoles", "tech", "gaming device", (
        "game console", "game controller", "handheld game console", "vr headset", "video game",
    )),
    Aisle("Electronics > Wearable Technology", "tech", "wearable device", ("smartwatch", "fitness tracker")),
    Aisle("Electronics", "tech", CATEGORY_NOUNS["tech"], (
        "television", "projector", "remote control", "batteries", "security camera", "walkie-talkie",
        "baby monitor",
    )),
    # --- Health & Beauty ---------------------------------------------------------------------------
    Aisle("Health & Beauty > Personal Care > Cosmetics > Skin Care", "beauty", "skincare product", (
        "moisturiser", "serum", "sunscreen", "lotion", "face mask", "cleanser", "toner", "eye cream",
        "lip balm", "hand cream", "soap dispenser",
    )),
    Aisle("Health & Beauty > Personal Care > Cosmetics > Bath & Body", "beauty", "bath product", (
        "bar of soap", "body wash", "bath bomb", "bath salts",
    )),
    Aisle("Health & Beauty > Personal Care > Cosmetics > Makeup", "beauty", "makeup", (
        "lipstick", "lip gloss", "mascara", "foundation", "concealer", "eyeshadow palette", "eyeliner",
        "blush", "face powder", "makeup brush", "nail polish",
    )),
    Aisle("Health & Beauty > Personal Care > Cosmetics > Perfume & Cologne", "beauty", "fragrance", (
        "perfume", "cologne", "body mist",
    )),
    Aisle("Health & Beauty > Personal Care > Hair Care", "beauty", "hair care product", (
        "shampoo", "conditioner", "hair spray", "hair oil", "hair gel",
    )),
    Aisle("Health & Beauty > Personal Care > Hair Care > Hair Styling Tools", "beauty", "hair tool", (
        "hairbrush", "comb", "hair dryer", "hair straightener", "curling iron",
    )),
    Aisle("Health & Beauty > Personal Care", "beauty", "personal care product", (
        "toothbrush", "electric toothbrush", "toothpaste", "mouthwash", "razor", "electric shaver",
        "deodorant", "nail clippers", "tweezers", "hand sanitiser",
    )),
    Aisle(
        "Health & Beauty > Health Care > Fitness & Nutrition > Vitamins & Supplements",
        "supplement",
        CATEGORY_NOUNS["supplement"],
        (
            "vitamins", "protein powder", "fish oil capsules", "probiotics", "collagen powder",
        ),
    ),
    Aisle("Health & Beauty > Health Care", "general", "health product", (
        "first aid kit", "thermometer", "pill organiser", "bandages",
    )),
    # --- Food, Beverages & Tobacco -----------------------------------------------------------------
    Aisle("Food, Beverages & Tobacco > Beverages > Coffee & Tea", "beverage", "hot drink", (
        "coffee", "coffee beans", "coffee capsules", "tea", "matcha", "hot chocolate",
    )),
    Aisle("Food, Beverages & Tobacco > Beverages", "beverage", CATEGORY_NOUNS["beverage"], (
        "juice", "soda", "sparkling water", "bottled water", "energy drink", "sports drink", "iced tea",
        "lemonade", "kombucha", "smoothie", "coconut water", "oat milk",
    )),
    Aisle("Food, Beverages & Tobacco > Beverages > Alcoholic Beverages", "beverage", "alcoholic drink", (
        "beer", "wine", "sparkling wine", "whiskey", "gin", "vodka", "rum", "cider",
    )),
    Aisle("Food, Beverages & Tobacco > Food Items > Dairy Products", "dairy", CATEGORY_NOUNS["dairy"], (
        "milk", "yoghurt", "cheese", "butter", "cream", "kefir",
    )),
    Aisle("Food, Beverages & Tobacco > Food Items > Snack Foods", "food", "snack", (
        "potato chips", "chocolate bar", "candy", "biscuits", "crackers", "popcorn", "nuts", "granola bar",
        "pretzels", "dried fruit", "chewing gum",
    )),
    Aisle("Food, Beverages & Tobacco > Food Items > Grains, Rice & Cereal", "food", "pantry staple", (
        "cereal", "porridge oats", "pasta", "rice", "noodles", "flour", "sugar", "olive oil", "canned food",
        "soup", "spices",
    )),
    Aisle("Food, Beverages & Tobacco > Food Items > Dips & Spreads", "food", "spread", (
        "honey", "jam", "peanut butter", "chocolate spread",
    )),
    Aisle("Food, Beverages & Tobacco > Food Items > Condiments & Sauces", "food", "condiment", (
        "ketchup", "mayonnaise", "mustard", "hot sauce", "soy sauce", "pasta sauce", "salad dressing",
        "vinegar",
    )),
    Aisle("Food, Beverages & Tobacco > Food Items > Fruits & Vegetables", "food", "fresh produce", (
        "apple", "bananas", "orange", "lemon", "avocado", "strawberries", "grapes", "tomatoes", "bell pepper",
    )),
    Aisle("Food, Beverages & Tobacco > Food Items > Bakery", "food", "baked goods", (
        "bread", "croissant", "cake", "muffin", "doughnut", "baguette", "bagel",
    )),
    Aisle("Food, Beverages & Tobacco > Food Items", "food", CATEGORY_NOUNS["food"], (
        "eggs", "ice cream", "pizza", "tofu", "sausages", "baby food",
    )),
    Aisle("Animals & Pet Supplies", "general", "pet supply", (
        "pet food", "dog toy", "pet bowl", "dog collar", "dog leash", "cat litter", "pet bed",
    )),
    # --- Home & Garden -----------------------------------------------------------------------------
    Aisle("Home & Garden > Kitchen & Dining > Kitchen Appliances", "kitchen", "kitchen appliance", (
        "toaster", "kettle", "blender", "coffee maker", "espresso machine", "microwave", "stand mixer",
        "air fryer", "slow cooker", "juicer", "food processor", "waffle iron",
    )),
    Aisle("Home & Garden > Kitchen & Dining > Cookware & Bakeware", "kitchen", "cookware", (
        "frying pan", "saucepan", "stockpot", "wok", "Dutch oven", "baking tray",
    )),
    Aisle("Home & Garden > Kitchen & Dining > Kitchen Tools & Utensils", "kitchen", "kitchen utensil", (
        "kitchen knife", "cutting board", "spatula", "whisk", "ladle", "tongs", "grater", "peeler",
        "colander", "rolling pin", "measuring cup", "can opener", "corkscrew", "kitchen scale", "mixing bowl",
        "wooden spoon", "mortar and pestle", "cocktail shaker", "oven mitt", "apron", "food container",
        "lunch box",
    )),
    Aisle("Home & Garden > Kitchen & Dining > Tableware > Flatware", "tableware", "cutlery", (
        "fork", "knife", "spoon", "chopsticks", "cutlery set",
    )),
    Aisle("Home & Garden > Kitchen & Dining > Tableware > Drinkware", "tableware", "drinkware", (
        "mug", "tea cup", "wine glass", "beer glass", "champagne glass", "tumbler", "water bottle",
        "travel mug", "thermos flask",
    )),
    Aisle("Home & Garden > Kitchen & Dining > Tableware > Dinnerware", "tableware", "dinnerware", (
        "plate", "bowl", "platter",
    )),
    Aisle("Home & Garden > Kitchen & Dining > Tableware > Serveware", "tableware", "serveware", (
        "teapot", "jug", "serving tray", "salt shaker", "pepper mill", "butter dish", "cake stand",
        "coasters",
    )),
    Aisle("Home & Garden > Decor", "home", CATEGORY_NOUNS["home"], (
        "vase", "candle", "candle holder", "picture frame", "mirror", "wall art", "figurine", "sculpture",
        "snow globe", "hourglass", "wind chime", "artificial flowers", "reed diffuser", "bookends",
        "jewellery box", "globe",
    )),
    Aisle("Home & Garden > Decor > Clocks", "home", "clock", ("alarm clock", "wall clock")),
    Aisle("Home & Garden > Linens & Bedding", "home", "home textile", (
        "cushion", "throw blanket", "rug", "doormat", "bath towel", "bed sheets", "duvet", "pillow",
        "curtains", "tablecloth", "dish towel",
    )),
    Aisle("Furniture", "home", "furniture", (
        "sofa", "armchair", "chair", "stool", "dining table", "coffee table", "desk", "bookcase", "shelf",
        "bed", "bench", "side table", "office chair",
    )),
    Aisle("Home & Garden > Household Appliances", "home", "home appliance", (
        "vacuum cleaner", "clothes iron", "electric fan", "space heater", "humidifier", "air purifier",
        "sewing machine",
    )),
    Aisle("Home & Garden > Household Supplies", "home", "household item", (
        "laundry basket", "storage box", "trash can", "clothes hanger", "toilet paper", "tissues",
    )),
    Aisle("Home & Garden > Household Supplies > Household Cleaning Supplies", "general", "cleaning product", (
        "laundry detergent", "dish soap", "cleaning spray", "sponge",
    )),
    Aisle("Home & Garden > Household Supplies > Household Cleaning Tools", "home", "cleaning tool", (
        "broom", "mop", "bucket",
    )),
    Aisle("Home & Garden > Lighting", "lighting", CATEGORY_NOUNS["lighting"], (
        "table lamp", "floor lamp", "desk lamp", "pendant light", "wall light", "chandelier", "string lights",
        "night light", "light bulb", "lampshade",
    )),
    Aisle("Home & Garden > Plants", "plant", CATEGORY_NOUNS["plant"], (
        "plant", "succulent", "cactus", "orchid", "bonsai", "bouquet", "plant pot",
    )),
    Aisle("Home & Garden > Lawn & Garden > Gardening", "tools", "garden tool", (
        "watering can", "garden hose", "trowel", "pruning shears", "rake", "shovel", "wheelbarrow",
        "lawn mower",
    )),
    Aisle("Home & Garden > Lawn & Garden > Outdoor Living", "outdoor", "garden item", (
        "birdhouse", "bird feeder", "barbecue grill", "fire pit",
    )),
    # --- Toys & Games ------------------------------------------------------------------------------
    Aisle("Toys & Games > Toys", "toy", CATEGORY_NOUNS["toy"], (
        "toy car", "toy train", "toy robot", "toy airplane", "doll", "action figure", "building blocks",
        "rubber duck", "spinning top", "yo-yo", "kite", "balloon", "pinwheel", "water gun", "baby rattle",
        "dollhouse", "rocking horse", "marbles", "fidget spinner",
    )),
    Aisle("Toys & Games > Toys > Stuffed Animals", "toy", "soft toy", ("teddy bear", "plush toy", "puppet")),
    Aisle("Toys & Games > Games", "toy", "game", (
        "board game", "jigsaw puzzle", "playing cards", "dice", "puzzle cube", "chess set", "dominoes",
    )),
    # --- Sporting Goods ----------------------------------------------------------------------------
    Aisle("Sporting Goods > Exercise & Fitness", "sports", "fitness equipment", (
        "yoga mat", "dumbbell", "kettlebell", "barbell", "resistance band", "jump rope", "foam roller",
        "exercise ball", "pull-up bar", "massage gun",
    )),
    Aisle("Sporting Goods > Athletics > Balls", "sports", "ball", (
        "basketball", "soccer ball", "volleyball", "tennis ball", "golf ball", "baseball", "rugby ball",
    )),
    Aisle("Sporting Goods > Athletics", "sports", CATEGORY_NOUNS["sports"], (
        "tennis racket", "badminton racket", "golf club", "baseball bat", "baseball glove", "hockey stick",
        "boxing gloves", "punching bag", "skateboard", "roller skates", "ice skates", "skis", "snowboard",
        "surfboard", "swim goggles", "frisbee", "table tennis paddle", "dartboard",
    )),
    Aisle("Sporting Goods > Outdoor Recreation > Cycling", "sports", "cycling gear", (
        "bicycle", "bike helmet", "bike lock",
    )),
    Aisle("Sporting Goods > Outdoor Recreation > Camping & Hiking", "outdoor", "camping gear", (
        "tent", "sleeping bag", "camping stove", "camping chair", "cool box", "lantern", "compass",
        "headlamp", "hammock",
    )),
    Aisle("Sporting Goods > Outdoor Recreation", "outdoor", CATEGORY_NOUNS["outdoor"], (
        "umbrella", "fishing rod", "snorkel", "life jacket",
    )),
    # --- Office Supplies, Media, Arts & Entertainment ----------------------------------------------
    Aisle("Office Supplies > Writing & Drawing Instruments", "stationery", "writing instrument", (
        "pen", "fountain pen", "pencil", "marker", "highlighter",
    )),
    Aisle("Office Supplies > Paper Products", "stationery", CATEGORY_NOUNS["stationery"], (
        "notebook", "sticky notes", "envelope", "greeting card", "planner", "calendar", "sketchbook",
        "wrapping paper",
    )),
    Aisle("Office Supplies > General Office Supplies", "stationery", "office supply", (
        "stapler", "scissors", "tape dispenser", "paper clips", "ring binder", "folder", "hole punch",
        "desk organiser", "pencil case", "pencil sharpener", "eraser", "ruler", "glue stick",
    )),
    Aisle("Office Supplies > Office Equipment", "stationery", "office equipment", (
        "typewriter", "calculator", "label maker", "paper shredder",
    )),
    Aisle("Media > Books", "stationery", "book", ("book", "comic book", "magazine", "colouring book")),
    Aisle("Arts & Entertainment > Hobbies & Creative Arts > Arts & Crafts", "stationery", "art supply", (
        "paintbrush", "paint set", "coloured pencils", "crayons", "easel", "canvas", "yarn",
        "knitting needles", "sewing kit", "modelling clay", "glue gun", "embroidery hoop",
    )),
    Aisle(
        "Arts & Entertainment > Hobbies & Creative Arts > Musical Instruments",
        "music",
        CATEGORY_NOUNS["music"],
        (
            "ukulele", "violin", "cello", "banjo", "harmonica", "flute", "saxophone", "trumpet", "clarinet",
            "accordion", "drum", "tambourine", "maracas", "xylophone", "digital piano",
        ),
    ),
    Aisle(
        "Arts & Entertainment > Hobbies & Creative Arts > Musical Instruments > Guitars",
        "music",
        "guitar",
        (
            "acoustic guitar", "electric guitar", "bass guitar",
        ),
    ),
    Aisle("Media > Music & Sound Recordings", "music", "music media", (
        "vinyl record", "cassette tape", "cd",
    )),
    Aisle("Arts & Entertainment > Party & Celebration", "general", "party supply", (
        "gift box", "gift card", "christmas ornament", "party hat",
    )),
    # --- Hardware, Baby & Toddler ------------------------------------------------------------------
    Aisle("Hardware > Tools", "tools", "hand tool", (
        "hammer", "screwdriver", "wrench", "pliers", "tape measure", "handsaw", "spirit level",
        "utility knife", "chisel", "multitool", "clamp",
    )),
    Aisle("Hardware > Tools > Power Tools", "tools", "power tool", (
        "power drill", "circular saw", "angle grinder", "sander", "chainsaw", "heat gun",
    )),
    Aisle("Hardware", "tools", CATEGORY_NOUNS["tools"], (
        "toolbox", "flashlight", "padlock", "ladder", "work gloves", "paint roller", "duct tape",
        "extension cord", "lighter", "axe", "screws",
    )),
    Aisle("Baby & Toddler", "general", "baby product", (
        "baby bottle", "pacifier", "diapers", "stroller", "bib",
    )),
)  # fmt: skip

# Nouns that take no article in a sentence ("a product photo of milk"), besides plurals ("of sneakers").
UNCOUNTED = frozenset({
    "underwear", "serum", "sunscreen", "lotion", "toner", "eye cream", "lip balm", "hand cream", "body wash",
    "bath salts", "lipstick", "lip gloss", "mascara", "foundation", "concealer", "eyeliner", "blush",
    "face powder", "nail polish", "perfume", "cologne", "body mist", "shampoo", "conditioner", "hair spray",
    "hair oil", "hair gel", "toothpaste", "mouthwash", "deodorant", "hand sanitiser", "protein powder",
    "collagen powder", "coffee", "tea", "matcha", "hot chocolate", "juice", "soda", "sparkling water",
    "bottled water", "iced tea", "lemonade", "kombucha", "coconut water", "oat milk", "beer", "wine",
    "sparkling wine", "whiskey", "gin", "vodka", "rum", "cider", "milk", "yoghurt", "cheese", "butter",
    "cream", "kefir", "candy", "popcorn", "dried fruit", "chewing gum", "cereal", "porridge oats", "pasta",
    "rice", "flour", "sugar", "olive oil", "canned food", "soup", "honey", "jam", "peanut butter",
    "chocolate spread", "ketchup", "mayonnaise", "mustard", "hot sauce", "soy sauce", "pasta sauce",
    "salad dressing", "vinegar", "bread", "ice cream", "tofu", "baby food", "pet food", "cat litter",
    "laundry detergent", "dish soap", "cleaning spray", "toilet paper", "wrapping paper", "yarn",
    "modelling clay", "duct tape",
})  # fmt: skip

# noun → (category, department)
PLACES: dict[str, tuple[str, str]] = {
    noun: (aisle.category, aisle.department) for aisle in AISLES for noun in aisle.nouns
}
NOUNS: tuple[str, ...] = tuple(PLACES)
UNKNOWN = ("general", CATEGORY_NOUNS["general"])


def place(noun: str) -> tuple[str, str]:
    """The noun's (category, department); a noun the taxonomy does not list is a general "product"."""
    return PLACES.get(noun, UNKNOWN)


def with_article(noun: str) -> str:
    """The noun as it follows "a photo of": "a mug", "an apron", "sneakers", "milk"."""
    if is_plural(noun) or noun in UNCOUNTED:
        return noun
    article = "an" if noun[:1].lower() in "aeio" or noun.startswith(("umb", "hour")) else "a"
    return f"{article} {noun}"
