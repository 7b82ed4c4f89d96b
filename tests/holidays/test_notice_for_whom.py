"""Review 10, F-J: the holiday schedule's notice took the top half of the secretary's phone dashboard,
and it is the administrator's to-do: one short line for the secretary, the full text in the admin."""

import pytest
from django.urls import reverse

from holidays.templatetags import holidays as notice
from tests.cases.page_text import text_of

FULL_ZH = "2099 年的办理时限暂按周一至周五计算"
SHORT_ZH = "2099 年节假日安排尚未录入：2099 年的办理时限可能还会调整。"
SHORT_EN = "The 2099 holiday schedule has not been entered yet: due dates in 2099 may still move."


@pytest.fixture
def year_missing(monkeypatch):
    # The year the notice names is today's business; the test's is fixed so that it reads the same
    # whichever years the installed holiday library or the database know.
    monkeypatch.setattr(notice, "years_without_schedule", lambda today: [2099])


@pytest.mark.django_db
def test_the_secretary_reads_one_line_and_the_administrator_the_whole_notice(org, as_user, year_missing):
    secretary = as_user(org.secretary_a)
    chinese = text_of(secretary.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
    assert SHORT_ZH in chinese and FULL_ZH not in chinese and "国务院" not in chinese
    english = text_of(secretary.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert SHORT_EN in english and "State Council" not in english
    admin = text_of(as_user(org.superuser).get(reverse("admin:index")).content.decode())
    assert FULL_ZH in admin and "国务院" in admin and SHORT_ZH not in admin
