"""``search check``: read every file of the index's current generation as
a query would, and check the per-file records against the paragraphs.

For each segment: every document's stored fields, every term's postings
(the terms listed by Whoosh's reader, the postings decoded by ours, as
queries decode them), every fixed-width column and the field lengths.
Then, over the whole index: every file recorded as holding articles has
paragraphs, and no paragraph belongs to a file that is not recorded (what
a half-applied update would leave).  Last, ``stems.txt`` against its
checksum, the sketch file against its checksums, and ``roots.json``.

Each segment and the TOC is first checked whole against the checksums
written with it (``storage.checksums``), so that a byte flipped inside a
value that still decodes (a posting's frequency, a letter of a stored
paragraph) is found too; in files written before checksums were kept, it
is not.
"""

from __future__ import annotations

import json
from pathlib import Path

from searcher.errors import IndexMissing, SearchIndexError
from searcher.records import record
from searcher.storage.w3 import postings as w3_postings
from searcher.storage.w3.reader import DAMAGE, DamagedFile

# Of a file written before checksums were kept: only what decodes is checked.
NO_CHECKSUMS = "no checksums ('search index --rebuild' adds them)"


@record
class Finding:
    what: str  # the file or the records checked
    detail: str  # what was checked, or what is wrong
    ok: bool
    kind: str = ""  # of damage, for repair_index: "segment", "missing", "orphan", "stems"
    subject: str = ""  # the segment's name, or the source file's path


def check_index(index_dir: Path) -> list[Finding]:
    """Everything checked, in order; a finding not ``ok`` names the damage."""
    from searcher.storage import store
    from searcher.storage.w3.reader import toc_file_name

    try:
        files = store.open_index_files(index_dir, current=False)
    except IndexMissing:  # no index here (a folder mistyped, a first run not saved yet): said as every command says it
        raise
    except SearchIndexError as error:
        damaged = _segments_one_by_one(index_dir)
        return damaged or [Finding("index", str(error), False)]
    count = len(files.segments)
    summed = "checksum matches" if files.toc_checksummed else NO_CHECKSUMS
    if store.words_cut_before(index_dir, files.field_names):  # (no damage: what its schema says)
        summed += "; words cut by an older version of searcher ('search index --rebuild' cuts them as this one does)"
    findings = [Finding(toc_file_name(store.INDEX_NAME, files.generation), f"{count} segment{'' if count == 1 else 's'}, {summed}", True)]
    summed_of: dict[str, bool] = {}  # segment: whether it has checksums (all of them match)
    for segment in files.segments:
        try:
            summed_of[segment.name] = segment.verify()
        except DamagedFile as error:
            findings.append(Finding(segment.name + ".seg", error.problem, False, "segment", segment.name))
    if len(summed_of) < len(files.segments):  # Whoosh's reader, which the rest needs, would read it
        files.close()
        return findings + [Finding("file records", "not checked: a segment is damaged", False)] + _side_files(index_dir)
    paragraphs_of: dict[str, int] = {}  # source: live paragraphs
    recorded: dict[str, int] = {}  # source: articles, from the file records
    try:
        reader = store.whoosh_reader(index_dir, files)
        widths = {"article_key": store.ARTICLE_KEY_BYTES, "day": 4, "site_hash": 4}  # NumericColumn("Q"), ("i"), ("I")
        if files.has_column("signature"):
            widths["signature"] = files.column_width("signature")
        leaves = dict(zip((segment.name for segment in files.segments), (leaf for leaf, _ in reader.leaf_readers())))
        for segment in files.segments:
            name = segment.name + ".seg"
            summed = "checksums match" if summed_of[segment.name] else NO_CHECKSUMS
            try:
                terms = _check_segment(segment, leaves[segment.name], widths, paragraphs_of, recorded)
            except (OSError, *DAMAGE) as error:
                findings.append(Finding(name, f"unreadable ({error.__class__.__name__}: {error})", False,
                                        "segment", segment.name))
                continue
            live = segment.doc_count - len(segment.deleted or ())
            findings.append(Finding(name, f"{summed}; {live:,} documents, {terms:,} terms: stored fields, postings, columns", True))
    finally:
        files.close()

    missing = sorted(source for source, articles in recorded.items() if articles and not paragraphs_of.get(source))
    orphans = sorted(source for source in paragraphs_of if source not in recorded)
    for source in missing:
        findings.append(Finding("file records", f"{source}: recorded as indexed, but no paragraph of it is", False,
                                "missing", source))
    for source in orphans:
        findings.append(Finding("file records", f"{source}: {paragraphs_of[source]:,} paragraphs, but no record", False,
                                "orphan", source))
    if not missing and not orphans:
        count = len(recorded)
        findings.append(Finding("file records", f"{count:,} file{'' if count == 1 else 's'}, "
                                f"{sum(paragraphs_of.values()):,} paragraphs: each recorded file has its paragraphs, "
                                "each paragraph its file", True))
    return findings + _side_files(index_dir)


def _side_files(index_dir: Path) -> list[Finding]:
    """stems.txt, the sketch file and roots.json."""
    from searcher.analysis.stem_table import STEM_TABLE, load_index_stem_table
    from searcher.storage import indexing

    findings = []
    if (index_dir / STEM_TABLE).exists():
        _, problem = load_index_stem_table(index_dir)
        findings.append(Finding(STEM_TABLE, problem or "checksum matches", problem is None, "" if problem is None else "stems"))
    findings += _sketch_file(index_dir)
    roots = index_dir / indexing.ROOTS_FILE
    if roots.exists():
        try:
            ok = isinstance(json.loads(roots.read_text(encoding="utf-8")), list)
        except (OSError, ValueError):
            ok = False
        findings.append(Finding(indexing.ROOTS_FILE, "readable" if ok else "unreadable", ok))
    return findings


def _sketch_file(index_dir: Path) -> list[Finding]:
    """The current generation's sketch file, if ``search index`` has written it."""
    from searcher.storage import store
    from searcher.storage.sketch_file import SketchFile, sketch_file_name

    generation = store.latest_generation(index_dir)
    name = sketch_file_name(generation)
    if not (index_dir / name).exists():
        return []
    try:
        opened = SketchFile.open(index_dir, generation)
        if opened is None:
            return [Finding(name, "not a sketch file of this generation", False, "sketches", name)]
        try:
            opened.verify()
        finally:
            opened.close()
    except (OSError, DamagedFile) as error:
        problem = error.problem if isinstance(error, DamagedFile) else f"unreadable ({error})"
        return [Finding(name, problem, False, "sketches", name)]
    return [Finding(name, "checksums match", True)]


def _check_segment(segment, leaf, widths: dict[str, int], paragraphs_of: dict[str, int], recorded: dict[str, int]) -> int:
    """Read all of one segment; count its paragraphs and file records by
    source.  Returns how many terms it has."""
    deleted = segment.deleted or set()
    for docnum in range(segment.doc_count):
        fields = segment.stored_fields(docnum)
        if docnum in deleted:
            continue
        if "sha1" in fields:  # a file record
            recorded[fields["source"]] = fields["articles"]
        elif "source" in fields:
            paragraphs_of[fields["source"]] = paragraphs_of.get(fields["source"], 0) + 1
    terms = 0
    for fieldname in leaf.indexed_field_names():
        for text in leaf.lexicon(fieldname):
            text = text.decode("utf-8") if isinstance(text, bytes) else text
            found: dict[int, float] = {}
            w3_postings.segment_postings(segment, fieldname, text).add_all(found, 0)
            terms += 1
    for column, width in widths.items():
        if segment.has_column(column):
            segment.whole_fixed_column(column, width, bytes(width))
    for fieldname in ("title", "body"):
        segment.length_bytes(fieldname)
    return terms



def _segments_one_by_one(index_dir: Path) -> list[Finding]:
    """When the generation cannot be opened whole: which of its segments
    cannot be opened on their own; or the TOC itself."""
    from searcher.storage import store
    from searcher.storage.w3.reader import IndexFormatError, SegmentFiles, read_toc

    try:
        toc = read_toc(str(index_dir), store.INDEX_NAME, store.latest_generation(index_dir))
    except DamagedFile as error:
        return [Finding(error.name, error.problem, False)]
    except (OSError, IndexFormatError):  # no TOC, or an older one: the caller reports the error as it is
        return []
    findings = []
    for record in toc.segments:
        try:
            SegmentFiles(str(index_dir), store.INDEX_NAME, record, 0).close()
        except (OSError, DamagedFile) as error:
            name = f"{store.INDEX_NAME}_{record.segid}"
            findings.append(Finding(name + ".seg", f"cannot be opened ({error})", False, "segment", name))
    if findings:
        findings.append(Finding("file records", "not checked: a segment cannot be opened", False))
    return findings


def repair_index(index_dir: Path, findings: list[Finding]) -> tuple[list[str], list[str]]:
    """Drop what ``findings`` found damaged, so that the next ``search
    index`` reads those source files again: damaged segments (a new TOC
    without them), then, checked again (a file's record and paragraphs may
    sit in different segments), the records of files whose paragraphs are
    missing and the paragraphs of files with no record; a damaged
    stems.txt.  Holds the run lock.  Returns what it did, a line each, and
    the source files the next ``search index`` will read again."""
    from whoosh.index import TOC

    from searcher.analysis.stem_table import STEM_TABLE
    from searcher.storage import indexing, store
    from searcher.storage.sketch_file import sketch_file_name

    done = []
    with store.RunLock(index_dir):
        segments = {f.subject for f in findings if f.kind == "segment"}
        if segments:
            storage = store._storage(index_dir)
            toc = TOC.read(storage, store.INDEX_NAME)
            kept = [segment for segment in toc.segments if f"{store.INDEX_NAME}_{segment.segid}" not in segments]
            TOC(toc.schema, kept, toc.generation + 1).write(storage, store.INDEX_NAME)
            store.remove_leftovers(index_dir)
            done += [f"dropped {name}.seg, with the paragraphs and file records in it" for name in sorted(segments)]
            findings = check_index(index_dir)
        records = [f for f in findings if f.kind in ("missing", "orphan")]
        if records:
            writer = store.open_index(index_dir, readonly=False, current=False).writer()
            for finding in records:
                if finding.kind == "missing":
                    writer.delete_by_term("state", finding.subject)
                    done.append(f"dropped the record of {finding.subject}, whose paragraphs were missing")
                else:
                    writer.delete_by_term("source", finding.subject)
                    done.append(f"dropped the paragraphs of {finding.subject}, which had no record")
            writer.commit()
        if any(f.kind == "stems" for f in findings):
            (index_dir / STEM_TABLE).unlink(missing_ok=True)
            done.append(f"dropped {STEM_TABLE} (the next 'search index' writes it again)")
        sketch_files = [f.subject for f in findings if f.kind == "sketches"]
        for name in sketch_files:
            (index_dir / name).unlink(missing_ok=True)
        if done or sketch_files:
            # The generation left (a new one, if anything above committed)
            # gets its sketch file, where queries find copies quickly.
            indexing.save_sketch_file(index_dir)
        if sketch_files:
            written = sketch_file_name(store.latest_generation(index_dir))
            if (index_dir / written).exists():
                done.append(f"{written}, written again")
            else:
                done.append(f"dropped {', '.join(sketch_files)} (queries find copies more slowly without it; "
                            "the next 'search index' writes it again)")
    return done, _unrecorded_files(index_dir)


def _unrecorded_files(index_dir: Path) -> list[str]:
    """The files in the indexed folders that have no record: those the
    next ``search index`` reads (again)."""
    from searcher.sources.articles import find_files
    from searcher.storage import indexing, store

    with store.open_index(index_dir, current=False).searcher() as searcher:
        recorded = {doc["source"] for doc in searcher.documents(kind="file")}
    on_disk = {str(found.path) for root in indexing.indexed_roots(index_dir) for found in find_files(root, lambda _: None, skip=index_dir)}
    return sorted(on_disk - recorded)
