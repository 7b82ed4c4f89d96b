from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backups.archive import BackupError, backup_dir, check_archive, make_backup, one_at_a_time
from jobs.models import JobRun


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files into BACKUP_DIR, check the archive by restoring it "
        "into a scratch database, and keep the newest BACKUP_KEEP. With --check ARCHIVE, only check one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", metavar="ARCHIVE", help="check an existing archive and stop")
        parser.add_argument("--no-check", action="store_true", help="make the archive without checking it")
        parser.add_argument("--no-media", action="store_true", help="leave the uploaded files out")

    def handle(self, *args, check=None, no_check=False, no_media=False, **options):
        if check:
            try:
                with one_at_a_time(backup_dir()):
                    manifest = check_archive(Path(check))
            except BackupError as error:
                raise CommandError(str(error)) from error
            rows = sum(manifest["rows"].values())
            self.stdout.write(
                _("%(archive)s: restored and compared: %(tables)s tables, %(rows)s rows, %(files)s files.")
                % {
                    "archive": check,
                    "tables": len(manifest["rows"]),
                    "rows": rows,
                    "files": len(manifest["files"]),
                }
            )
            return
        try:
            outcome = make_backup(check=not no_check, media=not no_media)
        except BackupError as error:
            JobRun.record(JobRun.BACKUP, {"checked": False, "problem": str(error)})
            raise CommandError(str(error)) from error
        except OSError as error:  # a full disk, a folder it may not write
            JobRun.record(JobRun.BACKUP, {"checked": False, "problem": str(error)})
            raise
        JobRun.record(JobRun.BACKUP, outcome.as_record())
        self.stdout.write(
            _("%(archive)s: %(mb).1f MB, %(tables)s tables, %(rows)s rows, %(files)s files, %(seconds).1f s.")
            % {
                "archive": outcome.archive,
                "mb": outcome.bytes / 1e6,
                "tables": outcome.tables,
                "rows": outcome.rows,
                "files": outcome.files,
                "seconds": outcome.seconds,
            }
        )
        for name in outcome.removed:
            self.stdout.write(_("Removed the older %(archive)s.") % {"archive": name})
        if no_check:
            self.stdout.write(
                _("Not checked (--no-check): check it with `manage.py backup --check ARCHIVE`.")
            )
        elif not outcome.checked:
            raise CommandError(
                _("The archive was made but failed its check: %(problem)s") % {"problem": outcome.problem}
            )
        else:
            self.stdout.write(
                _("Checked: restored into a scratch database, every table and file as in the original.")
            )
