"""The registry's dates lie in their ranges: a birth date from 1890-01-01 to today
(Resident.check_birth_date), the day a resident moved out or died from their birth and the last
visit recorded for them to today (Resident.check_archived_on), a visit from a year ago to now
(Visit.check_visited_at). Through the forms, the services and the admin (the import's rows:
tests/imports/test_birth_dates.py). Refused, the words stand by the field, nothing is saved and what
was typed stays in the form; a date stored before the rule and left as it is still saves with the
rest of an edit.

Every date here is counted from today: the tests read the same in 2027 and after. The ranges alone
(no rows) are in test_registry_dates_ranges.py, so that this module's tests share their rows."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from common.dates import years_after
from residents import services
from residents.models import Resident, Visit
from tests.cases.page_text import field_of, text_of
from tests.conftest import copy_of_the_module, rows_of_the_module
from tests.factories import admin_form_data, make_building, make_household, make_resident, make_visit

D = datetime.date
DAY = datetime.timedelta(days=1)
EARLIEST = D(1890, 1, 1)
BORN = D(1950, 3, 7)


def _make_home(org):
    return make_household(make_building(org.a, "12"), "302")


@pytest.fixture(scope="module")
def _home_of_the_module(request, _org_of_the_module, django_db_blocker):
    """_make_home's rows, written once for the module's tests."""
    yield from rows_of_the_module(request, _org_of_the_module, django_db_blocker, "home", _make_home)


@pytest.fixture
def home(_home_of_the_module, org):
    """_make_home's household, a copy for each test (tests/conftest.py, rows_of_the_module)."""
    return copy_of_the_module(_home_of_the_module, _make_home, org)


# --- Birth dates ----------------------------------------------------------------------------------------


def _too_early_or_late(which: str, today: D) -> tuple[D, str, str]:
    early = (f"出生日期不能早于 {EARLIEST}。", f"The birth date cannot be earlier than {EARLIEST}.")
    late = (f"出生日期不能晚于今天（{today}）。", f"The birth date cannot be later than today ({today}).")
    return {
        "1889-12-31": (EARLIEST - DAY, *early),
        "year 1": (D(1, 1, 1), *early),
        "tomorrow": (today + DAY, *late),
        "year 9999": (D(9999, 12, 31), *late),
    }[which]


BIRTH_REFUSALS = ["1889-12-31", "year 1", "tomorrow", "year 9999"]


@pytest.mark.parametrize("which", BIRTH_REFUSALS)
def test_a_new_resident_born_out_of_range_is_refused_in_both_languages(org, home, as_user, which):
    typed, chinese, english = _too_early_or_late(which, timezone.localdate())
    form = {
        "name": "陆建华",
        "birth_date": typed.isoformat(),
        "relation_to_head": "head",
        "residency_status": "registered",
        "notes": "独自居住",
    }
    client = as_user(org.worker_a)
    url = reverse("residents:new", args=[home.pk])
    response = client.post(url, form)
    page = response.content.decode()
    assert response.status_code == 200
    assert chinese in text_of(field_of(page, "birth_date"))
    assert f'value="{typed.isoformat()}"' in field_of(page, "birth_date")
    assert 'value="陆建华"' in field_of(page, "name") and "独自居住</textarea>" in field_of(page, "notes")
    english_page = client.post(url, form, headers={"accept-language": "en"}).content.decode()
    assert english in text_of(field_of(english_page, "birth_date"))
    assert not Resident.all_objects.filter(name="陆建华").exists()


def test_a_resident_may_be_born_on_1890_01_01_or_today(org, home, as_user):
    client = as_user(org.worker_a)
    for n, born in enumerate((EARLIEST, timezone.localdate())):
        form = {"name": f"居民{n}", "birth_date": born.isoformat(), "relation_to_head": "head"}
        response = client.post(
            reverse("residents:new", args=[home.pk]), form | {"residency_status": "registered"}
        )
        assert response.status_code == 302, response.content.decode()[:500]
        assert Resident.all_objects.get(name=f"居民{n}").birth_date == born


def _edit(resident: Resident, **fields) -> dict:
    data = {
        "name": resident.name,
        "birth_date": resident.birth_date.isoformat() if resident.birth_date else "",
        "relation_to_head": resident.relation_to_head,
        "residency_status": resident.residency_status,
        "version": str(resident.version),
    }
    return data | fields


def test_an_edit_to_a_birth_date_out_of_range_is_refused_and_an_old_one_kept(org, home, as_user):
    today = timezone.localdate()
    resident = make_resident(home, "周勤", birth=BORN)
    client = as_user(org.worker_a)
    url = reverse("residents:edit", args=[resident.pk])
    response = client.post(url, _edit(resident, birth_date=(today + DAY).isoformat(), name="周琴"))
    assert response.status_code == 200
    assert f"出生日期不能晚于今天（{today}）。" in text_of(field_of(response.content.decode(), "birth_date"))
    fresh = Resident.all_objects.get(pk=resident.pk)
    assert (fresh.name, fresh.birth_date, fresh.version) == ("周勤", BORN, resident.version)
    # A birth date stored before the rule, posted back as the form shows it: the name's change saves.
    Resident.all_objects.filter(pk=resident.pk).update(birth_date=D(1, 1, 1))
    resident.refresh_from_db()
    assert client.post(url, _edit(resident, name="周琴")).status_code == 302
    fresh = Resident.all_objects.get(pk=resident.pk)
    assert (fresh.name, fresh.birth_date) == ("周琴", D(1, 1, 1))


def test_the_services_refuse_a_birth_date_out_of_range(org, home):
    resident = Resident(committee=org.a, household=home, name="陆建华", birth_date=D(9999, 12, 31))
    with pytest.raises(ValidationError) as refused:
        services.resident_create(resident=resident, categories=[])
    assert set(refused.value.message_dict) == {"birth_date"}
    assert not Resident.all_objects.filter(name="陆建华").exists()
    stored = make_resident(home, "周勤", birth=BORN)
    stored.birth_date = EARLIEST - DAY
    with pytest.raises(ValidationError) as refused:
        services.resident_update(resident=stored, version=stored.version, categories=[], keep_hidden=False)
    assert set(refused.value.message_dict) == {"birth_date"}
    assert Resident.all_objects.get(pk=stored.pk).birth_date == BORN


# --- Moved out or died ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "typed", "words"),
    [
        (BORN, BORN - DAY, f"迁出或去世日期不能早于出生日期（{BORN}）。"),
        (None, D(1, 1, 1), f"迁出或去世日期不能早于 {EARLIEST}。"),
        (BORN, "tomorrow", "迁出或去世日期不能晚于今天（{today}）。"),
        (None, D(9999, 12, 31), "迁出或去世日期不能晚于今天（{today}）。"),
    ],
)
def test_archiving_out_of_range_is_refused_and_nothing_is_saved(org, home, as_user, born, typed, words):
    today = timezone.localdate()
    typed = today + DAY if typed == "tomorrow" else typed
    resident = make_resident(home, "周勤", birth=born)
    url = reverse("residents:archive", args=[resident.pk])
    response = as_user(org.worker_a).post(url, {"archived": "moved_out", "archived_on": typed.isoformat()})
    page = response.content.decode()
    assert response.status_code == 200
    assert words.format(today=today) in text_of(field_of(page, "archived_on"))
    assert f'value="{typed.isoformat()}"' in field_of(page, "archived_on")
    assert re.search(r'<input type="radio" name="archived" value="moved_out"[^>]* checked>', page)
    fresh = Resident.all_objects.get(pk=resident.pk)
    assert (fresh.archived, fresh.archived_on, fresh.version) == ("", None, resident.version)


def test_archiving_in_english_names_the_range(org, home, as_user):
    today = timezone.localdate()
    resident = make_resident(home, "周勤", birth=BORN)
    response = as_user(org.worker_a).post(
        reverse("residents:archive", args=[resident.pk]),
        {"archived": "deceased", "archived_on": (today + DAY).isoformat()},
        headers={"accept-language": "en"},
    )
    words = f"The day moved out or died cannot be later than today ({today})."
    assert words in text_of(field_of(response.content.decode(), "archived_on"))


def test_a_resident_may_be_archived_on_their_birth_day_or_today(org, home, as_user):
    client = as_user(org.worker_a)
    for n, day in enumerate((BORN, timezone.localdate())):
        resident = make_resident(home, f"居民{n}", birth=BORN)
        response = client.post(
            reverse("residents:archive", args=[resident.pk]),
            {"archived": "deceased", "archived_on": day.isoformat()},
        )
        assert response.status_code == 302
        assert Resident.all_objects.get(pk=resident.pk).archived_on == day


def test_the_archiving_service_refuses_a_day_out_of_range(org, home):
    resident = make_resident(home, "周勤", birth=BORN)
    with pytest.raises(ValidationError) as refused:
        services.resident_archive(resident=resident, archived="deceased", archived_on=BORN - DAY)
    assert set(refused.value.message_dict) == {"archived_on"}
    assert Resident.all_objects.get(pk=resident.pk).archived == ""


def test_a_birth_date_moved_after_the_day_they_died_is_refused(org, home):
    resident = make_resident(home, "周勤", birth=BORN)
    services.resident_archive(resident=resident, archived="deceased", archived_on=BORN + 400 * DAY)
    resident = Resident.all_objects.get(pk=resident.pk)
    resident.birth_date = BORN + 500 * DAY  # born after the day they died
    with pytest.raises(ValidationError) as refused:
        services.resident_update(
            resident=resident, version=resident.version, categories=[], keep_hidden=False
        )
    assert set(refused.value.message_dict) == {"archived_on"}
    assert Resident.all_objects.get(pk=resident.pk).birth_date == BORN


# --- Moved out or died before a visit recorded ----------------------------------------------------------


def _visited(resident: Resident, visitor, *days_ago: int) -> list[D]:
    """Visits to `resident` that many days ago (at 10:00 local time); their local days."""
    now = timezone.localtime()
    for n in days_ago:
        make_visit(resident, visitor, (now - n * DAY).replace(hour=10, minute=0))
    return [(now - n * DAY).date() for n in days_ago]


def test_archiving_before_the_last_visit_is_refused_naming_its_day(org, home, as_user):
    """A resident who died on a day before a visit recorded for them: the mistyped day was saved
    without a word. The form names the last visit's day (not the earlier one's), in both languages."""
    resident = make_resident(home, "周勤", birth=BORN)
    _older, last = _visited(resident, org.worker_a, 30, 10)
    typed = last - DAY
    client = as_user(org.worker_a)
    url = reverse("residents:archive", args=[resident.pk])
    form = {"archived": "deceased", "archived_on": typed.isoformat()}
    page = client.post(url, form).content.decode()
    assert f"迁出或去世日期不能早于已记录的最近一次走访（{last}）。" in text_of(field_of(page, "archived_on"))
    assert f'value="{typed.isoformat()}"' in field_of(page, "archived_on")
    english = client.post(url, form, headers={"accept-language": "en"}).content.decode()
    words = f"The day moved out or died cannot be earlier than the last visit recorded for them ({last})."
    assert words in text_of(field_of(english, "archived_on"))
    fresh = Resident.all_objects.get(pk=resident.pk)
    assert (fresh.archived, fresh.archived_on, fresh.version) == ("", None, resident.version)
    # The day of the last visit itself is accepted: they may have died that evening.
    assert client.post(url, form | {"archived_on": last.isoformat()}).status_code == 302
    assert Resident.all_objects.get(pk=resident.pk).archived_on == last


def test_the_archiving_service_refuses_a_day_before_the_last_visit(org, home):
    resident = make_resident(home, "周勤", birth=BORN)
    (last,) = _visited(resident, org.worker_a, 5)
    with pytest.raises(ValidationError) as refused:
        services.resident_archive(resident=resident, archived="moved_out", archived_on=last - DAY)
    assert set(refused.value.message_dict) == {"archived_on"}
    assert Resident.all_objects.get(pk=resident.pk).archived == ""


def test_the_admin_refuses_a_day_before_the_last_visit_and_an_old_one_never_locks(org, home, as_user):
    resident = make_resident(home, "周勤", birth=BORN)
    (last,) = _visited(resident, org.worker_a, 10)
    client = as_user(org.superuser)
    url = reverse("admin:residents_resident_change", args=[resident.pk])
    data = admin_form_data(client.get(url).text)
    changed = {"archived": "deceased", "archived_on": (last - DAY).isoformat(), "notes": "核对过"}
    response = client.post(url, {**data, **changed})
    assert response.status_code == 200
    assert f"迁出或去世日期不能早于已记录的最近一次走访（{last}）。" in text_of(response.text)
    assert Resident.all_objects.get(pk=resident.pk).archived_on is None
    # A day stored before the rule, earlier than the visit: a correction of the rest saves, a
    # corrected birth date too (the visits are measured only against a day set or changed).
    Resident.all_objects.filter(pk=resident.pk).update(archived="deceased", archived_on=last - 5 * DAY)
    data = admin_form_data(client.get(url).text)
    response = client.post(url, {**data, "notes": "核对过", "birth_date": (BORN + DAY).isoformat()})
    assert response.status_code == 302
    fresh = Resident.all_objects.get(pk=resident.pk)
    assert (fresh.notes, fresh.birth_date, fresh.archived_on) == ("核对过", BORN + DAY, last - 5 * DAY)


# --- The admin ------------------------------------------------------------------------------------------


def test_the_admin_refuses_corrected_dates_out_of_range_and_keeps_old_ones(org, home, as_user):
    today = timezone.localdate()
    resident = make_resident(home, "周勤", birth=BORN)
    client = as_user(org.superuser)
    url = reverse("admin:residents_resident_change", args=[resident.pk])
    data = admin_form_data(client.get(url).text)
    for fields, words in (
        ({"birth_date": (today + DAY).isoformat()}, f"出生日期不能晚于今天（{today}）。"),
        ({"birth_date": "0001-01-01"}, f"出生日期不能早于 {EARLIEST}。"),
        (
            {"archived": "deceased", "archived_on": (BORN - DAY).isoformat()},
            f"迁出或去世日期不能早于出生日期（{BORN}）。",
        ),
    ):
        response = client.post(url, {**data, **fields, "notes": "核对过"})
        assert response.status_code == 200 and words in text_of(response.text), fields
        fresh = Resident.all_objects.get(pk=resident.pk)
        assert (fresh.notes, fresh.birth_date, fresh.archived_on) == ("", BORN, None)
    # Dates stored before the rules, left as they are: the rest of the correction saves.
    Resident.all_objects.filter(pk=resident.pk).update(
        birth_date=D(9999, 12, 31), archived="deceased", archived_on=D(1, 1, 1)
    )
    data = admin_form_data(client.get(url).text)
    assert client.post(url, {**data, "notes": "核对过"}).status_code == 302
    fresh = Resident.all_objects.get(pk=resident.pk)
    assert (fresh.notes, fresh.birth_date, fresh.archived_on) == ("核对过", D(9999, 12, 31), D(1, 1, 1))


# --- Visits ---------------------------------------------------------------------------------------------


def _minute(at: datetime.datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")


def _visit_refusal(which: str) -> tuple[str, str, str]:
    """(the time typed, the Chinese words, the English words)."""
    now = timezone.localtime()
    today = now.date()
    year_ago = years_after(today, -1)
    early = (
        f"走访时间不能早于一年前（{year_ago}）。",
        f"The visit cannot be earlier than a year ago ({year_ago}).",
    )
    # A date and time: the limit is now, with its day and time (the minute as the server read it,
    # which may be the next one), never "later than today" (tomorrow as much as in ten minutes).
    late = (f"走访时间不能晚于现在（{today} ", f"The visit cannot be later than now ({today} ")
    if which == "in ten minutes":
        return _minute(now + datetime.timedelta(minutes=10)), *late
    return {
        "a year and a day ago": (f"{year_ago - DAY}T10:00", *early),
        "year 1": ("0001-01-01T00:00", *early),
        "tomorrow": (f"{today + DAY}T10:00", *late),
        "year 9999": ("9999-12-31T23:59", *late),
    }[which]


@pytest.mark.parametrize(
    "which", ["a year and a day ago", "year 1", "in ten minutes", "tomorrow", "year 9999"]
)
def test_a_visit_out_of_range_is_refused_in_both_languages_and_nothing_is_saved(org, home, as_user, which):
    typed, chinese, english = _visit_refusal(which)
    resident = make_resident(home, "周勤")
    form = {"method": "phone", "visited_at": typed, "findings": "血压偏高，已提醒服药"}
    client = as_user(org.worker_a)
    url = reverse("residents:visit_new", args=[resident.pk])
    response = client.post(url, form)
    page = response.content.decode()
    assert response.status_code == 200
    assert chinese in text_of(field_of(page, "visited_at"))
    assert "不能晚于今天" not in page
    assert f'value="{typed}"' in field_of(page, "visited_at")
    assert "血压偏高，已提醒服药</textarea>" in field_of(page, "findings")
    english_page = client.post(url, form, headers={"accept-language": "en"}).content.decode()
    assert english in text_of(field_of(english_page, "visited_at"))
    assert not Visit.all_objects.exists()
    assert Resident.all_objects.get(pk=resident.pk).last_visit_at is None


def test_a_visit_may_be_recorded_for_the_first_minute_a_year_ago_or_now(org, home, as_user):
    client = as_user(org.worker_a)
    year_ago = years_after(timezone.localdate(), -1)
    for n, typed in enumerate((f"{year_ago}T00:00", _minute(timezone.now()))):
        resident = make_resident(home, f"居民{n}")
        form = {"method": "home", "visited_at": typed, "findings": "一切正常"}
        response = client.post(reverse("residents:visit_new", args=[resident.pk]), form)
        assert response.status_code == 302, response.content.decode()[:500]
        assert _minute(Visit.all_objects.get(resident=resident).visited_at) == typed


def test_the_visit_service_refuses_a_time_out_of_range(org, home):
    """A visit dated in the future once became "now" without a word: it is refused."""
    resident = make_resident(home, "周勤")
    visit = Visit(
        resident=resident, visitor=org.worker_a, visited_at=timezone.now() + datetime.timedelta(hours=30)
    )
    with pytest.raises(ValidationError) as refused:
        services.visit_log(visit=visit)
    assert set(refused.value.message_dict) == {"visited_at"}
    assert not Visit.all_objects.exists()
