"""A monthly summary is of a month that has begun: one not yet begun (next month, 2027-01 in 2026)
was drawn as if real, "Cases logged this month: 0 (last month: 30, −30 on last month)", and printed
and downloaded like one. It is refused, on the page and for the .txt, saying which months may be
chosen, and the month box's picker offers none later than this month."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.figures import add_months

SAID = {
    "zh-hans": "{month} 还没有开始：请选择 {this} 或之前的月份。",
    "en": "{month} has not begun yet: choose {this} or an earlier month.",
}


def _months() -> tuple[str, str]:
    this = timezone.localdate().replace(day=1)
    return f"{add_months(this, 1):%Y-%m}", f"{this:%Y-%m}"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", ["reports:summary", "reports:summary_txt", "reports:ledger"])
def test_a_month_not_begun_is_refused_saying_so(org, as_user, name, language):
    future, this = _months()
    client = as_user(org.secretary_a)
    response = client.get(
        reverse(name), {"month": future, "committee": org.a.pk}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    assert "Content-Disposition" not in response  # nothing to print or download
    assert SAID[language].format(month=future, this=this) in response.text
    # This month has begun: its summary is drawn.
    response = client.get(reverse(name), {"month": this, "committee": org.a.pk})
    assert response.status_code == 200


def test_the_month_box_offers_no_month_after_this_one(org, as_user):
    _future, this = _months()
    page = as_user(org.secretary_a).get(reverse("reports:index")).text
    (box,) = re.findall(r'<input[^>]*name="month"[^>]*>', page)
    assert 'type="month"' in box and f'max="{this}"' in box
