"""What each role may do: the one place that decides it.

A user has a role per committee (secretary, worker, viewer), or is a street officer with read access
to every committee of a street, or a district officer with read access to every committee of a
district. Superusers correct data in the admin; in the app they read like a
street officer of every street. Views ask `request.access.can(perm, committee)`; they never compare
roles themselves.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    # Labels, capitalised in English as every label is (a badge on the home page, the admin's choice
    # and its rows: "李敏・定海居民区・Worker"); no sentence reads a role's label mid-sentence (the
    # 403 page says "the committee's secretary" in words of its own). The Chinese is unchanged (the
    # context keeps "Worker", the dashboard's column of assignees, 工作人员, apart).
    SECRETARY = "secretary", pgettext_lazy("role", "Secretary")
    WORKER = "worker", pgettext_lazy("role", "Worker")
    VIEWER = "viewer", pgettext_lazy("role", "Viewer")
    STREET_OFFICER = "street_officer", pgettext_lazy("role", "Street officer")
    DISTRICT_OFFICER = "district_officer", pgettext_lazy("role", "District officer")
    ADMIN = "admin", pgettext_lazy("role", "Administrator")

    @classmethod
    def membership_choices(cls) -> list[tuple[str, str]]:
        """The roles a committee membership can carry."""
        return [(r.value, r.label) for r in (cls.SECRETARY, cls.WORKER, cls.VIEWER)]


class Perm(StrEnum):
    """Things a user may do in a committee. Later features add theirs here and to GRANTS."""

    VIEW = "view"  # read the committee's residents (masked) and cases
    VIEW_SENSITIVE = "view_sensitive"  # see sensitive care categories (dibao, disability, illness)
    REVEAL = "reveal"  # reveal one resident's full ID or phone number, giving a reason
    VIEW_AUDIT = "view_audit"  # see who revealed which resident's full number, and why
    READ_ACCESS_LOG = "read_access_log"  # the access log: who looked at whose data (audit app)
    EDIT_REGISTRY = "edit_registry"  # create and edit buildings, households and residents
    IMPORT_REGISTRY = "import_registry"  # import and export the registry in bulk
    LOG_VISIT = "log_visit"
    LOG_CASE = "log_case"  # log a case and work it
    MANAGE_CASES = "manage_cases"  # assign, reassign, close, reopen, mark duplicates
    APPROVE_AID = "approve_aid"
    VIEW_REPORTS = "view_reports"  # the dashboard, ledger and monthly summary
    SET_CHANNELS = "set_channels"  # where the committee's notifications go (its WeCom group robot)
    # Name the committee's grids, give each its grid worker and its buildings (residents/grids.py): the
    # secretary's, as staffing is; the administrator was asked for every change (review 10, finding M).
    MANAGE_GRIDS = "manage_grids"
    # Add the committee's own outside bodies (its property company), listed for its cases alone.
    ADD_OUTSIDE_BODIES = "add_outside_bodies"
    # The e-mails to the street's officers (their week) that failed or were not sent. They are about
    # no one committee, so no secretary lists them: the street's own officers do.
    READ_STREET_DELIVERIES = "read_street_deliveries"


# Street and district officers: read and reports; no full numbers, no sensitive categories.
_READ_ONLY = frozenset({Perm.VIEW, Perm.VIEW_REPORTS})
_WORKER = frozenset(
    {Perm.VIEW, Perm.VIEW_SENSITIVE, Perm.EDIT_REGISTRY, Perm.LOG_VISIT, Perm.LOG_CASE, Perm.VIEW_REPORTS}
)

GRANTS: dict[Role, frozenset[Perm]] = {
    Role.SECRETARY: frozenset(Perm) - {Perm.READ_STREET_DELIVERIES},
    Role.WORKER: _WORKER,
    Role.VIEWER: frozenset({Perm.VIEW}),
    # The street reads who looked at its residents (the access log), never their full numbers.
    Role.STREET_OFFICER: _READ_ONLY | {Perm.READ_ACCESS_LOG, Perm.READ_STREET_DELIVERIES},
    Role.DISTRICT_OFFICER: _READ_ONLY,
    Role.ADMIN: _READ_ONLY,
}


# Roles that read committees from above (a street, a district, the admin), read-only.
OVERSEERS = frozenset({Role.STREET_OFFICER, Role.DISTRICT_OFFICER, Role.ADMIN})


def role_can(role: Role | None, perm: Perm) -> bool:
    return role is not None and perm in GRANTS[role]


COMMITTEE_ROLES = (Role.SECRETARY, Role.WORKER, Role.VIEWER)


def roles_granted(perm: Perm) -> frozenset[Role]:
    """Every role that may do this, from GRANTS: who a refused page is for, said on the 403 page. The
    admin's role is left out: it is no one's to ask for (a superuser reads as it does in the app)."""
    return frozenset(role for role, perms in GRANTS.items() if role != Role.ADMIN and perm in perms)
