"""Checking uploaded files by their content, not their name: JPEG, PNG, WebP and PDF only; and
making photos safe to keep and to show.

A photo is refused above MAX_PIXELS (a 17 KB PNG can hold 12,000 × 12,000 pixels: ~576 MB for every
phone that opens the case). A kept photo loses its metadata: phones write the GPS position of the
resident's home into every photo's EXIF. Pages show a phone-sized display copy; the original opens
on tap.
"""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

# About 40 megapixels: more than any phone camera gives, far less than a decompression bomb.
MAX_PIXELS = 40_000_000
# The display copy's longest side: sharp on a phone, a few hundred KB.
DISPLAY_SIDE = 1600

# content type → (magic test, file extension)
KINDS = {
    "image/jpeg": (lambda head: head.startswith(b"\xff\xd8\xff"), ".jpg"),
    "image/png": (lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"), ".png"),
    "image/webp": (lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP", ".webp"),
    "application/pdf": (lambda head: head.startswith(b"%PDF-"), ".pdf"),
}


def sniff(uploaded) -> str:
    """The content type of an uploaded file judged by its bytes; raises ValidationError otherwise."""
    max_bytes = settings.UPLOAD_MAX_MB * 1024 * 1024
    if uploaded.size > max_bytes:
        raise ValidationError(
            _("The file is larger than %(mb)s MB."), code="too_large", params={"mb": settings.UPLOAD_MAX_MB}
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type = next((kind for kind, (test, _ext) in KINDS.items() if test(head)), None)
    if content_type is None:
        raise ValidationError(_("Only photos (JPEG, PNG, WebP) and PDF files can be added."), code="type")
    if content_type.startswith("image/"):
        try:
            with warnings.catch_warnings():  # Pillow's own bomb warning: the limit below is ours
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                image = Image.open(uploaded)
            with image:
                width, height = image.size  # read from the header: nothing is decoded yet
                if width * height > MAX_PIXELS:
                    raise ValidationError(
                        # Translators: mp and max are whole megapixels (48 = 4800万像素).
                        _("The photo is %(mp)s megapixels; at most %(max)s can be added."),
                        code="too_many_pixels",
                        params={"mp": round(width * height / 1_000_000), "max": MAX_PIXELS // 1_000_000},
                    )
                image.verify()
        except ValidationError:
            raise
        except Image.DecompressionBombError as exc:  # past twice Pillow's limit: refused at opening
            raise ValidationError(
                # Translators: max is whole megapixels (40 = 4000万像素).
                _("The photo has too many pixels; at most %(max)s megapixels can be added."),
                code="too_many_pixels",
                params={"max": MAX_PIXELS // 1_000_000},
            ) from exc
        except Exception as exc:  # Pillow raises many kinds for a damaged file
            raise ValidationError(_("The photo could not be read."), code="broken") from exc
        finally:
            uploaded.seek(0)
    return content_type


def without_metadata(uploaded, content_type: str) -> ContentFile:
    """The photo again, upright and without EXIF, XMP or text chunks (the home's GPS position, the
    phone's owner): decoded and encoded anew in its own format."""
    uploaded.seek(0)
    with Image.open(uploaded) as source:
        image = ImageOps.exif_transpose(source)
        out = io.BytesIO()
        fmt = source.format
        options = {"quality": 92} if fmt in {"JPEG", "WEBP"} else {}
        if fmt == "JPEG" and image.mode not in {"RGB", "L"}:
            image = image.convert("RGB")
        image.save(out, fmt, **options)  # no exif=, no pnginfo=: nothing of the original's metadata
    uploaded.seek(0)
    return ContentFile(out.getvalue())


def display_copy(uploaded) -> ContentFile:
    """A phone-sized JPEG of the photo for pages (the original opens on tap)."""
    uploaded.seek(0)
    with Image.open(uploaded) as source:
        image = ImageOps.exif_transpose(source)
        image.thumbnail((DISPLAY_SIDE, DISPLAY_SIDE))
        if image.mode in {"RGBA", "LA", "P"}:
            image = image.convert("RGBA")
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        elif image.mode != "RGB":
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, "JPEG", quality=82, optimize=True)
    uploaded.seek(0)
    return ContentFile(out.getvalue())


def extension(content_type: str) -> str:
    return KINDS[content_type][1]
