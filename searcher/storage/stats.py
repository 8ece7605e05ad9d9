"""What ``search stats`` shows of an index: its articles, paragraphs,
terms, sites and dates, its roots and its size."""

from __future__ import annotations

import time

from searcher.records import TYPE_CHECKING
from searcher.storage.store import has_metadata, open_index, reading, words_cut_before

if TYPE_CHECKING:
    from pathlib import Path


def index_stats(index_dir: Path) -> dict:
    """Counts that describe the index, for ``search stats``."""
    index = open_index(index_dir)
    with reading(index_dir), index.searcher() as searcher:
        files = list(searcher.documents(kind="file"))
        reader = searcher.reader()
        terms = {text for fieldname in ("title", "body") for text in reader.lexicon(fieldname)}
        paragraphs = sum(1 for _ in searcher.document_numbers(kind="para"))
    files_in_index = list(index_dir.iterdir())
    metadata = has_metadata(index.schema.names())
    return {
        "index": str(index_dir),
        "articles": sum(doc["articles"] for doc in files),
        **(_metadata_stats(files) if metadata else {"sites": None, "dates": None}),
        "paragraphs": paragraphs,
        "distinct_terms": len(terms),
        "roots": sorted({doc["root"] for doc in files}),
        "older_analysis": words_cut_before(index_dir, index.schema.names()) is not None,  # see store.ANALYSIS_MARK
        "files": sum(1 for doc in files if doc["articles"]),  # (an empty one is recorded, not indexed)
        "size_bytes": sum(p.stat().st_size for p in files_in_index if p.is_file()),
        "last_update": time.strftime(
            "%Y-%m-%dT%H:%M:%S%z", time.localtime(max(p.stat().st_mtime for p in files_in_index))
        ),
    }


def _metadata_stats(files: list[dict]) -> dict:
    """Articles by site (most first), and the range of their dates."""
    sites: dict[str, int] = {}
    first = last = None
    undated = 0
    for doc in files:
        for site, count in doc.get("sites", {}).items():
            sites[site] = sites.get(site, 0) + count
        earliest, latest, file_undated = doc.get("dates", (None, None, doc["articles"]))
        undated += file_undated
        if earliest:
            first = min(first or earliest, earliest)
            last = max(last or latest, latest)
    by_count = dict(sorted(sites.items(), key=lambda item: (-item[1], item[0])))
    return {"sites": by_count, "dates": {"first": first, "last": last, "undated": undated}}
