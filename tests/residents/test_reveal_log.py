"""The reveal log (/reveals/): a reveal of one number a line, a registry export with full numbers one
line for the whole file (review 5, finding 2: the export's row per number filled 136 pages)."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit import exported
from audit import services as audit
from residents.models import Resident
from tests.conftest import client_for
from tests.factories import make_building, make_household, make_resident, valid_id


def _export(org, reason: str, numbers: int, rows: int) -> None:
    audit.record_export(
        user=org.secretary_a,
        committee_ids=[org.a.pk],
        exported=exported.registry(org.a.name, timezone.localdate(), numbers=numbers, reason=reason),
        rows=rows,
        full_numbers=True,
    )


def test_an_export_is_one_line_among_the_reveals_newest_first(org):
    home = make_household(make_building(org.a), "302")
    wang = make_resident(home, "王芳", phone="13812345678", id_number=valid_id(datetime.date(1950, 3, 1)))
    client = client_for(org.secretary_a)
    url = reverse("residents:reveal", args=[wang.pk])
    client.post(url, {"field": "phone", "reason": "联系女儿"})
    b"".join(
        client.post(reverse("imports:export"), {"full": "1", "reason": "年度人口核对"}).streaming_content
    )
    client.post(url, {"field": "id_number", "reason": "办理低保复核"})
    page = client.get(reverse("residents:reveals")).content.decode()
    assert page.count('class="row-title"') == 3
    assert page.index("办理低保复核") < page.index("年度人口核对") < page.index("联系女儿")
    assert "导出定海居民区登记册" in page and "1 位居民" in page and "2 个完整号码" in page
    english = client.get(reverse("residents:reveals"), headers={"accept-language": "en"}).text
    assert "Registry export of" in english and "2 full numbers" in english and "1 resident" in english
    # One resident's reveals: their own, and the exports of their committee's registry since they
    # were registered (which held their numbers), not one made before.
    Resident.all_objects.filter(pk=wang.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
    mine = client.get(reverse("residents:reveals"), {"resident": wang.pk}).text
    assert mine.count('class="row-title"') == 3
    later = make_resident(home, "李强")
    theirs = client.get(reverse("residents:reveals"), {"resident": later.pk}).text
    assert theirs.count('class="row-title"') == 0


def test_the_reveal_log_is_a_few_queries_however_many_lines(org):
    home = make_household(make_building(org.a), "302")
    wang = make_resident(home, "王芳", phone="13812345678")
    client = client_for(org.secretary_a)
    client.get(reverse("residents:reveals"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("residents:reveals")).status_code == 200
        return len(queries)

    client.post(reverse("residents:reveal", args=[wang.pk]), {"field": "phone", "reason": "联系本人"})
    _export(org, "年度人口核对", 2, 1)
    few = count()
    for n in range(30):
        client.post(reverse("residents:reveal", args=[wang.pk]), {"field": "phone", "reason": f"联系本人{n}"})
        _export(org, f"年度人口核对{n}", 2, 1)
    assert count() == few


# --- Its filters: who, what, from and to, one resident's (as the access log's) ---------------------------


def _titles(page: str) -> list[str]:
    import re

    from tests.cases.page_text import text_of

    return [text_of(t) for t in re.findall(r'<div class="row-title">(.*?)</div>', page, re.S)]


def _dated(days_ago: int) -> None:
    """The newest reveal and export moved `days_ago` days back."""
    from audit.models import AccessRecord
    from residents.models import RevealLog

    at = timezone.now() - datetime.timedelta(days=days_ago)
    RevealLog.all_objects.filter(pk=RevealLog.all_objects.latest("pk").pk).update(revealed_at=at)
    AccessRecord.all_objects.filter(pk=AccessRecord.all_objects.latest("pk").pk).update(at=at)


def _log(org):
    """Two reveals (王芳's by the secretary 10 days ago, 李强's by the secretary today) and two exports
    (10 days ago and today)."""
    home = make_household(make_building(org.a), "302")
    wang = make_resident(home, "王芳", phone="13812345678")
    li = make_resident(home, "李强", phone="13912345678")
    Resident.all_objects.filter(pk__in=[wang.pk, li.pk]).update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    )
    client = client_for(org.secretary_a)
    client.post(reverse("residents:reveal", args=[wang.pk]), {"field": "phone", "reason": "联系女儿"})
    _export(org, "年度人口核对", 2, 2)
    _dated(10)
    client.post(reverse("residents:reveal", args=[li.pk]), {"field": "phone", "reason": "联系本人"})
    _export(org, "季度核对", 2, 2)
    return client, wang, li


def test_the_reveal_log_filters_by_what_when_and_whom(org):
    client, wang, _li = _log(org)
    url = reverse("residents:reveals")
    assert len(_titles(client.get(url).text)) == 4
    reveals = _titles(client.get(url, {"kind": "reveals"}).text)
    assert [t.split()[0] for t in reveals] == ["李强", "王芳"]
    assert len(_titles(client.get(url, {"kind": "exports"}).text)) == 2
    since = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    recent = client.get(url, {"date_from": since}).text
    assert (
        "联系本人" in recent
        and "季度核对" in recent
        and "联系女儿" not in recent
        and "年度人口核对" not in recent
    )
    before = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    older = client.get(url, {"date_to": before}).text
    assert "联系女儿" in older and "年度人口核对" in older and "联系本人" not in older
    # One resident's, with what and when: their reveal and the exports since they were registered.
    theirs = client.get(url, {"resident": wang.pk, "kind": "reveals"}).text
    assert "联系女儿" in theirs and "联系本人" not in theirs and len(_titles(theirs)) == 1
    assert f'name="resident" value="{wang.pk}"' in theirs  # kept by the form, as the access log's
    # Who: the name or the account; nobody by that name, nothing, said as such.
    assert len(_titles(client.get(url, {"who": org.secretary_a.username}).text)) == 4
    nobody = client.get(url, {"who": "没有这个人"}).text
    assert _titles(nobody) == [] and "该筛选条件下没有记录。" in nobody


def test_a_reveal_log_filter_it_cannot_read_is_said_with_a_link_to_it(org):
    client, _wang, _li = _log(org)
    url = reverse("residents:reveals")
    for language, said, link in (
        ("zh-hans", "未按此筛选：从“2026-99-01”。", "修改筛选条件"),
        ("en", "Not applied: From “2026-99-01”.", "Correct the filters"),
    ):
        page = client.get(
            url, {"date_from": "2026-99-01", "kind": "reveals"}, headers={"accept-language": language}
        )
        text = page.content.decode()
        assert said in text and link in text
        assert f'href="{url}?date_from=2026-99-01&amp;kind=reveals#id_date_from" data-open-filters' in text
        assert len(_titles(text)) == 2  # the date left out, the kind applied


def test_the_filtered_reveal_log_is_a_few_queries_however_many_lines(org):
    client, wang, _li = _log(org)
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    params = {
        "who": "sec",
        "date_from": since,
        "date_to": timezone.localdate().isoformat(),
        "resident": wang.pk,
    }

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("residents:reveals"), params).status_code == 200
        return len(queries)

    count()
    few = count()
    for n in range(30):
        client.post(reverse("residents:reveal", args=[wang.pk]), {"field": "phone", "reason": f"联系本人{n}"})
        _export(org, f"年度人口核对{n}", 2, 1)
    assert count() == few
    assert len(_titles(client.get(reverse("residents:reveals"), params).text)) == 25  # a full page
