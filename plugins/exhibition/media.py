"""Uploaded images: the type is read from the content (never the name), the size and pixel
count are capped, and each image is re-encoded as a JPEG in two sizes (dropping metadata)
under the media folder."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session

from core.plugin import ValidationFailed, _, plugin_config
from plugins.exhibition.models import Image

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
VARIANTS = ("large", "thumb")
THUMB_RATIO = (4, 3)


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pixels: int
    large_side: int
    thumb_width: int

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Limits:
        return cls(int(config["max_image_bytes"]), int(config["max_image_pixels"]),
                   int(config["image_max_side"]), int(config["thumbnail_width"]))


@dataclass(frozen=True)
class Encoded:
    large: bytes
    thumb: bytes
    width: int
    height: int
    original_format: str


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(errors={"image": [message]})


def encode(data: bytes, limits: Limits) -> Encoded:
    """Check and re-encode an uploaded image, or raise ValidationFailed (field ``image``)."""
    if not data:
        raise _invalid(_("Choose an image file."))
    if len(data) > limits.max_bytes:
        raise _invalid(_("The image is too large: at most %(size)s.",
                         size=size_text(limits.max_bytes)))
    try:
        with PILImage.open(io.BytesIO(data)) as probe:
            kind = probe.format or ""
            width, height = probe.size
            if kind not in ACCEPTED_FORMATS:
                raise _invalid(_("Use a JPEG, PNG, WebP or GIF image."))
            if width * height > limits.max_pixels:
                raise _invalid(_("The image has too many pixels."))
            probe.seek(0)
            image = ImageOps.exif_transpose(probe)
            image.load()
    except ValidationFailed:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            PILImage.DecompressionBombError):
        raise _invalid(_("This file is not an image we can read.")) from None
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = PILImage.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    large = image.copy()
    large.thumbnail((limits.large_side, limits.large_side), PILImage.Resampling.LANCZOS)
    thumb_size = (limits.thumb_width, limits.thumb_width * THUMB_RATIO[1] // THUMB_RATIO[0])
    thumb = ImageOps.fit(image, thumb_size, PILImage.Resampling.LANCZOS)
    return Encoded(_jpeg(large), _jpeg(thumb), large.width, large.height, kind)


def size_text(count: int) -> str:
    """A byte count for people: ``900 KB``, ``1.5 MB``."""
    if count < 1_000_000:
        return f"{count // 1000} KB"
    return f"{count / 1_000_000:.1f}".rstrip("0").rstrip(".") + " MB"


def _jpeg(image: PILImage.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def media_root() -> Path:
    """The configured media folder, or ``<instance>/exhibition-media``."""
    configured = plugin_config("exhibition").get("media_dir") or ""
    root = Path(configured) if configured else Path(current_app.instance_path) / "exhibition-media"
    return root


def path_for(key: str, variant: str) -> Path:
    return media_root() / key[:2] / f"{key}-{variant}.jpg"


def store(session: Session, region_code: str, data: bytes, uploaded_by: int | None,
          limits: Limits | None = None) -> Image:
    """Encode ``data`` and write both sizes; returns the new image row (flushed)."""
    limits = limits or Limits.from_config(plugin_config("exhibition"))
    encoded = encode(data, limits)
    key = secrets.token_hex(16)
    folder = media_root() / key[:2]
    folder.mkdir(parents=True, exist_ok=True)
    for variant, content in (("large", encoded.large), ("thumb", encoded.thumb)):
        target = path_for(key, variant)
        partial = target.with_suffix(".part")
        partial.write_bytes(content)
        partial.replace(target)
    row = Image(region_code=region_code, key=key, width=encoded.width, height=encoded.height,
                original_format=encoded.original_format, bytes=len(encoded.large),
                uploaded_by=uploaded_by)
    session.add(row)
    session.flush()
    return row
