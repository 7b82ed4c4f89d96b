"""Names the English UI and the admin read by (review 6, items 9–11): a role is a label, capitalised in
English ("Secretary" beside the committee's name on the home page, "Worker" in the admin); the admin's
index names django-axes' models for what they hold (login attempts, failed logins, login history), apart
from Needle's access log, and lists the task queue beside Needle's background work; a case's events
are listed newest first."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import CaseEvent
from committee.access import Access
from tests.cases.page_text import text_of
from tests.factories import logged_on, make_case

EN = {"accept-language": "en"}
ZH = {"accept-language": "zh-hans"}


def _index_entries(page: str) -> list[str]:
    """The admin index's sections and models, in order, as a reader sees them."""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for cell in re.findall(r"<(?:caption|th scope=\"row\")[^>]*>(.*?)</(?:caption|th)>", page, re.S)
    ]


def test_a_role_reads_as_a_label_in_english_and_as_before_in_chinese(org, as_user):
    client = as_user(org.secretary_a)
    english = text_of(client.get(reverse("home"), headers=EN).text)
    assert f"{org.a.name} Secretary" in english and " secretary" not in english
    assert f"{org.a.name} 书记" in text_of(client.get(reverse("home"), headers=ZH).text)

    admin = as_user(org.superuser)
    url = reverse("admin:committee_user_change", args=[org.worker_a.pk])
    page = admin.get(url, headers=EN).text
    assert re.search(r'<option value="worker" selected>Worker</option>', page)
    assert f"{org.a.name} · Worker" in text_of(page)  # the inline row's title
    assert '<option value="worker" selected>居委干部</option>' in admin.get(url, headers=ZH).text


def test_the_account_menu_names_the_administrator_by_the_roles_label(org, as_user):
    """The account menu's "管理员 · 管理员" reads "… · Administrator" in English: the role's own label
    (committee/roles.py, context "role"), not a word of its own in lower case."""
    client = as_user(org.superuser)
    for headers, role in ((EN, "Administrator"), (ZH, "管理员")):
        page = client.get(reverse("home"), headers=headers).text
        menu = re.search(r'<div class="usermenu-panel">\s*<p class="muted">(.*?)</p>', page)[1]
        assert menu == f"{org.superuser.display_name} · {role}", menu
    assert "usermenu-panel" in (worker := as_user(org.worker_a).get(reverse("home"), headers=EN).text)
    assert "· Administrator" not in worker


def test_the_admin_index_names_the_login_records_apart_from_the_access_log(org, as_user):
    client = as_user(org.superuser)
    english = _index_entries(client.get(reverse("admin:index"), headers=EN).text)
    for name in ("Login attempts", "Failed logins", "Login history", "Access records"):
        assert name in english, name
    assert "Access logs" not in english and "Access attempts" not in english
    chinese = _index_entries(client.get(reverse("admin:index"), headers=ZH).text)
    for name in ("登录尝试", "登录失败", "登录记录", "查阅记录"):
        assert name in chinese, name
    # The rows' own pages are named the same way.
    page = text_of(client.get(reverse("admin:axes_accesslog_changelist"), headers=EN).text)
    assert "Select login record to change" in page or "Select login record to view" in page


def test_the_task_queue_is_listed_as_part_of_the_background_work(org, as_user):
    client = as_user(org.superuser)
    for headers, area, queue, models, tasks in (
        (
            EN,
            "Background work",
            "Background work: queue",
            ["Job runs", "Lost tasks", "Task workers"],
            "Queued tasks",
        ),
        (ZH, "后台任务", "后台任务：队列", ["任务运行记录", "丢失的任务", "任务进程"], "队列中的任务"),
    ):
        entries = _index_entries(client.get(reverse("admin:index"), headers=headers).text)
        at = entries.index(area)
        # The area's models (in the order of their names in the language), then the queue: side by side.
        assert sorted(entries[at + 1 : at + 4]) == sorted(models) and entries[at + 4] == queue, entries
        assert entries[entries.index(queue) + 1] == tasks
        assert "Task Results" not in entries and "Task queue" not in entries


def test_a_cases_events_are_listed_newest_first_in_the_admin(org, as_user):
    day = timezone.localdate() - dt.timedelta(days=3)
    case = make_case(org.worker_a, org.a, title="第一件", at=logged_on(day))
    services.add_note(
        case=case, access=Access(org.worker_a), text="今天的备注", at=timezone.now() - dt.timedelta(minutes=5)
    )
    page = as_user(org.superuser).get(reverse("admin:cases_caseevent_changelist"), headers=EN)
    rows = [event.pk for event in page.context["cl"].result_list]
    newest = CaseEvent.all_objects.filter(case=case).order_by("-at", "-pk").values_list("pk", flat=True)
    assert rows[: len(newest)] == list(newest)
    assert CaseEvent.all_objects.get(pk=rows[0]).kind != "created"
