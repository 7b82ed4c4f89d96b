"""Matching and planning: who each cleaned row is (a resident by ID number, else by name within the
household) and what its import changes (Plan: every given field of a new resident; an existing one's
fields that change, empty and masked cells keeping what is recorded).

Apart from cleaning (residents/imports/cleaning.py), which judges a row's cells alone: this reads the
registry, a batch at a time, and refuses what only the registry shows (an ID number of another
committee, two namesakes in one household, the same resident twice in the file).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from committee.models import Committee
from committee.scoping import unscoped
from common.masking import mask_id_number, mask_numbers_in_text, mask_phone
from residents.imports.cleaning import message
from residents.imports.plans import Counts, Plan, Row
from residents.models import Resident


class Matcher:
    """Matches the batches of one run; remembers the residents matched and the new residents without
    an ID number (each once in the file)."""

    def __init__(
        self, committee: Committee, *, residents: Counts, created_pks: set[int], today: datetime.date
    ) -> None:
        self.committee = committee
        self.residents = residents  # the report's residents created, updated, unchanged
        self.created_pks = created_pks  # residents this run created (the writer adds them)
        self._today = today
        self._residents_seen: dict[int, int] = {}  # resident pk → first row
        self._new_names: dict[tuple[int, str], int] = {}  # (household, name) of created ID-less residents

    def check_ids_across_deployment(self, batch: list[Row]) -> dict[str, Resident]:
        """Residents of this committee with the batch's ID numbers. An ID number registered in
        another committee is refused without saying where. One query on the unique ID index: a
        committee filter here would mislead the planner while a big import grows the table."""
        ids = [row.id_number for row in batch if row.id_number]
        if not ids:
            return {}
        with unscoped():
            found = list(Resident.objects.filter(id_number__in=ids))
        elsewhere = {r.id_number for r in found if r.committee_id != self.committee.pk}
        for row in batch:
            if row.id_number in elsewhere:
                row.error(
                    "id_number",
                    _(
                        "This ID number is registered to a resident of another committee. Check it with the "
                        "street office before importing this person."
                    ),
                )
        return {r.id_number: r for r in found if r.committee_id == self.committee.pk}

    def match(self, batch: list[Row], existing: dict[str, Resident]) -> list[Plan]:
        """Find each row's resident (by ID, else by name in the household) and decide what changes."""
        # Namesakes are looked up only for rows their ID number did not match: a re-import of a
        # registry with ID numbers then reads each resident once, not twice.
        household_pks = {
            row.household.pk
            for row in batch
            if row.household and row.household.pk and row.id_number not in existing
        }
        by_name: dict[tuple[int, str], list[Resident]] = {}
        # The households are this committee's own (their pks came from it): no committee filter, so
        # the household index is used.
        for resident in Resident.all_objects.filter(household_id__in=household_pks):
            if resident.pk in self.created_pks:  # this run created it
                continue
            by_name.setdefault((resident.household_id, resident.name), []).append(resident)
        matched = [r.pk for r in existing.values()] + [r.pk for rs in by_name.values() for r in rs]
        care: dict[int, set[int]] = {}
        through = Resident.care_categories.through
        for resident_id, category_id in through.objects.filter(resident_id__in=matched).values_list(
            "resident_id", "carecategory_id"
        ):
            care.setdefault(resident_id, set()).add(category_id)

        plans = []
        for row in batch:
            if row.errors or row.household is None:
                continue
            resident = existing.get(row.id_number) if row.id_number else None
            if resident is None and row.household.pk:
                namesakes = by_name.get((row.household.pk, row.values["name"]), [])
                if row.id_number:  # a namesake still without an ID number is the same person
                    namesakes = [r for r in namesakes if not r.id_number]
                elif row.id_masked:
                    namesakes = [
                        r for r in namesakes if r.id_number and mask_id_number(r.id_number) == row.id_masked
                    ]
                if len(namesakes) > 1:
                    row.error(
                        "name",
                        _(
                            "Two residents of this household are called %(name)s; "
                            "give the ID number to say which."
                        )
                        % {"name": mask_numbers_in_text(row.values["name"])},
                    )
                    continue
                resident = namesakes[0] if namesakes else None
            if resident is None and row.id_masked:
                row.error(
                    "id_number",
                    _(
                        "This ID number is masked and matches no resident of this household with this name. "
                        "Enter the full number."
                    ),
                )
                continue
            if resident is not None:
                first = self._residents_seen.setdefault(resident.pk, row.number)
                if first != row.number:
                    row.error(
                        "name", _("This resident also appears in row %(row)d of the file.") % {"row": first}
                    )
                    continue
            if resident is None and not row.id_number:
                key = (id(row.household), row.values["name"])
                first = self._new_names.setdefault(key, row.number)
                if first != row.number:
                    row.error(
                        "name", _("This resident also appears in row %(row)d of the file.") % {"row": first}
                    )
                    continue
            if row.birth_date and (resident is None or row.birth_date != resident.birth_date):
                # The registry's rule (Resident.check_birth_date) for a birth date that would be
                # written: one the registry holds already (from before the rule) imports back as it is.
                try:
                    Resident.check_birth_date(row.birth_date, today=self._today)
                except ValidationError as error:
                    row.error("birth_date", message(error))
                    continue
            if row.phone_masked and (resident is None or mask_phone(resident.phone) != row.phone_masked):
                row.error(
                    "phone", _("This phone number is masked and does not match the record; enter it in full.")
                )
                continue
            plans.append(self._plan(row, resident, care.get(resident.pk, set()) if resident else set()))
        return plans

    def _plan(self, row: Row, resident: Resident | None, care: set[int]) -> Plan:
        row.household.in_file = True  # counted among the households (and buildings) of good rows
        v = row.values
        wanted = {
            "name": v["name"],
            "gender": row.gender,
            "birth_date": row.birth_date,
            "id_number": row.id_number,
            "phone": row.phone,
            "relation_to_head": row.relation_to_head,
            "residency_status": row.residency_status,
            "notes": v.get("notes", ""),
        }
        if resident is None:
            self.residents.created += 1
            values = {k: value for k, value in wanted.items() if value not in ("", None)}
            if not values.get("id_number"):
                values["id_number"] = None
            return Plan(row, None, values, row.care or set(), care_changed=bool(row.care), is_new=True)
        if wanted["notes"] and wanted["notes"] == mask_numbers_in_text(resident.notes):
            # The notes as the masked registry export wrote them (a typed number masked): what is
            # recorded stays, the mask is never written over the number.
            wanted["notes"] = resident.notes
        changes = {}
        for key, value in wanted.items():
            # Empty cells keep what is recorded.
            if value not in ("", None) and getattr(resident, key) != value:
                changes[key] = value
        if resident.household_id != row.household.pk:  # moved (maybe to a household this run creates)
            changes["household_id"] = None
        care_changed = row.care is not None and row.care != care
        if changes or care_changed:
            self.residents.updated += 1
        else:
            self.residents.unchanged += 1
        return Plan(row, resident, changes, row.care if care_changed else set(), care_changed=care_changed)
