"""searcher/storage depends on Whoosh's insides (listed in its docstring):
these tests fail, naming what changed, when the installed Whoosh is not the
one they were written for, instead of letting queries slow down or go wrong.
(The byte layouts are checked by test_index_reader and test_index_files,
which read indexes Whoosh wrote, and the instance attributes the writer
uses by every test that indexes.)"""

import re
from importlib import metadata
from pathlib import Path

import pytest

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"

# (module, dotted name) the storage layer reads, replaces or overrides.
USED = [
    ("whoosh.index", "FileIndex._reader"),
    ("whoosh.index", "TOC.read"),
    ("whoosh.index", "TOC.write"),
    ("whoosh.index", "clean_files"),
    ("whoosh.codec.whoosh3", "dumps"),
    ("whoosh.codec.whoosh3", "W3Codec"),
    ("whoosh.codec.whoosh3", "W3TermInfo.set_inlined"),
    ("whoosh.codec.whoosh3", "_lenfield"),
    ("whoosh.codec.whoosh3", "LENGTHS_COLUMN"),
    ("whoosh.externalsort", "dump"),
    ("whoosh.columns", "CompressedBytesColumn.Writer"),
    ("whoosh.multiproc", "SegmentWriter"),
    ("whoosh.multiproc", "MpWriter._commit"),
    ("whoosh.multiproc", "SubWriterTask"),
    ("whoosh.writing", "SegmentWriter._flush_segment"),
    ("whoosh.writing", "SegmentWriter._check_state"),
    ("whoosh.writing", "SegmentWriter._check_fields"),
    ("whoosh.codec.base", "PerDocWriterWithColumns.add_column_value"),
    ("whoosh.codec.whoosh3", "W3PerDocWriter.start_doc"),
    ("whoosh.codec.whoosh3", "W3PerDocWriter.add_field"),
    ("whoosh.codec.whoosh3", "W3PerDocWriter.finish_doc"),
    ("whoosh.codec.whoosh3", "W3PerDocWriter.cancel_doc"),
    ("whoosh.matching", "AndNotMatcher._find_next"),
    ("whoosh.filedb.filestore", "FileStorage.create_file"),
    ("whoosh.filedb.filestore", "FileStorage.rename_file"),
    ("whoosh.filedb.structfile", "StructFile.close"),
]


def test_a_commit_publishes_through_rename_file_and_files_close_through_onclose():
    """storage.durable syncs in create_file's onclose and after rename_file:
    that is only the commit order if the TOC is still written to a
    temporary name and renamed, and a StructFile still calls onclose."""
    import inspect

    from whoosh.filedb.structfile import StructFile
    from whoosh.index import TOC

    assert "rename_file(" in inspect.getsource(TOC.write)
    assert "self.onclose(self)" in inspect.getsource(StructFile.close)


def test_a_variable_width_column_writes_its_offsets_past_its_cutoff():
    """storage.w3.writer sets the stored-fields column writer's cutoff to 0
    so that its offsets are always written: only if Whoosh still decides
    by that attribute."""
    import inspect

    from whoosh.columns import VarBytesColumn

    assert "doccount > self.cutoff" in inspect.getsource(VarBytesColumn.Writer.finish)


def test_the_installed_whoosh_is_the_pinned_one():
    pinned = re.search(r'"whoosh3==([^"]+)"', PYPROJECT.read_text(encoding="utf-8"))
    assert pinned, "pyproject.toml no longer pins whoosh3 with =="
    assert metadata.version("whoosh3") == pinned.group(1), (
        "searcher/storage reads Whoosh's files and private names as whoosh3 "
        f"{pinned.group(1)} has them; check its docstring's list before changing the pin"
    )


@pytest.mark.parametrize("module, name", USED, ids=[f"{m}.{n}" for m, n in USED])
def test_each_private_name_the_storage_layer_uses_is_there(module, name):
    import importlib

    found = importlib.import_module(module)
    for part in name.split("."):
        assert hasattr(found, part), f"{module}.{name} is gone from this Whoosh"
        found = getattr(found, part)


def test_the_toc_version_read_is_whooshs():
    import whoosh.index

    from searcher.storage.w3 import reader

    assert reader._TOC_VERSION == whoosh.index._CURRENT_TOC_VERSION


def test_the_term_record_layout_read_is_whooshs():
    """W3TermInfo's struct, as storage.w3.reader unpacks it."""
    from whoosh.codec.whoosh3 import W3TermInfo

    from searcher.storage.w3 import reader

    assert W3TermInfo._struct.format in (reader._TERM_RECORD.format, reader._TERM_RECORD.format.encode())


def test_the_positions_read_are_decoded_as_whooshs_positions_format_encodes_them():
    """storage.w3.postings decodes a posting's positions itself, many
    pickles in one stream: it must give what Positions.decode_positions
    gives, for a position past 255 and past 65,535, many of them (pickle's
    batches), one, and none."""
    from whoosh.formats import Positions

    from searcher.storage.w3.postings import decode_positions

    cases = [[0], [3, 7, 300], [70_000, 70_001], list(range(0, 6000, 3)), [], [1]]
    encoded = [Positions().encode(positions) for positions in cases]
    assert decode_positions(encoded) == [Positions().decode_positions(value) for value in encoded] == cases
