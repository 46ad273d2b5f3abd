"""Charts as PNG images, rendered from their standalone SVG file with resvg (a Rust SVG renderer,
through the ``resvg`` package: no system library, no browser, no network).

The fonts are loaded once per process: when DejaVu Sans (the chart's first font) is found in a
usual font folder, its files are read into memory, which makes laying out the text about ten
times faster than resvg's file-backed system fonts; otherwise every system font is offered.
The same SVG and fonts give the same bytes, so builds stay reproducible.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import threading
from pathlib import Path

#: The font files the chart style names first (``font-family: DejaVu Sans, ...``).
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
             "/Library/Fonts", "/System/Library/Fonts", "C:/Windows/Fonts")


def _find_fonts() -> list[Path]:
    found: dict[str, Path] = {}
    for folder in FONT_DIRS:
        root = Path(os.path.expanduser(folder))
        if not root.is_dir():
            continue
        for name in FONT_FILES:
            if name not in found:
                match = next(iter(sorted(root.rglob(name))), None)
                if match is not None:
                    found[name] = match
    return [found[name] for name in FONT_FILES if name in found]


_local = threading.local()


@functools.cache
def _font_data() -> tuple[bytes, ...] | None:
    fonts = _find_fonts()
    return tuple(path.read_bytes() for path in fonts) if len(fonts) == len(FONT_FILES) else None


def options():
    """resvg's parsing options with the fonts loaded: once per thread (resvg's options may not
    cross threads; ``begroot serve`` rebuilds in a thread of its own); forked workers inherit them."""
    from resvg import usvg

    if getattr(_local, "options", None) is None:
        opts = usvg.Options.default()
        data = _font_data()
        if data is not None:
            for font in data:
                opts.load_font_data(font)
        else:
            opts.load_system_fonts()
        _local.options = opts
    return _local.options


def release() -> None:
    """Drop this thread's resvg options, in this thread: resvg's options may not be dropped in
    another thread, which is where a finished thread's locals would otherwise go."""
    _local.options = None


@functools.cache
def fonts_digest() -> str:
    """What tells the fonts the images are drawn with apart (part of their build cache address)."""
    data = _font_data()
    return "system" if data is None else hashlib.sha256(b"".join(data)).hexdigest()


#: A reference to anything but a part of the same SVG: resvg would load an ``<image>``'s file
#: (any file it can read, by an absolute path too), and its options cannot forbid that.
_REFERENCE = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]*))|url\(\s*["']?([^)"']*)""", re.I)


def _external(svg: str) -> bool:
    return any(not "".join(m.groups(default="")).strip().startswith("#") for m in _REFERENCE.finditer(svg))


def svg_to_png(svg: str) -> bytes:
    """A standalone SVG (with its width and height set) as a PNG image of that size, on white.
    The SVG (begroot's own chart) may refer to nothing outside itself: an SVG that does is refused."""
    from resvg import render, usvg

    if _external(svg):
        from ..errors import BegrootError

        raise BegrootError("a chart refers to a file or an address outside itself; it is not made into an image "
                           "(this would be a bug in begroot: please report it)")
    tree = usvg.Tree.from_str(svg, options())
    return bytes(render(tree, (1.0, 0.0, 0.0, 0.0, 1.0, 0.0), bg_color=(255, 255, 255, 255)))
