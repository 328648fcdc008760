"""Cover images drawn on the fly: every story gets its own deterministic design, no binary files.

Each section has a palette; a story's key seeds the gradient angle and the motifs, so the same
seed always yields the same bytes (and checksum), and no two stories share a cover.
"""

import hashlib
import io
import random
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1200, 675
_CANVAS = 1400  # a rotated square this size still covers the whole crop (half-diagonal 688)

RGB = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Palette:
    """Gradient ends, a motif colour, and the colours in words for alt text."""

    start: RGB
    end: RGB
    accent: RGB
    words: dict[str, str]


@dataclass(frozen=True, slots=True)
class Cover:
    data: bytes
    checksum: str
    width: int
    height: int
    dominant_color: str


PALETTES: dict[str, Palette] = {
    "economy": Palette(
        (20, 40, 90),
        (0, 128, 128),
        (240, 190, 70),
        {"en": "navy, teal and gold", "ka": "მუქ ლურჯ, ფირუზისფერ და ოქროსფერ"},
    ),
    "finance": Palette(
        (10, 60, 45),
        (30, 140, 90),
        (245, 235, 200),
        {"en": "green and cream", "ka": "მწვანე და კრემისფერ"},
    ),
    "banking": Palette(
        (40, 50, 70),
        (70, 110, 160),
        (210, 215, 225),
        {"en": "slate blue and silver", "ka": "ნაცრისფერ-ლურჯ და ვერცხლისფერ"},
    ),
    "business": Palette(
        (90, 20, 40),
        (220, 90, 70),
        (255, 200, 150),
        {"en": "burgundy and coral", "ka": "შინდისფერ და მარჯნისფერ"},
    ),
    "politics": Palette(
        (35, 25, 70),
        (170, 30, 50),
        (245, 245, 245),
        {"en": "indigo and crimson", "ka": "მუქ იისფერ და ჟოლოსფერ"},
    ),
    "world": Palette(
        (15, 50, 110),
        (90, 170, 220),
        (230, 245, 255),
        {"en": "deep blue and sky blue", "ka": "მუქ ლურჯ და ცისფერ"},
    ),
    "technology": Palette(
        (25, 20, 45),
        (110, 60, 200),
        (60, 230, 230),
        {"en": "violet and turquoise", "ka": "იისფერ და ფირუზისფერ"},
    ),
    "startups": Palette(
        (240, 120, 40),
        (200, 40, 120),
        (255, 230, 90),
        {"en": "orange, magenta and yellow", "ka": "ნარინჯისფერ, ალისფერ და ყვითელ"},
    ),
    "energy": Palette(
        (10, 50, 60),
        (140, 190, 60),
        (250, 220, 60),
        {"en": "dark green and lime", "ka": "მუქ მწვანე და ლიმონისფერ"},
    ),
    "tourism": Palette(
        (250, 150, 80),
        (90, 60, 140),
        (255, 240, 200),
        {"en": "sunset orange and purple", "ka": "ნარინჯისფერ და იისფერ"},
    ),
    "live": Palette(
        (180, 20, 30),
        (30, 10, 20),
        (255, 255, 255),
        {"en": "red and black", "ka": "წითელ და შავ"},
    ),
}

Draw = ImageDraw.ImageDraw
Motif = Callable[[Draw, random.Random, RGB], None]


def _bars(draw: Draw, rng: random.Random, colour: RGB) -> None:
    count = rng.randint(5, 11)
    width = WIDTH // (count * 2)
    level = rng.uniform(0.2, 0.5)
    for i in range(count):
        level = min(0.85, max(0.1, level + rng.uniform(-0.12, 0.18)))
        left = width // 2 + i * width * 2
        top = int(HEIGHT * (1 - level))
        draw.rectangle((left, top, left + width, HEIGHT), fill=(*colour, rng.randint(110, 190)))


def _line_chart(draw: Draw, rng: random.Random, colour: RGB) -> None:
    count = rng.randint(10, 18)
    level = rng.uniform(0.3, 0.7)
    points: list[tuple[float, float]] = []
    for i in range(count):
        level = min(0.9, max(0.1, level + rng.uniform(-0.15, 0.15)))
        points.append((i * WIDTH / (count - 1), HEIGHT * (1 - level)))
    draw.line(points, fill=(*colour, 230), width=rng.randint(6, 12), joint="curve")
    for x, y in points[:: rng.randint(2, 4)]:
        draw.ellipse((x - 12, y - 12, x + 12, y + 12), fill=(*colour, 255))


def _rings(draw: Draw, rng: random.Random, colour: RGB) -> None:
    for _ in range(rng.randint(3, 7)):
        x, y = rng.uniform(0, WIDTH), rng.uniform(0, HEIGHT)
        radius = rng.uniform(60, 320)
        box = (x - radius, y - radius, x + radius, y + radius)
        draw.ellipse(box, outline=(*colour, rng.randint(90, 200)), width=rng.randint(6, 28))


def _stripes(draw: Draw, rng: random.Random, colour: RGB) -> None:
    slant = rng.uniform(-400, 400)
    gap = rng.randint(50, 140)
    x = rng.uniform(-400, 0)
    while x < WIDTH + 400:
        band = rng.uniform(10, gap * 0.6)
        shape = [(x, 0), (x + band, 0), (x + band + slant, HEIGHT), (x + slant, HEIGHT)]
        draw.polygon(shape, fill=(*colour, rng.randint(40, 120)))
        x += gap


def _ridges(draw: Draw, rng: random.Random, colour: RGB) -> None:
    for layer in range(rng.randint(2, 4)):
        base = HEIGHT * (0.55 + 0.13 * layer)
        points = [(0.0, float(HEIGHT))]
        for i in range(rng.randint(4, 8) + 1):
            points.append((i * WIDTH / 6 + rng.uniform(-60, 60), base - rng.uniform(0, 220)))
        points += [(float(WIDTH), float(HEIGHT))]
        draw.polygon(points, fill=(*colour, 70 + 40 * layer))


def _dots(draw: Draw, rng: random.Random, colour: RGB) -> None:
    step = rng.randint(36, 70)
    radius = rng.uniform(3, step / 4)
    threshold = rng.uniform(0.3, 0.8)
    for y in range(step // 2, HEIGHT, step):
        for x in range(step // 2, WIDTH, step):
            if rng.random() < threshold:
                draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(*colour, 150))


MOTIFS: tuple[Motif, ...] = (_bars, _line_chart, _rings, _stripes, _ridges, _dots)


def _gradient(start: RGB, end: RGB, angle: float) -> Image.Image:
    mask = Image.linear_gradient("L").resize((_CANVAS, _CANVAS)).rotate(angle)
    left, top = (_CANVAS - WIDTH) // 2, (_CANVAS - HEIGHT) // 2
    mask = mask.crop((left, top, left + WIDTH, top + HEIGHT))
    return Image.composite(
        Image.new("RGB", (WIDTH, HEIGHT), end), Image.new("RGB", (WIDTH, HEIGHT), start), mask
    )


def _jitter(colour: RGB, rng: random.Random) -> RGB:
    red, green, blue = (min(255, max(0, c + rng.randint(-18, 18))) for c in colour)
    return red, green, blue


def render_cover(seed: str, palette: Palette) -> Cover:
    """A 1200x675 JPEG: a gradient in the section's colours and two motifs chosen by `seed`."""
    rng = random.Random(seed)
    image = _gradient(_jitter(palette.start, rng), _jitter(palette.end, rng), rng.uniform(0, 360))
    draw = ImageDraw.Draw(image, "RGBA")
    glow = rng.uniform(250, 500)
    x, y = rng.uniform(0, WIDTH), rng.uniform(0, HEIGHT)
    draw.ellipse((x - glow, y - glow, x + glow, y + glow), fill=(255, 255, 255, 28))
    for motif in rng.sample(MOTIFS, 2):
        motif(draw, rng, _jitter(palette.accent, rng))
    red, green, blue = image.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))  # type: ignore[misc]
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    data = buffer.getvalue()
    return Cover(
        data=data,
        checksum=hashlib.sha256(data).hexdigest(),
        width=WIDTH,
        height=HEIGHT,
        dominant_color=f"#{red:02x}{green:02x}{blue:02x}",
    )
