"""A case logged from a home visit (/cases/new/?visit=) starts from the visit's findings. They are
prefilled as every page shows them, each number typed into them masked (common/masking.py): a
colleague who did not write the visit read the daughter's phone and an ID number in full in the
details box, with nothing in the access log, and the case logged from it kept them in full."""

from html import unescape

from django.urls import reverse

from cases.models import Case
from residents.models import Visit
from tests.factories import intake_post, make_building, make_resident

FINDINGS = "想装折叠门。女儿电话 13651234567，身份证 310101195003070017"


def test_a_visits_numbers_are_masked_in_the_form_and_the_case_logged_from_it(org, as_user):
    resident = make_resident(org.a, name="朱芳兰", building=make_building(org.a, number="12"))
    visit = Visit.all_objects.create(
        committee=org.a, resident=resident, visitor=org.secretary_a, findings=FINDINGS
    )
    client = as_user(org.worker_a)  # not the visit's writer
    html = client.get(reverse("cases:new"), {"visit": visit.pk}).text
    assert "想装折叠门。女儿电话 136****4567，身份证 3101**********0017</textarea>" in html
    for digits in ("13651234567", "1365123", "310101195003070017", "19500307"):
        assert digits not in html
    # Saved as it was prefilled: the case carries the masked text.
    described = html.split('name="description"')[1].split(">", 1)[1].split("</textarea>")[0]
    form = intake_post(
        org.a,
        title="",
        category="elderly",
        source="visit",
        visit=visit.pk,
        party=[resident.pk],
        description=unescape(described).strip(),
    )
    assert client.post(reverse("cases:new"), form).status_code == 302
    case = Case.all_objects.get()
    assert case.visit == visit
    assert "136****4567" in case.description and "3101**********0017" in case.description
    assert "13651234567" not in case.description and "310101195003070017" not in case.description
    assert "13651234567" not in client.get(reverse("cases:detail", args=[case.pk])).text
