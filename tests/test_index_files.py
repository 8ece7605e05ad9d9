"""The index files searcher's own writer makes (searcher.storage.w3.writer) must
hold exactly what Whoosh's writer would write for the same paragraphs: any
difference is a mangled posting, a wrong statistic or a lost paragraph."""

import io
import os
import pickle
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

from conftest import json_hits, long_term_folder, write
from searcher import analysis
from searcher.storage import indexing, store
from searcher.storage.w3.writer import INLINE_POSTINGS, ParallelWriter, TermGroupedWriter, _StemExchange
from searcher.sources.articles import find_files


def _whoosh_writer(index) -> SegmentWriter:
    """Whoosh's own writer, with the codec settings searcher's uses."""
    return SegmentWriter(index, codec=W3Codec(inlinelimit=INLINE_POSTINGS))


def _build(index_dir: Path, folder: Path, writer_class, pool_limit_bytes=None):
    index = store.open_or_create_index(index_dir)
    writer = writer_class(index)
    if pool_limit_bytes is not None:
        writer.pool._limit = pool_limit_bytes  # spill sorted runs to disk every few paragraphs
    report = indexing.IndexReport()
    for source in find_files(folder, print):
        indexing._index_file(writer, source, None, report, print)
    writer.commit()
    assert report.paragraphs > 0
    return index


def _blocks(raw: bytes) -> list[tuple]:
    """A W3 posting list's blocks: each one's header (postings, last
    document, largest weight, shortest and longest field) and its unpickled
    (documents, weights, values)."""
    blocks, at = [], 4  # after the list's magic number
    while True:
        (size,) = struct.unpack_from("!i", raw, at)
        stream = io.BytesIO(raw[at + 4 : at + 4 + abs(size)])
        header = pickle.load(stream)
        data = stream.read()
        compressed = header[3]  # left out: it depends on the pickled size
        blocks.append((header[:3] + header[4:], pickle.loads(zlib.decompress(data) if compressed else data)))
        if size < 0:
            return blocks
        at += 4 + abs(size)


def _contents(index) -> dict:
    """Every term's record and its posting list, block by block, with each
    field's lengths and the stored fields.  Blocks are compared unpickled:
    where pickle writes one copy of a value shared by several postings,
    their bytes (and so whether they were worth compressing) differ."""
    contents = {}
    with index.reader() as reader:  # one segment: a SegmentReader
        postfile = reader._terms._postfile
        for fieldname in index.schema.names():
            if not index.schema[fieldname].indexed:
                continue
            for text in reader.lexicon(fieldname):
                info = reader.term_info(fieldname, text)
                if info.is_inlined():  # a rare term's postings, in its record
                    postings = info.inlined_postings()
                else:
                    offset, extent = info.extent()
                    (extent,) = extent if isinstance(extent, tuple) else (extent,)
                    postings = _blocks(postfile.get(offset, extent))
                contents[fieldname, text] = (
                    info.doc_frequency(),
                    info.weight(),
                    info.min_length(),
                    info.max_length(),
                    info.max_weight(),
                    postings,
                )
            contents[fieldname, "lengths"] = [
                reader.doc_field_length(docnum, fieldname) for docnum in range(reader.doc_count_all())
            ]
        contents["stored"] = list(reader.all_stored_fields())
    return contents


@pytest.fixture
def folder(tmp_path):
    return long_term_folder(tmp_path)


def test_the_index_holds_what_whoosh_would_write(tmp_path, folder):
    ours = _contents(_build(tmp_path / "ours", folder, TermGroupedWriter))
    whoosh = _contents(_build(tmp_path / "whoosh", folder, _whoosh_writer))
    assert ours.keys() == whoosh.keys()
    assert ours == whoosh
    assert ("body", b"banjir") in ours and ours["body", b"banjir"][0] > 256  # three blocks at least
    terms = {key: value for key, value in ours.items() if key != "stored" and key[1] != "lengths"}
    # A rare term's postings are in its record, Whoosh's "inlined" postings.
    assert all(isinstance(postings, tuple) == (df < INLINE_POSTINGS) for df, *_, postings in terms.values())
    assert any(df == 1 for df, *_ in terms.values())


def test_postings_spilled_to_disk_come_back_whole_and_in_order(tmp_path, folder):
    in_memory = _contents(_build(tmp_path / "memory", folder, TermGroupedWriter))
    spilled = _contents(_build(tmp_path / "spilled", folder, TermGroupedWriter, pool_limit_bytes=20_000))
    assert spilled == in_memory
    assert not list((tmp_path / "spilled").rglob("*.termrun"))  # the runs are cleaned up


def test_indexing_workers_hand_the_roots_they_found_to_the_next_batch(run, tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCH_PROCS", "2")
    monkeypatch.setenv("SEARCH_BATCH_PARAGRAPHS", "2")  # a commit, and new workers, every file or so
    folder = tmp_path / "berita"
    for n in range(4):
        write(folder / f"{n}.txt", f"Berita {n}\n\nFilm itu dipertontonkan di Jakarta.\n\nWarga menonton film ke-{n}.")
    analysis.known_stems().pop("dipertontonkan", None)  # as if never stemmed in this process
    assert run("index", str(folder)).exit_code == 0
    # Only the workers stemmed it; the parent now knows its root too.
    assert analysis.known_stems()["dipertontonkan"] == "tonton"
    assert not list((tmp_path / "index").glob("stems-*"))
    assert not list((tmp_path / "index").glob("exchange-*"))


def test_workers_of_one_batch_share_the_roots_they_find_as_they_go(tmp_path):
    """What one worker stemmed, another learns before its next job of
    paragraphs (``_StemExchange``), and a record still being written is
    read once it is whole."""
    forms = {"dipertontonkannya-uji": "tonton", "menuliskannya-uji": "tulis"}
    for form in [*forms, "ditontonnya-uji", "tontonan-uji"]:
        analysis.known_stems().pop(form, None)
    here = _StemExchange(tmp_path)
    pid = os.fork()
    if pid == 0:  # another worker: works these roots out and shares them
        try:
            exchange = _StemExchange(tmp_path)  # as the worker starts
            analysis.learn_stems(forms)  # (as stemming them in a job would)
            exchange.share()  # after the job
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert not forms.keys() & analysis.known_stems().keys()
    here.take()
    assert {form: analysis.known_stems()[form] for form in forms} == forms

    # A record half written by another worker is left for the next look.
    record = pickle.dumps({"ditontonnya-uji": "tonton"})
    whole = struct.pack(">I", len(record)) + record
    other = tmp_path / "exchange-1.stems"
    other.write_bytes(whole[:-3])
    here.take()
    assert "ditontonnya-uji" not in analysis.known_stems()
    with open(other, "ab") as appending:
        appending.write(whole[-3:])
    here.take()
    assert analysis.known_stems()["ditontonnya-uji"] == "tonton"
    # A record that is not a pickle of roots (cut short by a full disk) is
    # passed over, and the whole records after it are read.
    later = pickle.dumps({"tontonan-uji": "tonton"})
    with open(other, "ab") as appending:
        for junk in (b"\x80\x05 not roots", pickle.dumps(["not", "a", "dict"])):
            appending.write(struct.pack(">I", len(junk)) + junk)
        appending.write(struct.pack(">I", len(later)) + later)
    here.take()
    assert analysis.known_stems()["tontonan-uji"] == "tonton"
    # Nor does a worker share back what it learned from the others.
    here.share()
    assert not (tmp_path / f"exchange-{os.getpid()}.stems").exists()


def test_roots_left_by_a_stopped_run_are_removed_not_learned(run, tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCH_PROCS", "2")
    folder = tmp_path / "berita"
    write(folder / "a.txt", "Berita\n\nWarga menonton film.")
    assert run("index", str(folder)).exit_code == 0
    # A worker killed with its parent left this; another version may stem differently.
    leftover = tmp_path / "index" / "stems-99999.pickle"
    leftover.write_bytes(pickle.dumps({"menonton": "salah"}))
    (tmp_path / "index" / "stems-99998.partial").write_bytes(b"\x80")
    record = pickle.dumps({"menonton": "salah"})
    (tmp_path / "index" / "exchange-99997.stems").write_bytes(struct.pack(">I", len(record)) + record)
    write(folder / "b.txt", "Berita lain\n\nAnak menonton televisi.")
    assert run("index", str(folder)).exit_code == 0
    assert not list((tmp_path / "index").glob("stems-*"))
    assert not list((tmp_path / "index").glob("exchange-*"))
    assert analysis.known_stems().get("menonton") != "salah"
    assert len(json_hits(run("query", "tonton", "--json").output)) == 2


def test_cancelling_stops_the_workers_before_their_files_are_deleted(tmp_path, capfd):
    """Ctrl-C cancels the writer; a worker still reading a job file that the
    cancel deletes would die with a traceback on the user's terminal."""
    index = store.open_or_create_index(tmp_path / "index")
    writer = ParallelWriter(index, procs=2, multisegment=True, batchsize=16)
    for n in range(3000):
        writer.add_document(kind="para", body=f"Banjir ke-{n} melanda Jakarta dan warga mengungsi ke tempat aman.")
    workers = list(writer.tasks)
    writer.cancel()
    assert workers and not any(worker.is_alive() for worker in workers)
    assert "Traceback" not in capfd.readouterr().err
    assert not list((tmp_path / "index").glob("*.tmp"))


def test_a_merged_segment_holds_what_whoosh_would_merge(tmp_path, folder):
    """Merging segments pools their postings a term at a time (and with
    deleted paragraphs left out and the rest renumbered): the merged
    segment must hold what Whoosh's own merge, a posting at a time, writes."""
    sources = list(find_files(folder, print))
    for base, inline in (("inlined", INLINE_POSTINGS), ("not-inlined", 1)):
        index = store.open_or_create_index(tmp_path / base)
        for part in (sources[: len(sources) // 2], sources[len(sources) // 2 :]):
            writer = TermGroupedWriter(index, codec=W3Codec(inlinelimit=inline))
            for source in part:
                indexing._index_file(writer, source, None, indexing.IndexReport(), print)
            writer.commit()
        writer = SegmentWriter(index)
        for docnum in range(0, index.doc_count_all(), 7):
            writer.delete_document(docnum)
        writer.commit(merge=False)
        assert len(index._segments()) == 2 and all(s.has_deletions() for s in index._segments())
    merged = {}
    # Whoosh's own merge fails on inlined postings of a field without
    # values (its ListMatcher gives '' for their value): it merges
    # segments written before rare terms were inlined.
    for name, base, writer_class in (
        ("ours", "inlined", TermGroupedWriter),
        ("ours from not inlined", "not-inlined", TermGroupedWriter),
        ("whoosh", "not-inlined", _whoosh_writer),
    ):
        shutil.copytree(tmp_path / base, tmp_path / name)
        copy = store.open_or_create_index(tmp_path / name)
        writer_class(copy).commit(optimize=True)
        assert len(copy._segments()) == 1
        merged[name] = _contents(copy)
    assert merged["ours"] == merged["whoosh"]
    assert merged["ours from not inlined"] == merged["whoosh"]
    assert merged["ours"]["body", b"banjir"][0] > 256  # a term of several blocks


def test_new_paragraphs_and_a_merged_segment_in_one_commit_hold_what_whoosh_would_write(tmp_path, folder):
    """A one-process writer pools new paragraphs' text postings apart from
    the postings of the segments it merges (TermGroupedPool.add_text):
    both must come out as one posting list per term, in document order."""
    sources = list(find_files(folder, print))
    index = store.open_or_create_index(tmp_path / "base")
    writer = TermGroupedWriter(index, codec=W3Codec(inlinelimit=1))  # what Whoosh's merge reads (see above)
    for source in sources[: len(sources) // 2]:
        indexing._index_file(writer, source, None, indexing.IndexReport(), print)
    writer.commit()
    merged = {}
    for name, writer_class in (("ours", TermGroupedWriter), ("whoosh", _whoosh_writer)):
        shutil.copytree(tmp_path / "base", tmp_path / name)
        copy = store.open_or_create_index(tmp_path / name)
        writer = writer_class(copy)
        for source in sources[len(sources) // 2 :]:
            indexing._index_file(writer, source, None, indexing.IndexReport(), print)
        writer.commit(optimize=True)
        assert len(copy._segments()) == 1
        merged[name] = _contents(copy)
    assert merged["ours"] == merged["whoosh"]
    # Terms both halves hold, in the merged and in the new paragraphs.
    assert merged["ours"]["body", b"banjir"][0] > 256
    assert merged["ours"]["kind", b"para"][0] == len(merged["ours"]["stored"]) - len(sources)


def test_an_index_made_before_the_analysis_glue_moved_still_opens():
    """Its TOC's pickled schema names searcher._whoosh_analysis."""
    import pickle

    from searcher.storage.store import make_schema

    old = pickle.dumps(make_schema(), protocol=0).replace(b"searcher.analysis.whoosh_glue", b"searcher._whoosh_analysis")
    assert b"searcher._whoosh_analysis" in old
    schema = pickle.loads(old)
    assert type(schema["body"]).__name__ == "IndonesianText"
    assert [token.text for token in schema["body"].analyzer("Menandatangani")] == ["tandatangan", "menandatangani"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked only where there is fork")
def test_a_worker_whose_parent_died_before_it_could_ask_to_die_with_it_ends():
    """A worker asks the kernel to kill it when its parent dies; a parent
    killed (kill -9) between the fork and that request sends no signal, and
    the worker must end on its own rather than wait for work forever."""
    from searcher.storage.w3.writer import _die_with_parent

    for parent, status in ((os.getpid(), 0), (os.getpid() + 10**6, 1)):  # its own parent; one that is gone
        child = os.fork()
        if child == 0:
            try:
                _die_with_parent(parent)
            finally:
                os._exit(0)
        _, exit_status = os.waitpid(child, 0)
        assert os.waitstatus_to_exitcode(exit_status) == status
