"""Reading a rendered page as a user reads it: one form field's words, a fragment's words."""

import re


def field_of(page: str, name: str) -> str:
    """The HTML of one field's group in a page (its label, input and errors)."""
    at = page.index(f'name="{name}"')
    start = page.rindex('<div class="field', 0, at)
    return page[start : page.index("</div>", at)]


def text_of(html: str) -> str:
    """The text of some HTML, its tags taken out and its spaces collapsed. An inline element's tags
    part no words (a date kept whole in <span class="nowrap"> reads as the words around it)."""
    html = re.sub(r"</?(?:span|a|b|strong|em)\b[^>]*>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def shows_digits(page: str, digits: str) -> bool:
    """Whether the page shows these digits as part of a number, not inside a random value (a form's
    one-use token, the CSRF token or a nonce may hold any four digits)."""
    return re.search(rf"(?<![0-9A-Za-z_-]){digits}(?![0-9A-Za-z_])", page) is not None


def titles_found(client, q: str, titles) -> set[str]:
    """Which of `titles` the case list (any status) shows for the search `q`."""
    from django.urls import reverse

    # As the search form sends it: by POST, answered at the list's address (a whole number by a key).
    response = client.post(reverse("cases:list"), {"status": "", "q": q}, follow=True)
    assert response.status_code == 200
    return {title for title in titles if title in response.text}
