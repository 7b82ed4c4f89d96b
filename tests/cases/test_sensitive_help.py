"""Sensitive help stays sensitive: hardship aid is sensitive from its category, aid is shown only to
those who may see sensitive data, and a withheld care category is not called "none"."""

from decimal import Decimal

from django.urls import reverse

from cases import services
from cases.models import Aid, CaseCategory
from committee.access import acting_as
from tests.factories import make_building, make_case, make_household, make_resident


def test_a_hardship_case_is_sensitive_whatever_the_form_said(org):
    assert CaseCategory.objects.get(code="hardship").sensitive_by_default
    assert make_case(org.worker_a, org.a, title="家中有残疾人", code="hardship").sensitive
    assert not make_case(org.worker_a, org.a, title="楼道积水").sensitive


def test_aid_on_a_case_is_seen_only_by_those_who_may_see_sensitive_data(org, as_user):
    case = make_case(org.worker_a, org.a, title="帮扶", assignee=org.worker_a)
    with acting_as(org.worker_a) as access:
        services.add_aid(
            access=access, case=case, kind=Aid.Kind.DONATION, amount=Decimal("500"), donors="居委干部"
        )
    url = reverse("cases:detail", args=[case.pk])
    assert "¥500.00" in as_user(org.worker_a).get(url).text
    for persona in ("viewer_a", "officer"):
        page = as_user(getattr(org, persona)).get(url).text
        assert "500.00" not in page and "居委干部" not in page, persona


def test_a_viewer_is_told_some_information_is_withheld_not_that_there_is_none(org, as_user):
    from residents.models import CareCategory

    resident = make_resident(make_household(make_building(org.a), "101"), "赵敏")
    resident.care_categories.add(CareCategory.objects.get(code="dibao"))
    page = as_user(org.viewer_a).get(reverse("residents:detail", args=[resident.pk])).text
    assert "部分信息仅限有权限的工作人员查看" in page and "无关爱类别" not in page
    assert "低保" in as_user(org.worker_a).get(reverse("residents:detail", args=[resident.pk])).text


def test_a_viewer_is_told_so_when_only_some_care_categories_are_withheld(org, as_user):
    """独居老人 shown beside 低保 withheld: the note says some information is withheld, as it does
    when every category is (it was said only then, so the two read differently)."""
    from residents.models import CareCategory

    resident = make_resident(make_household(make_building(org.a), "102"), "袁斌")
    resident.care_categories.add(*CareCategory.objects.filter(code__in=["dibao", "elderly_alone"]))
    page = as_user(org.viewer_a).get(reverse("residents:detail", args=[resident.pk])).text
    assert "独居老人" in page and "低保" not in page
    assert "部分信息仅限有权限的工作人员查看" in page
    staff_page = as_user(org.worker_a).get(reverse("residents:detail", args=[resident.pk])).text
    assert "低保" in staff_page and "部分信息仅限有权限的工作人员查看" not in staff_page
