"""The admin corrects a case's data but does not move it to another committee: its number, its
parties, events and files, and its counts on the dashboards are that committee's."""

from django.urls import reverse

from tests.factories import make_case


def test_a_cases_committee_is_read_only_once_it_is_logged(org, as_user):
    case = make_case(org.worker_a, org.a)
    client = as_user(org.superuser)
    change = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert change.status_code == 200
    assert "committee" not in change.context["adminform"].form.fields
    assert 'name="committee"' not in change.text
    assert org.a.name in change.text  # shown, not offered
    add = client.get(reverse("admin:cases_case_add"))
    assert add.status_code == 200
    assert 'name="committee"' in add.text  # a case logged through the admin chooses its committee
