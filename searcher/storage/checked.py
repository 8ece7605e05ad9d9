"""Whoosh's file storage for reading, with each block of a segment or TOC
checked against its checksum as it is read (``storage.checksums``), so
that what Whoosh's own readers read (``search show``, stats, phrases) is
checked as the query path's reads are, and what a merge copies into a new
segment (with new checksums) is known to be sound.  Imported only where
Whoosh is."""

from __future__ import annotations

import io
import os

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

from searcher.storage.checksums import carries_trailer
from searcher.storage.w3.reader import CheckedFile, OpenFile


class CheckedFileStorage(FileStorage):
    def __init__(self, folder: str, readonly: bool = True):
        # Without mmap: opening a searcher reads only what is asked for.
        super().__init__(folder, supports_mmap=False, readonly=readonly)

    def open_file(self, name, **kwargs):
        if not carries_trailer(name):
            return super().open_file(name, **kwargs)
        return self.whoosh_file(OpenFile(os.path.join(self.folder, name)), owned=True, **kwargs)

    def whoosh_file(self, file: OpenFile, owned: bool, **kwargs) -> StructFile:
        return StructFile(io.BufferedReader(CheckedFile(file, owned)), name=file.name, **kwargs)

    def file_length(self, name):
        if not carries_trailer(name):
            return super().file_length(name)
        file = OpenFile(os.path.join(self.folder, name), checked=False)
        try:
            return file.size
        finally:
            file.close()
