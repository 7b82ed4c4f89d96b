"""A kind word to staff who typed what looks like a resident's ID or phone number into free text.

The text is kept as typed (those who may edit it see it so) and shown masked to everyone; the word
tells them where such a number belongs. One sentence for every form that takes free text.
"""

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from common.masking import holds_numbers

# The free-text fields of the case actions' forms (cases/forms.py): what _run looks at.
CASE_FREE_TEXT = ("title", "description", "place", "text", "reply", "outcome", "comment", "notes", "donors")


def hint_typed_numbers(request: HttpRequest, *texts: str) -> None:
    if holds_numbers(*texts):
        messages.info(
            request,
            _(
                "The text holds what looks like an ID or phone number: everyone reads it masked. "
                "A resident's numbers belong in their record, where the secretary can reveal them."
            ),
        )
