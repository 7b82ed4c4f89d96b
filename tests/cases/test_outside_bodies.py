"""Outside bodies shared by the street or a committee's own (review 10, finding E): one committee's
property company was offered in the referral list of every committee of the deployment. Now a body
belongs to one committee or to none (shared, as every body stored before was); a committee's referral
list has the shared ones and its own; its secretary adds its own with name and phone."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases import services
from cases.models import OutsideBody, Referral
from cases.services.bodies import add_outside_body
from committee.access import Access
from tests.cases.page_text import text_of
from tests.factories import make_case

ZH = {"accept-language": "zh-hans"}
EN = {"accept-language": "en"}


def _choices(client, case) -> list[str]:
    page = client.get(reverse("cases:detail", args=[case.pk]), headers=ZH).text
    select = re.search(r'<select name="body".*?</select>', page, re.S).group(0)
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select)


def test_the_bodies_stored_before_stay_shared_and_each_committee_sees_its_own_only(org, as_user):
    shared = list(OutsideBody.objects.filter(active=True).values_list("name", flat=True))
    assert shared and not OutsideBody.objects.filter(committee__isnull=False).exists()  # the migration's rows
    ours = OutsideBody.objects.create(name="某某物业定海项目部", committee=org.a, order=1000)
    OutsideBody.objects.create(name="波阳物业", committee=org.b, order=1000)
    case_a = make_case(org.worker_a, org.a, assignee=org.worker_a)
    case_b = make_case(org.worker_b, org.b, assignee=org.worker_b)
    a_list = _choices(as_user(org.worker_a), case_a)
    assert a_list == [*shared, "某某物业定海项目部"]
    assert _choices(as_user(org.worker_b), case_b) == [*shared, "波阳物业"]

    # B's own, posted for A's case by hand: refused in words, nothing recorded.
    client = as_user(org.worker_a)
    theirs = OutsideBody.objects.get(name="波阳物业")
    data = {"body": theirs.pk, "sent_on": timezone.localdate().isoformat()}
    refused = client.post(reverse("cases:refer", args=[case_a.pk]), data, headers=ZH, follow=True)
    assert "该外部单位属于其他居委会，请从列表中选择。" in text_of(refused.content.decode())
    with pytest.raises(ValidationError) as said:
        services.refer(access=Access(org.worker_a), case=case_a, body=theirs)
    with translation.override("en"):
        assert said.value.message_dict["body"] == [
            "This outside body is another committee's own: choose one from the list."
        ]
    assert not Referral.all_objects.filter(case=case_a).exists()
    # Its own goes through, and the sheet names the company.
    data["body"] = ours.pk
    assert client.post(reverse("cases:refer", args=[case_a.pk]), data).status_code == 302
    sheet = text_of(client.get(reverse("cases:print", args=[case_a.pk]), headers=ZH).content.decode())
    assert "某某物业定海项目部" in sheet


def test_the_secretary_adds_the_committees_own_body_with_its_name_and_phone(org, as_user):
    client = as_user(org.secretary_a)
    page = client.get(reverse("cases:outside_bodies"), headers=ZH).text
    assert "各居委会共用" in page and "物业公司" in page and "添加本居委会自己的单位" in page
    added = client.post(
        reverse("cases:outside_bodies"),
        {"committee": org.a.pk, "name": " 某某物业  定海项目部 ", "phone": "021-65431234"},
        headers=ZH,
        follow=True,
    )
    shown = text_of(added.content.decode())
    assert "已添加某某物业 定海项目部，现已列入定海居民区的转办单位。" in shown
    assert "某某物业 定海项目部 · 021-65431234" in shown
    body = OutsideBody.objects.get(name="某某物业 定海项目部")
    assert (body.committee_id, body.phone) == (org.a.pk, "021-65431234")
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    assert "某某物业 定海项目部" in _choices(as_user(org.worker_a), case)
    # The worker of committee A sees the list and no form; B's worker does not see A's own.
    worker_page = as_user(org.worker_a).get(reverse("cases:outside_bodies"), headers=ZH).text
    assert "某某物业 定海项目部" in worker_page and "添加本居委会自己的单位" not in worker_page
    assert "由书记在此添加" not in worker_page  # A has one now
    assert "某某物业 定海项目部" not in as_user(org.worker_b).get(reverse("cases:outside_bodies")).text
    refused = as_user(org.worker_a).post(
        reverse("cases:outside_bodies"), {"committee": org.a.pk, "name": "x"}
    )
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("data", "language", "said"),
    [
        ({"name": "物业公司"}, ZH, "定海居民区的转办单位中已有物业公司。"),  # a shared one's name
        ({"name": "某某物业", "phone": "物业前台"}, ZH, "请填写联系电话，如 021-64381234。"),
        ({"name": "   "}, EN, "This field is required."),
        ({"name": "某某物业", "phone": "front desk"}, EN, "Enter the number to call, such as 021-64381234."),
    ],
)
def test_a_body_refused_says_why_and_keeps_what_was_typed(org, as_user, data, language, said):
    before = OutsideBody.objects.count()
    response = as_user(org.secretary_a).post(
        reverse("cases:outside_bodies"), {"committee": org.a.pk, **data}, headers=language
    )
    assert response.status_code == 200
    assert said in text_of(response.content.decode())
    if data.get("phone"):
        assert f'value="{data["phone"]}"' in response.text
    assert OutsideBody.objects.count() == before


def test_only_the_secretary_adds_and_only_to_their_own_committee(org, as_user):
    with pytest.raises(PermissionDenied):
        add_outside_body(access=Access(org.worker_a), committee=org.a, name="某某物业")
    with pytest.raises(PermissionDenied):
        add_outside_body(access=Access(org.secretary_a), committee=org.b, name="某某物业")
    response = as_user(org.secretary_a).post(
        reverse("cases:outside_bodies"), {"committee": org.b.pk, "name": "某某物业"}
    )
    assert response.status_code == 200 and not OutsideBody.objects.filter(name="某某物业").exists()


def test_the_bodies_page_is_a_few_queries_however_many_bodies(org, as_user):
    client = as_user(org.secretary_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("cases:outside_bodies")).status_code == 200
        return len(queries)

    client.get(reverse("cases:outside_bodies"))
    few = count()
    for n in range(40):
        OutsideBody.objects.create(name=f"物业{n}", committee=org.a if n % 2 else None)
    assert count() == few
