"""Draw the pictures the README shows into docs/img/ (needs the plot extra and a CJK font).

    python docs/pictures.py
"""

from __future__ import annotations

from pathlib import Path

from scograph import ClaimsGraph
from scograph.plots import write

IMG = Path(__file__).resolve().parent / "img"
PICTURES = [
    ("sankey-tj.png", "sankey", {"country": "TJ"}),
    ("heatmap.png", "heatmap", {}),
    ("congruence-zh.png", "network", {"lang": "zh"}),
    ("timeline.png", "timeline", {}),
]


def main() -> None:
    IMG.mkdir(exist_ok=True)
    claims = ClaimsGraph.load()
    for name, picture, options in PICTURES:
        rendered = write(claims, picture, IMG / name, **options)
        _shrink(IMG / name)
        print(rendered.summary(Path("docs/img") / name))


def _shrink(path: Path) -> None:
    """A palette of 96 colours: the flat fills and bands look the same at a fraction of the bytes."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=96, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


if __name__ == "__main__":
    main()
