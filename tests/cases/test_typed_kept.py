"""Nothing a worker typed is lost: a save refused because a colleague changed the case meanwhile draws
the form again as typed, beside the colleague's change; a report joined to an existing case keeps
its words and photos there; a form kept on the device comes back only when something was kept."""

import re

from django.urls import reverse

from cases import services
from cases.models import Attachment, Case, CaseEvent, CaseParty
from cases.rules import Action
from committee.access import Access
from committee.models import Membership
from committee.roles import Role
from tests.cases.page_text import field_of, text_of
from tests.factories import (
    admin_form_data,
    intake_post,
    jpeg_upload,
    make_building,
    make_case,
    make_resident,
    select_html,
)


def _form_posting_to(page: str, url: str) -> dict[str, list[str]]:
    """What the browser would post of the form on `page` whose action is `url`, as drawn."""
    at = page.index(f'action="{url}"')
    start = page.rindex("<form", 0, at)
    return admin_form_data(page[start : page.index("</form>", start)])


def test_an_edit_refused_as_out_of_date_keeps_what_was_typed_beside_the_other_change(org, as_user):
    case = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    worker, secretary = as_user(org.worker_a), as_user(org.secretary_a)
    page_url, edit_url = reverse("cases:detail", args=[case.pk]), reverse("cases:edit", args=[case.pk])
    theirs = _form_posting_to(worker.get(page_url).text, edit_url)
    mine = _form_posting_to(secretary.get(page_url).text, edit_url)  # drawn before the worker saves

    # The worker renames the case and makes it urgent.
    saved = worker.post(edit_url, {**theirs, "title": ["3号楼地下室积水"], "priority": ["urgent"]})
    assert saved.status_code == 302
    # The secretary, from the page drawn before, renames it too and writes the details and place.
    typed = {"title": ["地下室积水，水泵坏了"], "description": ["物业说周五来修"], "place": ["地下车库入口"]}
    refused = secretary.post(edit_url, {**mine, **typed})

    assert refused.status_code == 409
    page = refused.text
    case.refresh_from_db()
    assert (case.title, case.priority, case.description, case.place) == ("3号楼地下室积水", "urgent", "", "")
    words = text_of(page)
    assert "您编辑期间，其他人修改了这个事项" in words and "您填写的内容都保留在下面的表单里" in words
    # The colleague's change is shown: on the page, and beside each field they changed.
    assert "3号楼地下室积水" in text_of(page[page.index("<h1") : page.index("</h1>")])
    assert "其他人刚改为“3号楼地下室积水”" in text_of(field_of(page, "title"))
    assert "其他人刚改为“紧急”" in text_of(field_of(page, "priority"))
    # Every field the secretary typed is in the form again, open; the urgency they left alone is the
    # worker's (saving again must not undo it), and the form is of the case as it is now.
    again = _form_posting_to(page, edit_url)
    assert {name: again[name] for name in typed} == typed
    assert again["priority"] == ["urgent"] and again["version"] == [str(case.version)]
    assert '<details class="action" open><summary>修改事项' in page

    assert secretary.post(edit_url, again).status_code == 302
    case.refresh_from_db()
    assert (case.title, case.priority, case.description, case.place) == (
        "地下室积水，水泵坏了",
        "urgent",
        "物业说周五来修",
        "地下车库入口",
    )


def test_the_same_refusal_in_the_page_htmx_swaps(org, as_user):
    case = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    secretary = as_user(org.secretary_a)
    page_url, edit_url = reverse("cases:detail", args=[case.pk]), reverse("cases:edit", args=[case.pk])
    mine = _form_posting_to(secretary.get(page_url).text, edit_url)
    services.edit(access=Access(org.worker_a), case=case, changes={"title": "3号楼地下室积水"})
    typed = {**mine, "description": ["物业说周五来修"]}
    part = secretary.post(edit_url, typed, headers={"HX-Request": "true"})
    assert part.status_code == 200  # htmx swaps 2xx answers only
    again = _form_posting_to(part.text, edit_url)
    assert again["description"] == ["物业说周五来修"] and again["title"] == ["3号楼地下室积水"]
    assert "其他人修改了这个事项" in text_of(part.text)


def test_a_resolution_refused_as_out_of_date_is_drawn_again_as_typed(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    worker = as_user(org.worker_a)
    resolve = reverse("cases:act", args=[case.pk, "resolve"])
    drawn = _form_posting_to(worker.get(reverse("cases:detail", args=[case.pk])).text, resolve)
    services.edit(access=Access(org.secretary_a), case=case, changes={"priority": "urgent"})

    refused = worker.post(resolve, {**drawn, "text": ["已疏通下水管，住户确认不再返水"]})
    assert refused.status_code == 409
    again = _form_posting_to(refused.text, resolve)
    assert again["text"] == ["已疏通下水管，住户确认不再返水"]
    case.refresh_from_db()
    assert case.status != Case.Status.RESOLVED


def test_what_was_typed_for_an_action_no_longer_offered_is_shown_to_copy(org, as_user):
    """The secretary closed the case as withdrawn while the worker wrote its resolution: the form is
    gone from the page (a closed case is not resolved), its words are shown to copy."""
    case = make_case(org.worker_a, org.a, assignee=org.worker_a)
    worker = as_user(org.worker_a)
    resolve = reverse("cases:act", args=[case.pk, "resolve"])
    drawn = _form_posting_to(worker.get(reverse("cases:detail", args=[case.pk])).text, resolve)
    services.transition(access=Access(org.secretary_a), case=case, action=Action.WITHDRAW, text="居民撤回")

    refused = worker.post(resolve, {**drawn, "text": ["已疏通下水管，住户确认不再返水"]})
    assert refused.status_code == 409
    page = refused.text
    assert f'action="{resolve}"' not in page
    assert "未保存的内容" in text_of(page) and "已疏通下水管，住户确认不再返水" in page
    assert not CaseEvent.all_objects.filter(case=case, text__contains="已疏通").exists()


def _intake(org, **extra) -> dict:
    return intake_post(
        org.a,
        **{
            "title": "又一户反映地漏返水",
            "description": "楼下102室也冒水了，\n下午三点开始",
            "place": "",
            "token": "joined",
            **extra,
        },
    )


def test_joining_an_existing_case_keeps_what_was_typed_and_the_photo_on_it(org, as_user):
    building = make_building(org.a, lane="449", number="12")
    drain = make_case(org.worker_a, org.a, title="楼里下水道堵了", building=building)
    neighbour = make_resident(org.a, name="赵国庆", building=building, room="102")
    client = as_user(org.worker_a)
    data = _intake(org, party=[neighbour.pk], work_order_number="20261207001", photos=jpeg_upload("地漏.jpg"))
    response = client.post(reverse("cases:join", args=[drain.pk]), data)

    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[drain.pk])
    joined = CaseEvent.all_objects.get(case=drain, kind=CaseEvent.Kind.REPORTERS_ADDED)
    assert "又一户反映地漏返水" in joined.text and "楼下102室也冒水了" in joined.text
    assert "下午三点开始" in joined.text and "20261207001" in joined.text
    assert CaseParty.all_objects.filter(case=drain, resident=neighbour, role=CaseParty.Role.REPORTER).exists()
    photo = Attachment.all_objects.get(case=drain)
    assert photo.original_name == "地漏.jpg" and photo.uploaded_by == org.worker_a
    assert not Case.all_objects.exclude(pk=drain.pk).exists()  # joined, not logged a second time
    page = client.get(response["Location"]).text
    assert "新增反映人：赵国庆。" in page and "楼下102室也冒水了" in page
    assert f"已并入事项 {drain.number}，填写的内容和 1 张照片已记入办理经过" in text_of(page)
    assert f'href="{reverse("cases:attachment", args=[photo.pk])}"' in page


def test_a_join_posted_twice_is_saved_once(org, as_user):
    """A double tap on "add reporter to this case" on a slow line (or Back and tap again) sends the
    intake form, with its one-time token, twice: its words and photo are on the case once."""
    building = make_building(org.a, lane="449", number="12")
    drain = make_case(org.worker_a, org.a, title="楼里下水道堵了", building=building)
    neighbour = make_resident(org.a, name="赵国庆", building=building, room="102")
    client = as_user(org.worker_a)
    url, page = reverse("cases:join", args=[drain.pk]), reverse("cases:detail", args=[drain.pk])
    for _tap in range(2):
        response = client.post(url, _intake(org, party=[neighbour.pk], photos=jpeg_upload("地漏.jpg")))
        assert response.status_code == 302 and response["Location"] == page
    assert CaseEvent.all_objects.filter(case=drain, kind=CaseEvent.Kind.REPORTERS_ADDED).count() == 1
    assert Attachment.all_objects.filter(case=drain).count() == 1
    assert "这张表单提交了两次，只保存了一次" in text_of(client.get(response["Location"]).text)
    # Back to the form (its history entry keeps its token), a new report typed into it: joined too.
    upstairs = make_resident(org.a, name="钱多多", building=building, room="202")
    again = _intake(org, party=[upstairs.pk], title="二楼也返水了")
    assert client.post(url, again).status_code == 302
    # The first form's words again, with a reporter not yet on the case: a join of its own too.
    third = make_resident(org.a, name="孙立", building=building, room="302")
    assert client.post(url, _intake(org, party=[neighbour.pk, third.pk])).status_code == 302
    joined = CaseEvent.all_objects.filter(case=drain, kind=CaseEvent.Kind.REPORTERS_ADDED)
    assert joined.count() == 3 and joined.filter(text__contains="二楼也返水了").exists()
    assert CaseParty.all_objects.filter(case=drain, resident=third, role=CaseParty.Role.REPORTER).exists()


def test_a_join_refused_brings_the_intake_back_as_typed(org, as_user):
    """The case was resolved while the worker typed: nothing is added to it, and the intake form
    comes back with everything typed (the photos asked for again), to log a new case or join another."""
    building = make_building(org.a, lane="449", number="12")
    drain = make_case(org.worker_a, org.a, title="楼里下水道堵了", building=building, assignee=org.worker_a)
    neighbour = make_resident(org.a, name="赵国庆", building=building, room="102")
    services.transition(access=Access(org.worker_a), case=drain, action=Action.RESOLVE, text="已疏通")
    client = as_user(org.worker_a)
    intake_url = reverse("cases:new") + f"?resident={neighbour.pk}"
    data = _intake(org, party=[neighbour.pk], _from=intake_url, photos=jpeg_upload())
    response = client.post(reverse("cases:join", args=[drain.pk]), data)

    assert response.status_code == 200
    page = response.text
    words = text_of(page)
    assert f"事项 {drain.number} 已不在办理中" in words and "请重新选择照片" in words
    assert 'value="又一户反映地漏返水"' in page and "楼下102室也冒水了" in page
    assert f'name="party" value="{neighbour.pk}" checked' in page and "checked>排水积水" in page
    assert f'action="{intake_url}"' in page.replace("&amp;", "&")  # saving it logs a new case
    assert not CaseEvent.all_objects.filter(case=drain, kind=CaseEvent.Kind.REPORTERS_ADDED).exists()
    assert not Attachment.all_objects.exists()


def test_a_form_kept_on_the_device_comes_back_only_when_something_was_kept(org, as_user):
    """The device sends its copy of the form (static/js/intake.js); the notice says it is back only
    when it holds more than the form opened there would: the worker typed or chose something."""
    resident = make_resident(org.a, name="王秀英", room="101")
    client = as_user(org.worker_a)
    url = reverse("cases:new") + f"?resident={resident.pk}"
    opened = {  # what the form opened from the resident holds before anything is done
        "committee": str(org.a.pk),
        "token": "kept",
        "source": "walk_in",
        "priority": "normal",
        "household": str(resident.household_id),
        "building": str(resident.household.building_id),
        "party": [str(resident.pk)],
        f"role_{resident.pk}": "reporter",
        "title": "",
        "_restore": "1",
        "_photos": "0",
    }
    nothing = client.post(url, opened)
    assert nothing.status_code == 200 and nothing["X-Intake-Nothing"] == "1"
    assert "已恢复" not in nothing.text

    typed = client.post(url, {**opened, "title": "地漏返水"})
    assert not typed.has_header("X-Intake-Nothing")
    notice = text_of(typed.text[typed.text.index('id="intake-notice"') :].split("</div>")[0])
    assert "之前在这里填写的内容已恢复" in notice and "重新登录" not in notice
    assert 'value="地漏返水"' in typed.text

    after_login = client.post(url, {**opened, "priority": "urgent", "_after_login": "1"})
    assert "重新登录前填写的内容已恢复" in text_of(after_login.text)

    photos_only = client.post(url, {**opened, "_photos": "2"})
    words = text_of(photos_only.text)
    assert "照片无法保留，请重新选择" in words and "已恢复" not in words
    assert not Case.all_objects.exists()


def test_a_case_logged_tells_the_device_to_forget_its_copy_of_the_form(org, as_user):
    client = as_user(org.worker_a)
    form = _intake(org, token="saved-once")
    logged = client.post(reverse("cases:new"), form, follow=True)
    assert '<li class="message draft-done:intake success">' in logged.text
    again = client.post(reverse("cases:new"), form, follow=True)  # Back, then saved again
    assert '<li class="message draft-done:intake info">' in again.text
    assert Case.all_objects.count() == 1


def test_a_copy_of_nothing_from_someone_in_two_committees_is_no_news(org, as_user):
    """Who works in two committees picks the committee from a list: left as it came (its first
    choice), it is nothing they typed."""
    Membership.objects.create(user=org.worker_a, committee=org.b, role=Role.WORKER)
    client = as_user(org.worker_a)
    url = reverse("cases:new")
    first = re.search(r'<option value="(\d+)"', select_html(client.get(url).text, "committee"))[1]
    copy = {"committee": first, "token": "kept", "source": "walk_in", "priority": "normal", "_restore": "1"}
    assert client.post(url, copy)["X-Intake-Nothing"] == "1"
    other = str(org.b.pk) if first == str(org.a.pk) else str(org.a.pk)
    assert not client.post(url, {**copy, "committee": other}).has_header("X-Intake-Nothing")
