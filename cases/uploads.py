"""Checking uploaded files by their content, not their name: JPEG, PNG, WebP and PDF only."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image

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
            with Image.open(uploaded) as image:
                image.verify()
        except Exception as exc:  # Pillow raises many kinds for a damaged file
            raise ValidationError(_("The photo could not be read."), code="broken") from exc
        finally:
            uploaded.seek(0)
    return content_type


def extension(content_type: str) -> str:
    return KINDS[content_type][1]
