"""A run's plan: each row of the file as read and cleaned (Row), the building and household it names
(BuildingState, HouseholdState), what is written for it (Plan), and what the preview and the commit
report (Report, Counts).

Plain records, apart from the steps that fill them (cleaning, households, matching) and the writer
that reads them, so that each of those names them without importing another.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

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
        }

    def changes_kept(self) -> dict:
        """What the run keeps of the changes (ImportRun.changes)."""
        return {
            "residents": self.changes,
            "households": self.household_changes,
            "without_head": self.without_head,
            "warnings": sorted(self.warnings, key=lambda w: w["row"]),
            "warning_count": self.warning_count,
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
    care: set[int] | None = None
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
