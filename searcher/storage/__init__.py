"""The index on disk: Whoosh's files, written and read.

``store`` is the index as the rest of searcher sees it: its schema,
opening and creating it, the run lock and clean-up; ``indexing`` is the
pipeline that updates it (read files -> analyse -> write paragraphs and
per-file records in one commit); ``stats``, what ``search stats`` shows.
``w3`` reads and writes the files of Whoosh's W3 codec itself: it holds
most of what depends on Whoosh's insides.  They are those of
whoosh3 3.54.0 (pinned in pyproject.toml), checked by
tests/test_whoosh_internals.py, which fails, naming what changed, on any
other version:

- Layouts read byte by byte (``w3.reader``, ``w3.postings``): the TOC
  (version -111: sizes, pickled schema, pickled segment list), the HSH3
  term table with md5 hashing, the W3 term record (``!BfIBBfII``, inlined
  postings), W3Bl posting blocks, the Positions format's encoding of a
  posting's positions (a count, then pickled gaps: phrases are matched
  from them), and the fixed- and variable-width column trailers.  If they
  change, queries raise IndexFormatError or read garbage: the test builds
  an index with Whoosh and reads it both ways.
- Private names the writer uses (``w3.writer``): ``MpWriter._commit`` and
  ``SegmentWriter._flush_segment`` (overridden), ``SegmentWriter.add_document``
  (redone for searcher's fields, calling its ``_check_state`` and
  ``_check_fields`` and the per-document writer's ``start_doc``,
  ``add_field``, ``add_column_value``, ``finish_doc`` and ``cancel_doc``),
  ``multiproc.SegmentWriter``
  (replaced, so workers write term-grouped), ``whoosh3.dumps`` and
  ``externalsort.dump`` (switched to pickle protocol 5), the misnamed
  ``W3TermInfo.set_inline`` (aliased), ``CompressedBytesColumn.Writer``
  (wrapped: its ``cutoff`` set to 0, so the stored fields' offsets are
  always written), and a field writer's
  ``_postwriter``, ``_postfile``, ``_blocklimit`` and ``_write_block``,
  a per-document reader's ``_cached_reader``, a per-document writer's
  ``_fieldlengths`` (a merge's totals), and a column's ``_dbfile``,
  ``_basepos`` and ``_count``.  If they change, indexing fails or, worse,
  writes postings Whoosh would not: the test checks each name is there.
- ``FileIndex._reader`` (``store.whoosh_reader``): Whoosh's reader on a
  generation our reader opened; ``whoosh.index.TOC`` and ``clean_files``
  (``store.remove_leftovers``); ``TOC(...).write`` (``check.repair_index``,
  a new generation without a damaged segment).
- ``FileStorage.create_file`` and ``rename_file``, overridden
  (``durable``) to sync each file as it closes (``StructFile``'s
  ``onclose``) and the folder after a rename: the commit order relies on
  ``TOC.write`` writing a temporary file and renaming it.
- Outside storage: ``AndNotMatcher._find_next``, overridden for a bug
  (``query.tree``), and the CLI's stand-in for ``whoosh.lang.morph_en``.

``store`` and ``w3`` keep Whoosh's imports inside the functions that need
them, and ``w3/__init__`` is empty: a plain-word query imports no Whoosh.
"""
