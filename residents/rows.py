"""The resident list's rows, written in Python (as cases/rows.py writes a list's cases).

As a template loop a page of 25 rows was about 600 template nodes resolved one by one, over 75
model instances (resident, household, building) and a prefetch of their categories; here a row is
one str.format of values read as plain columns (residents.selectors.page_rows), every value from
the database escaped. What is the same in every row (the link without its id, the icon, the
translated words, today) is worked out once per page. The HTML is the template's, byte for byte
(its pages saved before and after and compared: bench/render_guard.py compare --strict).
"""

from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from common.escaping import escape
from common.masking import mask_phone
from common.reversing import pk_url_parts
from common.templatetags.needle import icon
from residents.addresses import household_address
from residents.models import CareCategory, Resident, age_on
from residents.selectors import ResidentRow

_ROW = (
    "\n"
    '    <li><a href="{}">\n'
    '      <div class="row-main">\n'
    '        <div class="row-title">{}{}</div>\n'
    '        <div class="row-meta">\n'
    "          <span>{}</span>\n"
    "          {}\n"  # the age
    "          {}\n"  # the phone, masked
    "        </div>\n"
    "        {}\n"  # the care categories shown
    "      </div>\n"
    "      {}\n"
    "    </a></li>\n"
    "    "
)


def render_resident_rows(
    rows: list[ResidentRow], categories: list[CareCategory], sensitive_ids: frozenset[int]
) -> SafeString:
    """The list's rows (inside its <ul>): `categories` every care category in their order, of which a
    row shows the sensitive ones only in the committees of `sensitive_ids`."""
    url_before, url_after = (escape(part) for part in pk_url_parts("residents:detail"))
    chevron = escape(icon("chevron"))
    # The words once per page: each gettext reads the active language from a context-local.
    years = gettext("%(age)s yrs")
    archived_labels = {value: escape(label) for value, label in Resident.Archived.choices}
    badges = {
        c.pk: (
            c.sensitive,
            f'<span class="badge{" amber" if c.sensitive else " blue"}">{escape(c.label)}</span>',
        )
        for c in categories
    }
    order = {c.pk: i for i, c in enumerate(categories)}
    today = timezone.localdate()
    out = []
    for row in rows:
        archived = ""
        if row.archived:
            label = archived_labels.get(row.archived) or escape(row.archived)
            archived = f' <span class="badge">{label}</span>'
        # A resident who died has no age today (their page gives the age they died at).
        age = None if row.archived == Resident.Archived.DECEASED else age_on(row.birth_date, today)
        age_html = f"<span>{years % {'age': escape(formats.localize(age))}}</span>" if age is not None else ""
        phone = f'<span class="num">{escape(mask_phone(row.phone))}</span>' if row.phone else ""
        may_see_sensitive = row.committee_id in sensitive_ids
        shown = [
            badges[pk][1]
            # A category added since this page read the list (a moment ago) waits for the next page.
            for pk in sorted((pk for pk in row.category_ids if pk in badges), key=order.__getitem__)
            if not badges[pk][0] or may_see_sensitive
        ]
        shown_html = f'<div class="row-meta">{"".join(shown)}</div>' if shown else ""
        out.append(
            _ROW.format(
                f"{url_before}{int(row.pk)}{url_after}",
                escape(row.name),
                archived,
                escape(household_address(row.road, row.lane, row.number, row.room)),
                age_html,
                phone,
                shown_html,
                chevron,
            )
        )
    return mark_safe("".join(out))  # noqa: S308 (every value above escaped, the markup Needle's own)
