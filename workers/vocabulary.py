"""Words for products: ImageNet classes as the nouns a shopper uses, the kinds and categories they belong
to, colour names, scene prompts.

Plain data, written for this service. An ImageNet class not listed here is no product (animals, scenes
and vehicles rarely show up in product photos); `CATEGORY_HINTS` lets a few such classes (a toy store, a
shoe store) say which category the product is in.

Categories (an e-commerce taxonomy): beverage, dairy, food, supplement, beauty (cosmetics and personal
care), footwear, bag, fashion (apparel and hats), jewelry (watches and accessories), toy, kitchen
(kitchenware), tableware, home (decor), lighting, plant, tech (electronics), stationery, tools, sports,
music, outdoor, general.
"""

from __future__ import annotations

# ImageNet-1k index → (product noun, category, material). Categories choose prompts and presets.
PRODUCTS: dict[int, tuple[str, str, str]] = {
    409: ("alarm clock", "home", "metal"), 892: ("wall clock", "home", ""), 530: ("digital clock", "tech", ""),
    531: ("digital watch", "jewelry", ""), 826: ("stopwatch", "jewelry", "metal"), 604: ("hourglass", "home", "glass"),
    414: ("backpack", "bag", "fabric"), 636: ("messenger bag", "bag", "fabric"), 748: ("handbag", "bag", "leather"),
    893: ("wallet", "bag", "leather"), 709: ("pencil case", "bag", ""), 797: ("sleeping bag", "outdoor", "fabric"),
    850: ("teddy bear", "toy", "plush"), 611: ("jigsaw puzzle", "toy", "cardboard"), 719: ("piggy bank", "toy", "ceramic"),
    849: ("teapot", "tableware", "ceramic"), 505: ("coffee pot", "kitchen", ""), 504: ("coffee mug", "tableware", "ceramic"),
    968: ("tea cup", "tableware", "porcelain"), 725: ("pitcher", "tableware", ""), 899: ("water jug", "tableware", ""),
    469: ("cast-iron pot", "kitchen", "cast iron"), 544: ("Dutch oven", "kitchen", "cast iron"),
    567: ("frying pan", "kitchen", "metal"), 909: ("wok", "kitchen", "steel"), 521: ("slow cooker", "kitchen", ""),
    550: ("espresso machine", "kitchen", "steel"), 859: ("toaster", "kitchen", "steel"), 891: ("waffle iron", "kitchen", ""),
    651: ("microwave", "kitchen", ""), 659: ("mixing bowl", "kitchen", ""), 809: ("bowl", "tableware", "ceramic"),
    923: ("plate", "tableware", "ceramic"), 773: ("salt shaker", "tableware", ""), 647: ("measuring cup", "kitchen", ""), 618: ("ladle", "kitchen", "steel"),
    813: ("spatula", "kitchen", ""), 910: ("wooden spoon", "kitchen", "wood"), 828: ("strainer", "kitchen", "steel"),
    499: ("cleaver", "kitchen", "steel"), 666: ("mortar and pestle", "kitchen", "stone"), 503: ("cocktail shaker", "kitchen", "steel"),
    512: ("corkscrew", "kitchen", "metal"), 473: ("can opener", "kitchen", "metal"), 868: ("serving tray", "tableware", ""),
    572: ("wine glass", "tableware", "glass"), 441: ("beer glass", "tableware", "glass"), 438: ("glass beaker", "kitchen", "glass"),
    440: ("beer bottle", "beverage", "glass"), 737: ("soda bottle", "beverage", "plastic"), 898: ("water bottle", "beverage", ""),
    907: ("wine bottle", "beverage", "glass"), 901: ("whiskey bottle", "beverage", "glass"), 653: ("milk can", "beverage", "metal"),
    966: ("red wine", "beverage", "glass"), 967: ("espresso", "beverage", ""), 969: ("eggnog", "beverage", ""),
    720: ("supplement bottle", "supplement", "plastic"), 631: ("lotion", "beauty", "plastic"), 838: ("sunscreen", "beauty", "plastic"),
    711: ("perfume", "beauty", "glass"), 629: ("lipstick", "beauty", ""), 551: ("face powder", "beauty", ""),
    585: ("hair spray", "beauty", ""), 589: ("hair dryer", "beauty", ""), 804: ("soap dispenser", "beauty", ""),
    584: ("hair clip", "jewelry", ""), 679: ("necklace", "jewelry", ""), 464: ("belt buckle", "jewelry", "metal"),
    836: ("sunglasses", "fashion", ""), 837: ("sunglasses", "fashion", ""), 457: ("bow tie", "fashion", "silk"),
    906: ("necktie", "fashion", "silk"), 824: ("scarf", "fashion", "fabric"), 474: ("cardigan", "fashion", "knit"),
    841: ("sweatshirt", "fashion", "cotton"), 610: ("T-shirt", "fashion", "cotton"), 608: ("jeans", "fashion", "denim"),
    869: ("trench coat", "fashion", ""), 568: ("fur coat", "fashion", ""), 578: ("gown", "fashion", ""),
    655: ("miniskirt", "fashion", ""), 697: ("pajamas", "fashion", "cotton"), 614: ("kimono", "fashion", "silk"),
    515: ("cowboy hat", "fashion", ""), 808: ("sombrero", "fashion", "straw"), 452: ("bonnet", "fashion", ""),
    658: ("mittens", "fashion", "knit"), 806: ("socks", "fashion", "cotton"), 459: ("bra", "fashion", ""),
    445: ("bikini", "fashion", ""), 639: ("swimsuit", "fashion", ""), 842: ("swim shorts", "fashion", ""),
    770: ("sneakers", "footwear", ""), 630: ("loafers", "footwear", "leather"), 774: ("sandals", "footwear", ""),
    514: ("cowboy boots", "footwear", "leather"), 502: ("clogs", "footwear", ""),
    487: ("smartphone", "tech", ""), 620: ("laptop", "tech", ""), 681: ("notebook computer", "tech", ""),
    527: ("desktop computer", "tech", ""), 664: ("monitor", "tech", ""), 782: ("monitor", "tech", ""),
    508: ("keyboard", "tech", ""), 878: ("keyboard", "tech", ""), 673: ("computer mouse", "tech", ""),
    590: ("handheld computer", "tech", ""), 605: ("music player", "tech", ""), 632: ("speaker", "tech", ""),
    754: ("radio", "tech", ""), 761: ("remote control", "tech", ""), 613: ("game controller", "tech", ""),
    759: ("camera", "tech", ""), 732: ("instant camera", "tech", ""), 447: ("binoculars", "tech", ""),
    745: ("projector", "tech", ""), 851: ("television", "tech", ""), 662: ("router", "tech", ""),
    592: ("hard drive", "tech", ""), 742: ("printer", "tech", ""), 650: ("microphone", "tech", ""),
    528: ("telephone", "tech", ""), 545: ("electric fan", "home", ""), 811: ("space heater", "home", ""),
    882: ("vacuum cleaner", "home", ""), 606: ("clothes iron", "home", ""), 786: ("sewing machine", "home", ""),
    846: ("table lamp", "lighting", ""), 619: ("lampshade", "lighting", "fabric"), 818: ("spotlight", "lighting", ""),
    470: ("candle", "home", "wax"), 883: ("vase", "home", "ceramic"), 738: ("plant pot", "plant", "ceramic"),
    985: ("daisy", "plant", ""), 721: ("pillow", "home", "fabric"),
    750: ("quilt", "home", "cotton"), 434: ("bath towel", "home", "cotton"), 533: ("dish towel", "home", "cotton"),
    539: ("doormat", "home", ""), 741: ("rug", "home", "wool"), 492: ("storage chest", "home", "wood"),
    588: ("laundry basket", "home", "wicker"), 790: ("shopping basket", "home", "wicker"), 463: ("bucket", "home", ""),
    412: ("trash can", "home", ""), 765: ("rocking chair", "home", "wood"), 559: ("folding chair", "home", ""),
    831: ("sofa", "home", "fabric"), 526: ("desk", "home", "wood"), 532: ("dining table", "home", "wood"),
    453: ("bookcase", "home", "wood"), 494: ("wind chime", "home", "metal"), 448: ("birdhouse", "home", "wood"),
    418: ("ballpoint pen", "stationery", ""), 563: ("fountain pen", "stationery", "metal"), 446: ("ring binder", "stationery", ""),
    767: ("eraser", "stationery", "rubber"), 710: ("pencil sharpener", "stationery", ""), 549: ("envelope", "stationery", "paper"),
    917: ("comic book", "stationery", "paper"), 921: ("book", "stationery", "paper"), 769: ("ruler", "stationery", ""),
    692: ("product package", "general", "cardboard"), 478: ("cardboard box", "general", "cardboard"),
    587: ("hammer", "tools", "steel"), 784: ("screwdriver", "tools", "steel"), 740: ("power drill", "tools", ""),
    477: ("tool kit", "tools", ""), 596: ("hatchet", "tools", "steel"), 792: ("shovel", "tools", "steel"),
    491: ("chainsaw", "tools", ""), 695: ("padlock", "tools", "metal"), 507: ("combination lock", "tools", "metal"),
    626: ("lighter", "tools", "metal"), 862: ("flashlight", "tools", "metal"), 778: ("kitchen scale", "kitchen", ""),
    402: ("acoustic guitar", "music", "wood"), 546: ("electric guitar", "music", ""), 889: ("violin", "music", "wood"),
    486: ("cello", "music", "wood"), 420: ("banjo", "music", "wood"), 593: ("harmonica", "music", "metal"),
    558: ("flute", "music", "metal"), 776: ("saxophone", "music", "brass"), 513: ("trumpet", "music", "brass"),
    401: ("accordion", "music", ""), 541: ("drum", "music", ""), 641: ("maracas", "music", ""),
    429: ("baseball", "sports", "leather"), 430: ("basketball", "sports", "rubber"), 805: ("soccer ball", "sports", ""),
    890: ("volleyball", "sports", ""), 768: ("rugby ball", "sports", "leather"), 852: ("tennis ball", "sports", ""),
    574: ("golf ball", "sports", ""), 722: ("ping-pong ball", "sports", ""), 752: ("tennis racket", "sports", ""),
    543: ("dumbbell", "sports", "steel"), 422: ("barbell", "sports", "steel"), 747: ("punching bag", "sports", "leather"),
    518: ("helmet", "sports", ""), 560: ("football helmet", "sports", ""), 795: ("skis", "sports", ""),
    671: ("mountain bike", "sports", ""), 444: ("tandem bicycle", "sports", ""), 870: ("tricycle", "sports", ""),
    880: ("unicycle", "sports", ""), 417: ("balloon", "toy", ""), 723: ("pinwheel", "toy", ""),
    879: ("umbrella", "outdoor", ""), 672: ("tent", "outdoor", ""), 801: ("snorkel", "outdoor", ""),
    928: ("ice cream", "food", ""), 929: ("ice pop", "food", ""), 930: ("baguette", "food", ""), 931: ("bagel", "food", ""),
    932: ("pretzel", "food", ""), 933: ("burger", "food", ""), 963: ("pizza", "food", ""), 948: ("apple", "food", ""),
    949: ("strawberries", "food", ""), 950: ("orange", "food", ""), 951: ("lemon", "food", ""), 953: ("pineapple", "food", ""),
    954: ("bananas", "food", ""), 957: ("pomegranate", "food", ""), 960: ("chocolate sauce", "food", ""),
    945: ("bell pepper", "food", ""), 947: ("mushrooms", "food", ""), 999: ("toilet paper", "home", "paper"),
}  # fmt: skip

# A kind of product a shopper names when the classifier cannot tell its kinds apart: sandal against
# slip-on shoe is "shoes", sombrero against cowboy hat is "hat" (ImageNet has no other hats), and every
# plush animal is a "teddy bear" to ImageNet. A noun not listed is its own kind.
KINDS: dict[str, tuple[str, ...]] = {
    "shoes": ("sneakers", "loafers", "sandals", "clogs", "cowboy boots"), "hat": ("cowboy hat", "sombrero", "bonnet"),
    "plush toy": ("teddy bear",), "cup": ("coffee mug", "tea cup"), "lamp": ("table lamp", "lampshade", "spotlight"),
    "bag": ("backpack", "messenger bag", "handbag"), "clock": ("alarm clock", "wall clock", "digital clock"),
    "watch": ("digital watch", "stopwatch"), "bottle": ("beer bottle", "soda bottle", "water bottle", "wine bottle", "whiskey bottle"),
    "glass": ("wine glass", "beer glass"), "pan": ("frying pan", "wok"), "pot": ("cast-iron pot", "Dutch oven"),
    "camera": ("camera", "instant camera"), "chair": ("rocking chair", "folding chair"),
    "computer": ("laptop", "notebook computer", "desktop computer"), "guitar": ("acoustic guitar", "electric guitar"),
    "ball": ("baseball", "basketball", "soccer ball", "volleyball", "rugby ball", "tennis ball", "golf ball", "ping-pong ball"),
    "plant": ("daisy", "plant pot"),
    # ImageNet splits cycles four ways; a city bike's mass spreads over them all, and together they say "bike".
    "bike": ("mountain bike", "tandem bicycle", "tricycle", "unicycle"),
}  # fmt: skip
KIND_OF = {noun: kind for kind, nouns in KINDS.items() for noun in nouns}

# Classes that are no product but say which category the product is in.
CATEGORY_HINTS = {865: "toy", 788: "footwear", 582: "food", 438: "kitchen"}

# What to call a product when the evidence names only its category: a general right name beats a specific
# wrong one.
CATEGORY_NOUNS = {
    "beverage": "drink", "dairy": "dairy product", "food": "food product", "supplement": "supplement",
    "beauty": "beauty product", "footwear": "shoes", "bag": "bag", "fashion": "clothing",
    "jewelry": "accessory", "toy": "toy", "kitchen": "kitchenware", "tableware": "tableware",
    "home": "decor piece", "lighting": "lamp", "plant": "plant", "tech": "electronic device",
    "stationery": "stationery item", "tools": "tool", "sports": "sports item", "music": "musical instrument",
    "outdoor": "outdoor item", "general": "product",
}  # fmt: skip

# What a shopper calls a product of a kind when only its department is sure (the public Google product
# taxonomy's second level: Electronics > Audio, Apparel & Accessories > Clothing, Health & Beauty >
# Personal Care > Skin Care). A kind not listed goes by its category's noun (`CATEGORY_NOUNS`).
DEPARTMENT_NOUNS = {
    "speaker": "audio device", "radio": "audio device", "music player": "audio device", "microphone": "audio device",
    "lotion": "skincare product", "sunscreen": "skincare product", "soap dispenser": "skincare product",
    "perfume": "fragrance", "lipstick": "makeup", "face powder": "makeup",
    "necklace": "jewellery", "hair clip": "jewellery",
    "sunglasses": "eyewear", "necktie": "accessory", "bow tie": "accessory", "scarf": "accessory",
    "bottle": "bottle",
}  # fmt: skip

# ImageNet classes a product photo rarely shows as the product itself (a drink poured in a glass, a dish,
# fruit, a piggy bank, a tie knotted on a shirt): a packshot that looks like one is more often something
# else, so their probability counts for less (`UNLIKELY_WEIGHT` in `workers.naming`).
UNLIKELY_CLASSES = {
    966, 967, 969, 928, 929, 930, 931, 932, 933, 963, 960, 948, 949, 950, 951, 953, 954, 957, 945, 947,
    719, 906, 985, 797,
}  # fmt: skip

# Containers for food, drink and cosmetics: with a flavour printed big on them and no noun, they hold a drink.
CONTAINER_CLASSES = {440, 737, 898, 907, 901, 720, 631, 838, 585, 692, 478, 653, 804}

# Bottle-shaped classes: without a neck, such an object is a can (ImageNet has no class for cans).
BOTTLE_CLASSES = {440, 737, 898, 907, 901, 720, 631, 838, 585}

# Every ImageNet class a department (`DEPARTMENT_NOUNS`) files: the classes of its kinds, and classes of
# the same aisle that name no product of their own (cassette and CD players are audio devices); a bottle
# is a bottle whatever it holds, so every bottle-shaped class is one.
DEPARTMENT_CLASSES = {
    department: frozenset(
        index
        for index, (noun, _, _) in PRODUCTS.items()
        if DEPARTMENT_NOUNS.get(KIND_OF.get(noun, noun)) == department
    )
    for department in set(DEPARTMENT_NOUNS.values())
}
DEPARTMENT_CLASSES["audio device"] |= {482, 485, 848, 598}  # cassette, CD and tape players, home theatre
DEPARTMENT_CLASSES["bottle"] |= BOTTLE_CLASSES
DRINK_CLASSES = {440, 737, 898, 907, 901, 966}

# Plain colour words a shopper reads, by sRGB value; a colour is named by its nearest entry in Lab. Only
# colour words: a pixel's colour says nothing of metal ("silver", "gold") or of what it is made of
# ("chocolate"), so such names are not in the list.
COLOUR_NAMES: dict[str, tuple[int, int, int]] = {
    "black": (20, 20, 20), "charcoal": (60, 62, 66), "grey": (128, 128, 128), "light grey": (190, 192, 196),
    "white": (245, 245, 242), "cream": (240, 228, 200), "beige": (215, 195, 160), "tan": (190, 150, 105),
    "brown": (120, 75, 40), "dark brown": (75, 45, 30), "red": (200, 30, 35), "crimson": (160, 20, 50),
    "burgundy": (110, 20, 40), "pink": (240, 150, 180), "hot pink": (230, 40, 130), "magenta": (200, 30, 160),
    "plum": (90, 50, 75), "purple": (120, 60, 160), "lavender": (185, 165, 220), "navy": (25, 35, 90),
    "blue": (40, 90, 200), "sky blue": (120, 180, 235), "teal": (0, 120, 120), "turquoise": (60, 200, 200),
    "mint": (170, 230, 200), "green": (40, 140, 60), "olive": (110, 110, 40), "lime": (170, 210, 50),
    "yellow": (245, 210, 40), "ochre": (200, 160, 60), "mustard": (200, 160, 30), "orange": (240, 130, 30),
    "coral": (245, 120, 100), "peach": (250, 190, 150), "rust": (180, 95, 55),
}  # fmt: skip

# Scene prompts by family, in the public API's style; {accent} is a colour that goes with the product.
SCENES: dict[str, list[str]] = {
    "kitchen": [
        "on a white marble countertop with soft morning light and a blurred kitchen behind",
        "on a rustic oak table with linen napkins and warm window light",
        "on a sleek glass surface with gentle reflections and a {accent} backdrop",
        "on a slate board beside fresh herbs, overhead soft daylight",
        "on a terrazzo counter with a {accent} ceramic accent, bright airy styling",
        "in a cosy cafe setting with warm bokeh lights",
        "on a concrete ledge with dramatic side light and soft shadows",
    ],
    "home": [
        "on a light oak shelf in a calm Scandinavian living room",
        "on a travertine plinth against a {accent} wall with gentle shadows",
        "on a linen-covered side table beside a window with sunlight streaming in",
        "in a minimalist interior with dried pampas grass and warm neutral tones",
        "on a sleek glass surface with subtle reflections and a {accent} gradient background",
        "on a round stone pedestal with dappled leaf shadows",
        "on a walnut desk in a mid-century modern room",
    ],
    "fashion": [
        "on a {accent} seamless paper backdrop with crisp studio lighting",
        "on a concrete block in an urban loft with soft window light",
        "draped over a velvet pedestal in a boutique display, warm spotlight",
        "on a sandy beach at golden hour with soft shadows",
        "on a sleek glass surface with reflections and a {accent} glow",
        "against a sunlit stucco wall with palm leaf shadows",
        "on a terrazzo floor in a bright minimalist showroom",
    ],
    "beauty": [
        "on a wet glossy surface with water droplets and a {accent} backdrop",
        "on a pale pink marble slab with soft diffused light",
        "among white flower petals on a silk cloth, dreamy soft focus",
        "on a glass shelf in a bright spa bathroom with green leaves",
        "on a sculptural plaster plinth with a {accent} gradient behind",
        "on a sleek glass surface with caustic light patterns",
        "floating above rippling water with soft reflections",
    ],
    "tech": [
        "on a matte black desk with a {accent} rim light and subtle reflections",
        "on a clean white desk in a bright modern office",
        "on a sleek glass surface with cool blue reflections",
        "on a concrete surface with dramatic directional light",
        "on a floating pedestal against a {accent} gradient with a gentle glow",
        "on a walnut workspace with a blurred monitor behind",
        "on brushed aluminium with crisp studio lighting",
    ],
    "outdoor": [
        "on a mossy rock in a misty forest with soft morning light",
        "on warm beach sand with gentle waves behind at golden hour",
        "on a weathered wooden deck at sunset with long shadows",
        "on a granite boulder with mountains softly blurred behind",
        "on a weathered picnic table with a {accent} blanket in late-afternoon light",
        "on green grass in dappled sunlight with a {accent} sky",
        "on a poolside ledge with sparkling blue water",
        "on a desert dune with clear skies and crisp shadows",
    ],
}

FAMILY_OF_CATEGORY = {
    "kitchen": "kitchen", "beverage": "kitchen", "food": "kitchen", "dairy": "kitchen", "tableware": "kitchen",
    "home": "home", "toy": "home", "music": "home", "general": "home", "lighting": "home", "plant": "home",
    "stationery": "tech", "supplement": "beauty",
    "fashion": "fashion", "footwear": "fashion", "bag": "fashion", "jewelry": "beauty",
    "beauty": "beauty", "tech": "tech", "tools": "tech", "sports": "outdoor", "outdoor": "outdoor",
}  # fmt: skip

# Words that make a product's category read like a preset's scene for the text similarity.
CATEGORY_WORDS = {
    "kitchen": "kitchen countertop cookware tableware", "beverage": "drink bar kitchen refreshing",
    "food": "food kitchen fresh", "dairy": "fresh breakfast kitchen dairy", "tableware": "table setting kitchen",
    "lighting": "interior living room warm light", "plant": "nature botanical interior green",
    "supplement": "wellness health fresh natural", "home": "home interior living room decor", "toy": "playful soft cosy home",
    "music": "studio interior warm wood", "general": "studio product", "stationery": "office desk minimal",
    "fashion": "fashion boutique studio", "footwear": "fashion street outdoor", "bag": "fashion travel outdoor",
    "jewelry": "luxury elegant jewellery", "beauty": "beauty spa luxury pastel", "tech": "office desk modern tech",
    "tools": "workshop concrete industrial", "sports": "outdoor sport active", "outdoor": "outdoor nature adventure",
}  # fmt: skip

# Preset categories that suit each product category (what a marketer would try first).
PRESET_AFFINITY: dict[str, tuple[str, ...]] = {
    "kitchen": ("kitchen", "minimal", "nature", "interior"), "beverage": ("outdoor", "nature", "kitchen", "seasonal"),
    "food": ("kitchen", "nature", "outdoor"), "dairy": ("kitchen", "nature", "minimal"),
    "tableware": ("kitchen", "interior", "minimal"), "lighting": ("interior", "minimal", "studio"),
    "plant": ("nature", "interior", "minimal"), "supplement": ("nature", "minimal", "pastel"), "home": ("interior", "minimal", "studio", "nature"),
    "toy": ("pastel", "seasonal", "interior", "studio"), "music": ("interior", "studio", "luxury"),
    "general": ("studio", "minimal", "monochrome"), "stationery": ("minimal", "interior", "studio"),
    "fashion": ("studio", "outdoor", "luxury", "pastel"), "footwear": ("outdoor", "studio", "minimal"),
    "bag": ("outdoor", "studio", "luxury", "minimal"), "jewelry": ("luxury", "monochrome", "pastel"),
    "beauty": ("pastel", "luxury", "nature", "minimal"), "tech": ("studio", "monochrome", "minimal", "interior"),
    "tools": ("studio", "monochrome", "outdoor"), "sports": ("outdoor", "nature", "studio"),
    "outdoor": ("outdoor", "nature", "seasonal"),
}  # fmt: skip
