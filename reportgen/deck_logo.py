"""The logo a deck's title slide shows: the audience theme's, else the project's, as a picture
PowerPoint can place. An SVG logo (python-pptx cannot place SVG) is shown from the PNG of the same
name beside it; without one the deck shows no logo and says so."""

from __future__ import annotations

from pathlib import PurePosixPath

from .deck_items import PICTURE_TYPES
from .model import Edition
from .resources import project_image

Omission = tuple[str, str]


def deck_logo(edition: Edition) -> tuple[str, tuple[Omission, ...]]:
    """Return the logo picture for *edition*'s title slide (relative to the project, or "") and what
    the deck leaves out instead: the logo itself, when it is an SVG with no PNG beside it."""
    theme_logo = edition.audience.theme.logo
    logo, owner = (theme_logo, edition.audience.path) if theme_logo else (edition.config.logo, edition.config.path)
    if not logo:
        return "", ()
    path = PurePosixPath(logo)
    if path.suffix.lower() in PICTURE_TYPES:
        return logo, ()
    twin = path.with_suffix(".png")
    if (edition.root / twin).is_file():
        project_image(edition.root, str(twin), "logo", owner)
        return str(twin), ()
    return "", ((f"logo '{logo}'", f"a deck cannot show {path.suffix or 'this'} pictures; "
                 f"put a PNG of the same name beside it ({twin.name})"),)
