"""Small template helpers shared by every page."""

import functools

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from committee.roles import Role
from common import masking
from common.escaping import dates_kept_whole, escape
from common.post_only import back_from
from common.reversing import reverse_once, reverse_with_id

register = template.Library()


@register.filter
def dates_whole(value) -> str:
    """A message's or a refusal's words, escaped, each date in them kept on one line
    (common/escaping.py dates_kept_whole): `{{ message|dates_whole }}`."""
    return mark_safe(dates_kept_whole(escape(value)))  # noqa: S308 -- escaped, then the spans added


# Outline icons (24×24, stroke) drawn for Needle; inline SVG needs no extra request and obeys the CSP.
_ICONS = {
    "home": "M3 11l9-8 9 8M5 10v10h5v-6h4v6h5V10",
    "cases": "M9 4h6v3H9zM6 6h12v15H6zM9 12h6M9 16h4",
    "residents": "M9 11a4 4 0 100-8 4 4 0 000 8zM2 21v-2a5 5 0 015-5h4a5 5 0 015 5v2M17 3.5a4 4 0 010 7.5M22 21v-2a5 5 0 00-3-4.6",
    "roster": "M12 21s-7-4.5-9-9.5C1.5 7 4 4 7 4c2 0 3.5 1 5 3 1.5-2 3-3 5-3 3 0 5.5 3 4 7.5-2 5-9 9.5-9 9.5z",
    "dashboard": "M4 20V10M10 20V4M16 20v-7M22 20H2",
    "reports": "M6 2h9l5 5v15H6zM14 2v6h6M9 13h8M9 17h8",
    "user": "M12 12a5 5 0 100-10 5 5 0 000 10zM3 22a9 9 0 0118 0",
    "menu": "M3 6h18M3 12h18M3 18h18",
    "search": "M11 19a8 8 0 100-16 8 8 0 000 16zM21 21l-4.3-4.3",
    "plus": "M12 5v14M5 12h14",
    "chevron": "M9 6l6 6-6 6",
    "back": "M15 6l-6 6 6 6",
    "globe": "M12 22a10 10 0 100-20 10 10 0 000 20zM2 12h20M12 2a15 15 0 010 20M12 2a15 15 0 000 20",
    "logout": "M15 3h4a2 2 0 012 2v14a2 2 0 01-2 2h-4M10 17l5-5-5-5M15 12H3",
    "key": "M15 7a4 4 0 11-3.9 5H3v3h3v3h3v-3h2.1A4 4 0 0115 7z",
    "eye": "M1 12s4-8 11-8 11 8 11 8-4 8-11 8S1 12 1 12zM12 15a3 3 0 100-6 3 3 0 000 6z",
    "alert": "M12 9v4M12 17h.01M10.3 3.9L1.8 18a2 2 0 001.7 3h17a2 2 0 001.7-3L13.7 3.9a2 2 0 00-3.4 0z",
    "phone": "M22 16.9v3a2 2 0 01-2.2 2 19.8 19.8 0 01-8.6-3.1 19.5 19.5 0 01-6-6A19.8 19.8 0 012.1 4.2 2 2 0 014.1 2h3a2 2 0 012 1.7c.1 1 .4 1.9.7 2.8a2 2 0 01-.5 2.1L8 9.9a16 16 0 006 6l1.3-1.3a2 2 0 012.1-.4c.9.3 1.8.6 2.8.7a2 2 0 011.7 2z",
    "building": "M4 21V3h10v18M14 8h6v13M8 7h2M8 11h2M8 15h2M2 21h20",
    "calendar": "M3 5h18v16H3zM3 10h18M8 3v4M16 3v4",
    "check": "M4 12l5 5L20 6",
    "download": "M12 3v12M7 10l5 5 5-5M4 21h16",
    "upload": "M12 21V9M7 14l5-5 5 5M4 3h16",
    "camera": "M3 7h4l2-3h6l2 3h4v13H3zM12 17a4 4 0 100-8 4 4 0 000 8z",
    "clock": "M12 22a10 10 0 100-20 10 10 0 000 20zM12 6v6l4 2",
    "filter": "M3 4h18l-7 9v6l-4 2v-8z",
    "print": "M6 9V2h12v7M6 18H4a2 2 0 01-2-2v-5a2 2 0 012-2h16a2 2 0 012 2v5a2 2 0 01-2 2h-2M6 14h12v8H6z",
}


@register.simple_tag
def icon(name: str, css_class: str = "icon") -> str:
    """An inline SVG icon; decorative, so hidden from screen readers (the text beside it speaks)."""
    return _icon(name, css_class)


@functools.lru_cache(maxsize=256)  # a few dozen names × classes; a page draws the same ones in every row
def _icon(name: str, css_class: str) -> str:
    path = _ICONS.get(name, _ICONS["chevron"])
    return format_html(
        '<svg class="{}" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="{}"/></svg>',
        css_class,
        path,
    )


@register.filter
def masked_id(value: str) -> str:
    return masking.mask_id_number(value)


@register.filter
def masked_birth_date(value) -> str:
    return masking.mask_birth_date(value)


@register.filter
def masked_phone(value: str) -> str:
    return masking.mask_phone(value)


@register.filter
def masked_text(value) -> str:
    """Free text as shown on every page, whoever reads it: an ID or phone number that staff typed
    into it is masked (the numbers belong in the resident's record, which reveals them by role).
    The edit form shows the text as typed, to those who may edit it."""
    return masking.mask_numbers_in_text("" if value is None else str(value))


@register.simple_tag
def pk_url(name: str, pk: int, *rest) -> str:
    """`{% url name pk %}` for a URL whose first argument is an id (`rest`: the others, the same
    for every id, such as an action's name), reversed once for every id: the case page's 22 links
    and forms cost it about 1.5 ms through {% url %}."""
    return reverse_with_id(name, *rest)(pk)


@register.simple_tag(takes_context=True)
def draft_owner(context) -> str:
    """Whose drafts this page may put back (static/js/drafts.js keeps a copy per user on a shared
    phone): a value fixed for the signed-in user, "" for no one. Not the user's id itself: a keyed
    hash, so the page says nothing a copy of it could be matched with elsewhere."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return ""
    return salted_hmac("needle.drafts.owner", str(user.pk), algorithm="sha256").hexdigest()[:20]


# The frame's menus (templates/base.html) are written here rather than by ~80 template nodes and
# two includes, which cost every page about a millisecond; the HTML is what the template wrote,
# byte for byte (bench/render_guard.py --strict), its words translated as before.


@register.simple_tag(takes_context=True)
def account_menu(context) -> str:
    """The top bar's right: the bell (without its count: the page asks for it) and the account menu
    with the language switch."""
    user = context["user"]
    # The words first: makemessages does not read calls of gettext inside f-strings.
    words = {
        "menu": _("Account menu"),
        # The role's own label (Administrator, 管理员), as the admin and the rows name it.
        "administrator": str(Role.ADMIN.label),
        "admin": _("Admin"),
        "password": _("Change password"),
        "notifications": _("Notification settings"),
        "logout": _("Log out"),
    }
    words = {key: escape(word) for key, word in words.items()}
    name = escape(user.display_name)
    csrf = _csrf_input(context)
    admin = f" · {words['administrator']}" if user.is_superuser else ""
    admin_link = (
        f'<a href="{reverse_once("admin:index")}">{_icon("dashboard", "icon")}{words["admin"]}</a>'
        if user.is_superuser
        else ""
    )
    return mark_safe(  # noqa: S308 -- every value in it is escaped
        f"{render_to_string('notifications/bell.html', {'unread': None})}\n"
        '    <details class="usermenu">\n'
        "      \n"
        f'      <summary>{_icon("user", "icon")}<span class="usermenu-name">{name}</span>'
        f'<span class="visually-hidden"> · {words["menu"]}</span></summary>\n'
        '      <div class="usermenu-panel">\n'
        f'        <p class="muted">{name}{admin}</p>\n'
        f'        <a href="{reverse_once("password_change")}">{_icon("key", "icon")}'
        f"{words['password']}</a>\n"
        f'        <a href="{reverse_once("notifications:preferences")}">{_icon("clock", "icon")}'
        f"{words['notifications']}</a>\n"
        f"        {admin_link}\n"
        "        \n"
        f"{language_switch(context)}\n"
        f'        <form method="post" action="{reverse_once("logout")}">{csrf}\n'
        f'          <button type="submit" class="linklike">{_icon("logout", "icon")}'
        f"{words['logout']}</button>\n"
        "        </form>\n"
        "      </div>\n"
        "    </details>"
    )


@register.simple_tag(takes_context=True)
def language_switch(context) -> str:
    """The language buttons, in the account menu and on the login page: each language is named in
    itself, so a reader of either can find theirs. Back to the page as asked (common.post_only.back_from)."""
    current = get_language()
    buttons = "".join(
        f"\n    \n    "
        f'<button type="submit" name="language" value="{code}" lang="{code}" class="chip'
        f'{" selected" if code == current else ""}"{' aria-pressed="true"' if code == current else ""}>'
        f"{escape(get_language_info(code)['name_local'])}</button>\n  "
        for code, _name in settings.LANGUAGES
    )
    return mark_safe(  # noqa: S308 -- every value in it is escaped
        f'<form method="post" action="{reverse_once("set_language")}" class="language-switch">'
        f"{_csrf_input(context)}\n"
        f'  <input type="hidden" name="next" value="{escape(back_from(context["request"]))}">\n'
        f"  {buttons}\n"
        "</form>\n"
    )


def _csrf_input(context) -> str:
    token = context.get("csrf_token")
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">' if token else ""


@register.simple_tag(takes_context=True)
def main_nav(context) -> str:
    """The main navigation: the context processor's nav_items (committee/context_processors.py)."""
    nav = "".join(
        f'\n      <a href="{escape(item["url"])}"{' aria-current="page"' if item["active"] else ""}'
        f"{f' class="{escape(item["classes"])}"' if item['classes'] else ''}>"
        f"{_icon(item['icon'], 'icon')}<span>{escape(item['label'])}</span></a>\n    "
        for item in context.get("nav_items", ())
    )
    label = escape(_("Main"))
    return mark_safe(f'<nav class="mainnav" aria-label="{label}">\n    {nav}\n  </nav>')  # noqa: S308 -- escaped


@register.simple_tag(takes_context=True)
def fix_filters_url(context, form, panel: bool = False) -> str:
    """The link of a list's "not applied" notice (includes/not_applied.html) to the first filter it
    could not read: the list as asked, at that field (its id), and with `panel` the list's filter
    panel drawn open (?panel=open: the case list's, closed otherwise), so that it works without
    JavaScript; static/js/needle.js opens the panel in place instead ([data-open-filters])."""
    request = context["request"]
    field = next((bound for bound in form.visible_fields() if bound.errors), None)
    query = request.GET.copy()
    query.pop("page", None)
    if panel:
        query["panel"] = "open"
    anchor = f"#{field.id_for_label}" if field is not None else ""
    return f"{request.path}?{query.urlencode()}{anchor}" if query else f"{request.path}{anchor}"
