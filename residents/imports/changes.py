"""What an import changes, resident by resident: recorded when the rows are planned, shown on the
preview (before the commit, so that the secretary reads exactly what will be written) and kept on
the run after it.

Each updated resident is one entry: the row, the resident (their recorded name, and a link), each
field that changes as old → new, and a move (old address → new) when the row's address is another
household's. An updated household's housing type likewise. Stored as values, not words: a choice as
its code and a care category's names in every language, turned into words in the reader's language
when shown (`shown`); personal numbers are stored masked, as every page shows them (the ID number
3101**********1234, the phone 138****5678, a number typed into a name or the notes).
"""

from __future__ import annotations

from django.utils.translation import get_language, gettext

from common.masking import mask_id_number, mask_numbers_in_text, mask_phone
from residents.addresses import household_address
from residents.imports import problems
from residents.imports.columns import COLUMN_BY_KEY
from residents.imports.plans import HouseholdState
from residents.models import CareCategory, Household, Resident

MAX_CHANGES_KEPT = 1000  # a file that changes more residents lists the first thousand and the total
NOTES_SHOWN = 60  # characters of the notes shown on each side of the arrow

# The resident's fields an import may change, in the template's order of columns.
FIELDS = (
    "name",
    "gender",
    "birth_date",
    "id_number",
    "phone",
    "relation_to_head",
    "residency_status",
    "care_categories",
    "notes",
)
CHOICES = {
    "gender": Resident.Gender,
    "relation_to_head": Resident.Relation,
    "residency_status": Resident.ResidencyStatus,
    "housing_type": Household.HousingType,
}


def address(household: HouseholdState) -> str:
    building = household.building
    return household_address(building.road, building.lane, building.number, household.room)


def _stored(field: str, value) -> str:
    """A field's value as the list keeps it: masked as pages show it, a choice as its code."""
    if value in (None, ""):
        return ""
    if field == "id_number":
        return mask_id_number(value)
    if field == "phone":
        return mask_phone(value)
    if field == "birth_date":
        return value.isoformat()
    if field == "notes":
        text = mask_numbers_in_text(value)
        return text if len(text) <= NOTES_SHOWN else text[: NOTES_SHOWN - 1] + "…"
    return mask_numbers_in_text(str(value))


def care_names(categories: dict[int, CareCategory], pks) -> dict:
    """The care categories' names, listed in every language."""
    chosen = [categories[pk] for pk in sorted(pks) if pk in categories]
    return problems.per_language(lambda: problems.listed(c.label for c in chosen))


def resident_change(
    row_number: int,
    resident: Resident,
    changes: dict,
    *,
    care: tuple[set[int], set[int]] | None,
    categories: dict[int, CareCategory],
    moved: tuple[str, str] | None,
) -> dict:
    """One updated resident's entry: the fields that change (old → new) and the move."""
    fields = []
    for field in FIELDS:
        if field == "care_categories":
            if care is not None:
                old, new = care
                # What is added and what is taken off, named: "A → B" alone reads too easily as
                # "adds B" in a long list.
                fields.append(
                    [
                        field,
                        care_names(categories, old),
                        care_names(categories, new),
                        care_names(categories, new - old) if new - old else None,
                        care_names(categories, old - new) if old - new else None,
                    ]
                )
        elif field in changes:
            fields.append([field, _stored(field, getattr(resident, field)), _stored(field, changes[field])])
    entry = {
        "row": row_number,
        "resident": resident.pk,
        "name": mask_numbers_in_text(resident.name)[:40],
        "fields": fields,
    }
    if moved:
        entry["move"] = list(moved)
    return entry


def household_change(household: HouseholdState) -> dict:
    """An existing household whose housing type the file changes."""
    return {
        "row": household.housing_type_row,
        "household": household.pk,
        "address": address(household),
        "fields": [["housing_type", household.original_housing_type or "", household.housing_type]],
    }


# --- Shown ----------------------------------------------------------------------------------------


def _label(field: str) -> str:
    """The field's column, as the template's header names it in the reader's language."""
    column = COLUMN_BY_KEY[field]
    return column.header if (get_language() or "").startswith("zh") else column.header_en


def _shown_value(field: str, value) -> str:
    if isinstance(value, dict):  # stored in every language
        return problems.shown_param(value)
    choices = CHOICES.get(field)
    if choices is not None and value:
        try:
            return str(choices(value).label)
        except ValueError:
            return value
    return value


def shown(entry: dict) -> dict:
    """An entry as the page shows it: each field's column name and values in the reader's language."""
    fields = []
    for field, old, new, *care in entry.get("fields", []):
        shown_field = {
            "label": _label(field),
            "old": _shown_value(field, old),
            "new": _shown_value(field, new),
        }
        if care:  # the care categories added and taken off (a run kept before they were lists none)
            added, removed = care
            shown_field["added"] = _shown_value(field, added) if added else ""
            shown_field["removed"] = _shown_value(field, removed) if removed else ""
        fields.append(shown_field)
    return {**entry, "fields": fields}


def written(counts: dict) -> str:
    """What a committed run wrote, in the reader's language: the residents added and updated, and
    those the file left as recorded (not "1,949 rows written" when 2 residents changed)."""
    residents = counts.get("residents", {})
    words = gettext(
        "Residents: %(created)d new, %(updated)d updated, %(unchanged)d already as recorded and left "
        "unchanged."
    ) % {key: int(residents.get(key, 0)) for key in ("created", "updated", "unchanged")}
    buildings = int(counts.get("buildings", {}).get("created", 0))
    households = int(counts.get("households", {}).get("created", 0))
    if buildings or households:
        words += " " + gettext("New buildings: %(buildings)d; new households: %(households)d.") % {
            "buildings": buildings,
            "households": households,
        }
    return words
