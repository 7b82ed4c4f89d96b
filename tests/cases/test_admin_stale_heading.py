"""An admin form refused only because its row changed since it was opened (common/admin_committee.py
_opened_at) said so under Django's own heading, "请更正以下错误。" / "Please correct the error below.",
though there was nothing in the form to correct: it is to be opened again. The refusal is now the
page's note itself; a form with a real error keeps Django's heading."""

import re

import pytest
from django.urls import reverse

from cases import services
from committee.access import Access
from residents.models import Building
from tests.cases.page_text import text_of
from tests.cases.test_admin_stale import STALE
from tests.factories import admin_form_data, make_building, make_case

CORRECT = {"zh-hans": "请更正以下错误。", "en": "Please correct the error below."}
CORRECT_ANY = {"zh-hans": "请更正", "en": "Please correct the error"}  # one error or several
ERROR = {"zh-hans": "错误：", "en": "Error:"}


def _note(page: str) -> str:
    notes = re.findall(r'<p class="errornote">(.*?)</p>', page, re.S)
    assert len(notes) == 1, notes
    return text_of(notes[0])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_stale_case_form_says_only_that_it_is_stale(org, as_user, language):
    case = make_case(org.secretary_a, org.a, title="雨后底楼积水", assignee=org.worker_a)
    admin = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[case.pk])
    form = admin_form_data(admin.get(url).text)
    services.assign(access=Access(org.secretary_a), case=case, assignee=org.secretary_a)

    response = admin.post(url, {**form, "title": ["更正"], "_continue": ["1"]}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    page = response.text
    assert CORRECT[language] not in text_of(page)
    assert _note(page) == STALE[language]  # the refusal is the note, its link to open it again in it
    assert f'href="{url}"' in re.search(r'<p class="errornote">.*?</p>', page, re.S).group(0)
    assert 'class="errorlist nonfield"' not in page  # said once
    assert re.search(r"<title>\s*" + re.escape(ERROR[language]), page)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_case_form_with_a_real_error_keeps_djangos_heading(org, as_user, language):
    case = make_case(org.secretary_a, org.a, title="雨后底楼积水", assignee=org.worker_a)
    admin = as_user(org.superuser)
    url = reverse("admin:cases_case_change", args=[case.pk])
    form = admin_form_data(admin.get(url).text)

    response = admin.post(url, {**form, "title": [""], "_continue": ["1"]}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert _note(response.text).startswith(CORRECT_ANY[language])
    assert STALE[language] not in text_of(response.text)


@pytest.mark.ignore_template_errors  # simple_history's submit line reads a variable it never sets
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_stale_revert_form_says_only_that_it_is_stale(org, as_user, language):
    def correct(notes: str) -> int:
        data = {**admin_form_data(admin.get(change).text), "notes": [notes], "_continue": ["1"]}
        return admin.post(change, data).status_code

    building = make_building(org.a, "12", lane="449")
    admin = as_user(org.superuser)
    change = reverse("admin:residents_building_change", args=[building.pk])
    assert correct("一") == 302
    oldest = Building.all_objects.get(pk=building.pk).history.earliest("history_date")
    url = reverse("admin:residents_building_simple_history", args=[building.pk, oldest.history_id])
    form = admin_form_data(admin.get(url).text)
    assert correct("二") == 302

    response = admin.post(url, {**form, "_continue": ["1"]}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert CORRECT[language] not in text_of(response.text)
    assert _note(response.text) == STALE[language]
    assert Building.all_objects.get(pk=building.pk).notes == "二"
