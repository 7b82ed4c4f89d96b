"""What every page needs to draw its frame: the navigation the user may use."""

from django.http import HttpRequest
from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _

from committee.roles import Perm, Role
from common.reversing import reverse_once

# (url name, label, icon, permission needed somewhere, the view names that light it up).
# On a phone the bottom bar holds five tabs: "Reports" is left out there (PHONE_FOLDED) and is reached
# from the dashboard's "Ledger and summary" button (and the home page), which lights "Dashboard" instead.
# Areas appear as their features land: an item whose URL does not exist yet is left out.
NAVIGATION = [
    ("home", _("Home"), "home", None, ("home",)),
    ("cases:list", _("Cases"), "cases", Perm.VIEW, ("cases:",)),
    ("residents:list", _("Residents"), "residents", Perm.VIEW, ("residents:", "imports:")),
    ("residents:roster", _("Care roster"), "roster", Perm.VIEW_SENSITIVE, ("residents:roster", "visits:")),
    ("dashboard", _("Dashboard"), "dashboard", Perm.VIEW_REPORTS, ("dashboard",)),
    ("reports:index", _("Reports"), "reports", Perm.VIEW_REPORTS, ("reports:",)),
]


PHONE_FOLDED = {"reports:index": "dashboard"}


def _url(name: str) -> str | None:
    try:
        return reverse_once(name)  # every page draws the same six links
    except NoReverseMatch:
        return None


def _natural(access, name: str) -> str:
    """The page an item leads this reader to: "Dashboard" is a district officer's district overview
    (their committees side by side are a click from it), unless they work in a committee of their
    own, whose dashboard /dashboard/ shows them; everyone else's is /dashboard/ (a committee's
    dashboard, or a street officer's street)."""
    if name == "dashboard" and not access.sees_everything:
        roles = set(access.roles.values())
        if Role.DISTRICT_OFFICER in roles and not roles & {Role.SECRETARY, Role.WORKER}:
            return "dashboard_district"
    return name


def access(request: HttpRequest) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for name, label, icon, perm, lights in NAVIGATION:
        url = _url(_natural(request.access, name))
        if url is None or (perm is not None and not request.access.can_anywhere(perm)):
            continue
        items.append(
            {"name": name, "url": url, "label": label, "icon": icon, "active": current.startswith(lights)}
        )
    # The most specific match wins: the roster lights up, not also "Residents".
    lit = [i for i in items if i["active"]]
    for item in lit[:-1]:
        item["active"] = False
    folded_active = {PHONE_FOLDED[i["name"]] for i in items if i["active"] and i["name"] in PHONE_FOLDED}
    for item in items:
        classes = ["active"] if item["active"] else []
        if item["name"] in PHONE_FOLDED:
            classes.append("desktop-only")
        if item["name"] in folded_active:
            classes.append("phone-active")
        item["classes"] = " ".join(classes)
    return {"nav_items": items}
