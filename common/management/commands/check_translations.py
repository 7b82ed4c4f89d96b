"""Fail when a string in the code has no zh-hans translation (or only a fuzzy one).

Runs makemessages against a copy of locale/, so the check sees every string the code marks for
translation today without touching the working tree. The copy sits directly in the project folder:
makemessages writes each source file's strings to the first locale path whose parent folder contains
that file, and also adds ./locale itself, so a copy elsewhere (/tmp) would leave it writing to the
real catalogue.
"""

import fcntl
import shutil
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

LANGUAGE = "zh_Hans"
IGNORE = [".venv/*", "var/*", "static/*", "tests/*", "node_modules/*"]


class Command(BaseCommand):
    help = "Check that every translatable string has a zh-hans translation."

    def handle(self, *args, **options) -> None:
        # One check at a time on this checkout: makemessages writes each template's strings to a
        # temporary file beside the template and removes it, so two checks at once (the test
        # processes) could remove each other's and fail on a string that is translated.
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        with open(Path(settings.VAR_DIR) / "check-translations.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._check()

    def _check(self) -> None:
        source = Path(settings.LOCALE_PATHS[0])
        copy = Path(tempfile.mkdtemp(prefix=".locale-check-", dir=settings.BASE_DIR))
        try:
            shutil.copytree(source, copy, dirs_exist_ok=True)
            with override_settings(LOCALE_PATHS=[copy]):
                call_command(
                    "makemessages",
                    locale=[LANGUAGE],
                    # The real locale/ is skipped: met during the walk it would take precedence.
                    ignore_patterns=[*IGNORE, "locale", ".locale-check-*"],
                    no_obsolete=True,
                    verbosity=0,
                )
            po = polib.pofile(str(copy / LANGUAGE / "LC_MESSAGES" / "django.po"))
            missing = [e for e in po if not e.translated() and not e.obsolete]
        finally:
            shutil.rmtree(copy, ignore_errors=True)
        if missing:
            lines = "\n".join(f"  - {e.msgid!r}{' (fuzzy)' if e.fuzzy else ''}" for e in missing[:50])
            raise CommandError(
                f"{len(missing)} string(s) have no zh-hans translation. Run `make translations`, translate "
                f"them in {source / LANGUAGE / 'LC_MESSAGES' / 'django.po'}, and try again:\n{lines}"
            )
        self.stdout.write(self.style.SUCCESS(f"Translations complete: {len(po)} strings in zh-hans."))
