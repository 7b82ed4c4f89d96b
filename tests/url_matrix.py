"""The URL × persona table: every URL pattern of the project, what each persona gets.

Each module in tests/url_rows/ declares ROWS (and optionally `populate(world)`, which adds the
objects its URLs need to the shared world). tests/test_url_personas.py runs every row for every
persona, checks the wrong-method answer, and fails when a URL pattern has no row.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace

PERSONAS = (
    "anonymous",
    "secretary_a",
    "worker_a",
    "viewer_a",
    "worker_b",
    "officer",
    "district",
    "superuser",
)
LOGGED_IN = PERSONAS[1:]
# Personas whose expectation, when a row does not name them, is another persona's. The district
# officer reads the district's streets (committees A and B) exactly as the street officer reads the
# street: read-only, masked, no sensitive categories. So a row written before the persona existed
# (or on a branch that does not know it) gets the street officer's answer for them; rows name
# `district` only where the two differ (the access log, the district overview).
FOLLOWS = {"district": "officer"}

World = SimpleNamespace


@dataclass(frozen=True)
class Row:
    name: str  # the URL name, with namespace ("cases:detail")
    path: Callable[[World], str]
    expect: Mapping[str, int]
    method: str = "get"
    data: Callable[[World], dict] = field(default=lambda w: {})
    headers: Mapping[str, str] = field(default_factory=dict)
    # A method the view must refuse with 405: by default POST for a page and GET for an action;
    # None where Django's own view accepts any method.
    not_allowed: str | None = ""
    label: str = ""  # tells apart two rows of one URL name

    @property
    def wrong_method(self) -> str | None:
        if self.not_allowed == "":
            return "post" if self.method == "get" else "get"
        return self.not_allowed

    @property
    def id(self) -> str:
        return f"{self.name}{'/' + self.label if self.label else ''}:{self.method.upper()}"


def expect(default: int, **overrides: int) -> dict[str, int]:
    """Expected status per persona: `default` for everyone but those named.

    expect(200, anonymous=302, worker_b=404) reads: everyone 200, anonymous to login, B's worker 404.
    """
    unknown = set(overrides) - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas: {unknown}")
    statuses = {p: overrides.get(p, default) for p in PERSONAS}
    for persona, model in FOLLOWS.items():
        if persona not in overrides:
            statuses[persona] = statuses[model]
    return statuses


def add_district_officer(world: World) -> None:
    """The `district` persona: 杨浦区 holds the world's first street (committees A and B), and 吴志明
    is its district officer. The other street (committee C) belongs to no district."""
    from committee.models import District, DistrictOfficer, User

    world.yangpu = District.objects.create(name="杨浦区")
    world.street.district = world.yangpu
    world.street.save(update_fields=["district"])
    world.district = User.objects.create_user(
        username="district", password="correct horse battery", full_name="吴志明"
    )
    DistrictOfficer.objects.create(user=world.district, district=world.yangpu)
    world.users["district"] = world.district


def committee_a_view(**overrides: int) -> dict[str, int]:
    """A read-only page about committee A: its staff, the street and district officers and the
    superuser read it; B's worker gets 404 (the object is outside their committees); anonymous
    goes to login."""
    return expect(200, anonymous=302, worker_b=404, **overrides)


def committee_a_change(ok: int = 302, **overrides: int) -> dict[str, int]:
    """A write on committee A by a worker or the secretary; the viewer, street and district officers
    and superuser read only (403); B's worker cannot see it (404)."""
    base = {"viewer_a": 403, "officer": 403, "superuser": 403}
    base.update(overrides)
    return expect(ok, anonymous=302, worker_b=404, **base)


def secretary_only(ok: int = 302, **overrides: int) -> dict[str, int]:
    """A secretary's action on committee A."""
    base = {"worker_a": 403, "viewer_a": 403, "officer": 403, "superuser": 403}
    base.update(overrides)
    return expect(ok, anonymous=302, worker_b=404, **base)
