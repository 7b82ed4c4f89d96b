"""Nothing a worker typed is lost: a save refused because a colleague changed the case meanwhile draws
the form again as typed, beside the colleague's change; a report joined to an existing case keeps
its words and photos there; a form kept on the device comes back only when something was kept."""

from django.urls import reverse

from cases import services
from cases.models import Case, CaseEvent
from cases.rules import Action
from committee.access import Access
from tests.cases.page_text import field_of, text_of
from tests.factories import admin_form_data, make_case


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
