"""A 12345 case's work order number is the number on the work order: letters, digits and hyphens
with at least four digits. "工单号不知道" was saved as one ("12345工单 · 工单号 工单号不知道"), and the
hotline's clocks and any matching by number had nothing to go on. Refused at the intake with words
that say what a number looks like, what was typed kept; the admin checks a number it changes."""

import pytest
from django.urls import reverse

from cases.models import Case
from tests.cases.page_text import field_of, text_of
from tests.factories import admin_form_data, intake_post, make_case

REFUSED = "请照工单填写工单号：字母、数字和连字符，至少 4 位数字（例如 202612071234）。"


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("202612345678", "202612345678"),  # the demo's: the year and eight digits
        ("20261207001", "20261207001"),
        ("A2026120700123", "A2026120700123"),
        ("SH-2026-001234", "SH-2026-001234"),
        ("２０２６１２３４５６７８", "202612345678"),  # a Chinese keyboard's full-width digits
        (" 2026 1234 5678 ", "202612345678"),  # read out in groups and typed so
    ],
)
def test_a_work_order_number_as_written_on_the_order_is_saved(org, as_user, typed, saved):
    client = as_user(org.worker_a)
    response = client.post(
        reverse("cases:new"), intake_post(org.a, source="hotline", work_order_number=typed)
    )
    assert response.status_code == 302
    case = Case.all_objects.get()
    assert case.work_order_number == saved
    page = text_of(client.get(reverse("cases:detail", args=[case.pk])).text)
    assert f"12345工单 · 工单号 {saved}" in page


@pytest.mark.parametrize(
    "typed", ["工单号不知道", "不知道", "123", "2026/1234", "2026--1234", "-20261234", "#20261234"]
)
def test_anything_else_is_refused_with_what_a_number_looks_like(org, as_user, typed):
    client = as_user(org.worker_a)
    form = intake_post(org.a, source="hotline", work_order_number=typed, description="楼道里有积水")
    response = client.post(reverse("cases:new"), form)
    assert response.status_code == 200
    field = field_of(response.text, "work_order_number")
    assert REFUSED in text_of(field)
    assert f'value="{typed}"' in field  # kept as typed, to correct
    assert "楼道里有积水</textarea>" in response.text
    assert not Case.all_objects.exists()
    english = client.post(reverse("cases:new"), form, headers={"accept-language": "en"}).text
    assert "Type the number as it is on the work order" in text_of(field_of(english, "work_order_number"))


def test_the_admin_checks_a_number_it_changes_and_leaves_an_old_one(org, as_user):
    """An old case saved before the check keeps its number through a correction of something else."""
    case = make_case(org.secretary_a, org.a, source="hotline", work_order_number="5")
    client = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = admin_form_data(client.get(url).text)
    assert client.post(url, {**data, "title": "楼道积水（二楼）"}).status_code == 302
    assert Case.all_objects.get(pk=case.pk).work_order_number == "5"
    data = admin_form_data(client.get(url).text)
    refused = client.post(url, {**data, "work_order_number": "不知道"})
    assert refused.status_code == 200 and REFUSED in refused.text
    assert client.post(url, {**data, "work_order_number": "202612071234"}).status_code == 302
    assert Case.all_objects.get(pk=case.pk).work_order_number == "202612071234"
