"""Private storage for case attachments: under MEDIA_ROOT/private, never given a public URL.

Files are served only by cases.views.attachment, which checks the user's access to the case.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Reads MEDIA_ROOT at use time, so tests that move MEDIA_ROOT move the attachments too."""

    @property
    def base_location(self) -> str:
        return os.path.join(settings.MEDIA_ROOT, "private")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Attachments have no public URL; use the cases:attachment view.")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    return _storage
