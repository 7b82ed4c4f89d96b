"""The admin corrects data without leaving it inconsistent (found by a review that posted the admin's
own change forms): a row's committee is read-only once it exists, and what a form points to must be
its committee's; a correction raises the row's version and refreshes the search keys and schedules
that depend on it; a case is logged in the app, not the admin; its timeline is read-only; staff are
made inactive, not deleted."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, CaseEvent, CaseParty
from cases.services import NewParty
from committee.access import Access
from committee.scoping import unscoped
from holidays import calendar
from holidays.models import HolidayDay, HolidayYear
from residents.models import Building, CareCategory, Grid, Household, Resident
from tests.factories import make_case, make_resident

ANOTHER = "这属于其他居委会。"


class _Form(HTMLParser):
    """The values a browser would post back from the admin's change form."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.select: str | None = None
        self.textarea: str | None = None
        self.inside = False

    def _add(self, name: str, value: str) -> None:
        if "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if tag == "form" and a.get("id", "").endswith("_form"):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file", "image") or (kind == "checkbox" and "checked" not in a):
                return
            self._add(a["name"], a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self._add(self.select, a.get("value", ""))
        elif tag == "textarea" and a.get("name") and "__prefix__" not in a["name"]:
            self.textarea = a["name"]
            self._add(self.textarea, "")

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data) -> None:
        if self.textarea:
            self.data[self.textarea][-1] += (
                data.removeprefix("\n") if not self.data[self.textarea][-1] else data
            )


def _change(client, name: str, obj, /, **changes):
    """Post the change form of `obj` in the admin (`name`: app_model) as drawn, with `changes`."""
    url = reverse(f"admin:{name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = _Form()
    form.feed(page.text)
    data = {key: values if len(values) > 1 else values[0] for key, values in form.data.items()}
    data.update(changes, _save="保存")
    return client.post(url, data)


def test_a_rows_committee_is_read_only_once_it_exists(org, as_user):
    client = as_user(org.superuser)
    resident = make_resident(org.a, "王芳")
    grid = Grid.all_objects.create(committee=org.a, name="一网格")
    case = make_case(org.worker_a, org.a)
    for name, obj in (
        ("cases_case", case),
        ("residents_resident", resident),
        ("residents_household", resident.household),
        ("residents_building", resident.household.building),
        ("residents_grid", grid),
    ):
        page = client.get(reverse(f"admin:{name}_change", args=[obj.pk]))
        assert page.status_code == 200 and "committee" not in page.context["adminform"].form.fields, name
        assert org.a.name in page.text  # shown, not offered
        assert _change(client, name, obj, committee=str(org.b.pk)).status_code == 302, name
        assert type(obj).all_objects.get(pk=obj.pk).committee_id == org.a.pk, name
    # Added, a row chooses its committee.
    assert 'name="committee"' in client.get(reverse("admin:residents_grid_add")).text


def test_what_a_form_points_to_must_be_its_committees(org, as_user):
    client = as_user(org.superuser)
    resident = make_resident(org.a, "王芳")
    household, building = resident.household, resident.household.building
    theirs = make_resident(org.b, "李娜")
    other_grid = Grid.all_objects.create(committee=org.b, name="一网格")
    case = make_case(org.worker_a, org.a)
    refused = [
        ("residents_resident", resident, {"household": str(theirs.household_id)}, "household"),
        ("residents_household", household, {"building": str(theirs.household.building_id)}, "building"),
        ("residents_building", building, {"grid": str(other_grid.pk)}, "grid"),
        ("residents_building", building, {"leader": str(theirs.pk)}, "leader"),
        ("cases_case", case, {"household": str(theirs.household_id)}, "household"),
        ("cases_case", case, {"building": str(theirs.household.building_id)}, "building"),
    ]
    for name, obj, changes, field in refused:
        response = _change(client, name, obj, **changes)
        assert response.status_code == 200, (name, changes)
        assert response.context["adminform"].form.errors[field] == [ANOTHER], (name, changes)
    assert Resident.all_objects.get(pk=resident.pk).household_id == household.pk
    assert Household.all_objects.get(pk=household.pk).building_id == building.pk
    assert Building.all_objects.get(pk=building.pk).grid_id is None
    # A party of another committee's resident is refused too; of the case's own, taken.
    party = {"parties-TOTAL_FORMS": "1", "parties-0-role": "reporter", "parties-0-case": str(case.pk)}
    response = _change(client, "cases_case", case, **party, **{"parties-0-resident": str(theirs.pk)})
    assert response.status_code == 200 and ANOTHER in response.text
    assert not CaseParty.all_objects.filter(case=case).exists()
    response = _change(client, "cases_case", case, **party, **{"parties-0-resident": str(resident.pk)})
    assert response.status_code == 302
    assert " 王芳 " in Case.all_objects.get(pk=case.pk).search_key  # the key holds the party added


def test_a_correction_raises_the_version_and_refreshes_the_keys(org, as_user):
    client = as_user(org.superuser)
    resident = make_resident(org.a, "王芳", room="302")
    case = make_case(
        org.worker_a, org.a, title="楼道积水", parties=[NewParty(resident=resident, role="reporter")]
    )
    opened = Case.all_objects.get(pk=case.pk).version
    assert _change(client, "cases_case", case, title="路灯不亮").status_code == 302
    saved = Case.all_objects.get(pk=case.pk)
    assert saved.version == opened + 1 and "路灯" in saved.search_key and "积水" not in saved.search_key
    # A worker's form opened before the correction is refused, not saved over it.
    with pytest.raises(services.Conflict):
        edit = {"title": "楼道积水!"}
        services.edit(access=Access(org.secretary_a), case=case, changes=edit, version=opened)
    assert Case.all_objects.get(pk=case.pk).title == "路灯不亮"
    # A resident renamed: their own key and their cases' keys.
    assert _change(client, "residents_resident", resident, name="李娜").status_code == 302
    renamed = Resident.all_objects.get(pk=resident.pk)
    assert renamed.version == resident.version + 1 and " 李娜 " in renamed.search_key
    key = Case.all_objects.get(pk=case.pk).search_key
    assert " 李娜 " in key and "王芳" not in key
    # A room and a road: the members' keys.
    assert _change(client, "residents_household", resident.household, room="502").status_code == 302
    assert "502" in Resident.all_objects.get(pk=resident.pk).search_key
    building = resident.household.building
    assert _change(client, "residents_building", building, road="长阳路").status_code == 302
    assert "长阳路" in Resident.all_objects.get(pk=resident.pk).search_key
    assert Building.all_objects.get(pk=building.pk).version == building.version + 1


def test_cases_are_logged_in_the_app_and_their_timeline_is_read_only(org, as_user):
    client = as_user(org.superuser)
    assert client.get(reverse("admin:cases_case_add")).status_code == 403
    case = make_case(org.worker_a, org.a, title="打13812345678找她")
    event = CaseEvent.all_objects.filter(case=case).first()
    page = client.get(reverse("admin:cases_caseevent_change", args=[event.pk]))
    assert page.status_code == 200 and 'name="case"' not in page.text  # read, not a form
    other = make_case(org.worker_b, org.b)
    assert client.post(page.request["PATH_INFO"], {"case": str(other.pk)}).status_code == 403
    assert CaseEvent.all_objects.get(pk=event.pk).case_id == case.pk
    assert client.get(reverse("admin:cases_caseevent_delete", args=[event.pk])).status_code == 403


def test_staff_are_made_inactive_not_deleted(org, as_user):
    client = as_user(org.superuser)
    assert client.get(reverse("admin:committee_user_delete", args=[org.worker_a.pk])).status_code == 403
    response = client.post(
        reverse("admin:committee_user_changelist"),
        {"action": "delete_selected", "_selected_action": [org.worker_a.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert type(org.worker_a).objects.filter(pk=org.worker_a.pk).exists()


def test_a_care_category_in_use_is_not_deleted(org, as_user):
    # It once was, and took its residents off the roster (review 9, item 3: residents/test_admin_in_use.py).
    resident = make_resident(org.a, "王芳", categories=["elderly_alone"])
    category = CareCategory.objects.get(code="elderly_alone")
    url = reverse("admin:residents_carecategory_delete", args=[category.pk])
    assert as_user(org.superuser).post(url, {"post": "yes"}).status_code == 302
    assert CareCategory.objects.filter(pk=category.pk).exists()
    with unscoped():
        assert Resident.objects.get(pk=resident.pk).next_visit_due is not None  # still on the roster


def test_deleting_holiday_years_together_forgets_them_at_once(org, as_user):
    year = HolidayYear.objects.create(year=2031)
    HolidayDay.objects.create(schedule=year, date=dt.date(2031, 5, 1), kind=HolidayDay.Kind.HOLIDAY)
    calendar.forget_entered_days()
    assert 2031 in calendar.load_entered_years()
    response = as_user(org.superuser).post(
        reverse("admin:holidays_holidayyear_changelist"),
        {"action": "delete_selected", "_selected_action": [year.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert 2031 not in calendar.load_entered_years()


def test_residents_cases_and_records_are_never_deleted(org, as_user):
    """Residents are archived, cases closed; timelines, the access log, the reveal log and the job
    runs are records: the admin offers no delete, per row or as the bulk action, and a forged post
    of either deletes nothing."""
    from audit.models import AccessRecord
    from jobs.models import JobRun
    from residents.models import RevealLog

    client = as_user(org.superuser)
    resident = make_resident(org.a, "王芳")
    case = make_case(org.worker_a, org.a)
    rows = [
        ("residents_resident", resident),
        ("cases_case", case),
        ("cases_caseevent", CaseEvent.all_objects.filter(case=case).first()),
        (
            "audit_accessrecord",
            AccessRecord.all_objects.create(
                committee=org.a, user=org.secretary_a, kind=AccessRecord.Kind.RESIDENT, resident=resident
            ),
        ),
        (
            "residents_reveallog",
            RevealLog.all_objects.create(
                committee=org.a, resident=resident, field="phone", reason="核对", revealed_by=org.secretary_a
            ),
        ),
        ("jobs_jobrun", JobRun.record(JobRun.BACKUP, {"checked": False, "problem": "磁盘已满"})),
    ]
    for name, obj in rows:
        assert client.get(reverse(f"admin:{name}_delete", args=[obj.pk])).status_code == 403, name
        assert client.post(reverse(f"admin:{name}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
        changelist = client.get(reverse(f"admin:{name}_changelist"))
        assert changelist.status_code == 200 and 'value="delete_selected"' not in changelist.text, name
        client.post(
            reverse(f"admin:{name}_changelist"),
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        )
        assert type(obj)._base_manager.filter(pk=obj.pk).exists(), name
    # The resident's change form offers no 删除 link either.
    page = client.get(reverse("admin:residents_resident_change", args=[resident.pk]))
    assert reverse("admin:residents_resident_delete", args=[resident.pk]) not in page.text


def test_a_timeline_event_reads_in_words_and_hides_an_empty_payload(org, as_user):
    """An event's page was titled "1 created 2025-12-16" (the case's id, the kind's code, a UTC day)
    with "数据: {}" below it."""
    from django.utils import timezone

    client = as_user(org.superuser)
    case = make_case(org.worker_a, org.a)
    created = CaseEvent.all_objects.get(case=case)
    page = client.get(reverse("admin:cases_caseevent_change", args=[created.pk])).text
    at = timezone.localtime(created.at).strftime("%Y-%m-%d %H:%M")
    assert f"<title>{case.number} 登记 {at} |" in page
    assert "登记了事项。" in page  # the sentence the timeline shows
    assert "field-masked_data" not in page and "{}" not in page  # no 数据 row
    # A payload that holds something is shown, numbers masked as everywhere.
    assigned = services.assign(access=Access(org.secretary_a), case=case, assignee=org.worker_a)
    event = CaseEvent.all_objects.filter(case=assigned).latest("pk")
    page = client.get(reverse("admin:cases_caseevent_change", args=[event.pk])).text
    assert "分派给李敏，转为办理中。" in page and "field-masked_data" in page
    assert "&quot;assignee&quot;: &quot;李敏&quot;" in page


def test_a_cases_referrals_calls_and_aid_are_corrected_not_deleted(org, as_user):
    """The case's form offered to delete a referral, a call or an aid row: the ledger's rows, each
    told on the timeline. Their fields stay correctable."""
    import datetime as dt

    from cases.models import Aid, FollowUp, OutsideBody, Referral

    case = make_case(org.worker_a, org.a)
    today = dt.date.today()
    Referral.all_objects.create(
        committee=org.a, case=case, body=OutsideBody.objects.first(), sent_on=today, created_by=org.worker_a
    )
    FollowUp.all_objects.create(committee=org.a, case=case, called_on=today, called_by=org.worker_a)
    Aid.all_objects.create(committee=org.a, case=case, kind=Aid.Kind.SUBSIDY, applied_on=today)
    page = as_user(org.superuser).get(reverse("admin:cases_case_change", args=[case.pk])).text
    for prefix in ("referrals", "follow_ups", "aid"):
        assert f'name="{prefix}-0-id"' in page, prefix  # the row is there, to correct
        assert f'name="{prefix}-0-DELETE"' not in page, prefix


def test_the_admins_refusal_to_delete_says_what_to_do_instead(org, as_user):
    """The app's 403 told the admin to ask their secretary (a superuser has neither a committee nor a
    secretary): the admin's page says residents are recorded as moved out or died instead."""
    resident = make_resident(org.a, "王芳")
    response = as_user(org.superuser).get(reverse("admin:residents_resident_delete", args=[resident.pk]))
    assert response.status_code == 403
    assert "请登记居民迁出或去世" in response.text and "联系书记" not in response.text
    assert reverse("admin:index") in response.text
