"""Import and export of the registry: the secretary's pages (Perm.IMPORT_REGISTRY)."""

from django.urls import reverse

from residents.imports.runs import start_import
from tests.imports.helpers import csv_bytes, rows_for
from tests.url_matrix import Row, expect, secretary_only


class _Upload:
    def __init__(self, name: str, data: bytes) -> None:
        self.name, self.data, self.size = name, data, len(data)

    def chunks(self):
        yield self.data


def populate(world) -> None:
    """A previewed run of committee A, waiting for its commit."""
    world.import_run = start_import(
        committee=world.a, upload=_Upload("名单.csv", csv_bytes(rows_for(3))), user=world.secretary_a
    )


# Pages not about one object: nobody else has the permission anywhere, so 403 (not 404) for B's worker.
def _secretary_page(ok: int = 200) -> dict[str, int]:
    return expect(403, anonymous=302, secretary_a=ok)


ROWS = [
    Row("imports:start", lambda w: reverse("imports:start"), _secretary_page(), not_allowed="delete"),
    Row(
        "imports:start",
        lambda w: reverse("imports:start"),
        _secretary_page(),  # an empty form comes back with its errors
        method="post",
        label="empty-form",
        not_allowed="delete",
    ),
    Row("imports:history", lambda w: reverse("imports:history"), _secretary_page()),
    Row("imports:template", lambda w: reverse("imports:template"), _secretary_page()),
    Row("imports:export", lambda w: reverse("imports:export"), _secretary_page(), not_allowed="put"),
    Row(
        "imports:export",  # with full numbers: a POST with a reason, as a reveal asks
        lambda w: reverse("imports:export"),
        _secretary_page(),
        method="post",
        data=lambda w: {"full": "1", "reason": "年度人口核对"},
        label="full-numbers",
        not_allowed="put",
    ),
    Row(
        "imports:preview",
        lambda w: reverse("imports:preview", args=[w.import_run.pk]),
        secretary_only(200),
    ),
    Row(
        "imports:progress",  # the fragment a run in the worker polls
        lambda w: reverse("imports:progress", args=[w.import_run.pk]),
        secretary_only(200),
    ),
    Row(
        "imports:commit",
        lambda w: reverse("imports:commit", args=[w.import_run.pk]),
        secretary_only(302),
        method="post",
    ),
    Row(
        "imports:cancel",
        lambda w: reverse("imports:cancel", args=[w.import_run.pk]),
        secretary_only(302),
        method="post",
    ),
]
