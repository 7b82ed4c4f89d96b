"""How long a text typed into Needle may be: the limits, in one place.

Free text had no limit: a case's description of 200,000 characters was saved, and every .xlsx export
had to cut it (a cell holds 32,767). A description or a resolution is a page or two; a note, a
reply, a visit's findings or a resident's notes a few paragraphs (the registry import's 备注 column
has the same limit: residents/imports/columns.py).

On a TextField the limit is a validator (`limit(n)`), which every model form applies (the app's and
the admin's): its migration writes no SQL. A TextField's max_length would have made SQLite rebuild
each table, and PostgreSQL stores the text the same either way. A CharField has its column's
max_length. Neither is written into the page as a text area's maxlength: a browser cuts a pasted
text there without a word, where here the text comes back as typed, with its length said.

Django's own words for a text too long or too short are reworded in Needle's catalogue (read before
Django's, which reads "确保该变量包含不超过 100 字符 (目前字符数 150)。": "this variable", to a
worker): every limit, ours and Django's, in the admin too, reads "最多 100 字，现有 150 字。". The
English catalogue (locale/en, these two entries only) rewords them the same way: "At most 100
characters; this has 150.", not Django's "Ensure this value has at most 100 characters (it has 150).".
"""

from django.core.validators import MaxLengthValidator
from django.utils.translation import ngettext_lazy

DESCRIPTION_MAX = 5000  # a case's description
NOTE_MAX = 2000  # a note on a case, its resolution, a reply, aid's notes; a visit's findings; notes


def limit(length: int) -> MaxLengthValidator:
    """The validator of a text's limit: its words are Django's, as reworded below."""
    return MaxLengthValidator(length)


# Django's messages (django/core/validators.py), listed so that `make translations` keeps them in
# Needle's catalogue. The msgids must stay exactly Django's.
WORDS = [
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
]
