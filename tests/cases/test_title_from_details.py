"""A title made from the details (Case.title_from, cases/titles.py): the first sentence when it ends
within 40 characters, and never a contact number at its end, whole or masked. A case logged from a
visit was called "老人说灶台在里间，…，想装折叠门。女儿电话 136****4567" in every list, notification,
the ledger and the summary (review 8, finding 10)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import Case
from residents.models import Visit
from tests.factories import case_category, intake_post, make_resident

VISIT = "老人说灶台在里间，做饭要绕过床，浴室门向外开太占地方，想装折叠门。女儿电话 13651234567"


@pytest.mark.parametrize(
    ("details", "title"),
    [
        # The first sentence, its 。 left out; a question's mark kept.
        (VISIT, "老人说灶台在里间，做饭要绕过床，浴室门向外开太占地方，想装折叠门"),
        ("老人说灶台在里间，想装折叠门。女儿电话 136****4567", "老人说灶台在里间，想装折叠门"),
        ("为什么还没修？已经报了三次", "为什么还没修？"),
        ("Lift broken! Third time this month", "Lift broken!"),
        # A sentence that is only a number says nothing: the next one is read.
        ("电话13812345678。楼上漏水，滴到阳台", "楼上漏水，滴到阳台"),
        ("13812345678\n楼道灯不亮", "楼道灯不亮"),
        # A number at the end goes, with its naming words and its clause.
        ("楼道灯坏了，联系电话：021-65431234", "楼道灯坏了"),
        ("楼道灯坏了，女儿电话 136****4567", "楼道灯坏了"),
        ("厨房漏水 张阿姨 138 1234 5678", "厨房漏水 张阿姨"),
        ("楼道灯坏了，电话 13812345678、13912345678", "楼道灯坏了"),
        (
            "电梯坏了三天了，住在12楼的老人下不了楼，家属很着急，希望尽快修好，联系电话13812345678",
            "电梯坏了三天了，住在12楼的老人下不了楼，家属很着急，希望尽快修好",
        ),
        # A sentence ending past the 40th character: cut at 40, as before.
        ("一二三四五六七八九十" * 4 + "五六七。后面", "一二三四五六七八九十" * 4),
        # Not a contact number: a room, a case number, a count.
        ("302室厨房漏水，房号302", "302室厨房漏水，房号302"),
        ("和事项2026-0450是同一处", "和事项2026-0450是同一处"),
        ("漏水已经3天", "漏水已经3天"),
        # A number at the start is no ending.
        ("13812345678张阿姨来电，家里漏水", "13812345678张阿姨来电，家里漏水"),
    ],
)
def test_the_title_made_from_the_details(db, details, title):
    assert Case.title_from("", details, case_category(), photos=False) == title


def test_details_that_are_only_a_number_say_nothing(db):
    with pytest.raises(ValidationError):
        Case.title_from("", "13812345678", case_category(), photos=False)
    assert Case.title_from("", "13812345678", case_category(), photos=True) == case_category().label


def test_a_case_logged_from_a_visit_is_called_by_its_first_sentence(org, as_user):
    resident = make_resident(org.a, name="朱芳兰")
    visit = Visit.all_objects.create(committee=org.a, resident=resident, visitor=org.worker_a, findings=VISIT)
    client = as_user(org.worker_a)
    form = intake_post(
        org.a,
        title="",
        category="elderly",
        source="visit",
        visit=visit.pk,
        party=[resident.pk],
        description="老人说灶台在里间，做饭要绕过床，浴室门向外开太占地方，想装折叠门。女儿电话 136****4567",
    )
    response = client.post(reverse("cases:new"), form)
    case = Case.all_objects.get()
    assert response.status_code == 302
    assert case.title == "老人说灶台在里间，做饭要绕过床，浴室门向外开太占地方，想装折叠门"
    page = client.get(reverse("cases:list") + "?status=").text
    assert case.title in page and "4567" not in page.split(case.title)[1][:40]
