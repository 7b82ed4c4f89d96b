from django import template

from demo.safety import demo_superuser_left_cached, server_signs

register = template.Library()


@register.inclusion_tag("demo/password_notice.html")
def demo_password_notice() -> dict:
    """The administrator's warning on the admin's first page when settings look like a server's and
    the demo's superuser still has the published password (review 10, F-I): the demo seeded on
    purpose (--on-server), or a laptop's demo database moved to a server. Nothing on a laptop."""
    signs = server_signs()
    return {"show": bool(signs) and demo_superuser_left_cached()}
