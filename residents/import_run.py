"""The registry import's record of one upload (ImportRun): its file, status, counts, bad rows and the
changes it makes, kept for the preview, the commit and the history. A model of the residents app,
kept apart from the registry's (residents/models.py imports it, so Django registers it there)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committee.models import CommitteeOwned
from residents.imports import problems


class ImportRun(CommitteeOwned):
    """One upload of a spreadsheet into a committee's registry: previewed, then committed or cancelled.

    The uploaded file waits in a private area (never served) under a name derived from this run until
    the commit or cancel deletes it; the counts and bad rows of the last check are kept here.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")  # a large file, read and checked by the worker
        PREVIEWED = "previewed", _("Awaiting commit")
        COMMITTING = "committing", _("Being imported")  # a large file, written by the worker
        COMMITTED = "committed", _("Committed")
        CANCELLED = "cancelled", _("Cancelled")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")  # the worker stopped on an error: nothing was written

    class Phase(models.TextChoices):
        READING = "reading", _("Reading the file")
        CHECKING = "checking", _("Checking the rows")
        WRITING = "writing", _("Writing to the registry")

    IN_PROGRESS = (Status.CHECKING, Status.COMMITTING)

    original_name = models.CharField(_("file"), max_length=200)
    kind = models.CharField(_("file type"), max_length=4, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    stored_name = models.CharField(max_length=200, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PREVIEWED)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    mapping = models.JSONField(default=list, blank=True, editable=False)
    errors = models.JSONField(default=list, blank=True, editable=False)
    # What the file changes (residents/imports/changes.py): each updated resident's fields old → new
    # and move, each updated household's housing type, the households left without a head.
    changes = models.JSONField(default=dict, blank=True, editable=False)
    problem = models.TextField(_("problem with the file"), blank=True)
    # The same, kept as what to say (its msgid and parameters: residents/imports/problems.py), so
    # that the run's page says it in the reader's language; empty for a run refused before this.
    problem_said = models.JSONField(default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("imported by")
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)
    committed_at = models.DateTimeField(_("committed"), null=True, blank=True)
    # A large file (IMPORT_TASK_MIN_ROWS) is checked and committed by the worker (residents/tasks.py);
    # its progress is kept here for the page that polls it, and for the sweeper that finds a run whose
    # worker died (no sign of life for IMPORT_STALL_MINUTES) and starts it again or reports it failed.
    in_background = models.BooleanField(_("run by the worker"), default=False, editable=False)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("committed by"),
        editable=False,
    )
    phase = models.CharField(max_length=10, choices=Phase, blank=True, editable=False)
    rows_done = models.PositiveIntegerField(default=0, editable=False)
    rows_total = models.PositiveIntegerField(default=0, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    progress_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["committee", "-created_at"], name="importrun_committee_latest")]

    def __str__(self) -> str:
        return f"{self.original_name} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def error_count(self) -> int:
        return int(self.counts.get("error_count", 0))

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    BADGE_COLOURS = {
        Status.CHECKING: "amber",
        Status.PREVIEWED: "amber",
        Status.COMMITTING: "amber",
        Status.COMMITTED: "green",
        Status.REJECTED: "red",
        Status.FAILED: "red",
    }

    @property
    def problem_words(self) -> str:
        """Why the file cannot be imported, in the reader's language (a run refused before what to
        say was kept: the words it was refused with)."""
        return problems.text(self.problem_said) if self.problem_said else self.problem

    @property
    def badge(self) -> tuple[str, str]:
        """The run's state as its badge says it: (words, colour). A previewed run with bad rows is not
        awaiting its commit: it cannot be committed, only corrected and uploaded again."""
        if self.status == self.Status.PREVIEWED and self.error_count:
            return _("Bad rows to fix"), "red"
        return self.get_status_display(), self.BADGE_COLOURS.get(self.status, "")
