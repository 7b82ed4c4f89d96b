"""A day's row deleted and a new row typed for the same day, in one save of the year's admin page:
the new row was refused ("already exists") because the row to be deleted was still stored when the
new one was checked, and the administrator had to save twice, the day missing in between. It is
checked with the rows as the save leaves them (holidays/admin.py HolidayDayForm), the deleted rows
removed before the others are written; a save refused for anything else writes nothing."""

import datetime

from django.urls import reverse
from django.utils import timezone

from holidays.models import HolidayDay, HolidayYear
from tests.cases.page_text import text_of

D = datetime.date
YEAR = timezone.localdate().year + 1
NEW_YEAR, LABOUR_DAY = D(YEAR, 1, 1), D(YEAR, 5, 1)
EN = {"accept-language": "en"}


def _stored(*days: D) -> tuple[HolidayYear, list[HolidayDay]]:
    schedule = HolidayYear.objects.create(year=YEAR, notice="通知")
    return schedule, [
        HolidayDay.objects.create(schedule=schedule, date=day, kind="holiday", name="旧") for day in days
    ]


def _save(client, schedule: HolidayYear, rows: list[dict], headers=None, year=YEAR):
    """The year's change page posted with its rows: a stored row with its id, a new one without."""
    url = reverse("admin:holidays_holidayyear_change", args=[schedule.pk])
    data = {"year": str(year), "notice": "通知", "notice_lines": ""}
    data |= {"days-TOTAL_FORMS": str(len(rows)), "days-INITIAL_FORMS": str(sum("id" in row for row in rows))}
    data |= {"days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000"}
    for n, row in enumerate(rows):
        data |= {f"days-{n}-schedule": str(schedule.pk), f"days-{n}-kind": "holiday", f"days-{n}-name": ""}
        data |= {f"days-{n}-{key}": str(value) for key, value in row.items()}
    return client.post(url, data, headers=headers or {})


def _days(schedule: HolidayYear) -> list[tuple]:
    return list(schedule.days.order_by("date").values_list("pk", "date", "name"))


def test_a_row_deleted_and_typed_again_for_its_day_in_one_save(org, as_user):
    schedule, (new_year, labour_day) = _stored(NEW_YEAR, LABOUR_DAY)
    rows = [
        {"id": new_year.pk, "date": NEW_YEAR, "DELETE": "on"},
        {"id": labour_day.pk, "date": LABOUR_DAY, "name": "旧"},
        {"date": NEW_YEAR, "name": "元旦"},
    ]
    response = _save(as_user(org.superuser), schedule, rows)
    assert response.status_code == 302, text_of(response.content.decode())[:2000]
    (kept_new_year, kept_labour_day) = _days(schedule)
    assert kept_new_year[1:] == (NEW_YEAR, "元旦") and kept_new_year[0] != new_year.pk
    assert kept_labour_day == (labour_day.pk, LABOUR_DAY, "旧")


def test_a_row_moved_onto_a_deleted_rows_day_above_it(org, as_user):
    """The moved row before the deleted one on the page: saved once that row is gone."""
    schedule, (new_year, second) = _stored(NEW_YEAR, D(YEAR, 1, 2))
    rows = [
        {"id": second.pk, "date": NEW_YEAR, "name": "元旦"},
        {"id": new_year.pk, "date": NEW_YEAR, "DELETE": "on"},
    ]
    assert _save(as_user(org.superuser), schedule, rows).status_code == 302
    assert _days(schedule) == [(second.pk, NEW_YEAR, "元旦")]


def test_nothing_is_written_when_another_row_is_refused(org, as_user):
    schedule, (new_year, labour_day) = _stored(NEW_YEAR, LABOUR_DAY)
    before = _days(schedule)
    rows = [
        {"id": new_year.pk, "date": NEW_YEAR, "DELETE": "on"},
        {"id": labour_day.pk, "date": LABOUR_DAY},
        {"date": NEW_YEAR, "name": "元旦"},
        {"date": D(YEAR + 1, 1, 1)},  # another year's day: refused
    ]
    for headers, said in (({}, f"这一天不在 {YEAR} 年。"), (EN, f"This day is not in {YEAR}.")):
        response = _save(as_user(org.superuser), schedule, rows, headers)
        assert response.status_code == 200 and said in text_of(response.content.decode())
        assert _days(schedule) == before


def test_a_day_another_row_keeps_is_still_refused_in_both_languages(org, as_user):
    """Only the rows deleted in the save are taken away: a row that stays on the day still holds it."""
    schedule, (new_year, labour_day) = _stored(NEW_YEAR, LABOUR_DAY)
    before = _days(schedule)
    rows = [
        {"id": new_year.pk, "date": NEW_YEAR},
        {"id": labour_day.pk, "date": LABOUR_DAY, "DELETE": "on"},
        {"date": NEW_YEAR, "name": "元旦"},
    ]
    said = {
        "zh-hans": "具有 日期 的 放假或调休上班日 已存在。",
        "en": "Holiday or make-up working day with this Date already exists.",
    }
    for headers, language in (({}, "zh-hans"), (EN, "en")):
        response = _save(as_user(org.superuser), schedule, rows, headers)
        assert response.status_code == 200 and said[language] in text_of(response.content.decode())
    assert _days(schedule) == before
