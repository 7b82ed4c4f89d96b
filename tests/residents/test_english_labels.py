"""In English the registry's labels are capitalised as labels, as the case page's are: a gender, a
relation, a residency, a housing type, a visit's way and mark, an import's state, and the case
list's badges read "Male", "Head of household", "Overdue" beside "Phone". Inside a sentence a label
reads as a word ("周勤 moved out."); the Chinese stays as it was."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from residents.models import Household, ImportRun, Resident
from tests.cases.page_text import text_of
from tests.factories import make_building, make_case, make_household, make_resident, make_visit

EN = {"accept-language": "en"}


@pytest.fixture
def home(org):
    return make_household(make_building(org.a, "12"), "302")


def test_a_residents_and_households_labels_are_capitalised_in_english_and_unchanged_in_chinese(
    org, home, as_user
):
    Household.all_objects.filter(pk=home.pk).update(housing_type="commercial", residency="registered")
    wang = make_resident(
        home, "王建国", gender="M", relation_to_head="head", residency_status="registered_elsewhere"
    )
    make_resident(home, "王芳", relation_to_head="child", archived="moved_out")
    now = timezone.now()
    make_visit(wang, org.worker_a, now - datetime.timedelta(days=1), method="phone", follow_up_needed=True)
    client = as_user(org.worker_a)
    resident = reverse("residents:detail", args=[wang.pk])
    household = reverse("residents:household", args=[home.pk])
    english = (
        text_of(client.get(resident, headers=EN).text) + " " + text_of(client.get(household, headers=EN).text)
    )
    for said in (
        "gender Male",
        "relation to head Head of household",
        "residency status Registered elsewhere",
        "Phone call",
        "Follow-up needed",
        "housing type Commercial housing",
        "residency Registered",
        "王芳 Moved out",
        "Child",
    ):
        assert said in english, said
    for lower in ("male", "head of household", "phone call", "commercial housing", "moved out", "child"):
        assert f" {lower} " not in f" {english} ", lower
    chinese = " ".join(text_of(client.get(url).text) for url in (resident, household))
    for said in ("户主", "人户分离", "电话联系", "需要跟进", "商品房", "户籍", "王芳 迁出", "子女", "男"):
        assert said in chinese, said


def test_inside_a_sentence_a_residents_archive_reads_as_a_word(org, home, as_user):
    """An old record archived without its day: the refusal of a visit says "周勤 moved out." — the
    label's word, not "周勤 Moved out."."""
    zhou = make_resident(home, "周勤")
    Resident.all_objects.filter(pk=zhou.pk).update(archived="moved_out", archived_on=None)
    post = {
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "method": "home",
        "findings": "上门",
    }
    url = reverse("residents:visit_new", args=[zhou.pk])
    english = text_of(as_user(org.worker_a).post(url, post, headers=EN).text)
    assert "No visit after that can be recorded: 周勤 moved out." in english
    chinese = text_of(as_user(org.worker_a).post(url, post).text)
    assert "不能登记在此之后的走访：周勤 迁出。" in chinese


def test_the_case_lists_badges_are_capitalised_in_english(org, as_user):
    case = make_case(org.secretary_a, org.a, title="地漏返水", priority="urgent", sensitive=True)
    Case.all_objects.filter(pk=case.pk).update(
        assignee=None, due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    client = as_user(org.secretary_a)
    english = text_of(client.get(reverse("cases:list"), headers=EN).text)
    for said in ("Overdue", "Urgent", "Sensitive", "Unassigned"):
        assert said in english, said
    for lower in ("overdue", "urgent", "sensitive", "unassigned"):
        assert f" {lower} " not in f" {english} ", lower
    page = text_of(client.get(reverse("cases:detail", args=[case.pk]), headers=EN).text)
    assert "Overdue" in page and "Sensitive" in page and "Assignee Unassigned" in page
    chinese = text_of(client.get(reverse("cases:list")).text)
    for said in ("逾期", "紧急", "敏感", "未分派"):
        assert said in chinese, said


def test_an_imports_state_and_an_events_kind_read_as_labels(org, as_user):
    ImportRun.all_objects.create(
        committee=org.a,
        created_by=org.secretary_a,
        original_name="名册.xlsx",
        status=ImportRun.Status.COMMITTED,
        counts={"rows": 1, "residents": {"created": 1, "updated": 0}},
    )
    history = text_of(as_user(org.secretary_a).get(reverse("imports:history"), headers=EN).text)
    assert "Committed" in history and " committed " not in f" {history} "
    assert "已导入" in text_of(as_user(org.secretary_a).get(reverse("imports:history")).text)
    # The admin's filter of a case's events lists their kinds as labels.
    admin = as_user(org.superuser)
    events = text_of(admin.get(reverse("admin:cases_caseevent_changelist"), headers=EN).text)
    assert "Status changed" in events and "Referral sent" in events


def test_the_care_categories_read_as_labels_in_english(org, home, as_user):
    """Their English names were written in lower case (residents 0002): beside "All care categories"
    and the other badges they read "Elderly living alone" (residents 0023)."""
    make_resident(home, "周勤", categories=["elderly_alone", "very_old"])
    client = as_user(org.secretary_a)
    english = text_of(client.get(reverse("residents:roster"), headers=EN).text)
    for said in ("Elderly living alone", "Very old (80+)", "Minimum allowance (dibao)"):
        assert said in english, said
    for lower in ("elderly living alone", "very old (80+)", "minimum allowance"):
        assert lower not in english, lower
    chinese = text_of(client.get(reverse("residents:roster")).text)
    assert "独居老人" in chinese and "高龄老人" in chinese


def test_the_resident_forms_labels_are_capitalised_in_english(org, home, as_user):
    """Phone and Care categories beside Full name and ID number (review 3, item 11)."""
    wang = make_resident(home, "王建国")
    client = as_user(org.secretary_a)
    form = client.get(reverse("residents:edit", args=[wang.pk]), headers=EN).context["form"]
    labels = {name: str(field.label) for name, field in form.fields.items()}
    assert labels["phone"] == "Phone" and labels["care_categories"] == "Care categories"
    chinese = client.get(reverse("residents:edit", args=[wang.pk])).context["form"]
    assert str(chinese.fields["phone"].label) == "电话"
