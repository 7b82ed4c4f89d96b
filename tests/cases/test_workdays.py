import datetime

from common.workdays import add_workdays, due_date, is_workday, workdays_between

D = datetime.date


def test_national_day_2026_and_its_make_up_saturday():
    # 1–7 October 2026 are holidays; Saturday 10 October is a make-up working day.
    assert not is_workday(D(2026, 10, 5))  # a Monday inside the holiday
    assert is_workday(D(2026, 10, 10))  # the make-up Saturday
    assert not is_workday(D(2026, 10, 11))
    # Logged on Wednesday 30 September with three working days: Thu 8, Fri 9, Sat 10 October.
    assert add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert add_workdays(D(2026, 9, 30), 4) == D(2026, 10, 12)


def test_make_up_sunday_before_national_day():
    assert is_workday(D(2026, 9, 20))  # Sunday, worked to make up for the holiday
    assert add_workdays(D(2026, 9, 18), 1) == D(2026, 9, 20)


def test_a_year_the_library_does_not_know_falls_back_to_monday_to_friday():
    assert is_workday(D(2040, 1, 2))  # a Monday
    assert not is_workday(D(2040, 1, 7))  # a Sunday
    # From Thursday 30 December 2027 across the new year, without failing.
    assert add_workdays(D(2027, 12, 30), 3) == D(2028, 1, 4)
    assert add_workdays(D(2026, 12, 30), 5) > D(2027, 1, 1)


def test_due_date_follows_priority():
    start = D(2026, 6, 1)  # a Monday
    assert due_date(start, 10, "normal") == add_workdays(start, 10)
    assert due_date(start, 10, "urgent") == add_workdays(start, 3)
    assert due_date(start, 10, "low") == add_workdays(start, 15)
    assert due_date(start, 1, "urgent") == add_workdays(start, 1)


def test_workdays_between():
    assert workdays_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert workdays_between(D(2026, 10, 10), D(2026, 9, 30)) == -3
