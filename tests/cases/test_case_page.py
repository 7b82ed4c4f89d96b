"""The case page as its reader sees it: a resolution shown for what it is once the case is open
again, and the photo buttons of the intake for adding a photo later."""

import re

from django.urls import reverse
from django.utils import timezone

from cases.models import Attachment, Case
from tests.cases.page_text import text_of
from tests.factories import jpeg_upload, make_case

ZH = {"accept-language": "zh-hans"}


def _resolution(html: str) -> str:
    """The words of the case card's resolution box ("" when there is none)."""
    found = re.search(r"<div class=\"resolution[^\"]*\" data-resolution>(.*?)</div>", html, re.S)
    return text_of(found.group(1)) if found else ""


def test_a_case_reopened_at_the_follow_up_call_shows_its_resolution_as_the_previous_one(org, as_user):
    """Not satisfied at the call: the case is in progress again, and its card said 处理结果 「已疏通」
    beside 办理中, as if the work were done. It says 上次处理结果 until the case is resolved again;
    the timeline keeps every resolution."""
    client = as_user(org.worker_a)
    case = make_case(org.worker_a, org.a, title="地漏返水", assignee=org.worker_a)
    page = reverse("cases:detail", args=[case.pk])
    client.post(reverse("cases:act", args=[case.pk, "resolve"]), {"text": "已疏通下水管"})
    assert _resolution(client.get(page, headers=ZH).content.decode()) == "处理结果 已疏通下水管"
    case.refresh_from_db()
    client.post(
        reverse("cases:follow_up", args=[case.pk]),
        {
            "version": case.version,
            "called_on": timezone.localdate().isoformat(),
            "satisfaction": Case.Satisfaction.NOT_SATISFIED,
            "comment": "还在返水",
        },
    )
    html = client.get(page, headers=ZH).content.decode()
    assert "办理中" in text_of(html[html.index("case-number") : html.index("</h1>")])
    assert _resolution(html) == "上次处理结果 已疏通下水管"
    assert 'class="resolution previous"' in html
    # The call's answer, why it is open again: the earlier round's, not this one's (review 3).
    assert f"上次回访 不满意（{timezone.localdate():%Y-%m-%d}）" in text_of(html)
    assert "满意度" not in text_of(html[: html.index("case-timeline")])
    assert "已疏通下水管" in text_of(html[html.index("case-timeline") :])  # the timeline keeps it
    english = client.get(page, headers={"accept-language": "en"}).content.decode()
    assert _resolution(english) == "Previous resolution 已疏通下水管"
    sheet = text_of(client.get(reverse("cases:print", args=[case.pk]), headers=ZH).content.decode())
    assert "上次处理结果 已疏通下水管 处理结果" in sheet  # the line to write this time's on stays empty

    client.post(reverse("cases:act", args=[case.pk, "resolve"]), {"text": "更换了地漏"})
    assert _resolution(client.get(page, headers=ZH).content.decode()) == "处理结果 更换了地漏"


def test_a_case_reopened_by_the_secretary_shows_the_previous_resolution_too(org, as_user):
    case = make_case(org.worker_a, org.a, title="路灯不亮", code="roads", assignee=org.worker_a)
    as_user(org.worker_a).post(reverse("cases:act", args=[case.pk, "resolve"]), {"text": "换了灯泡"})
    secretary = as_user(org.secretary_a)
    secretary.post(reverse("cases:act", args=[case.pk, "reopen"]), {"text": "又不亮了"})
    html = secretary.get(reverse("cases:detail", args=[case.pk]), headers=ZH).content.decode()
    assert _resolution(html) == "上次处理结果 换了灯泡"
    # A case never resolved has no resolution box at all.
    fresh = make_case(org.worker_a, org.a, title="井盖松动")
    assert _resolution(secretary.get(reverse("cases:detail", args=[fresh.pk])).content.decode()) == ""


def _attach_form(html: str) -> str:
    start = html.index('class="attach-form')
    return html[start : html.index("</form>", start)]


def test_the_case_page_adds_photos_with_the_intakes_buttons_not_a_bare_file_input(org, as_user):
    """The photo field under 照片和文件 was the browser's own file input ("Choose Files", in the
    browser's language, on a Chinese page): it is the intake's 拍照 / 选择文件, both posting."""
    case = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    client = as_user(org.worker_a)
    page = reverse("cases:detail", args=[case.pk])
    form = _attach_form(client.get(page, headers=ZH).content.decode())
    intake = client.get(reverse("cases:new"), headers=ZH).content.decode()
    assert "拍照" in text_of(form) and "选择文件" in text_of(form) and "照片或 PDF 文件" in text_of(form)
    inputs = re.findall(r"<input type=\"file\"[^>]*>", form)
    assert len(inputs) == 2 and all('class="visually-hidden"' in tag for tag in inputs)
    assert 'capture="environment"' in inputs[0] and "multiple" in inputs[1]
    # The intake's very widget: the same markup but for the field's name.
    assert [
        tag.replace('"files', '"photos').replace("id_files", "id_photos") for tag in inputs
    ] == re.findall(r"<input type=\"file\"[^>]*>", intake)
    assert "<script>" not in form and " on" not in "".join(inputs)  # nothing inline (the CSP)

    # A photo from the camera and two chosen files arrive together under the one field.
    response = client.post(
        reverse("cases:attach", args=[case.pk]),
        {
            "stage": Attachment.Stage.AFTER,
            "files": [jpeg_upload("camera.jpg"), jpeg_upload("a.jpg"), jpeg_upload("b.jpg")],
        },
        headers=ZH,
        follow=True,
    )
    assert "文件已添加" in response.content.decode()
    stored = Attachment.all_objects.filter(case=case)
    assert sorted(stored.values_list("original_name", flat=True)) == ["a.jpg", "b.jpg", "camera.jpg"]
    assert set(stored.values_list("stage", flat=True)) == {Attachment.Stage.AFTER}


def test_a_sensitive_cases_printed_sheet_says_it_is_sensitive(org, as_user):
    """Paper leaves the app's rules behind: the sheet of a hardship case says, at its head, that it is
    sensitive and how to keep it; an ordinary case's sheet does not."""
    client = as_user(org.worker_a)
    hardship = make_case(org.worker_a, org.a, title="家中有残疾人", code="hardship", assignee=org.worker_a)
    drain = make_case(org.worker_a, org.a, title="楼道积水", assignee=org.worker_a)
    sheet = text_of(client.get(reverse("cases:print", args=[hardship.pk]), headers=ZH).content.decode())
    assert f"事项登记表 {hardship.number} 敏感" in sheet and "敏感事项：请妥善保管本单" in sheet
    english = text_of(
        client.get(reverse("cases:print", args=[hardship.pk]), headers={"accept-language": "en"}).text
    )
    assert "Sensitive case: keep this sheet out of sight" in english
    plain = text_of(client.get(reverse("cases:print", args=[drain.pk]), headers=ZH).content.decode())
    assert "敏感" not in plain
