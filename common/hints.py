"""A kind word to staff who typed what looks like a resident's ID or phone number into free text.

The text is kept as typed (those who may edit it see it so) and shown masked to everyone; the word
tells them where such a number belongs. One sentence for every form that takes free text, said for
a number typed in this edit only: one already in the saved text was told of when it was typed.
"""

from collections.abc import Iterable

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from common.masking import numbers_in

# The free-text fields of the case actions' forms (cases/forms.py): what _run looks at.
CASE_FREE_TEXT = ("title", "description", "place", "text", "reply", "outcome", "comment", "notes", "donors")


# The case page's forms about an outside body (cases/urls.py): a number typed into them is mostly
# the body's contact person's, who is not a resident and has a box of their own (Referral.contact).
REFERRAL_VIEWS = frozenset({"cases:refer", "cases:chase", "cases:reply"})


def hint_typed_numbers(
    request: HttpRequest, *texts: str, saved: Iterable[str] = (), referral: bool = False
) -> None:
    """`texts`: what was posted; `saved`: what the edited record held before (an edit's form's
    initial values). A number in both, however written (138 1234 5678, 13812345678), is not new.
    `referral`: typed about an outside body, whose contact has its place on the referral."""
    if not numbers_in(*texts) - numbers_in(*saved):
        return
    if referral:
        said = _(
            "The text holds what looks like an ID or phone number: everyone reads it masked. The "
            "number of their contact person goes in “Their contact”, which is shown in full."
        )
    else:
        said = _(
            "The text holds what looks like an ID or phone number: everyone reads it masked. "
            "A resident's numbers belong in their record, where the secretary can reveal them."
        )
    messages.info(request, said)


def hint_case_numbers(request: HttpRequest, *, saved: Iterable[str]) -> None:
    """hint_typed_numbers for a case page form's free text (CASE_FREE_TEXT as posted)."""
    match = request.resolver_match
    referral = match is not None and match.view_name in REFERRAL_VIEWS
    texts = (request.POST.get(key, "") for key in CASE_FREE_TEXT)
    hint_typed_numbers(request, *texts, saved=saved, referral=referral)


def hint_edited_numbers(request: HttpRequest, form, *fields: str) -> None:
    """hint_typed_numbers for a saved edit form: its fields as posted against its initial values."""
    texts = [form.cleaned_data.get(name) or "" for name in fields]
    hint_typed_numbers(request, *texts, saved=[form.initial.get(name) or "" for name in fields])
