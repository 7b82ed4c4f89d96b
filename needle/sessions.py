"""Django's session middleware, except that some responses leave the session as it was.

A request renews the idle timeout when committee.middleware.SessionLifetimeMiddleware stamps the
session (at most every SESSION_RENEW_MINUTES). Two kinds of request must never save it: one that
never touched the session (a probe carrying a browser's cookie: saving would load the session from
the database), and a request the view marks passive (the bell's once-a-minute poll: renewing would
keep a forgotten open page logged in forever).
"""

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware


def leave_session_alone(request) -> None:
    """Mark this request as not renewing the session (its idle timeout keeps running)."""
    request.session_passive = True


class SessionMiddleware(DjangoSessionMiddleware):
    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and (not session.accessed or getattr(request, "session_passive", False)):
            return response
        return super().process_response(request, response)
