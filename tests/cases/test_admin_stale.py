"""A case's admin form opened before someone else changed the case is refused as stale, as the app's
own forms are (README: "a form opened before it is refused as stale"). The admin form carried no
version: saved after a secretary's reassignment, it wrote its own assignee back over it, on the
timeline as the admin's correction, and told the worker it took the case back; saved after a move
of the status, it refused a move the admin never made; of two admin tabs, the second put back the
first's title. Refused, nothing is written, no timeline event, no notice, and it says why, in the
user's language, with a link to open the case again."""

import re
import threading
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from cases import services
from cases.models import Case, CaseEvent
from cases.rules import Action
from committee.access import Access
from notifications.models import Notification
from tests.cases.page_text import text_of
from tests.factories import admin_form_data, make_case

STALE = {
    "zh-hans": "您打开之后，其他人修改了这条记录，因此没有保存任何内容。请重新打开，看过对方的修改后再更正。",
    "en": "Someone else changed this record after you opened it, so nothing was saved. "
    "Open it again to see their change, then make your correction.",
}


@pytest.fixture
def case(org):
    return make_case(org.secretary_a, org.a, title="雨后底楼积水", assignee=org.worker_a)


def _url(case) -> str:
    return reverse("admin:cases_case_change", args=[case.pk])


def _open(client, case) -> dict:
    """The admin's change form as a browser holds it once opened."""
    return admin_form_data(client.get(_url(case)).text)


def _save(client, case, form: dict, language="zh-hans", **changes):
    data = {**form, **{k: [v] for k, v in changes.items()}, "_continue": ["1"]}
    return client.post(_url(case), data, HTTP_ACCEPT_LANGUAGE=language)


def _written(case) -> tuple:
    return (
        CaseEvent.all_objects.filter(case=case).count(),
        Notification.objects.count(),
        Case.all_objects.filter(pk=case.pk).values_list("version", flat=True).get(),
    )


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_reassignment_made_while_the_admin_form_was_open_stands(org, case, as_user, language):
    admin = as_user(org.superuser)
    form = _open(admin, case)
    assert form["opened_version"] == [str(case.version)]
    services.assign(access=Access(org.secretary_a), case=case, assignee=org.secretary_a)
    before = _written(case)
    response = _save(admin, case, form, language, title="雨后底楼积水（更正）")
    assert response.status_code == 200
    said = text_of(response.text)
    assert STALE[language] in said
    # Only that is said: the form held the case as it was, which is no fault of the admin's.
    assert len(response.context["adminform"].form.errors) == 1
    assert f'href="{_url(case)}"' in response.text  # the link that opens it again
    fresh = Case.all_objects.get(pk=case.pk)
    assert (fresh.assignee_id, fresh.title) == (org.secretary_a.pk, "雨后底楼积水")
    assert _written(case) == before  # nothing written: no timeline event, no notice, same version
    # Opened again, the same correction saves, over the reassignment, which it keeps.
    assert _save(admin, case, _open(admin, case), title="雨后底楼积水（更正）").status_code == 302
    fresh = Case.all_objects.get(pk=case.pk)
    assert (fresh.assignee_id, fresh.title) == (org.secretary_a.pk, "雨后底楼积水（更正）")
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.ASSIGNED, actor=org.superuser)


def test_a_status_moved_meanwhile_is_not_a_move_the_admin_is_refused_for(org, case, as_user):
    admin = as_user(org.superuser)
    form = _open(admin, case)
    assert form["status"] == [Case.Status.IN_PROGRESS]
    services.transition(access=Access(org.worker_a), case=case, action=Action.RESOLVE, text="疏通了地漏")
    response = _save(admin, case, form, title="雨后底楼积水（更正）")
    said = text_of(response.text)
    assert STALE["zh-hans"] in said
    assert "事项不能从" not in said and "status" not in response.context["adminform"].form.errors
    fresh = Case.all_objects.get(pk=case.pk)
    assert (fresh.status, fresh.title) == (Case.Status.RESOLVED, "雨后底楼积水")


def test_of_two_admin_tabs_the_second_to_save_is_refused(org, case, as_user):
    admin = as_user(org.superuser)
    first, second = _open(admin, case), _open(admin, case)
    assert _save(admin, case, first, title="雨后底楼积水（一）").status_code == 302
    before = _written(case)
    response = _save(admin, case, second, title="雨后底楼积水（二）", assignee="")
    assert response.status_code == 200 and STALE["zh-hans"] in text_of(response.text)
    fresh = Case.all_objects.get(pk=case.pk)
    assert (fresh.title, fresh.assignee_id) == ("雨后底楼积水（一）", org.worker_a.pk)
    assert _written(case) == before
    # Sent again as it stands (the version it was opened at is still in it), it is refused again.
    again = admin_form_data(response.text)
    assert again["opened_version"] == second["opened_version"]
    assert _save(admin, case, again).status_code == 200
    assert _written(case) == before


def test_a_form_without_its_version_is_refused_too(org, case, as_user):
    admin = as_user(org.superuser)
    form = {k: v for k, v in _open(admin, case).items() if k != "opened_version"}
    response = _save(admin, case, form, title="雨后底楼积水（更正）")
    assert response.status_code == 200 and STALE["zh-hans"] in text_of(response.text)
    assert Case.all_objects.get(pk=case.pk).title == "雨后底楼积水"


def test_the_version_is_sent_as_a_hidden_field(org, case, as_user):
    page = as_user(org.superuser).get(_url(case)).text
    (field,) = re.findall(r'<input[^>]*name="opened_version"[^>]*>', page)
    assert 'type="hidden"' in field and f'value="{case.version}"' in field


def _until_a_session_waits_for_a_lock(thread: threading.Thread, seconds: float = 30) -> None:
    """Until another session of this database waits for a lock (PostgreSQL's own view of it), the
    thread still running. It slept 1.5 s and took the thread's being alive for its waiting."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # pg_stat_activity is read once a transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            assert thread.is_alive(), "the racing save ended without waiting"
            assert time.monotonic() < deadline, "no session waits for a lock"
            time.sleep(0.02)


@pytest.mark.django_db(transaction=True)
def test_a_save_racing_another_change_waits_for_it_and_is_refused(org, as_user):
    """The version is compared under the row's lock, held to the save: a save arriving while another
    change holds the case waits for it, then reads its version and is refused. Read without the
    lock, it read the version as it was before that change, passed, and wrote over it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks: one writer at a time")
    case = make_case(org.secretary_a, org.a, title="雨后底楼积水", assignee=org.worker_a)
    admin = as_user(org.superuser)
    form = _open(admin, case)
    saved = {}

    def save() -> None:
        try:
            saved["response"] = _save(admin, case, form, title="雨后底楼积水（更正）")
        finally:
            connection.close()

    with transaction.atomic():
        services.assign(access=Access(org.secretary_a), case=case, assignee=org.secretary_a)
        racing = threading.Thread(target=save)
        racing.start()
        _until_a_session_waits_for_a_lock(racing)
        assert racing.is_alive()  # waiting for the reassignment's lock
    racing.join(timeout=30)
    response = saved["response"]
    assert response.status_code == 200 and STALE["zh-hans"] in text_of(response.text)
    fresh = Case.all_objects.get(pk=case.pk)
    assert (fresh.assignee_id, fresh.title) == (org.secretary_a.pk, "雨后底楼积水")
