"""The scope's condition left out where an InIds already keeps a query within it (committee/scoping.py
_InScope._implied): every query below is run with the elision and with the scope's condition always
written; the two must agree, under every scope, and a scoped model's rows must stay in the scope."""

from unittest import mock

import pytest
from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber

from committee.scoping import InIds, _InScope, committee_scope, unscoped
from residents.models import Building, Grid, Household
from tests.factories import make_building, make_grid


@pytest.fixture
def world(org):
    a, b, c = org.a, org.b, org.c
    ga, gb = make_grid(a, "ga"), make_grid(b, "gb")
    make_grid(c, "gc")
    b1 = make_building(a, "1", grid=gb)  # a's building on b's grid
    b2 = make_building(b, "2", grid=ga)  # b's building on a's grid
    make_building(c, "3", grid=ga)
    b4 = make_building(a, "4", grid=ga)
    b5 = make_building(b, "5", grid=gb)
    # households whose committee is not their building's (the cross links are the point)
    Household.all_objects.create(committee=b, building=b1, room="h1")
    Household.all_objects.create(committee=a, building=b2, room="h2")
    Household.all_objects.create(committee=a, building=b4, room="h3")
    Household.all_objects.create(committee=b, building=b5, room="h4")
    Household.all_objects.create(committee=c, building=b4, room="h5")
    return org


def _rolled_back(fn):
    def run():
        with transaction.atomic():
            try:
                return fn()
            finally:
                transaction.set_rollback(True)

    return run


def queries(org):
    A, B = org.a.pk, org.b.pk
    ids = [A]
    nums = lambda qs: sorted(qs.values_list("number", flat=True))  # noqa: E731
    rooms = lambda qs: sorted(qs.values_list("room", flat=True))  # noqa: E731
    allb = Building.all_objects

    def notes():
        return sorted(allb.filter(notes="x").values_list("number", flat=True))

    def hh_left():
        return sorted(Household.all_objects.values_list("room", flat=True))

    def upd(qs_fn):
        def run():
            n = qs_fn().update(notes="x")
            return n, notes()

        return _rolled_back(run)

    def dele(qs_fn):
        def run():
            n = qs_fn().delete()
            return n, hh_left()

        return _rolled_back(run)

    def twice():
        qs = Building.objects.filter(InIds("committee_id", ids))
        first = nums(qs)
        with committee_scope([B]):
            second = nums(qs)
            third = [x.number for x in qs.all()]
        return first, second, third

    return {
        "plain": lambda: nums(Building.objects.filter(InIds("committee_id", ids))),
        "fk-name": lambda: nums(Building.objects.filter(InIds("committee", ids))),
        "a+b": lambda: nums(Building.objects.filter(InIds("committee_id", [A, B]))),
        "join-grid": lambda: nums(Building.objects.filter(InIds("grid__committee_id", ids))),
        "join-building": lambda: rooms(Household.objects.filter(InIds("building__committee_id", ids))),
        "join-same-table": lambda: rooms(
            Household.objects.filter(InIds("building__households__committee_id", ids))
        ),
        "join-same-table-distinct": lambda: rooms(
            Household.objects.filter(InIds("building__households__committee_id", ids)).distinct()
        ),
        "in-subquery-all": lambda: nums(
            Building.objects.filter(pk__in=allb.filter(InIds("committee_id", [A, B])).values("pk"))
        ),
        "all-outer-scoped-inner": lambda: nums(
            allb.filter(pk__in=Building.objects.filter(InIds("committee_id", ids)).values("pk"))
        ),
        "all-outer-inids-scoped-inner": lambda: nums(
            allb.filter(InIds("committee_id", ids), pk__in=Building.objects.values("pk"))
        ),
        "scoped-outer-inids-inner-scoped": lambda: nums(
            Building.objects.filter(pk__in=Building.objects.filter(InIds("committee_id", ids)).values("pk"))
        ),
        "exists-outerref-inids": lambda: nums(
            allb.filter(Exists(Building.objects.filter(InIds(OuterRef("committee_id"), ids))))
        ),
        "exists-outerref-inids-scoped-outer": lambda: nums(
            Building.objects.filter(Exists(Building.objects.filter(InIds(OuterRef("committee_id"), ids))))
        ),
        "exists-outerref-grid": lambda: sorted(
            Grid.all_objects.filter(
                InIds("committee_id", ids), Exists(Building.objects.filter(grid=OuterRef("pk")))
            ).values_list("name", flat=True)
        ),
        "subquery-annotation": lambda: sorted(
            allb.filter(InIds("committee_id", ids))
            .annotate(
                other=Subquery(
                    Building.objects.filter(grid=OuterRef("grid")).order_by("-number").values("number")[:1]
                )
            )
            .values_list("number", "other")
        ),
        "subquery-inner-inids-outerref-col": lambda: sorted(
            Household.all_objects.annotate(
                hit=Subquery(
                    Building.objects.filter(
                        InIds(OuterRef("committee_id"), ids), pk=OuterRef("building_id")
                    ).values("number")[:1]
                )
            ).values_list("room", "hit")
        ),
        "or-inids-left": lambda: nums(
            Building.objects.filter(InIds("committee_id", ids)) | Building.objects.filter(number="2")
        ),
        "or-inids-right": lambda: nums(
            Building.objects.filter(number="2") | Building.objects.filter(InIds("committee_id", ids))
        ),
        "or-then-inids": lambda: nums(
            (Building.objects.all() | Building.objects.filter(number="2")).filter(InIds("committee_id", ids))
        ),
        "or-all-vs-allobjects": lambda: nums(
            (Building.objects.filter(number="3") | Building.objects.filter(number="2")).filter(
                InIds("committee_id", ids)
            )
        ),
        "and": lambda: nums(Building.objects.filter(InIds("committee_id", ids)) & Building.objects.all()),
        "and-rev": lambda: nums(Building.objects.all() & Building.objects.filter(InIds("committee_id", ids))),
        "and-join": lambda: nums(
            Building.objects.filter(grid__name="ga")
            & Building.objects.filter(InIds("grid__committee_id", ids))
        ),
        "xor-then-inids": lambda: nums(
            (Building.objects.filter(number="1") ^ Building.objects.all()).filter(InIds("committee_id", ids))
        ),
        "xor-inids": lambda: nums(
            Building.objects.filter(InIds("committee_id", ids)) ^ Building.objects.filter(number="2")
        ),
        "union": lambda: sorted(
            Building.objects.filter(InIds("committee_id", ids))
            .order_by()
            .values_list("number", flat=True)
            .union(Building.objects.order_by().values_list("number", flat=True))
            .order_by()
        ),
        "union-count": lambda: (
            Building.objects.filter(InIds("committee_id", ids))
            .order_by()
            .values_list("number")
            .union(Building.objects.order_by().values_list("number"))
            .order_by()
            .count()
        ),
        "difference": lambda: sorted(
            Building.objects.order_by()
            .values_list("number", flat=True)
            .difference(
                Building.objects.filter(InIds("committee_id", ids))
                .order_by()
                .values_list("number", flat=True)
            )
            .order_by()
        ),
        "exclude": lambda: nums(Building.objects.filter(InIds("committee_id", ids)).exclude(number="1")),
        "exclude-not-inids": lambda: nums(Building.objects.exclude(~Q(InIds("committee_id", ids)))),
        "filter-not-not": lambda: nums(Building.objects.filter(~~Q(InIds("committee_id", ids)))),
        "q-or-inside": lambda: nums(
            Building.objects.filter(Q(InIds("committee_id", ids)) & (Q(number="2") | Q(number="4")))
        ),
        "filtered-relation": lambda: sorted(
            Grid.objects.annotate(
                bs=FilteredRelation("buildings", condition=Q(buildings__committee_id__in=[A, B]))
            )
            .filter(InIds("committee_id", ids))
            .values_list("name", "bs__number")
        ),
        "filtered-relation-inids": lambda: sorted(
            Grid.objects.annotate(
                bs=FilteredRelation("buildings", condition=Q(InIds("buildings__committee_id", ids)))
            ).values_list("name", "bs__number")
        ),
        "update": upd(lambda: Building.objects.filter(InIds("committee_id", ids))),
        "update-join": upd(lambda: Building.objects.filter(InIds("committee_id", ids), grid__name="ga")),
        "update-join-inids": upd(lambda: Building.objects.filter(InIds("grid__committee_id", ids))),
        "update-or": upd(
            lambda: (Building.objects.all() | Building.objects.filter(number="2")).filter(
                InIds("committee_id", ids)
            )
        ),
        "update-or-join": upd(
            lambda: (Building.objects.filter(grid__name="gb") | Building.objects.filter(number="2")).filter(
                InIds("committee_id", ids)
            )
        ),
        "delete": dele(lambda: Household.objects.filter(InIds("committee_id", ids))),
        "delete-join": dele(lambda: Household.objects.filter(InIds("building__committee_id", ids))),
        "delete-join-both": dele(
            lambda: Household.objects.filter(InIds("committee_id", ids), building__number="4")
        ),
        "delete-or": dele(
            lambda: (Household.objects.all() | Household.objects.filter(room="h1")).filter(
                InIds("committee_id", ids)
            )
        ),
        "count-sliced": lambda: Building.objects.filter(InIds("committee_id", ids))[:10].count(),
        "count-distinct": lambda: Building.objects.filter(InIds("committee_id", ids)).distinct().count(),
        "count-values-distinct": lambda: (
            Building.objects.filter(InIds("committee_id", ids)).values("grid").distinct().count()
        ),
        "count-join-distinct": lambda: (
            Building.objects.filter(InIds("grid__committee_id", ids)).distinct().count()
        ),
        "values-annotate": lambda: sorted(
            Building.objects.filter(InIds("committee_id", ids))
            .values("grid_id")
            .annotate(n=Count("pk"))
            .values_list("grid_id", "n")
        ),
        "values-annotate-aggregate": lambda: (
            Building.objects.filter(InIds("committee_id", ids))
            .values("grid_id")
            .annotate(n=Count("pk"))
            .aggregate(m=Max("n"))
        ),
        "aggregate-filter": lambda: Grid.objects.filter(InIds("committee_id", ids)).aggregate(
            n=Count("buildings", filter=Q(InIds("buildings__committee_id", ids)))
        ),
        "aggregate-filter-base": lambda: Building.objects.aggregate(
            n=Count("pk", filter=Q(InIds("committee_id", ids)))
        ),
        "annotate-filter-having": lambda: sorted(
            Grid.objects.filter(InIds("committee_id", ids))
            .annotate(n=Count("buildings"))
            .filter(Q(n__gt=0) | Q(name="gb"))
            .values_list("name", "n")
        ),
        "prefetch": lambda: sorted(
            (g.name, sorted(x.number for x in g.buildings.all()))
            for g in Grid.objects.filter(InIds("committee_id", ids)).prefetch_related("buildings")
        ),
        "prefetch-inids": lambda: sorted(
            (g.name, sorted(x.number for x in g.buildings.all()))
            for g in Grid.all_objects.prefetch_related(
                Prefetch("buildings", queryset=Building.objects.filter(InIds("committee_id", ids)))
            )
        ),
        "prefetch-inids-grid": lambda: sorted(
            (g.name, sorted(x.number for x in g.buildings.all()))
            for g in Grid.all_objects.prefetch_related(
                Prefetch("buildings", queryset=Building.objects.filter(InIds("grid__committee_id", ids)))
            )
        ),
        "window-qualify": lambda: sorted(
            Building.objects.filter(InIds("committee_id", ids))
            .annotate(rn=Window(RowNumber(), partition_by=F("grid"), order_by=F("number")))
            .filter(Q(rn=1) | Q(number="2"))
            .values_list("number", flat=True)
        ),
        "window-or-combined": lambda: sorted(
            (
                Building.objects.annotate(rn=Window(RowNumber(), order_by=F("number"))).filter(rn=1)
                | Building.objects.annotate(rn=Window(RowNumber(), order_by=F("number"))).filter(number="2")
            )
            .filter(InIds("committee_id", ids))
            .values_list("number", flat=True)
        ),
        "related-manager": lambda: sorted(
            x.number for g in Grid.all_objects.all() for x in g.buildings.filter(InIds("committee_id", ids))
        ),
        "in_bulk": lambda: sorted(Building.objects.filter(InIds("committee_id", ids)).in_bulk()),
        "exists": lambda: Building.objects.filter(InIds("committee_id", ids), number="2").exists(),
        "having": lambda: sorted(
            Building.objects.filter(InIds("committee_id", ids))
            .values("committee_id")
            .annotate(n=Count("pk"))
            .filter(Q(n__gt=1) | Q(committee_id=A))
            .values_list("committee_id", "n")
        ),
        "prefetch-sliced-qualify": lambda: sorted(
            (g.name, sorted(x.number for x in g.first))
            for g in Grid.all_objects.prefetch_related(
                Prefetch(
                    "buildings",
                    queryset=Building.objects.filter(InIds("committee_id", ids)).order_by("number")[:1],
                    to_attr="first",
                )
            )
        ),
        "prefetch-sliced-qualify-join": lambda: sorted(
            (g.name, sorted(x.number for x in g.first))
            for g in Grid.all_objects.prefetch_related(
                Prefetch(
                    "buildings",
                    queryset=Building.objects.filter(InIds("grid__committee_id", ids)).order_by("number")[:1],
                    to_attr="first",
                )
            )
        ),
        "nested-outerref-outerref": lambda: sorted(
            Grid.all_objects.annotate(
                hit=Exists(
                    Building.objects.filter(
                        grid=OuterRef("pk"),
                        pk__in=Household.objects.filter(
                            InIds(OuterRef(OuterRef("committee_id")), ids), building=OuterRef("pk")
                        ).values("building_id"),
                    )
                )
            ).values_list("name", "hit")
        ),
        "only-iterator": lambda: sorted(
            x.number for x in Building.objects.filter(InIds("committee_id", ids)).only("number").iterator()
        ),
        "subquery-of-union": lambda: nums(
            Building.all_objects.filter(
                pk__in=Building.objects.filter(InIds("committee_id", ids))
                .order_by()
                .values("pk")
                .union(Building.objects.filter(number="2").order_by().values("pk"))
            )
        ),
        "bulk-update": _rolled_back(
            lambda: (
                Building.objects.bulk_update(
                    [setattr(x, "notes", "x") or x for x in Building.all_objects.all()], ["notes"]
                ),
                notes(),
            )
        ),
        "get-or-none": lambda: [
            Building.objects.filter(InIds("committee_id", ids), number=n).first() is not None for n in "12345"
        ],
        # Two scope conditions never stand for each other (type(condition) is InIds, not _InScope).
        "and-scoped-only": lambda: nums(Building.objects.all() & Building.objects.all()),
        "twice": twice,
    }


SCOPES = ["a", "b", "ab", "none", "empty"]


def _scope(org, name):
    if name == "none":
        return unscoped()
    ids = {"a": [org.a.pk], "b": [org.b.pk], "ab": [org.a.pk, org.b.pk], "empty": []}[name]
    return committee_scope(ids)


@pytest.mark.parametrize("scope", SCOPES)
def test_the_elision_changes_no_result(world, scope):
    org = world
    differences = {}
    errors = {}
    for name, fn in queries(org).items():
        try:
            with _scope(org, scope):
                elided = fn()
            with mock.patch.object(_InScope, "_implied", lambda self, where, ids: False), _scope(org, scope):
                written = fn()
        except Exception as error:
            errors[name] = repr(error)
            continue
        if elided != written:
            differences[name] = (elided, written)
    assert not differences and not errors, (differences, errors)


def test_the_queries_above_do_exercise_the_elision(world):
    """Under scope {a}: where the scope's condition is left out and where it is kept (so that the
    comparison above compares something)."""
    org = world
    original = _InScope._implied
    seen = []

    def spy(self, where, ids):
        seen.append(original(self, where, ids))
        return seen[-1]

    elided = {}
    with mock.patch.object(_InScope, "_implied", spy), committee_scope([org.a.pk]):
        for name, fn in queries(org).items():
            seen.clear()
            fn()
            elided[name] = sum(seen)
    for name in (
        "or-then-inids",
        "or-all-vs-allobjects",
        "xor-then-inids",
        "and-rev",
        "update-join",
        "update-or-join",
        "delete-or",
        "count-sliced",
        "count-distinct",
        "window-qualify",
        "prefetch-sliced-qualify",
        "having",
        "filtered-relation",
    ):
        assert elided[name], name
    for name in (
        "a+b",
        "join-grid",
        "join-building",
        "join-same-table",
        "exists-outerref-inids-scoped-outer",
        "or-inids-left",
        "xor-inids",
        "exclude-not-inids",
        "filtered-relation-inids",
        "update-join-inids",
        "delete-join",
        "count-join-distinct",
        "prefetch-sliced-qualify-join",
        "nested-outerref-outerref",
        "and-scoped-only",
    ):
        assert not elided[name], name
