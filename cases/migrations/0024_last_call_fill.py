# Each case's latest follow-up call (day and answer, 0023's columns), filled from its calls; and its
# satisfaction becomes the answer of this resolution's call only: emptied where the case was reopened
# or resolved again since the answer was given, so that such a case waits for a call of its own.
#
# Not atomic: the cases are written a range of ids at a time, each UPDATE its own transaction, so
# that no lock is held on the cases for the whole fill (1,500,000 rows written at a district's
# 2,000,000 cases) and staff keep reading them meanwhile. Each step sets what it sets from the calls:
# a run stopped halfway is simply run again.

from django.db import migrations, transaction
from django.db.models import Exists, Max, Min, OuterRef, Subquery
from django.utils import timezone

OPEN = ("new", "in_progress", "waiting")
BATCH = 5000  # case ids an UPDATE


def keep_last_calls(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    FollowUp = apps.get_model("cases", "FollowUp")
    db = schema_editor.connection.alias
    cases, calls = Case.objects.using(db), FollowUp.objects.using(db)
    # The latest call as the app orders them (FollowUp.Meta.ordering: day called, then as recorded).
    latest = calls.filter(case_id=OuterRef("pk")).order_by("-called_on", "-pk")
    called = cases.filter(Exists(calls.filter(case_id=OuterRef("pk"))))
    # From the lowest id: a database whose first cases were deleted long ago (or the tests', whose
    # ids keep counting) need not walk empty ranges.
    ids = cases.aggregate(bottom=Min("pk"), top=Max("pk"))
    for start in range(ids["bottom"] or 0, (ids["top"] or 0) + 1, BATCH):
        with transaction.atomic(using=db):
            called.filter(pk__gte=start, pk__lt=start + BATCH).update(
                last_called_on=Subquery(latest.values("called_on")[:1]),
                last_call_result=Subquery(latest.values("satisfaction")[:1]),
            )
    # Open again: this time's call is still to come.
    cases.filter(status__in=OPEN).exclude(satisfaction="").update(satisfaction="")
    # Resolved again since the answer: "not satisfied" (which reopened the case: it was resolved
    # again since) or no call from the day it was resolved (the case page's rule until now).
    stale = []
    waiting = cases.filter(status="resolved", resolved_at__isnull=False).exclude(satisfaction="")
    for pk, resolved_at, satisfaction, called_on in waiting.values_list(
        "pk", "resolved_at", "satisfaction", "last_called_on"
    ).iterator():
        resolved = timezone.localdate(resolved_at) if timezone.is_aware(resolved_at) else resolved_at.date()
        if satisfaction == "not_satisfied" or (called_on is not None and called_on < resolved):
            stale.append(pk)
    for start in range(0, len(stale), 1000):
        cases.filter(pk__in=stale[start : start + 1000]).update(satisfaction="")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('cases', '0023_last_call'),
    ]

    operations = [
        migrations.RunPython(keep_last_calls, migrations.RunPython.noop, elidable=True),
    ]
