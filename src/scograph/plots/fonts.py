"""A font with Chinese glyphs for labels in Chinese, found through matplotlib's font manager.

matplotlib ships DejaVu Sans only, which has no CJK glyphs: Chinese labels would come out as
empty boxes and a warning, which is worse than a clear refusal. So a picture in Chinese needs
a CJK font installed on the system (Debian/Ubuntu: ``fonts-noto-cjk``, which is Noto Sans CJK).
"""

from __future__ import annotations

import os
from functools import lru_cache

from ..errors import NotInstalled

FONT_PATH_VARIABLE = "SCOGRAPH_FONT_PATH"
"""Folders (separated by ``os.pathsep``) to look for fonts in instead of the system's; empty: none."""
PREFERRED = ("notosanscjk", "sourcehansans", "notoserifcjk", "sourcehanserif", "wenquanyi", "droidsansfallback",
             "simhei", "microsoftyahei", "pingfang", "heiti", "arplumingcn", "arplukaicn")
"""Fonts tried first, sans-serif before serif; any other font that has the glyphs comes after."""
PROBE = "中国的诉求"
MISSING = ("labels in Chinese need a CJK font, and none is installed; install Noto Sans CJK "
           "(Debian/Ubuntu: apt-get install fonts-noto-cjk), or use --lang en")


def _key(path: str) -> tuple[int, str]:
    name = os.path.basename(path).lower().replace("-", "").replace("_", "").replace(" ", "")
    rank = next((i for i, preferred in enumerate(PREFERRED) if name.startswith(preferred)), len(PREFERRED))
    return rank, name


def _covers(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(c) in charmap for c in PROBE)


def font_files(folders: list[str] | None) -> list[str]:
    """The font files matplotlib can read: in ``folders``, or where the system keeps fonts (None)."""
    from matplotlib import font_manager

    if folders is None:
        return sorted(set(font_manager.findSystemFonts()) | {f.fname for f in font_manager.fontManager.ttflist})
    return sorted(font_manager.findSystemFonts(fontpaths=folders)) if folders else []


def search_folders() -> list[str] | None:
    """The folders :data:`FONT_PATH_VARIABLE` names, or None (the system's) when it is unset."""
    value = os.environ.get(FONT_PATH_VARIABLE)
    if value is None:
        return None
    return [folder for folder in value.split(os.pathsep) if folder]


@lru_cache(maxsize=8)
def _cjk_family(folders: tuple[str, ...] | None) -> str | None:
    from matplotlib import font_manager

    for path in sorted(font_files(list(folders) if folders is not None else None), key=_key):
        if path.lower().endswith((".ttf", ".otf", ".ttc")) and _covers(path):
            font_manager.fontManager.addfont(path)  # a no-op for a font it knows; needed for one outside its list
            return font_manager.FontProperties(fname=path).get_name()
    return None


def cjk_family(folders: list[str] | None = None) -> str:
    """The family name of a font with Chinese glyphs (Noto Sans CJK first), or :class:`NotInstalled`.

    ``folders`` (default: :data:`FONT_PATH_VARIABLE`, else the system's fonts) are where to look.
    """
    if folders is None:
        folders = search_folders()
    family = _cjk_family(tuple(folders) if folders is not None else None)
    if family is None:
        raise NotInstalled(MISSING)
    return family
