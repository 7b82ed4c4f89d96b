"""The rendering guard: the key pages' HTML saved, so that a change to how they are rendered can be
shown to change nothing a user sees.

    DATABASE_URL=… .venv/bin/python -m bench.render_guard save var/render-before
    … change templates, tags, forms …
    DATABASE_URL=… .venv/bin/python -m bench.render_guard save var/render-after
    .venv/bin/python -m bench.render_guard compare var/render-before var/render-after
    .venv/bin/python -m bench.render_guard compare --strict var/render-before var/render-after

It renders each key page (case list default / filtered / search, a case page and its printed
sheet, the worker's home queue, the dashboard, resident search, the care roster, the district
overview) for the demo's secretary, worker, street officer and district officer, in Chinese and in
English, through Django's test client with
DEBUG off, on the demo (`manage.py seed_demo`). `compare` collapses whitespace and blanks what
differs on every request (CSRF tokens, CSP nonces, the dashboard's minute), then names each page
that differs and shows the first difference. `--strict` keeps the whitespace: the pages must be
byte for byte the same but for those tokens.
"""

import difflib
import os
import re
import sys
from pathlib import Path

PAGES = {
    "list_default": "/cases/",
    "list_any_status": "/cases/?status=",
    "list_filtered": "/cases/?status=open&category=drainage&overdue=1",
    "list_search": "/cases/?q=积水",
    "list_page2": "/cases/?status=&page=2",
    "home": "/",
    "dashboard": "/dashboard/",
    "residents_search": "/residents/?q=王",
    "residents_list": "/residents/",
    "roster": "/roster/",
    "district_overview": "/dashboard/district/",
}
PEOPLE = ("secretary", "worker", "officer", "district")
LANGUAGES = ("zh-hans", "en")

_VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken" value="…"'),
    (re.compile(r'nonce="[^"]+"'), 'nonce="…"'),
    (re.compile(r'"X-CSRFToken": "[^"]+"'), '"X-CSRFToken": "…"'),
    (re.compile(r'name="token" value="[^"]+"'), 'name="token" value="…"'),  # a case form's one-use token
    (re.compile(r'content="[A-Za-z0-9]{64}"'), 'content="…"'),  # a csrf meta tag
    (re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"), "…"),  # the dashboard's "figures as of" minute
]


def normalise(html: str, *, strict: bool = False) -> str:
    for pattern, blank in _VOLATILE:
        html = pattern.sub(blank, html)
    if strict:
        return html
    # Whitespace-insensitive: a newline wherever a tag starts, every run of whitespace one space.
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r">\s*<", ">\n<", html)
    return html.strip() + "\n"


def save(out: Path) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "needle.settings")
    django.setup()
    from django.test import Client
    from django.test.utils import override_settings

    from cases.models import Case
    from committee.models import User
    from committee.scoping import unscoped

    out.mkdir(parents=True, exist_ok=True)
    with unscoped():
        users = {u.username: u for u in User.objects.filter(username__in=PEOPLE)}
        committee = users["secretary"].memberships.get().committee
        # A case of the secretary's committee in each status, the same ones every run (lowest ids).
        mine = Case.all_objects.filter(committee=committee).order_by("pk")
        case_ids = [
            pk
            for status in Case.Status.values
            for pk in mine.filter(status=status).values_list("pk", flat=True)[:1]
        ]
    pages = dict(PAGES)
    for i, pk in enumerate(case_ids):
        pages[f"case_{i}"] = f"/cases/{pk}/"
        pages[f"case_{i}_print"] = f"/cases/{pk}/print/"
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["*"], STORAGES=storages):
        for person in PEOPLE:
            for language in LANGUAGES:
                client = Client(headers={"accept-language": language})
                client.cookies["django_language"] = language
                client.force_login(users[person])
                for key, url in pages.items():
                    response = client.get(url)
                    body = response.content.decode() if response.status_code == 200 else ""
                    (out / f"{person}-{language}-{key}.html").write_text(f"{response.status_code}\n{body}")
    print(f"Saved {len(PEOPLE) * len(LANGUAGES) * len(pages)} pages in {out}.")


def compare(before: Path, after: Path, *, strict: bool = False) -> int:
    differ = 0
    names = sorted({p.name for p in before.glob("*.html")} | {p.name for p in after.glob("*.html")})
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"{name}: only in {'after' if b.exists() else 'before'}")
            differ += 1
            continue
        left, right = normalise(a.read_text(), strict=strict), normalise(b.read_text(), strict=strict)
        if left != right:
            differ += 1
            diff = list(difflib.unified_diff(left.splitlines(), right.splitlines(), lineterm="", n=1))
            print(f"{name}: differs")
            print("\n".join(diff[2:14]))
    print(f"{len(names) - differ} of {len(names)} pages identical.")
    return 1 if differ else 0


if __name__ == "__main__":
    command, *paths = sys.argv[1:]
    if command == "save":
        save(Path(paths[0]))
    elif command == "compare":
        strict = "--strict" in paths
        paths = [p for p in paths if p != "--strict"]
        sys.exit(compare(Path(paths[0]), Path(paths[1]), strict=strict))
    else:
        sys.exit(__doc__)
