"""The demo seed: about 600 cases in committee A over twelve months, with the article's stories."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from cases.models import Aid, Case, CaseCategory, CaseCounter, CaseEvent, FollowUp, Referral
from committee.models import Committee, User
from tests.conftest import client_for


@pytest.mark.django_db
def test_demo_cases():
    call_command("seed_demo", stdout=StringIO())
    a = Committee.objects.get(name="定海居民区")
    cases = Case.all_objects.filter(committee=a)
    assert 550 <= cases.count() <= 650
    assert set(cases.values_list("category__code", flat=True)) == set(
        CaseCategory.objects.values_list("code", flat=True)
    )
    oldest = cases.order_by("created_at").first().created_at
    assert timezone.now() - oldest < datetime.timedelta(days=370)
    # Numbers are gap-free per year and the counter continues after them.
    for year in set(cases.values_list("year", flat=True)):
        seqs = sorted(cases.filter(year=year).values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))
        assert CaseCounter.objects.get(committee=a, year=year).last == seqs[-1]
    assert cases.filter(title="雨季底楼居民家中“发洪水”", status="closed").exists()
    assert Aid.all_objects.filter(kind="donation", status="paid").exclude(donors="").exists()
    assert Aid.all_objects.filter(kind="subsidy", status="paid").exists()
    assert FollowUp.all_objects.count() > 300
    assert Referral.all_objects.filter(replied_on__isnull=True, body__name="物业公司").exists()
    assert cases.filter(status__in=Case.OPEN_STATUSES, due_date__lt=timezone.localdate()).exists()
    assert cases.filter(status__in=Case.OPEN_STATUSES, assignee__isnull=True).exists()
    assert CaseEvent.all_objects.filter(case__committee=a).count() > 5 * 600
    assert cases.aggregate(Max("created_at"))["created_at__max"] <= timezone.now()
    # The demo accounts see them.
    client = client_for(User.objects.get(username="worker"))
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("cases:list")).status_code == 200
    story = cases.get(title="雨季底楼居民家中“发洪水”")
    assert client.get(reverse("cases:detail", args=[story.pk])).status_code == 200
