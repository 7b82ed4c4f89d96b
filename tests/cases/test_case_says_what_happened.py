"""A case says what happened: a title, the details, or at least a photo taken of it. A category
alone (a chip tapped, nothing typed, nothing taken) is refused in words, and nothing is logged."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import services
from cases.models import Case
from committee.access import Access
from tests.factories import case_category, intake_post, jpeg_upload


def _form(org, **extra) -> dict:
    return intake_post(org.a, **{"title": "", "description": "", **extra})


def test_a_category_alone_is_refused_with_a_clear_message(org, as_user):
    response = as_user(org.worker_a).post(reverse("cases:new"), _form(org, description="  \n "))
    assert response.status_code == 200
    assert not Case.all_objects.exists()
    page = response.text
    assert "请说明发生了什么" in page
    assert re.search(r'value="drainage" required[^>]* checked', page)  # the chip tapped stays


def test_the_words_are_the_same_in_english(org, as_user):
    response = as_user(org.worker_a).post(reverse("cases:new"), _form(org), headers={"Accept-Language": "en"})
    assert "Say what happened" in response.text
    assert not Case.all_objects.exists()


def test_the_service_refuses_a_case_that_says_nothing(org):
    with pytest.raises(ValidationError) as refused:
        services.create_case(
            access=Access(org.worker_a), committee=org.a, title=" ", description="", category=case_category()
        )
    assert "title" in refused.value.message_dict
    assert not Case.all_objects.exists()


def test_the_details_or_a_photo_are_enough(org, as_user):
    client = as_user(org.worker_a)
    client.post(reverse("cases:new"), _form(org, description="厨房地漏返水\n昨晚开始"))
    # Tapped a category and took a photo on the phone: the photo shows what happened.
    client.post(reverse("cases:new"), _form(org, token="t2", photos=[jpeg_upload()]))
    titles = sorted(Case.all_objects.values_list("title", flat=True))
    assert titles == ["厨房地漏返水", "排水积水"]
    worker = Access(org.worker_a)
    services.create_case(
        access=worker, committee=org.a, title="", description="楼道灯坏了", category=case_category()
    )
    assert Case.all_objects.filter(title="楼道灯坏了").exists()
