"""common/querystrings.py: a query without its empty fields, nothing else changed."""

from django.http import QueryDict

from common.querystrings import without_empty_fields


def test_only_parameters_whose_every_value_is_empty_are_dropped_in_their_order():
    rest = without_empty_fields(QueryDict("q=&status=open&category=&sort=due&page="))
    assert rest.urlencode() == "status=open&sort=due"
    # The form reads a parameter's last value: one given twice stays as given unless both are empty.
    assert without_empty_fields(QueryDict("category=x&category=&q=")).urlencode() == "category=x&category="
    assert without_empty_fields(QueryDict("category=&category=")).urlencode() == ""


def test_a_kept_parameter_stays_empty_and_a_query_with_nothing_to_drop_is_none():
    assert without_empty_fields(QueryDict("status=&q="), kept={"status"}).urlencode() == "status="
    assert without_empty_fields(QueryDict("status=&q=漏水"), kept={"status"}) is None
    assert without_empty_fields(QueryDict("")) is None
