import pytest

from residents.imports.importer import run_import
from residents.imports.reading import detect_kind
from tests.imports.helpers import write


@pytest.fixture
def load(tmp_path):
    """load(committee, name, data, commit=False) → the Report of importing these bytes."""

    def _load(committee, name: str, data: bytes, *, commit: bool = False):
        path = write(tmp_path, name, data)
        return run_import(committee, path, detect_kind(path, name), commit=commit)

    return _load
