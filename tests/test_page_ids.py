"""Every id on a page is drawn once: a label's `for` and a screen reader lead to one box.

The case page draws a reply form per referral beside the referral form: each of their boxes had
Django's default id (id_reply, id_contact, …), the same in every form, so a tapped label or a screen
reader's "label for" led to the first referral's box, or to the new referral's contact. Every id on
the page is now drawn once, and a reply form's labels point into that referral's own form."""

import re
from collections import Counter

from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import OutsideBody
from committee.access import Access
from tests.factories import make_case


def _case_with_two_referrals(org):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    access = Access(org.worker_a)
    first, second = OutsideBody.objects.order_by("pk")[:2]
    waiting = services.refer(access=access, case=case, body=first)
    answered = services.refer(access=access, case=case, body=second)
    services.record_reply(
        access=access, referral=answered, replied_on=timezone.localdate(), reply="已派人疏通", outcome=""
    )
    return case, waiting, answered


def _drawn_twice(page: str) -> list[str]:
    return [name for name, count in Counter(re.findall(r'\sid="([^"]+)"', page)).items() if count > 1]


def test_every_id_on_the_case_page_is_drawn_once(org, as_user):
    case, waiting, answered = _case_with_two_referrals(org)
    page = as_user(org.worker_a).get(reverse("cases:detail", args=[case.pk])).text
    assert _drawn_twice(page) == []
    for referral in (waiting, answered):
        url = re.escape(reverse("cases:reply", args=[referral.pk]))
        form = re.search(rf'<form method="post" action="{url}".*?</form>', page, re.S).group(0)
        targets = re.findall(r'<label[^>]*\sfor="([^"]+)"', form)
        assert {"reply", "replied_on", "outcome", "contact"} <= {t.rsplit("-", 1)[-1] for t in targets}
        for target in targets:  # each label's box is in this referral's form
            assert f'id="{target}"' in form, target


def test_the_reports_page_of_a_street_officer_draws_each_id_once(org, as_user):
    """The month's form and the export's both have a committee box for a reader of several
    committees: both were id_committee, and the month's label chose the export's committee."""
    page = as_user(org.officer).get(reverse("reports:index")).text
    assert page.count('name="committee"') == 2
    assert _drawn_twice(page) == []
