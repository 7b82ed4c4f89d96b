from django.contrib import admin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from common.admin_committee import RecordAdmin
from jobs import reclaim
from jobs.models import JobRun, LostTask, WorkerBeat


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


@admin.register(LostTask)
class LostTaskAdmin(RecordAdmin):
    """Tasks found running with no live worker (jobs/reclaim.py): marked failed, some queued again."""

    list_display = ["task_name", "found_at", "why", "worker_id", "started_at", "requeued_as"]
    fields = readonly_fields = [
        "task_name",
        "result_id",
        "found_at",
        "why",
        "worker_id",
        "started_at",
        "requeued_as",
    ]

    @admin.display(description=_("task"), ordering="task_path")
    def task_name(self, lost: LostTask) -> str:
        return lost.task_path.rsplit(".", 1)[-1]

    @admin.display(description=_("reason"))
    def why(self, lost: LostTask) -> str:
        return reclaim.reason_said(lost.reason)


@admin.register(WorkerBeat)
class WorkerBeatAdmin(RecordAdmin):
    """Each task worker's last sign of life and what it runs: which are alive, at a glance."""

    list_display = ["worker_id", "host", "pid", "started_at", "beat_at", "running", "running_since"]
    fields = readonly_fields = list_display


# django-tasks-db's admin (the queue's results), its columns named in the active language: the library
# heads them with English words that no catalogue translates (an id field without a label, a property
# and two methods described in plain strings). Its models' own words (the fields, the model's name)
# are gettext'd by the library and translated in Needle's catalogue: see committee/admin_words.py.
admin.site.unregister(DBTaskResult)  # registered when django_tasks_db.admin was imported above


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    list_display = (
        "task_id",
        "task",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "priority",
        "queue_name",
        "worker_lost",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        lost = LostTask.objects.filter(result_id=OuterRef("pk"))
        return super().get_queryset(request).annotate(lost=Exists(lost))

    @admin.display(description=_("worker lost"), boolean=True)
    def worker_lost(self, result: DBTaskResult) -> bool | None:
        """A failure marked by a worker's look (jobs/reclaim.py): its traceback says why."""
        return True if getattr(result, "lost", False) else None

    def get_readonly_fields(self, request: HttpRequest, obj: DBTaskResult | None = None) -> list[str]:
        return ["task_id" if name == "id" else name for name in super().get_readonly_fields(request, obj)]

    @admin.display(description=_("ID"), ordering="id")
    def task_id(self, result: DBTaskResult) -> str:
        return str(result.id)

    @admin.display(description=_("task"))
    def task(self, result: DBTaskResult) -> str:
        return result.task_name

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, result: DBTaskResult) -> str:
        return super().formatted_traceback(result)

    @admin.display(description=_("run after"))
    def display_run_after(self, result: DBTaskResult):
        return super().display_run_after(result)
