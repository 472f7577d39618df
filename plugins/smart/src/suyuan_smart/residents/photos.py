"""A resident's photo: checked to be a real JPEG, PNG or WebP within the size limit, then
re-encoded as a JPEG of at most :data:`MAX_SIDE` pixels — which drops its EXIF data (a phone's
photo says where and when it was taken, and on what device: PIPL's 行踪轨迹) and anything else
hidden in the file. Pillow decodes it; nothing the resident sent is served back as it came."""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

from suyuan_core import ValidationError

FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_SIDE = 1600
#: refuse a decompression bomb before decoding it (a 40-megapixel photo is already generous).
MAX_PIXELS = 40_000_000


def clean(raw: bytes, max_bytes: int) -> bytes:
    """The photo as stored and served (JPEG, EXIF stripped), or a 422 naming ``photo``."""
    if len(raw) > max_bytes:
        raise ValidationError(f"照片太大 the photo is {len(raw) // 1000} kB, at most "
                              f"{max_bytes // 1000} kB", field="photo", rule="max_size",
                              hint="take a smaller photo or leave it out")
    try:
        with Image.open(io.BytesIO(raw)) as img:
            if img.format not in FORMATS:
                raise ValidationError(f"照片格式不支持 a {img.format} file is not accepted",
                                      field="photo", rule="image_type",
                                      hint="attach a JPEG, PNG or WebP photo")
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise ValidationError("照片像素过多 the photo has too many pixels",
                                      field="photo", rule="max_pixels",
                                      hint="attach a photo of at most 40 megapixels")
            img.load()
            shown = ImageOps.exif_transpose(img).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError("这不是照片 the file is not a photo", field="photo",
                              rule="image_type", hint="attach a JPEG, PNG or WebP photo"
                              ) from None
    shown.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    shown.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()
