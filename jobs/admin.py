from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin_committee import RecordAdmin
from jobs.models import JobRun


@admin.register(JobRun)
class JobRunAdmin(RecordAdmin):
    """When each periodic job last ran and what it did: the administrator reads here whether last
    night's backup was made and passed its restore check (its `problem` says why not)."""

    list_display = ["job_name", "ran_at", "summary"]
    fields = readonly_fields = ["job_name", "ran_at", "summary"]  # in words, not the outcome's JSON

    @admin.display(description=_("job"), ordering="job")
    def job_name(self, run: JobRun) -> str:
        return run.label

    @admin.display(description=_("outcome"))
    def summary(self, run: JobRun) -> str:
        if run.job == JobRun.BACKUP:
            outcome = run.outcome
            if outcome.get("checked"):
                return _(
                    "%(archive)s: %(mb).1f MB, %(rows)s rows, %(files)s files; restored and compared"
                ) % {
                    "archive": outcome["archive"],
                    "mb": outcome["bytes"] / 1e6,
                    "rows": outcome["rows"],
                    "files": outcome["files"],
                }
            return _("NOT CHECKED: %(problem)s") % {"problem": outcome.get("problem") or "-"}
        return ", ".join(f"{key}: {value}" for key, value in run.outcome.items())
