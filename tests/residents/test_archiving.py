"""A resident who moved out and one who died read as what happened to them, in Chinese and in
English: the archive form, the word once it is saved, the resident's page, the household's page,
the list's badge and the admin. Neither reads as 归档 (the glossary's word for closing a case)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from residents.models import Resident
from tests.cases.page_text import text_of
from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.factories import make_building, make_household, make_resident

DAY = datetime.timedelta(days=1)


def _make_home(org):
    return make_household(make_building(org.a, "12"), "302")


@pytest.fixture(scope="module")
def _home_of_the_module(request, _org_of_the_module, django_db_blocker):
    yield from rows_of_the_module(request, _org_of_the_module, django_db_blocker, "home", _make_home)


@pytest.fixture
def home(_home_of_the_module, org):
    """_make_home's rows, written once for the module's tests (tests/conftest.py, rows_of_the_module)."""
    return copy_of_the_module(_home_of_the_module, _make_home, org)


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


def _died(resident, day):
    Resident.all_objects.filter(pk=resident.pk).update(archived=Resident.Archived.DECEASED, archived_on=day)


@pytest.mark.parametrize(
    ("language", "notice", "cadence"),
    [
        ("zh-hans", "吴阿婆 {day} 去世。记录保留备查，不再安排走访。", "走访周期"),
        ("en", "吴阿婆 died on {day}. The record is kept for reference", "visit every"),
    ],
)
def test_a_deceased_residents_page_says_so_first_and_asks_for_no_visit(
    org, home, as_user, language, notice, cadence
):
    """Review 5, 11: 吴阿婆's page still showed 高龄老人, 走访周期 30 天 and the way to the visit form."""
    from tests.factories import make_visit

    wu = make_resident(home, "吴阿婆", birth=datetime.date(1938, 5, 1), categories=["very_old"])
    client = as_user(org.worker_a)
    url = reverse("residents:detail", args=[wu.pk])
    accept = {"Accept-Language": language}
    living = client.get(url, headers=accept).text
    assert cadence in text_of(living) and "data-archived" not in living  # as before, while she lives
    visited = timezone.localtime() - 9 * DAY
    make_visit(wu, org.worker_a, visited, findings="身体尚可")
    day = timezone.localdate() - 3 * DAY
    _died(wu, day)
    page = client.get(url, headers=accept).text
    text = text_of(page)
    assert notice.format(day=day.isoformat()) in text
    assert page.index("data-archived") < page.index('class="card-grid"')  # before the details
    assert cadence not in text  # no cadence, no next visit due
    assert "身体尚可" in text and visited.strftime("%Y-%m-%d") in text  # her history kept readable
    visit_url = reverse("residents:visit_new", args=[wu.pk])
    # No button to log a visit: only, small, the way to enter late one made before she died.
    assert page.count(visit_url) == 1 and "button primary" not in page.split(visit_url)[0][-120:]
    form = client.get(visit_url, headers={"Accept-Language": "zh-hans"}).text
    assert f"吴阿婆 {day.isoformat()} 去世。只能补记此前的走访。" in text_of(form)
    assert 'name="visited_at" value=' not in form  # not "now", which would be refused


def test_a_search_that_finds_nobody_living_here_says_who_moved_out_or_died_matches(org, home, as_user):
    """Review 5, 11: "没有与‘吴阿婆’匹配的居民" when she had died; status=all found her."""
    wu = make_resident(home, "吴阿婆")
    _died(wu, timezone.localdate() - 3 * DAY)
    client = as_user(org.worker_a)
    found = client.get(reverse("residents:list"), {"q": "吴阿婆"}, headers={"Accept-Language": "zh-hans"})
    assert found.context["page"].paginator.count == 0
    text = text_of(found.text)
    assert "没有与“吴阿婆”匹配的在住居民。" in text and "另有 1 位已迁出或去世的居民匹配，点此查看" in text
    link = found.context["archived_url"]
    assert "status=archived" in link and "q=" in link
    assert "吴阿婆" in client.get(link).text and client.get(link).context["page"].paginator.count == 1
    with translation.override("en"):
        english = client.get(reverse("residents:list"), {"q": "吴阿婆"}, headers={"Accept-Language": "en"})
    assert "1 resident who moved out or died matches: show them" in text_of(english.text)
    # Nobody by that name at all: as before, no hint and no link.
    nobody = client.get(reverse("residents:list"), {"q": "不存在"}, headers={"Accept-Language": "zh-hans"})
    assert "没有与“不存在”匹配的居民。" in text_of(nobody.text) and "data-archived-matches" not in nobody.text


def test_the_archived_count_is_asked_only_when_the_search_found_nobody(org, home, as_user):
    wu = make_resident(home, "吴阿婆")
    _died(wu, timezone.localdate() - 3 * DAY)
    make_resident(home, "吴阿姨")
    client = as_user(org.worker_a)
    url = reverse("residents:list")
    client.get(url, {"q": "王"})  # warm the caches (the care categories)

    def queries(**params) -> int:
        with CaptureQueriesContext(connection) as done:
            client.get(url, params)
        return len(done)

    # Living here only (the default) against everyone (status=all, which asks no count): one more
    # query when the search found nobody, the same whether someone archived matches or not; none
    # when it found someone living here.
    assert queries(q="不存在") == queries(q="不存在", status="all") + 1 == queries(q="吴阿婆")
    assert queries(q="吴阿姨") == queries(q="吴阿姨", status="all")
    page = client.get(url, {"q": "吴阿姨"})
    assert page.context["archived_matches"] == 0 and "data-archived-matches" not in page.text
