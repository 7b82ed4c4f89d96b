"""Review 10, F-K: the admin's "Add committee" required a code nothing explained and refused Chinese
with Django's "slug" wording; nothing reads the code but the admin's list and search."""

import pytest

from committee.models import Committee
from tests.cases.page_text import text_of
from tests.factories import make_street


def _add(client, street, language: str, **fields):
    data = {"street": street.pk, "name": "枫林居民区", "code": "", "address": "", "phone": ""} | fields
    return client.post("/admin/committee/committee/add/", data, HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.django_db
def test_the_code_is_explained_and_made_from_the_pinyin_when_left_empty(org, as_user):
    admin = as_user(org.superuser)
    form = text_of(admin.get("/admin/committee/committee/add/").content.decode())
    assert "用于后台的列表和搜索，例如 FL01。留空则按名称拼音的首字母自动生成" in form
    english = text_of(admin.get("/admin/committee/committee/add/", HTTP_ACCEPT_LANGUAGE="en").text)
    assert "for the admin's lists and searches, e.g. FL01. Left empty, it is made from" in english
    street = make_street()
    assert _add(admin, street, "zh-hans").status_code == 302
    assert _add(admin, street, "zh-hans", name="枫林居委会").status_code == 302
    codes = dict(Committee.objects.filter(street=street).values_list("name", "code"))
    assert codes == {"枫林居民区": "fl", "枫林居委会": "fl2"}


@pytest.mark.django_db
def test_a_chinese_code_is_refused_in_the_users_words(org, as_user):
    admin = as_user(org.superuser)
    street = make_street()
    chinese = text_of(_add(admin, street, "zh-hans", code="枫林二").content.decode())
    assert "只能使用英文字母、数字、连字符或下划线，例如 FL01；也可以留空。" in chinese
    assert "slug" not in chinese
    english = text_of(_add(admin, street, "en", code="枫林二").content.decode())
    assert "Use Latin letters, digits, hyphens or underscores only, e.g. FL01; or leave it empty." in english
    assert not Committee.objects.filter(street=street).exists()
    assert _add(admin, street, "en", code="FL01").status_code == 302
    assert Committee.objects.get(street=street).code == "FL01"
