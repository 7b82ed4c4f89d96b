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


def hint_typed_numbers(request: HttpRequest, *texts: str, saved: Iterable[str] = ()) -> None:
    """`texts`: what was posted; `saved`: what the edited record held before (an edit's form's
    initial values). A number in both, however written (138 1234 5678, 13812345678), is not new."""
    if numbers_in(*texts) - numbers_in(*saved):
        messages.info(
            request,
            _(
                "The text holds what looks like an ID or phone number: everyone reads it masked. "
                "A resident's numbers belong in their record, where the secretary can reveal them."
            ),
        )


def hint_edited_numbers(request: HttpRequest, form, *fields: str) -> None:
    """hint_typed_numbers for a saved edit form: its fields as posted against its initial values."""
    texts = [form.cleaned_data.get(name) or "" for name in fields]
    hint_typed_numbers(request, *texts, saved=[form.initial.get(name) or "" for name in fields])
