"""A form's copy kept on the device until the server has accepted it (static/js/drafts.js).

A form marked data-keep-draft="KEY" posts its key as `_draft`; the message that says it was saved
carries the tag draft-done:KEY, and the page that message is on (the redirect's, or the case page's
part drawn in place) forgets the copy. A form refused keeps its copy: it is drawn again as typed.
"""

import re

from django.http import HttpRequest

FIELD = "_draft"
_KEY = re.compile(r"[a-z0-9-]{1,80}")


def done_tag(key: str) -> str:
    """The message tag that tells the device the form `key` was accepted ("" for a key not ours)."""
    return f"draft-done:{key}" if _KEY.fullmatch(key) else ""


def posted_done(request: HttpRequest) -> str:
    """done_tag of the form this request posted (its `_draft`), "" when it posted none."""
    return done_tag(request.POST.get(FIELD, ""))
