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
