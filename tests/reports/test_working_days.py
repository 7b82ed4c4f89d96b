"""Working days: the fast count agrees with the day-by-day count, holidays and unknown years included."""

import datetime as dt

from common.workdays import WorkdayCounter, is_workday, median_working_days, workdays_between

D = dt.date


def test_the_counter_agrees_with_counting_day_by_day_across_national_day_and_beyond_the_calendar():
    counter = WorkdayCounter(D(2026, 9, 1), D(2026, 10, 31))
    pairs = [
        (D(2026, 9, 30), D(2026, 10, 10)),  # across the holiday, to the make-up Saturday
        (D(2026, 10, 9), D(2026, 10, 12)),  # Friday to Monday, over the make-up Saturday
        (D(2026, 10, 12), D(2026, 10, 12)),  # the same day
    ]
    for start, end in pairs:
        assert counter.working_days(start, end) == workdays_between(start, end), (start, end)
    assert counter.working_days(D(2026, 10, 12), D(2026, 10, 9)) == 0  # resolved before logged: none
    beyond = WorkdayCounter(D(2099, 12, 25), D(2100, 1, 20))  # 2100: a year chinesecalendar does not know
    assert beyond.working_days(D(2100, 1, 1), D(2100, 1, 20)) == workdays_between(
        D(2100, 1, 1), D(2100, 1, 20)
    )


def test_outside_the_years_it_knows_a_working_day_is_monday_to_friday():
    assert is_workday(D(2100, 1, 4)) and not is_workday(D(2100, 1, 2))  # a Monday, a Saturday


def test_the_median_weighs_each_date_pair_by_its_count():
    friday, monday, tuesday = D(2026, 11, 6), D(2026, 11, 9), D(2026, 11, 10)
    # Three cases took 1 working day, one took 2: the median is 1.
    assert median_working_days([(friday, monday, 3), (friday, tuesday, 1)]) == 1
    assert median_working_days([(friday, monday, 1), (friday, tuesday, 1)]) == 1.5
    assert median_working_days([]) is None
