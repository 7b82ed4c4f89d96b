from functools import partial

from notifications.services import unread_count


def bell(request) -> dict:
    """The unread count for the header's bell: one query, and only on a page that shows the bell
    (the template calls it lazily; health checks and the login page never do)."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"unread_notifications": partial(unread_count, user)}
