import datetime

from django.urls import reverse
from django.utils import timezone

from residents.models import Grid
from tests.factories import make_building, make_household, make_resident, valid_id
from tests.url_matrix import Row, committee_a_change, committee_a_view, expect, secretary_only

SENSITIVE_ONLY = {"viewer_a": 403, "officer": 403, "superuser": 403, "worker_b": 200}


def populate(world) -> None:
    world.grid_a = Grid.objects.create(committee=world.a, name="第一网格")
    world.building_a = make_building(world.a, "12")
    world.household_a = make_household(world.building_a, "302", phone="021-65431234")
    world.resident_a = make_resident(
        world.household_a,
        "周勤",
        phone="13812345678",
        id_number=valid_id(datetime.date(1948, 5, 1)),
        categories=["elderly_alone", "dibao"],
    )


def _resident_data(w) -> dict:
    return {"name": "王芳", "relation_to_head": "spouse", "residency_status": "registered", "version": 1}


# The committee's grids (residents/grid_views.py): its secretary's alone (Perm.MANAGE_GRIDS).
GRIDS_PAGE = expect(403, anonymous=302, secretary_a=200)

ROWS = [
    Row("residents:grids", lambda w: reverse("residents:grids"), GRIDS_PAGE),
    Row("residents:grid_new", lambda w: reverse("residents:grid_new"), GRIDS_PAGE, not_allowed="put"),
    Row(
        "residents:grid_new",
        lambda w: reverse("residents:grid_new"),
        expect(403, anonymous=302, secretary_a=302),
        method="post",
        data=lambda w: {"name": "第二网格"},
        not_allowed="put",
    ),
    Row(
        "residents:grid_edit",
        lambda w: reverse("residents:grid_edit", args=[w.grid_a.pk]),
        secretary_only(ok=200),
        not_allowed="put",
    ),
    Row(
        "residents:grid_edit",
        lambda w: reverse("residents:grid_edit", args=[w.grid_a.pk]),
        secretary_only(ok=302),
        method="post",
        data=lambda w: {"name": "第一网格", "buildings": [w.building_a.pk]},
        not_allowed="put",
    ),
    Row("residents:list", lambda w: reverse("residents:list"), expect(200, anonymous=302), not_allowed="put"),
    Row(
        "residents:list",
        lambda w: reverse("residents:list") + "?q=zq",
        expect(200, anonymous=302),
        headers={"HX-Request": "true", "HX-Target": "results"},
        label="htmx",
        not_allowed="put",
    ),
    # The search form, sent by POST (a whole number never in the address: common/hidden_searches.py).
    Row(
        "residents:list",
        lambda w: reverse("residents:list"),
        expect(303, anonymous=302),
        method="post",
        data=lambda w: {"q": "13812345678"},
        not_allowed=None,  # PUT is checked by its GET rows (here anonymous, 302, would be asked)
        label="search",
    ),
    Row(
        "residents:list",
        lambda w: reverse("residents:list"),
        expect(200, anonymous=302),
        method="post",
        data=lambda w: {"q": "13812345678"},
        headers={"HX-Request": "true", "HX-Target": "results"},
        not_allowed="put",
        label="search-htmx",
    ),
    Row("residents:buildings", lambda w: reverse("residents:buildings"), expect(200, anonymous=302)),
    Row(
        "residents:detail", lambda w: reverse("residents:detail", args=[w.resident_a.pk]), committee_a_view()
    ),
    Row(
        "residents:household",
        lambda w: reverse("residents:household", args=[w.household_a.pk]),
        committee_a_view(),
    ),
    Row(
        "residents:building",
        lambda w: reverse("residents:building", args=[w.building_a.pk]),
        committee_a_view(),
    ),
    # The roster is for those who may see sensitive categories; B's worker sees their own (empty) roster.
    Row(
        "residents:roster",
        lambda w: reverse("residents:roster"),
        expect(200, anonymous=302, **SENSITIVE_ONLY),
    ),
    Row(
        "residents:reveals",
        lambda w: reverse("residents:reveals"),
        expect(403, anonymous=302, secretary_a=200),
    ),
    # Its filters (audit/forms.py RevealLogFilterForm): a value it cannot read is said, never a 500.
    Row(
        "residents:reveals",
        lambda w: (
            reverse("residents:reveals")
            + f"?who=王&kind=reveals&date_from=2026-01-01&resident={w.resident_a.pk}"
        ),
        expect(403, anonymous=302, secretary_a=200),
        label="filters",
    ),
    Row(
        "residents:reveals",
        lambda w: reverse("residents:reveals") + "?kind=nonsense&date_from=0001-99-99&date_to=x&resident=x",
        expect(403, anonymous=302, secretary_a=200),
        label="bad-filters",
    ),
    # Its export (.xlsx): the same readers as the log (the secretary); no object by id, so no 404: a
    # resident of another committee named in its filter selects nothing, as on the page.
    Row(
        "residents:reveals_export",
        lambda w: reverse("residents:reveals_export"),
        expect(403, anonymous=302, secretary_a=200),
    ),
    Row(
        "residents:reveals_export",
        lambda w: (
            reverse("residents:reveals_export")
            + f"?who=王&kind=reveals&date_from=2026-01-01&resident={w.resident_a.pk}"
        ),
        expect(403, anonymous=302, secretary_a=200),
        label="filters",
    ),
    # A filter it cannot read: refused, back to the log saying which (a file of more than asked).
    Row(
        "residents:reveals_export",
        lambda w: reverse("residents:reveals_export") + "?kind=nonsense&date_from=0001-99-99",
        expect(403, anonymous=302, secretary_a=302),
        label="bad-filters",
    ),
    Row(
        "residents:visit_new",
        lambda w: reverse("residents:visit_new", args=[w.resident_a.pk]),
        committee_a_change(ok=200),
        not_allowed="put",
    ),
    Row(
        "residents:visit_new",
        lambda w: reverse("residents:visit_new", args=[w.resident_a.pk]),
        committee_a_change(),
        method="post",
        data=lambda w: {
            "method": "home",
            "visited_at": (timezone.localtime() - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "findings": "好",
        },
        not_allowed="put",
    ),
    Row(
        "residents:edit",
        lambda w: reverse("residents:edit", args=[w.resident_a.pk]),
        committee_a_change(ok=200),
        not_allowed="put",
    ),
    Row(
        "residents:edit",
        lambda w: reverse("residents:edit", args=[w.resident_a.pk]),
        committee_a_change(),
        method="post",
        data=lambda w: {
            "name": "周勤",
            "relation_to_head": "head",
            "residency_status": "registered",
            "version": 1,
        },
        not_allowed="put",
    ),
    Row(
        "residents:archive",
        lambda w: reverse("residents:archive", args=[w.resident_a.pk]),
        committee_a_change(ok=200),
        not_allowed="put",
    ),
    Row(
        "residents:new",
        lambda w: reverse("residents:new", args=[w.household_a.pk]),
        committee_a_change(ok=200),
        not_allowed="put",
    ),
    Row(
        "residents:new",
        lambda w: reverse("residents:new", args=[w.household_a.pk]),
        committee_a_change(),
        method="post",
        data=_resident_data,
        not_allowed="put",
    ),
    Row(
        "residents:household_edit",
        lambda w: reverse("residents:household_edit", args=[w.household_a.pk]),
        committee_a_change(ok=200),
        not_allowed="put",
    ),
    Row(
        "residents:household_new",
        lambda w: reverse("residents:household_new", args=[w.building_a.pk]),
        committee_a_change(ok=200),
        not_allowed="put",
    ),
    Row(
        "residents:building_edit",
        lambda w: reverse("residents:building_edit", args=[w.building_a.pk]),
        committee_a_change(ok=200),
        not_allowed="put",
    ),
    # Anyone with a committee where they may edit: B's worker adds to committee B.
    Row(
        "residents:building_new",
        lambda w: reverse("residents:building_new"),
        expect(200, anonymous=302, viewer_a=403, officer=403, superuser=403),
        not_allowed="put",
    ),
    Row(
        "residents:reveal",
        lambda w: reverse("residents:reveal", args=[w.resident_a.pk]),
        secretary_only(ok=200),
        not_allowed="put",
    ),
    Row(
        "residents:reveal",
        lambda w: reverse("residents:reveal", args=[w.resident_a.pk]),
        secretary_only(ok=302),  # Post/Redirect/Get: the number is shown by the GET it leads to
        method="post",
        data=lambda w: {"field": "phone", "reason": "联系家属"},
        not_allowed="put",
    ),
]
