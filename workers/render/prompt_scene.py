"""A custom prompt read into what the studio engine draws, word by word, and what it could not draw.

`resolve(prompt)` answers a `Resolution`: the setting (backdrop), the surface and its finish, the texture
or view behind, the light (direction, hard or soft, warm or cool, the time of day, a spotlight), the
props, the stand and what it is made of, the gobo, the rim light's gel, the mood, the colours and where they go (wall, floor,
accents, gel) — and `left_out`, the content words of the prompt that nothing drew. Every word of a prompt
is either used by one of those, known to carry no scene (`NEUTRAL`: function words, photography jargon,
how the product is placed, the product's own name), or reported in `left_out`.

A material word before a stand noun ("a velvet pedestal", "a wooden podium", "a round stone pedestal") is
what the stand is made of (`stand_surface`), not the floor; a material anywhere else is the floor's.

The values are those of `presets` (SURFACES, STANDS, STAND_SURFACES, GOBOS, TEXTURES, BACKDROPS, PROPS). A few things of
the service's own Recommendations the engine has no drawing for are drawn as the nearest thing it has
(strawberries as apples, mountains as dunes); those are listed in `Resolution.stand_ins`, never hidden.

Words only: the web process imports it (no numpy, PIL or torch here or in what it imports).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from presets import STAND_SURFACES
from workers.render.prompt_props import MAX_KINDS, PROP_WORDS, STAND_INS, prop_mentions
from workers.vocabulary import COLOUR_NAMES
from workers.words import singular


def _set(text: str) -> frozenset[str]:
    """The words of a text as a set (tables written as prose: one word list a line)."""
    return frozenset(text.split())


# --- the words that carry no scene ---------------------------------------------------------------------
# Words that carry no scene, never reported as left out. Grouped by why:
FUNCTION_WORDS = _set(
    "a an the on in at by of to for from into onto over under above below behind beside besides among "
    "amongst against with without and or but nor its it this that these those some any very just up down "
    "out off as is are be being been near next through across around along while each both all every "
    "one two three few more most less their them there here which who where toward towards within upon "
    "atop inside outside underneath beneath between like than so too also only lot lots other another "
    "such amid amidst via per then still slightly rather quite really fully partly your our my his her "
    "has have having can will would should could may might set against"
)
# Photography and advertising jargon: every prompt is a product photograph, so these tell nothing apart.
JARGON = _set(
    "photo photos photograph photography photographic photoshoot shoot shot shots image images picture "
    "pic product products item high quality hq hd uhd resolution res professional pro studio commercial "
    "ad ads advert advertisement advertising marketing ecommerce catalog catalogue hero style styled "
    "styling aesthetic look looking scene setting composition composed render rendered realistic "
    "photorealistic hyperrealistic lifelike detailed detail details sharp beautiful stunning gorgeous "
    "nice lovely centered centred center centre view angle macro lens camera dslr mirrorless award "
    "winning trending masterpiece best ultra super highly fine showcase showcased presentation mockup "
    "display displayed shop shopping brand branding clean neat tidy simple flat lay top-down closeup "
    "close up k mm f iso"
)
# How the product is placed: the engine stands it on its floor or stand, whatever the verb.
POSE_WORDS = _set(
    "placed placing standing stands sitting sits seated resting rests lying lies laid draped "
    "positioned floating hovering leaning propped perched arranged featured featuring showing shown "
    "covered streaming casting falling filtered filtering coming pouring spilling framed surrounded "
    "tucked nestled balanced sitting"
)
# Words that only say how the props look ("sliced oranges", "fresh herbs"): the prop is the noun.
PROP_MODIFIERS = _set(
    "fresh ripe sliced halved whole scattered broken dried piece pieces slice slices bunch bunches "
    "handful few small little tiny some several pile heap cluster sprig sprigs"
)
# Words of light and colour that name no value of their own ("soft light", "neutral tones").
LIGHT_NOUNS = _set("light lights lighting lit illumination shadow highlight tone hue colour color")
NEUTRAL = FUNCTION_WORDS | JARGON | POSE_WORDS | PROP_MODIFIERS | LIGHT_NOUNS

# --- colours ---------------------------------------------------------------------------------------
# Words before a colour that make it a shade of it ("soft lavender", "deep charcoal", "sage green").
COLOUR_MODIFIERS = _set(
    "soft pale deep warm cool light dark bright muted rich dusty sage pastel vivid vibrant bold "
    "faded icy powder baby electric neon burnt"
)
# Colour names that are also props or places: a colour only before a noun ("an orange wall", not "an orange").
_ALSO_THINGS = frozenset(
    {"orange", "lime", "peach", "mint", "plum", "rust", "olive", "coral", "cream", "tan"}
)
# What a colour is bound to, by the noun after it: the wall, the floor, the rim light's gel, an accent.
WALL_NOUNS = _set("wall walls backdrop background sky skies gradient sweep seamless paper")
GEL_NOUNS = _set("rim glow reflection gel neon backlight")
# A neutral palette ("warm neutral tones"): a colour word for a palette of beiges.
NEUTRAL_COLOUR = "#d7c3a0"


@dataclass(frozen=True)
class Entry:
    """What a word or phrase draws: `strong` values win over later words of the same field (a later
    word asking another value is left out); `weak` values apply where nothing strong was said."""

    strong: tuple[tuple[str, str], ...] = ()
    weak: tuple[tuple[str, str], ...] = ()
    stand_in: str = ""  # what is drawn for a thing the engine has no drawing of


def _e(strong: str = "", weak: str = "", stand_in: str = "") -> Entry:
    """An entry from "field=value field=value" strings ("+" for a space in a value: "prop=coffee+bean")."""

    def pairs(text: str) -> tuple[tuple[str, str], ...]:
        return tuple((k, v.replace("+", " ")) for k, _, v in (item.partition("=") for item in text.split()))

    return Entry(pairs(strong), pairs(weak), stand_in)


# Values the fields take: presets' SURFACES, BACKDROPS, TEXTURES, STANDS, GOBOS, LIGHT_DIRECTIONS, and
# light=hard|soft, warmth=warm|cool, time=golden|morning|noon|night, finish=reflective, blur=shallow,
# spotlight=yes, mood=bright|moody|cosy|calm|luxury|minimal|rustic|urban|festive|playful|natural|modern.
# A phrase (several words) is read before its words: "picnic table" is wood, "leaf shadows" a gobo.
PHRASES: dict[tuple[str, ...], Entry] = {
    ("picnic", "table"): _e("surface=wood", "backdrop=bokeh"),
    ("side", "table"): _e(weak="backdrop=wall_floor"),
    ("living", "room"): _e("texture=wall_art", "backdrop=wall_floor"),
    ("golden", "hour"): _e("time=golden"),
    ("late", "afternoon"): _e("time=golden"),
    ("blue", "hour"): _e("time=night"),
    ("window", "light"): _e("gobo=window"),
    ("window", "shadow"): _e("gobo=window"),
    ("window", "pane"): _e("gobo=window"),
    ("leaf", "shadow"): _e("gobo=leaves"),
    ("palm", "leaf", "shadow"): _e("gobo=palms"),
    ("palm", "shadow"): _e("gobo=palms"),
    ("blind", "shadow"): _e("gobo=blinds"),
    ("water", "droplet"): _e("finish=reflective", "surface=glossy"),
    ("water", "drop"): _e("finish=reflective", "surface=glossy"),
    ("rim", "light"): _e("light_direction=back"),
    ("soft", "focus"): _e("blur=shallow"),
    ("bokeh", "light"): _e("texture=light_bokeh", "backdrop=bokeh"),
    ("fairy", "light"): _e("texture=light_bokeh"),
    ("christmas", "light"): _e("texture=light_bokeh"),
    ("string", "light"): _e("texture=light_bokeh"),
    ("long", "shadow"): _e("time=golden"),
    ("crisp", "shadow"): _e("light=hard"),
    ("caustic", "light", "pattern"): _e("finish=reflective texture=light_bokeh", stand_in="light bokeh"),
    ("pampas", "grass"): _e("prop=leaf", stand_in="leaf"),
    ("mossy", "rock"): _e("surface=moss"),
    ("mossy", "stone"): _e("surface=moss"),
    ("beach", "sand"): _e("surface=sand", "texture=sea_horizon"),
    ("sea", "view"): _e("texture=sea_horizon"),
    ("city", "skyline"): _e("texture=skyline"),
    ("mid", "century"): _e("mood=modern texture=wall_art", "backdrop=wall_floor"),
    ("seamless", "paper"): _e("backdrop=sweep", "surface=seamless"),
    ("from", "above"): _e("light_direction=top"),
    ("low", "key"): _e("mood=moody light=hard"),
    ("high", "key"): _e("mood=bright light=soft"),
    ("ceramic", "accent"): _e("accent=yes"),
    ("vanilla", "pod"): _e("prop=flower", stand_in="flower"),
    ("caramel", "drizzle"): _e("colour=#c8a03c", stand_in="caramel colour"),
    ("oat", "flake"): _e("prop=coffee+bean", stand_in="coffee bean"),
    ("rice", "grain"): _e("prop=coffee+bean", stand_in="coffee bean"),
    ("chocolate", "piece"): _e("prop=coffee+bean", stand_in="coffee bean"),
    ("neutral", "tone"): _e("colour=" + NEUTRAL_COLOUR),
    ("warm", "neutral"): _e("warmth=warm colour=" + NEUTRAL_COLOUR),
}

# Single words (compared singular, so "shelves", "ripples" and "skies" find their entries).
WORDS: dict[str, Entry] = {
    # surfaces: what the product stands on
    **{w: _e("surface=wood") for w in ("wood", "wooden", "oak", "walnut", "pine", "teak", "timber", "plank", "driftwood", "bamboo")},
    **{w: _e(weak="surface=wood") for w in ("rustic", "weathered", "farmhouse", "deck", "butcher")},
    "marble": _e("surface=marble"), "travertine": _e("surface=stone"), "concrete": _e("surface=concrete"),
    "cement": _e("surface=concrete"), "linen": _e("surface=linen"), "cotton": _e("surface=linen"),
    "blanket": _e("surface=linen"), "tablecloth": _e("surface=linen"), "terrazzo": _e("surface=terrazzo"),
    "water": _e("surface=water finish=reflective"), "pool": _e("surface=water finish=reflective"),
    "poolside": _e("surface=water finish=reflective"), "ripple": _e("surface=water finish=reflective"),
    "rippling": _e("surface=water finish=reflective"), "puddle": _e("surface=water finish=reflective"),
    "sand": _e("surface=sand"), "sandy": _e("surface=sand"), "beach": _e("surface=sand", "texture=sea_horizon"),
    "desert": _e("surface=sand texture=dunes"), "stone": _e("surface=stone"), "granite": _e("surface=stone"),
    "rock": _e("surface=stone"), "boulder": _e("surface=stone"), "pebble": _e("surface=stone"),
    "slate": _e("surface=slate"), "glass": _e("surface=glass finish=reflective"),
    "acrylic": _e("surface=glass finish=reflective"), "velvet": _e("surface=velvet"),
    "raked": _e("surface=raked_sand"), "zen": _e("surface=raked_sand"), "grass": _e("surface=grass"),
    "grassy": _e("surface=grass"), "lawn": _e("surface=grass"), "meadow": _e("surface=grass"),
    "moss": _e("surface=moss"), "mossy": _e("surface=moss"), "ice": _e("surface=ice"), "icy": _e("surface=ice"),
    "frozen": _e("surface=ice"), "snow": _e("surface=snow texture=snow"), "snowy": _e("surface=snow texture=snow"),
    "silk": _e("surface=silk"), "satin": _e("surface=silk"), "silky": _e("surface=silk"),
    "paper": _e("surface=paper"), "cardboard": _e("surface=paper"), "kraft": _e("surface=paper"),
    "metal": _e("surface=metal"), "metallic": _e("surface=metal"), "steel": _e("surface=metal"),
    "aluminium": _e("surface=metal"), "aluminum": _e("surface=metal"), "chrome": _e("surface=metal finish=reflective"),
    "brushed": _e("surface=metal"), "copper": _e("surface=metal"), "brass": _e("surface=metal"),
    "mirror": _e("surface=mirror finish=reflective"), "mirrored": _e("surface=mirror finish=reflective"),
    "matte": _e("surface=matte"), "plaster": _e("surface=matte"), "ceramic": _e("surface=matte"),
    "glossy": _e("surface=glossy finish=reflective"), "lacquered": _e("surface=glossy finish=reflective"),
    "seamless": _e("surface=seamless", "backdrop=sweep"), "tile": _e("texture=wall_tiles", "backdrop=wall_floor"),
    "tiled": _e("texture=wall_tiles", "backdrop=wall_floor"),
    # a finish: the material reflects (alone it asks for a glossy floor)
    **{w: _e("finish=reflective") for w in ("reflective", "reflection", "reflecting", "wet", "polished",
                                              "sleek", "shiny", "shimmering", "sparkling", "glistening",
                                              "droplet", "dewy", "dew", "lustrous")},
    # things under the product that say only "a surface" (a table or desk also puts a room behind)
    **{w: _e() for w in ("surface", "floor", "ground", "board", "ledge", "top", "tabletop", "base", "platform")},
    **{w: _e(weak="backdrop=wall_floor") for w in ("table", "desk", "counter", "countertop", "worktop",
                                                    "shelf", "workspace", "workbench", "bench", "dresser",
                                                    "nightstand", "vanity", "sideboard", "windowsill", "sill")},
    # places: a wall behind and a floor under the product
    **{w: _e(weak="backdrop=wall_floor") for w in ("kitchen", "room", "interior", "cafe", "boutique",
                                                    "showroom", "loft", "home", "house", "hallway",
                                                    "restaurant", "bar", "gallery", "store", "apartment",
                                                    "spa", "hotel", "indoor", "indoors")},
    "office": _e("texture=wall_art", "backdrop=wall_floor"), "bathroom": _e("texture=wall_tiles", "backdrop=wall_floor"),
    "bedroom": _e("texture=headboard", "backdrop=wall_floor"), "bed": _e("texture=headboard", "backdrop=wall_floor"),
    "bedding": _e("texture=headboard", "backdrop=wall_floor"), "living": _e("texture=wall_art", "backdrop=wall_floor"),
    "lounge": _e("texture=wall_art", "backdrop=wall_floor"), "decor": _e("texture=wall_art", "backdrop=wall_floor"),
    "art": _e("texture=wall_art"), "painting": _e("texture=wall_art"), "frame": _e("texture=wall_art"),
    "monitor": _e("texture=wall_art", stand_in="wall art"), "screen": _e("texture=wall_art", stand_in="wall art"),
    "wall": _e(weak="backdrop=wall_floor"), "stucco": _e("texture=paper_grain", "backdrop=wall_floor"),
    "headboard": _e("texture=headboard", "backdrop=wall_floor"),
    # backdrops
    "window": _e("backdrop=window_room"), "gradient": _e("backdrop=gradient"), "pastel": _e("backdrop=pastel_gradient"),
    "bokeh": _e("backdrop=bokeh texture=light_bokeh"), "blurred": _e("blur=shallow", "backdrop=bokeh"),
    "blurry": _e("blur=shallow", "backdrop=bokeh"), "defocused": _e("blur=shallow", "backdrop=bokeh"),
    "focus": _e("blur=shallow"), "backdrop": _e(weak="backdrop=sweep"), "background": _e(weak="backdrop=sweep"),
    "sweep": _e("backdrop=sweep"), "sky": _e("backdrop=gradient"), "forest": _e("backdrop=bokeh texture=leaves_bokeh"),
    "woodland": _e("backdrop=bokeh texture=leaves_bokeh"), "garden": _e("backdrop=bokeh", "texture=foliage"),
    "park": _e("backdrop=bokeh", "texture=foliage"), "outdoor": _e(weak="backdrop=bokeh"),
    "outdoors": _e(weak="backdrop=bokeh"), "nature": _e(weak="backdrop=bokeh"), "misty": _e("light=soft", "backdrop=bokeh"),
    "foggy": _e("light=soft", "backdrop=bokeh"), "hazy": _e("light=soft", "backdrop=bokeh"),
    # textures and views
    "leaf": _e("texture=leaves_bokeh"), "foliage": _e("texture=foliage"), "greenery": _e("texture=foliage"),
    "plant": _e("texture=foliage"), "fairy": _e("texture=light_bokeh"), "twinkling": _e("texture=light_bokeh"),
    "christmas": _e("texture=light_bokeh mood=festive"), "confetti": _e("texture=confetti mood=festive"),
    "blind": _e("gobo=blinds"), "palm": _e("texture=palm_fronds"),
    "tropical": _e("texture=palm_fronds"), "fern": _e("texture=ferns"), "dune": _e("texture=dunes"),
    "sea": _e("texture=sea_horizon"), "ocean": _e("texture=sea_horizon"), "wave": _e("texture=sea_horizon"),
    "horizon": _e("texture=sea_horizon"), "skyline": _e("texture=skyline"), "city": _e("texture=skyline"),
    "urban": _e("mood=urban", "texture=skyline"), "mountain": _e("texture=dunes", stand_in="dunes"),
    "hill": _e("texture=dunes", stand_in="dunes"), "grain": _e("texture=paper_grain"),
    # stands
    "plinth": _e("stand=plinth"), "pedestal": _e("stand=pedestal"), "podium": _e("stand=podium"),
    "riser": _e("stand=cube"), "block": _e("stand=cube"), "cube": _e("stand=cube"), "box": _e("stand=cube"),
    "sphere": _e("stand=sphere"), "ball": _e("stand=sphere"), "orb": _e("stand=sphere"), "step": _e("stand=steps"),
    "stair": _e("stand=steps"), "staircase": _e("stand=steps"), "slab": _e("stand=slab"), "arch": _e("stand=arch"),
    "archway": _e("stand=arch"), "round": _e(), "sculptural": _e(), "geometric": _e(),
    # gobos
    "dappled": _e("gobo=leaves"), "venetian": _e("gobo=blinds"), "pane": _e("gobo=window"), "shutter": _e("gobo=blinds"),
    # light
    "side": _e("light_direction=left"), "left": _e("light_direction=left"), "right": _e("light_direction=right"),
    "backlit": _e("light_direction=back"), "backlight": _e("light_direction=back"), "overhead": _e("light_direction=top"),
    "directional": _e("light=hard", "light_direction=left"), "frontal": _e("light_direction=front"),
    "spotlight": _e("spotlight=yes light=hard"), "spotlit": _e("spotlight=yes light=hard"), "spot": _e("spotlight=yes light=hard"),
    **{w: _e("light=hard") for w in ("dramatic", "hard", "harsh", "contrast", "contrasty", "crisp", "chiaroscuro", "punchy")},
    **{w: _e("light=soft") for w in ("soft", "softly", "diffused", "diffuse", "gentle", "gently", "subtle", "even",
                                     "softbox", "overcast", "calm", "serene", "tranquil", "dreamy", "ethereal",
                                     "airy", "delicate", "muted")},
    **{w: _e("mood=moody light=hard") for w in ("moody", "dark", "noir", "shadowy", "night", "midnight", "dim")},
    **{w: _e("mood=bright") for w in ("bright", "clear", "luminous", "radiant", "vibrant", "cheerful", "sunny")},
    "sunlight": _e("mood=bright", "warmth=warm"), "sunlit": _e("mood=bright", "warmth=warm"),
    "sunshine": _e("mood=bright", "warmth=warm"), "daylight": _e("mood=bright"), "sun": _e("mood=bright", "warmth=warm"),
    "natural": _e("mood=natural"), "morning": _e("time=morning"), "dawn": _e("time=morning"), "sunrise": _e("time=golden"),
    "afternoon": _e("time=golden"), "sunset": _e("time=golden"), "dusk": _e("time=golden"), "evening": _e("time=golden"),
    "noon": _e("time=noon"), "midday": _e("time=noon"), "glow": _e("light=soft"), "glowing": _e("light=soft"),
    "warm": _e("warmth=warm"), "cosy": _e("mood=cosy warmth=warm"), "cozy": _e("mood=cosy warmth=warm"),
    "candlelight": _e("warmth=warm mood=cosy"), "cool": _e("warmth=cool"), "cold": _e("warmth=cool"),
    "wintry": _e("warmth=cool texture=snow"), "winter": _e("warmth=cool texture=snow"),
    # styles and moods: they choose the preset whose palette and light the scene keeps
    "luxury": _e("mood=luxury"), "luxurious": _e("mood=luxury"), "elegant": _e("mood=luxury"),
    "premium": _e("mood=luxury"), "opulent": _e("mood=luxury"), "glamorous": _e("mood=luxury"),
    "minimalist": _e("mood=minimal"), "minimal": _e("mood=minimal"), "scandinavian": _e("mood=minimal"),
    "nordic": _e("mood=minimal"), "modern": _e("mood=modern"), "contemporary": _e("mood=modern"),
    "industrial": _e("mood=urban", "surface=concrete"), "festive": _e("mood=festive"), "celebration": _e("mood=festive"),
    "party": _e("mood=festive"), "playful": _e("mood=playful"), "whimsical": _e("mood=playful"),
    "organic": _e("mood=natural"), "earthy": _e("mood=natural"), "botanical": _e("mood=natural", "texture=foliage"),
    "vintage": _e("mood=rustic"), "retro": _e("mood=rustic"),
    # prop words that name a thing the props already hold ("linen napkins", "flower petals")
    "napkin": _e(weak="surface=linen"), "cloth": _e(weak="surface=linen"), "fabric": _e(weak="surface=linen"),
    "throw": _e(weak="surface=linen"), "drape": _e(weak="surface=linen"), "accent": _e("accent=yes"),
    "neutral": _e("colour=" + NEUTRAL_COLOUR),
}  # fmt: skip

# Tables compared in word forms (singular): "pampas" reads "pampa", as the prompt's word will.
PHRASES = {tuple(singular(word) for word in phrase): entry for phrase, entry in PHRASES.items()}
WORDS = {singular(word): entry for word, entry in WORDS.items()}

SHALLOW_APERTURE = 1.8  # "blurred", "soft focus": the room behind softer
DEEP_APERTURE = 8.0
MAX_ACCENTS = 2  # colours beyond the wall, floor and gel: the palette's accents


@dataclass(frozen=True)
class Resolution:
    """What a prompt asks the studio engine to draw (None / empty: the prompt does not say)."""

    backdrop: str | None = None
    surface: str | None = None
    texture: str | None = None
    light_direction: str | None = None
    light: str | None = None  # "hard" or "soft"
    warmth: str | None = None  # "warm" or "cool"
    time: str | None = None  # "golden" (low warm sun), "morning", "noon", "night"
    spotlight: bool = False
    reflective: bool = False
    blur: bool = False  # a shallow depth of field
    stand: str = ""
    stand_surface: str = ""  # what the stand is made of ("" a cast block): one of presets.STAND_SURFACES
    gobo: str = ""
    gel: str = ""  # "#rrggbb": a coloured rim light or glow (a gelled light on the wall behind the product)
    mood: str | None = None
    props: tuple[str, ...] = ()
    wall_colour: str | None = None
    floor_colour: str | None = None
    accents: tuple[str, ...] = ()
    colours: tuple[str, ...] = ()  # every colour the prompt names, in its order
    used: tuple[str, ...] = ()  # the words that drew something
    left_out: tuple[str, ...] = ()  # content words nothing drew (sorted)
    stand_ins: tuple[tuple[str, str], ...] = ()  # (word, what is drawn for it): no drawing of its own
    # The words that named the stand, with what it is made of (a product the photo's frame cut gets no
    # stand: `grounded` reports them).
    stand_words: tuple[str, ...] = ()

    @property
    def aperture(self) -> float | None:
        return SHALLOW_APERTURE if self.blur else None


_TOKEN = re.compile(r"[a-z0-9]+")
_COLOUR_WORDS = {name: tuple(name.split()) for name in COLOUR_NAMES}


def _hex(name: str) -> str:
    return "#{:02x}{:02x}{:02x}".format(*COLOUR_NAMES[name])


def _form(word: str) -> str:
    return singular(word)


# Nouns of what the product stands on: a colour before them is the floor's ("a matte black desk").
SURFACE_NOUNS = _set(
    "surface floor ground board ledge top tabletop base platform table desk counter countertop worktop "
    "shelf workspace workbench bench deck slab"
)
# Nouns a colour before which is an accent of the scene ("white flower petals", "a lavender blanket").
ACCENT_NOUNS = _set("accent blanket napkin petal flower leaf cloth throw vase")


@dataclass
class _Reading:
    tokens: list[str]
    forms: list[str]
    status: list[str]  # "" unread, "used", "neutral", "lost"
    values: dict[str, str] = field(default_factory=dict)
    weak: dict[str, str] = field(default_factory=dict)
    lights: set[str] = field(default_factory=set)
    colours: list[tuple[str, str, list[int]]] = field(default_factory=list)  # (slot, hex, its words)
    stand_ins: list[tuple[str, str]] = field(default_factory=list)
    props: list[str] = field(default_factory=list)
    prop_tokens: dict[str, list[int]] = field(default_factory=dict)
    stand_tokens: list[int] = field(default_factory=list)  # the words that named the stand (and its material)

    def apply(self, entry: Entry, at: list[int]) -> None:
        """Read an entry for the words at `at`: they are used when any strong value took (or it has none),
        lost when every strong value it asks was already something else."""
        took = not entry.strong
        for key, value in entry.strong:
            if key == "prop":
                self.add_prop(value, at)
            elif key == "colour":
                self.colours.append(("any", value, at))
            elif key == "light":
                self.lights.add(value)
            elif key in ("mood", "time"):  # the first says it; a second mood is no thing left undrawn
                self.values.setdefault(key, value)
            elif self.values.setdefault(key, value) != value:
                continue
            took = True
        for key, value in entry.weak:
            self.weak.setdefault(key, value)
        if took:
            self._note(entry, at)
        for i in at:
            self.status[i] = "used" if took else "lost"

    def _note(self, entry: Entry, at: list[int]) -> None:
        """What an entry the words at `at` were read for names beyond its values: what is drawn for a thing
        with no drawing of its own, and whether they named the stand."""
        if entry.stand_in:
            self.stand_ins.append((" ".join(self.tokens[i] for i in at), entry.stand_in))
        if any(key == "stand" for key, _ in entry.strong):
            self.stand_tokens.extend(at)

    def add_prop(self, prop: str, at: list[int]) -> None:
        if prop not in self.props:
            self.props.append(prop)
        self.prop_tokens.setdefault(prop, []).extend(at)


def _colour_at(reading: _Reading, i: int) -> tuple[str, int] | None:
    """The colour name starting at token i (longest first: "sky blue", "light grey"), and its length."""
    for name, parts in sorted(_COLOUR_WORDS.items(), key=lambda item: -len(item[1])):
        if tuple(reading.tokens[i : i + len(parts)]) == parts:
            return name, len(parts)
    return None


def _slot(reading: _Reading, after: int) -> str:
    """Where a colour goes, by the nouns after it: "lavender sky" the wall, "green grass" the floor,
    "blue rim light" the gel, "white flower petals" an accent."""
    following = reading.forms[after : after + 3]
    if any(form in ACCENT_NOUNS for form in following[:2]):
        return "accent"  # "a lavender ceramic accent"
    for form in following:
        if form in WALL_NOUNS:
            return "wall"
        if form in GEL_NOUNS:
            return "gel"
        if form in _PROP_FORMS:
            return "accent"
        entry = WORDS.get(form)
        if form in SURFACE_NOUNS or (entry is not None and any(k == "surface" for k, _ in entry.strong)):
            return "floor"
    return "any"


def _colour_phrase(reading: _Reading, i: int) -> tuple[str, list[int]] | None:
    """The colour named at token i with the shades before it ("soft lavender", "deep charcoal") and its
    words; None where none is, or where a colour name is a thing ("with an orange")."""
    found = _colour_at(reading, i) if not reading.status[i] else None
    if found is None:
        return None
    name, length = found
    end = i + length
    following = reading.forms[end] if end < len(reading.tokens) else ""
    if name in _ALSO_THINGS and (not following or following in NEUTRAL):
        return None
    start = i
    while start > 0 and reading.tokens[start - 1] in COLOUR_MODIFIERS and not reading.status[start - 1]:
        start -= 1
    return name, list(range(start, end))


def _read_colours(reading: _Reading) -> None:
    i = 0
    while i < len(reading.tokens):
        phrase = _colour_phrase(reading, i)
        if phrase is None:
            i += 1
            continue
        name, at = phrase
        end = i + len(_COLOUR_WORDS[name])
        reading.colours.append((_slot(reading, end), _hex(name), at))
        for j in at:
            reading.status[j] = "used"
        i = end


def _read_phrases(reading: _Reading) -> None:
    forms = reading.forms
    for phrase, entry in sorted(PHRASES.items(), key=lambda item: -len(item[0])):
        n = len(phrase)
        for i in range(len(forms) - n + 1):
            if tuple(forms[i : i + n]) == phrase and not any(reading.status[i : i + n]):
                reading.apply(entry, list(range(i, i + n)))


STAND_REACH = 2  # a material word names the stand's this many words before its noun at most


def _stand_material(reading: _Reading, i: int) -> str:
    """The surface a stand can be made of that the unread word at `i` names ("" none)."""
    entry = None if reading.status[i] else WORDS.get(reading.forms[i])
    surface = dict(entry.strong).get("surface", "") if entry else ""
    return surface if surface in STAND_SURFACES else ""


def _stand_after(reading: _Reading, i: int) -> tuple[int, str] | None:
    """The stand noun just after the word at `i` and the stand it names, past words that only describe it
    ("stone round pedestal"); None where another word comes first."""
    for j in range(i + 1, min(i + 1 + STAND_REACH, len(reading.tokens))):
        entry = None if reading.status[j] else WORDS.get(reading.forms[j])
        stand = dict(entry.strong).get("stand") if entry else None
        if stand:
            return j, stand
        if entry is None or entry.strong or entry.weak:
            return None
    return None


def _read_stands(reading: _Reading) -> None:
    """A material word before a stand noun is what the stand is made of: "a velvet pedestal", "a wooden
    podium", "a concrete block" (the floor is left to the rest of the prompt)."""
    for i in range(len(reading.tokens)):
        material = _stand_material(reading, i)
        found = _stand_after(reading, i) if material else None
        if found is not None:
            j, stand = found
            reading.apply(Entry((("stand", stand), ("stand_surface", material))), list(range(i, j + 1)))


def _read_props(reading: _Reading) -> None:
    for index, prop in prop_mentions(reading.tokens, skip={i for i, s in enumerate(reading.status) if s}):
        reading.add_prop(prop, [index])
        reading.status[index] = "used"
        form = reading.forms[index]
        if form in STAND_INS:
            reading.stand_ins.append((reading.tokens[index], prop))
        entry = WORDS.get(form)
        for key, value in entry.strong if entry else ():  # "beside ferns": ferns behind it too
            if key in ("texture", "surface"):
                reading.weak.setdefault(key, value)


def _read_words(reading: _Reading, neutral: frozenset[str]) -> None:
    for i, (token, form) in enumerate(zip(reading.tokens, reading.forms, strict=True)):
        if reading.status[i]:
            continue
        entry = WORDS.get(form) or WORDS.get(token)
        if entry is not None:
            reading.apply(entry, [i])
        elif token in NEUTRAL or form in NEUTRAL or token in neutral or any(c.isdigit() for c in token):
            reading.status[i] = "neutral"


def _name_words(product_name: str) -> frozenset[str]:
    return frozenset(_TOKEN.findall(product_name.lower())) | frozenset(
        singular(w) for w in _TOKEN.findall(product_name.lower())
    )


def name_pattern(product_name: str) -> re.Pattern[str]:
    """The product's name as whole words, in any case, singular or plural ("white sneaker(s)")."""
    return re.compile(rf"(?<!\w){re.escape(product_name.strip())}(?:e?s)?(?!\w)", re.IGNORECASE)


def without_name(prompt: str, product_name: str) -> str:
    """The prompt without the product's name in front ("white sneakers, on a …" → "on a …"); a word that
    merely starts like the name ("sneakerstand") is no name."""
    text = prompt.strip()
    lead = name_pattern(product_name).match(text) if product_name.strip() else None
    return text[lead.end() :].lstrip(" ,;:-") if lead else text


@lru_cache(maxsize=512)
def resolve(prompt: str, product_name: str = "") -> Resolution:
    """Read a custom prompt (optionally after the product's name) into what the studio engine draws."""
    text = without_name(prompt, product_name)
    tokens = _TOKEN.findall(text.lower())
    reading = _Reading(tokens, [_form(t) for t in tokens], [""] * len(tokens))
    _read_phrases(reading)
    _read_stands(reading)
    _read_colours(reading)
    _read_props(reading)
    _read_words(reading, _name_words(product_name))
    return _resolution(reading)


def _resolution(reading: _Reading) -> Resolution:
    values = {**reading.weak, **reading.values}
    if reading.values.get("finish") == "reflective" and "surface" not in values:
        values["surface"] = "glossy"  # "wet", "water droplets": a glossy floor
    light = "hard" if "hard" in reading.lights else ("soft" if "soft" in reading.lights else None)
    stand = values.get("stand", "")
    props = _drawn_props(reading, stand)
    wall, floor, gel, accents = _colour_slots(reading)
    warmth = values.get("warmth") or ("warm" if values.get("time") == "golden" else None)
    left_out = sorted({t for t, s in zip(reading.tokens, reading.status, strict=True) if s in ("", "lost")})
    used = [t for t, s in zip(reading.tokens, reading.status, strict=True) if s == "used"]
    return Resolution(
        backdrop=values.get("backdrop"),
        surface=values.get("surface"),
        texture=values.get("texture"),
        light_direction=values.get("light_direction") or _TIME_DIRECTION.get(values.get("time", "")),
        light=light,
        warmth=warmth,
        time=values.get("time"),
        spotlight=values.get("spotlight") == "yes",
        reflective=values.get("finish") == "reflective",
        blur=values.get("blur") == "shallow",
        stand=stand,
        stand_surface=values.get("stand_surface", "") if stand else "",
        gobo=values.get("gobo", ""),
        gel=gel,
        mood=values.get("mood"),
        props=tuple(props),
        wall_colour=wall,
        floor_colour=floor,
        accents=tuple(accents),
        colours=tuple(colour for _, colour, _ in reading.colours),
        used=tuple(used),
        left_out=tuple(left_out),
        stand_ins=tuple(reading.stand_ins),
        stand_words=_words_at(reading, reading.stand_tokens if stand else []),
    )


def grounded(resolution: Resolution, cut: bool) -> Resolution:
    """What is drawn for a product the photo's frame cut (`cut`: a jacket on a model, a carton cropped at
    its top or bottom): no stand, which would peek out under a product that runs off the ad. The words that
    named the stand are left out, so the task reports them. (Props still stand on the floor beside it.)"""
    if not cut or not resolution.stand_words:
        return resolution
    dropped = resolution.stand_words
    return replace(
        resolution,
        stand="",
        stand_surface="",
        stand_words=(),
        used=tuple(word for word in resolution.used if word not in dropped),
        left_out=tuple(sorted({*resolution.left_out, *dropped})),
    )


def _words_at(reading: _Reading, at: list[int]) -> tuple[str, ...]:
    """The prompt's words at `at`, in the prompt's order, each once."""
    return tuple(dict.fromkeys(reading.tokens[i] for i in sorted(set(at))))


MAX_PROPS = MAX_KINDS


def _drawn_props(reading: _Reading, stand: str) -> list[str]:
    """The props drawn: none beside a product on a stand, MAX_PROPS kinds at most (the words of the rest
    are left out)."""
    keep = [] if stand else reading.props[:MAX_PROPS]
    for prop in reading.props:
        if prop not in keep:
            for i in reading.prop_tokens.get(prop, []):
                reading.status[i] = "lost"
    return keep


_TIME_DIRECTION = {"golden": "left", "morning": "top_left", "noon": "top"}  # a low sun comes from the side
_PROP_FORMS = frozenset(PROP_WORDS) | frozenset(STAND_INS)


def _colour_slots(reading: _Reading) -> tuple[str | None, str | None, str, list[str]]:
    """The wall, floor, gel and accent colours: each colour to the slot its noun names, the first of a
    slot wins (later ones become accents, MAX_ACCENTS at most: the words of any more are left out); a
    colour bound to nothing paints the wall, as it always did."""
    slots: dict[str, str] = {}
    accents: list[str] = []
    for slot, colour, at in reading.colours:
        slot = "wall" if slot == "any" else slot
        if slot != "accent" and slot not in slots:
            slots[slot] = colour
        elif colour not in (*slots.values(), *accents) and len(accents) < MAX_ACCENTS:
            accents.append(colour)
        elif colour not in (*slots.values(), *accents):
            for i in at:
                reading.status[i] = "lost"
    return slots.get("wall"), slots.get("floor"), slots.get("gel", ""), accents
