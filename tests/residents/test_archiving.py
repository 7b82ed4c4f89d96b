"""A resident who moved out and one who died read as what happened to them, in Chinese and in
English: the archive form, the word once it is saved, the resident's page, the household's page,
the list's badge and the admin. Neither reads as 归档 (the glossary's word for closing a case)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from residents.models import Resident
from tests.cases.page_text import text_of
from tests.factories import make_building, make_household, make_resident

DAY = datetime.timedelta(days=1)


@pytest.fixture
def home(org):
    return make_household(make_building(org.a, "12"), "302")


def _archive(client, resident, archived, day, language):
    return client.post(
        reverse("residents:archive", args=[resident.pk]),
        {"archived": archived, "archived_on": day.isoformat()},
        headers={"Accept-Language": language},
        follow=True,
    )


@pytest.mark.parametrize(
    ("archived", "language", "saved", "badge", "word"),
    [
        ("moved_out", "zh-hans", "已登记周勤于 {day} 迁出。", "{day} 迁出", "迁出"),
        ("deceased", "zh-hans", "已登记周勤于 {day} 去世。", "{day} 去世", "去世"),
        # In English a badge is a label, capitalised as one ("Moved out"); the sentence keeps its word.
        ("moved_out", "en", "Recorded that 周勤 moved out on {day}.", "Moved out on {day}", "Moved out"),
        ("deceased", "en", "Recorded that 周勤 died on {day}.", "Died on {day}", "Deceased"),
    ],
)
def test_moving_out_and_dying_read_as_what_happened(
    org, home, as_user, archived, language, saved, badge, word
):
    day = timezone.localdate() - 3 * DAY
    resident = make_resident(home, "周勤", birth=datetime.date(1940, 2, 3))
    make_resident(home, "周建华")  # the household's other member, whose page lists 周勤
    client = as_user(org.worker_a)
    page = _archive(client, resident, archived, day, language).content.decode()
    assert saved.format(day=day) in text_of(page)  # the word once saved, on the resident's page
    assert f'<span class="badge">{badge.format(day=day)}</span>' in page
    accept = {"Accept-Language": language}
    for url in (
        reverse("residents:household", args=[home.pk]),
        reverse("residents:list") + "?status=archived",
    ):
        assert f'<span class="badge">{word}</span>' in client.get(url, headers=accept).content.decode(), url
    for url in (
        reverse("residents:detail", args=[resident.pk]),
        reverse("residents:household", args=[home.pk]),
    ):
        assert "归档" not in text_of(client.get(url, headers=accept).content.decode())
    fresh = Resident.all_objects.get(pk=resident.pk)
    assert (fresh.archived, fresh.archived_on) == (archived, day)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", ["登记迁出或去世", "迁出还是去世", "迁出", "去世", "迁出或去世日期", "保存"]),
        ("en", ["Archive resident", "Archive as", "Moved out", "Deceased", "Day moved out or died", "Save"]),
    ],
)
def test_the_archive_form_says_moved_out_or_died_not_archive(org, home, as_user, language, words):
    resident = make_resident(home, "周勤")
    url = reverse("residents:archive", args=[resident.pk])
    text = text_of(as_user(org.worker_a).get(url, headers={"Accept-Language": language}).content.decode())
    for word in words:
        assert word in text, word
    assert "归档" not in text


def test_the_admin_names_the_two_fields_as_moved_out_or_died(org, home, as_user):
    resident = make_resident(home, "周勤")
    Resident.all_objects.filter(pk=resident.pk).update(archived="deceased", archived_on=timezone.localdate())
    client = as_user(org.superuser)
    accept = {"Accept-Language": "zh-hans"}
    changelist = text_of(client.get(reverse("admin:residents_resident_changelist"), headers=accept).text)
    assert "迁出或去世" in changelist and "去世" in changelist
    change = client.get(reverse("admin:residents_resident_change", args=[resident.pk]), headers=accept).text
    assert "迁出或去世:" in text_of(change) and "迁出或去世日期:" in text_of(change)
    assert "归档" not in text_of(changelist) + text_of(change)


def test_a_resident_who_died_is_shown_at_the_age_they_died(org, home, as_user):
    """The page said 86岁 beside 去世 two years after: the age kept counting."""
    today = timezone.localdate()
    born = today.replace(year=today.year - 86) - DAY
    died = today.replace(year=today.year - 2)
    wang = make_resident(home, "王秀英", birth=born)
    neighbour = make_resident(home, "王建华", birth=born)
    Resident.all_objects.filter(pk=wang.pk).update(archived=Resident.Archived.DECEASED, archived_on=died)
    client = as_user(org.secretary_a)
    page = text_of(client.get(reverse("residents:detail", args=[wang.pk])).text)
    assert "（享年84岁）" in page.replace(" ", "").replace("(", "（").replace(")", "）")
    rows = client.get(reverse("residents:list") + "?status=all&q=王").text
    assert "王秀英" in rows and "去世" in rows  # listed, with no age
    assert "86岁" in text_of(rows).replace(" ", "") and rows.count("岁") == 1  # the neighbour's only
    assert neighbour.age == 86


@pytest.mark.parametrize(
    ("archived", "words"),
    [
        ("moved_out", "不能登记在此之后的走访：周勤 {day} 迁出。"),
        ("deceased", "不能登记在此之后的走访：周勤 {day} 去世。"),
    ],
)
def test_no_visit_is_recorded_after_a_resident_moved_out_or_died(org, home, as_user, archived, words):
    """The button is hidden, but a visit posted anyway was saved, dated after the death: the
    archive's own rule (not before the last visit) then refused the record's stored day."""
    from residents.models import Visit

    zhou = make_resident(home, "周勤")
    day = timezone.localdate() - 5 * DAY
    Resident.all_objects.filter(pk=zhou.pk).update(archived=archived, archived_on=day)
    response = as_user(org.worker_a).post(
        reverse("residents:visit_new", args=[zhou.pk]),
        {"visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "method": "home", "findings": "上门"},
    )
    assert response.status_code == 200
    assert words.format(day=day.isoformat()) in text_of(response.text)
    assert not Visit.all_objects.filter(resident=zhou).exists()


def test_a_visit_made_before_the_day_is_recorded_late(org, home, as_user):
    """A visit made before the death, entered afterwards, was refused with the rest."""
    from residents.models import Visit

    zhou = make_resident(home, "周勤")
    died = timezone.localdate() - 5 * DAY
    Resident.all_objects.filter(pk=zhou.pk).update(archived="deceased", archived_on=died)
    visited = timezone.localtime() - 10 * DAY
    response = as_user(org.worker_a).post(
        reverse("residents:visit_new", args=[zhou.pk]),
        {"visited_at": visited.strftime("%Y-%m-%dT%H:%M"), "method": "home", "findings": "上门"},
    )
    assert response.status_code == 302
    assert Visit.all_objects.filter(resident=zhou).count() == 1
