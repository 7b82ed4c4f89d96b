"""Where the archives live (`manage.py check`, and so every start of the server and the worker)."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


def _inside(folder: Path, other: Path) -> bool:
    return folder == other or other in folder.parents


@register()
def backups_outside_served_folders(app_configs, **kwargs) -> list[Error]:
    """BACKUP_DIR must not lie inside MEDIA_ROOT or STATIC_ROOT. Inside the uploads, every archive
    would carry all the archives before it (each night's doubling the last), and a web server that
    serves the uploads or the static files would hand every full ID number to whoever guesses a
    file's name."""
    backups = Path(settings.BACKUP_DIR).resolve()
    errors = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        root = getattr(settings, name, None)
        if root and _inside(backups, Path(root).resolve()):
            errors.append(
                Error(
                    f"BACKUP_DIR ({backups}) lies inside {name} ({Path(root).resolve()}).",
                    hint="Set BACKUP_DIR to a folder of its own, outside the uploads and the static files "
                    "(the default is var/backups).",
                    id="backups.E001",
                )
            )
    return errors
