"""The one .xlsx writer (common/xlsx.py) when its rows fail half-way."""

import gc
import sys

import pytest

from common.xlsx import Column, XlsxWriter


def _rows_that_fail():
    yield ("李桂英",)
    yield ("王芳",)
    raise RuntimeError("the replica went away")


def test_a_sheet_whose_rows_fail_is_closed_at_once(monkeypatch):
    # A replica read that fails half-way runs the export again on the primary. The abandoned sheet
    # used to be closed by the garbage collector after its temporary file, in whatever request came
    # next: "Exception ignored ... I/O operation on closed file".
    ignored = []
    monkeypatch.setattr(sys, "unraisablehook", ignored.append)
    writer = XlsxWriter()
    with pytest.raises(RuntimeError, match="replica"):
        writer.sheet("居民", [Column("姓名")], _rows_that_fail())
    del writer
    gc.collect()
    assert ignored == []
