"""Whoosh's file storage, made to put a commit on the disk in order.

Whoosh never syncs: a machine that loses power after a commit may come
back with a TOC naming segment data the disk never got.  Every file the
index writes goes through ``FileStorage.create_file``, and a commit
publishes itself with ``TOC.write``: a temporary file renamed into place
(``rename_file``).  So syncing each file as it is closed, and the folder
after each rename, gives the order a durable commit needs: segment files
(with the file-state records they hold), then the TOC under its temporary
name, then the rename, then the folder.  The indexing workers, forked from
the writer, carry this storage with them, so their segments are synced
before they hand them back.

Segments and TOCs also get their checksums here, as they are closed
(``storage.checksums``), whichever writer or worker made them; what the
writer reads back (a merge) is checked against them (``storage.checked``).
"""

from __future__ import annotations

import os

from searcher.storage.checked import CheckedFileStorage
from searcher.storage.checksums import append_trailer, carries_trailer, summing
from searcher.storage.safe_files import sync_folder, syncing


class DurableFileStorage(CheckedFileStorage):
    def create_file(self, name, excl=False, mode="wb", **kwargs):
        given = kwargs.pop("onclose", None)
        summed = carries_trailer(name) and summing()

        def sync_then(structfile) -> None:
            if given is not None:
                given(structfile)
            structfile.flush()
            if summed:
                append_trailer(os.path.join(self.folder, name), structfile.file)
                structfile.file.flush()
            if syncing():
                os.fsync(structfile.file.fileno())

        return super().create_file(name, excl, mode, onclose=sync_then, **kwargs)

    def rename_file(self, oldname, newname, safe=False):
        super().rename_file(oldname, newname, safe)
        sync_folder(self.folder)
