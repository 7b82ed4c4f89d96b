"""The names a list of cases shows beside each case (its category, its assignee, its committee),
read from the cache (common/refdata.py) rather than joined into every list's query: a join per
name made the rows' query cost more to plan and to turn into objects than to run."""

from cases.models import CaseCategory, OutsideBody, label_in_language
from cases.rules import case_workers
from committee.models import Committee, User
from common import refdata


def category_names() -> list[tuple[str, str, str]]:
    """Every case category as (code, name, name_en), in their order."""
    return [(code, name, name_en) for _pk, code, name, name_en in _categories()]


def category_labels() -> dict[int, str]:
    """Category id → its name in the active language."""
    return {pk: label_in_language(name, name_en) for pk, _code, name, name_en in _categories()}


def categories_by_id() -> dict[int, tuple[str, str]]:
    """Category id → (code, name in the active language), in their order. An id the cached list does
    not hold (a category added in another process since this one read the list) renews the list."""
    return _Categories(
        (pk, (code, label_in_language(name, name_en))) for pk, code, name, name_en in _categories()
    )


class _Categories(dict):
    def __missing__(self, pk: int) -> tuple[str, str]:
        refdata.bump("categories")  # every process reads the list again
        for category_pk, code, name, name_en in _categories():
            self.setdefault(category_pk, (code, label_in_language(name, name_en)))
        return self.get(pk, ("", ""))  # ("", "") for an id no longer there, as category() answers


def category_id(code: str) -> int | None:
    """The id of the category with this code (None: no such category)."""
    return next((pk for pk, category_code, _name, _name_en in _categories() if category_code == code), None)


def category(pk: int) -> tuple[str, str]:
    """(code, name in the active language) of one category ("", "" for an id no longer there)."""
    for category_pk, code, name, name_en in _categories():
        if category_pk == pk:
            return code, label_in_language(name, name_en)
    return "", ""


def _categories() -> list[tuple[int, str, str, str]]:
    return refdata.cached(
        "categories", "all", lambda: list(CaseCategory.objects.values_list("pk", "code", "name", "name_en"))
    )


def case_worker_names(committee_ids) -> list[tuple[int, str]]:
    """(id, name shown) of the staff who work cases in these committees, deactivated ones too, by name."""
    ids = sorted(set(committee_ids))

    def read() -> list[tuple[int, str]]:
        staff = case_workers(ids, include_inactive=True).values_list("pk", "full_name", "username")
        return [(pk, full_name or username) for pk, full_name, username in staff]

    return refdata.cached("staff", f"case_workers:{refdata.ids_key(ids)}", read)


def assignable(committee_id: int) -> list[tuple[str, str]]:
    """(id, name shown) of the active staff who may be assigned a case of this committee, by name:
    the case page's "Assign to" choices (what is posted is checked against the database)."""

    def read() -> list[tuple[str, str]]:
        staff = case_workers([committee_id]).values_list("pk", "full_name", "username")
        return [(str(pk), full_name or username) for pk, full_name, username in staff]

    return refdata.cached("staff", f"assignable:{committee_id}", read)


def category_choices() -> list[tuple[str, str]]:
    """(id, name in the active language) of every category, in their order: a form's choices."""
    return [(str(pk), label_in_language(name, name_en)) for pk, _code, name, name_en in _categories()]


def outside_body_choices(committee_id: int | None) -> list[tuple[str, str]]:
    """(id, name in the active language) of the outside bodies a case of this committee may be
    referred to (the active ones shared by every committee and its own), in their order: the referral
    form's choices."""
    return [
        (str(pk), label_in_language(name, name_en))
        for pk, name, name_en, active, owner in _bodies()
        if active and owner in (None, committee_id)
    ]


def user_names(committee_ids, user_ids) -> dict[int, str]:
    """User id → name shown, for these users: the committees' staff from the cache, anyone else
    (someone assigned a case who has since left the committee) read in one query."""
    names = dict(case_worker_names(committee_ids))
    missing = {pk for pk in user_ids if pk is not None and pk not in names}
    if missing:
        for pk, full_name, username in User.objects.filter(pk__in=missing).values_list(
            "pk", "full_name", "username"
        ):
            names[pk] = full_name or username
    return names


def committee_names() -> dict[int, str]:
    """Committee id → name, every committee."""
    return refdata.cached(
        "committees", "all_names", lambda: dict(Committee.objects.values_list("pk", "name"))
    )


def outside_body_labels() -> dict[int, str]:
    """Outside body id → its name in the active language (the rows' "with {body} for N days")."""
    return {pk: label_in_language(name, name_en) for pk, name, name_en, _active, _owner in _bodies()}


def _bodies() -> list[tuple[int, str, str, bool, int | None]]:
    return refdata.cached(
        "outside_bodies",
        "all:v2",  # v2: with the committee a body belongs to (None: shared)
        lambda: list(OutsideBody.objects.values_list("pk", "name", "name_en", "active", "committee_id")),
    )
