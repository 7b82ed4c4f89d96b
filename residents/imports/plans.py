"""A run's plan: each row of the file as read and cleaned (Row), the building and household it names
(BuildingState, HouseholdState), what is written for it (Plan), and what the preview and the commit
report (Report, Counts).

Plain records, apart from the steps that fill them (cleaning, households, matching) and the writer
that reads them, so that each of those names them without importing another.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.crypto import salted_hmac

from residents.imports import problems
from residents.models import Resident

MAX_WARNINGS_KEPT = 1000  # as many as the changes listed (changes.MAX_CHANGES_KEPT)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class Report:
    mapping: list[dict] = field(default_factory=list)
    rows: int = 0
    skipped_example: bool = False
    buildings: Counts = field(default_factory=Counts)
    households: Counts = field(default_factory=Counts)
    residents: Counts = field(default_factory=Counts)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    bad_rows: int = 0
    # What changes (residents/imports/changes.py): each updated resident's fields old → new and move,
    # the first MAX_CHANGES_KEPT; each updated household's housing type; and each household the
    # import leaves without a head (a warning: a move or a new relation may be right).
    changes: list[dict] = field(default_factory=list)
    household_changes: list[dict] = field(default_factory=list)
    without_head: list[dict] = field(default_factory=list)
    # What the secretary should check though the rows are good (residents/imports/warnings.py): a
    # household given a second head, a room that reads as another building's, a care category the
    # age contradicts. Each names its row; the first MAX_CHANGES_KEPT are kept, all are counted.
    warnings: list[dict] = field(default_factory=list)
    warning_count: int = 0
    care_removed: int = 0  # residents a "-" in the care categories' cell takes a category off
    # The buildings and households the import would add, by address with the first row naming each
    # (the first MAX_WARNINGS_KEPT; counted in full among the buildings and households): a typo in a
    # house number adds a building, the rarest change of a monthly import and the one to spot.
    new_buildings: list[dict] = field(default_factory=list)
    new_households: list[dict] = field(default_factory=list)
    # Rows above the column headers (a roster's title, "定海居民区居民花名册"): skipped, and said.
    skipped_rows: list[dict] = field(default_factory=list)
    # What the plan was made from (see basis_of): the commit refuses to write a plan the registry has
    # changed under since the preview (runs.commit_import).
    basis: str = ""
    stale: bool = False

    def __post_init__(self) -> None:
        self._basis = salted_hmac("residents.imports.basis", "", algorithm="sha256")

    def note_basis(self, *parts) -> None:
        """One row's plan as the registry made it: its resident, address and each change with the
        value it replaces. The commit makes the plan again under its lock and must find the same
        (runs.commit_import); keyed with the site's secret, so that the kept digest tells nothing."""
        self._basis.update(repr(parts).encode() + b"\x1e")

    def seal_basis(self) -> None:
        self.basis = self._basis.hexdigest()

    def warn(self, message, **params) -> None:
        """A warning about a row: the message and its parameters, the row's number among them."""
        self.warning_count += 1
        if len(self.warnings) < MAX_WARNINGS_KEPT:
            self.warnings.append(
                {
                    "row": params["row"],
                    "msgid": problems.msgid(message),
                    "params": problems.stored_params(params),
                }
            )

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def counts(self) -> dict:
        return {
            "rows": self.rows,
            "buildings": self.buildings.as_dict(),
            "households": self.households.as_dict(),
            "residents": self.residents.as_dict(),
            "bad_rows": self.bad_rows,
            "error_count": self.error_count,
            "care_removed": self.care_removed,
        }

    def changes_kept(self) -> dict:
        """What the run keeps of the changes (ImportRun.changes)."""
        return {
            "residents": self.changes,
            "households": self.household_changes,
            "without_head": self.without_head,
            "warnings": sorted(self.warnings, key=lambda w: w["row"]),
            "warning_count": self.warning_count,
            "new_buildings": self.new_buildings,
            "new_households": self.new_households,
            "skipped_rows": self.skipped_rows,
            "basis": self.basis,
        }


@dataclass
class BuildingState:
    road: str
    lane: str
    number: str
    pk: int | None = None
    created: bool = False


@dataclass
class HouseholdState:
    building: BuildingState
    room: str
    pk: int | None = None
    housing_type: str = ""
    phone: str = ""  # recorded (the import leaves it): part of its residents' search keys
    original_housing_type: str | None = None  # None: a new household
    housing_type_row: int = 0
    written_housing_type: str = ""
    in_file: bool = False
    first_row: int = 0  # the first good row at this address (the preview names a new household by it)


@dataclass
class Row:
    number: int
    values: dict[str, str]
    household: HouseholdState | None = None
    id_number: str = ""  # full and valid, or ""
    id_birth_date: datetime.date | None = None
    id_masked: str = ""
    birth_date: datetime.date | None = None
    birth_date_masked: str = ""
    gender: str = ""
    phone: str = ""
    phone_masked: str = ""
    relation_to_head: str = ""  # the choice's code
    residency_status: str = ""  # the choice's code
    care: set[int] | None = None  # the care categories the cell adds (None: an empty cell)
    care_removed: set[int] = field(default_factory=set)  # and those it marks "-" for removal
    errors: list[tuple[str, str, dict]] = field(default_factory=list)  # (column key, msgid, params)

    def error(self, column_key: str, message, **params) -> None:
        """A problem of this row's cell: the message (gettext_lazy's, put into words when shown,
        residents/imports/problems.py) and its parameters."""
        self.errors.append((column_key, problems.msgid(message), problems.stored_params(params)))

    def refuse(self, column_key: str, error) -> None:
        """The problems a ValidationError of the registry's (a validator, a model's rule) names."""
        for msgid, params in problems.validation_messages(error):
            self.errors.append((column_key, msgid, params))

    def has_error(self, column_key: str) -> bool:
        return any(key == column_key for key, _msgid, _params in self.errors)


@dataclass(eq=False)
class Plan:
    row: Row
    resident: Resident | None
    values: dict  # new: every given field; existing: the fields that change
    care: set[int]
    care_changed: bool = False
    is_new: bool = False
    resident_pk: int | None = None  # set for a new resident once it is written

    def __post_init__(self) -> None:
        if self.resident is not None:
            self.resident_pk = self.resident.pk
