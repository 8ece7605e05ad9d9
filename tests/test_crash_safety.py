"""Killing a real `search index` at random moments, or its workers failing,
never damages the index."""

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest
from test_cli import _installed_search


def make_corpus(folder, articles=2000):
    rng = random.Random(7)
    words = "banjir gempa pemilu harga beras cabai sekolah rumah sakit presiden menteri warga kota desa".split()
    folder.mkdir()
    for i in range(articles):
        paragraphs = [" ".join(rng.choice(words) for _ in range(40)) + "." for _ in range(8)]
        (folder / f"{i:04d}.txt").write_text(f"Berita {i}\n\n" + "\n\n".join(paragraphs), encoding="utf-8")


def run(args, env, **kwargs):
    return subprocess.run([_installed_search(), *args], env=env, capture_output=True, text=True, **kwargs)


def children(pid):
    """The processes ``pid`` started (Linux)."""
    try:
        found = set()
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found.update(int(child) for child in f.read().split())
        return found
    except OSError:
        return set()


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def counts(env):
    result = run(["stats", "--json"], env)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    return figures["articles"], figures["paragraphs"], figures["files"]


def test_kill_9_and_ctrl_c_leave_a_working_index_that_the_next_run_completes(tmp_path):
    corpus = tmp_path / "berita"
    make_corpus(corpus)
    base = {**os.environ, "SEARCH_BATCH_PARAGRAPHS": "2000", "NO_COLOR": "1"}
    clean = {**base, "SEARCH_INDEX_DIR": str(tmp_path / "clean")}
    started = time.monotonic()
    assert run(["index", str(corpus)], clean, timeout=300).returncode == 0
    whole_run = time.monotonic() - started
    expected = counts(clean)
    assert expected == (2000, 16000, 2000)

    env = {**base, "SEARCH_INDEX_DIR": str(tmp_path / "crashed")}
    rng = random.Random(11)
    stopped_midway = 0
    with_workers = 0
    for attempt, sig in enumerate([signal.SIGKILL, signal.SIGKILL, signal.SIGINT, signal.SIGKILL]):
        process = subprocess.Popen([_installed_search(), "index", str(corpus)], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # A sixth to a third of the way through a whole run (each run
        # resumes from the last one's last commit, so the first three
        # together stop short of the end however fast indexing gets), and
        # late enough for the workers to have started.
        time.sleep(max(0.5, whole_run * rng.uniform(1 / 6, 1 / 3)))
        workers = children(process.pid)
        with_workers += bool(workers)
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=120)
        deadline = time.monotonic() + 10
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(w) for w in workers), "indexing workers outlived the main process"
        assert "Traceback" not in stderr
        stopped_midway += process.returncode in (-signal.SIGKILL, 130)
        if sig == signal.SIGINT and process.returncode == 130:
            assert "interrupted" in stderr
        if (tmp_path / "crashed").exists() and any((tmp_path / "crashed").glob("*.toc")):
            articles, paragraphs, files = counts(env)  # opens and answers as of the last commit
            assert paragraphs == 8 * articles
            assert run(["query", "banjir"], env).returncode in (0, 1)
            checked = run(["check"], env)
            assert checked.returncode == 0, checked.stdout + checked.stderr
    assert stopped_midway >= 2, "indexing finished before the signals: make the corpus bigger"
    if (os.cpu_count() or 1) > 1:
        assert with_workers, "no indexing worker was running when the signals came"
    assert run(["index", str(corpus)], env, timeout=300).returncode == 0
    assert counts(env) == expected
    assert top10(env, TOP10_QUERIES) == top10(clean, TOP10_QUERIES)


TOP10_QUERIES = ["banjir", "harga beras", "rumah sakit", "presiden menteri", "gempa desa"]


def top10(env, queries):
    """Each query's first ten hits, with their scores."""
    tops = []
    for q in queries:
        result = run(["query", "--json", q], env)
        tops.append([(h["article"], h["paragraph"], round(h["score"], 4)) for h in map(json.loads, result.stdout.splitlines())])
    return tops


# Runs `search index` with a Ctrl-C landing inside the first put on a
# multiprocessing queue, just after its feeder thread started and before
# the queue registered the clean-up that stops that thread at exit (a
# window of microseconds, hit about once in fifty Ctrl-Cs).
CTRL_C_IN_QUEUE_PUT = r"""
from multiprocessing import queues
start_thread = queues.Queue._start_thread
def interrupted_start_thread(self):
    start_thread(self)
    self._close.cancel()  # as if the interrupt came before it was registered
    queues.Queue._start_thread = start_thread
    raise KeyboardInterrupt
queues.Queue._start_thread = interrupted_start_thread
from searcher.cli.commands import main
main()
"""


def _assert_ctrl_c_ends_the_run_and_the_next_completes(tmp_path, script: str) -> None:
    """Run ``search index`` through ``script``, which makes a Ctrl-C land
    somewhere awkward: the run must end with its one line and status 130,
    and the next run complete the index."""
    corpus = tmp_path / "berita"
    make_corpus(corpus, articles=300)
    env = {**os.environ, "SEARCH_INDEX_DIR": str(tmp_path / "index"), "SEARCH_PROCS": "2", "NO_COLOR": "1"}
    stopped = subprocess.run([sys.executable, "-c", script, "index", str(corpus)], env=env,
                             capture_output=True, text=True, timeout=60)
    assert stopped.returncode == 130 and "interrupted" in stopped.stderr
    assert "Traceback" not in stopped.stderr and "Exception ignored" not in stopped.stderr
    done = run(["index", str(corpus)], env, timeout=300)
    assert done.returncode == 0 and counts(env) == (300, 2400, 300)


def test_ctrl_c_while_a_queue_starts_ends_the_run_instead_of_hanging(tmp_path):
    _assert_ctrl_c_ends_the_run_and_the_next_completes(tmp_path, CTRL_C_IN_QUEUE_PUT)


# Runs `search index` with a Ctrl-C landing while a finaliser runs, as when
# the garbage collector closes one of multiprocessing's connections (seen
# once in CI): Python cannot raise it from there.
CTRL_C_IN_A_FINALISER = r"""
import os, signal
import searcher.storage.indexing as indexing
class Finalised:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        sum(range(1000))  # Python code, where the signal's handler runs
index_file, files = indexing._index_file, [0]
def index_file_then_finalise(*args, **kwargs):
    files[0] += 1
    if files[0] == 5:
        Finalised()  # dropped at once: its __del__ runs here
    return index_file(*args, **kwargs)
indexing._index_file = index_file_then_finalise
from searcher.cli.commands import main
main()
"""


# The same, in the callback multiprocessing runs as one of its objects dies
# (the workers' pipes and queues have them).
CTRL_C_IN_A_MULTIPROCESSING_FINALISER = CTRL_C_IN_A_FINALISER.replace("""class Finalised:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        sum(range(1000))  # Python code, where the signal's handler runs
""", """from multiprocessing import util
class Dying:
    pass
def at_death():
    os.kill(os.getpid(), signal.SIGINT)
    sum(range(1000))  # Python code, where the signal's handler runs
def Finalised():
    dying = Dying()
    util.Finalize(dying, at_death)
    return dying
""")


@pytest.mark.parametrize("script", [CTRL_C_IN_A_FINALISER, CTRL_C_IN_A_MULTIPROCESSING_FINALISER],
                         ids=["__del__", "multiprocessing"])
def test_ctrl_c_while_a_finaliser_runs_still_stops_the_run(tmp_path, script):
    assert "Finalised()" in script and "os.kill" in script
    _assert_ctrl_c_ends_the_run_and_the_next_completes(tmp_path, script)


# Ctrl-C while multiprocessing sets up one of those callbacks (as the
# workers' queues and pipes are made): one left half-made ran as its
# object died and failed there, printing a traceback.
CTRL_C_AS_A_FINALISER_IS_MADE = r"""
import itertools, os, signal
from multiprocessing import util
parent = os.getpid()
class Numbers:  # Finalize.__init__ numbers each one with next(util._finalizer_counter)
    def __init__(self):
        self._numbers = itertools.count()
    def __next__(self):
        number = next(self._numbers)
        if number == int(os.environ["AT_FINALIZE"]) and os.getpid() == parent:
            os.kill(os.getpid(), signal.SIGINT)
            sum(range(1000))  # Python code, where the signal's handler runs
        return number
util._finalizer_counter = Numbers()
from searcher.cli.commands import main
main()
"""


@pytest.mark.parametrize("at", [2, 3])  # (of the four the parent makes as it indexes 300 articles)
def test_ctrl_c_while_a_finaliser_is_made_stops_the_run_without_a_traceback(tmp_path, monkeypatch, at):
    monkeypatch.setenv("AT_FINALIZE", str(at))
    _assert_ctrl_c_ends_the_run_and_the_next_completes(tmp_path, CTRL_C_AS_A_FINALISER_IS_MADE)


# Runs `search index` with its workers made to fail part-way through their
# share: a MemoryError raised, or the process killed as the kernel's OOM
# killer would.
FAILING_WORKERS = r"""
import os, signal, sys
import searcher.storage.w3.writer as writer
how, after = sys.argv.pop(1), int(sys.argv.pop(1))
parent, added = os.getpid(), [0]
add = writer.TermGroupedPool.add
def failing_add(self, posting):
    if os.getpid() != parent:
        added[0] += 1
        if added[0] > after:
            if how == "memory":
                raise MemoryError("cannot allocate")
            os.kill(os.getpid(), signal.SIGKILL)
    return add(self, posting)
writer.TermGroupedPool.add = failing_add
from searcher.cli.commands import main
main()
"""


@pytest.mark.parametrize("how, files, after, message", [
    # A worker fails once every job is handed out: Whoosh's parent committed
    # without its segment, its files recorded as indexed, their paragraphs
    # missing.
    ("memory", 30, 50, "(MemoryError: cannot allocate)"),
    # The workers fail with jobs left to hand out (more than Whoosh's job
    # queue holds): Whoosh's parent waited forever.
    ("memory", 1500, 2000, "(MemoryError: cannot allocate)"),
    ("kill", 1500, 2000, "killed by signal 9"),
])
def test_a_failing_indexing_worker_fails_the_batch_and_loses_nothing(tmp_path, how, files, after, message):
    env = {**os.environ, "SEARCH_INDEX_DIR": str(tmp_path / "index"), "SEARCH_PROCS": "2", "NO_COLOR": "1"}
    first = tmp_path / "first"
    make_corpus(first, articles=20)
    assert run(["index", str(first)], env).returncode == 0
    before = counts(env)
    more = tmp_path / "more"
    more.mkdir()
    for i in range(files):
        (more / f"{i}.txt").write_text(f"Kabar {i}\n\nHujan deras turun di kota nomor {i}.\n\nJalan tergenang.")

    failed = subprocess.run([sys.executable, "-c", FAILING_WORKERS, how, str(after), "index", str(more)], env=env,
                            capture_output=True, text=True, timeout=120)
    assert failed.returncode == 2
    assert failed.stderr.startswith("search: error: an indexing worker ") and failed.stderr.count("\n") == 1
    assert message in failed.stderr and "what was indexed before is intact" in failed.stderr
    assert counts(env) == before
    assert run(["query", "banjir"], env).returncode == 0

    done = run(["index", str(more)], env, timeout=300)
    assert done.returncode == 0 and f"{files:,} new" in done.stdout
    assert counts(env) == (before[0] + files, before[1] + 2 * files, before[2] + files)


def test_files_of_a_killed_rebuild_are_removed_by_the_next_run(tmp_path):
    corpus = tmp_path / "berita"
    make_corpus(corpus, articles=1500)
    index_dir = tmp_path / "index"
    env = {**os.environ, "SEARCH_INDEX_DIR": str(index_dir), "NO_COLOR": "1"}
    assert run(["index", str(corpus)], env, timeout=300).returncode == 0
    expected = counts(env)
    committed = set(os.listdir(index_dir))
    rebuild = subprocess.Popen([_installed_search(), "index", "--rebuild"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120

    def left_by_the_rebuild():  # a ".partial" file (roots.json's, written first) is renamed at once: not one
        return {name for name in set(os.listdir(index_dir)) - committed if not name.endswith(".partial")}

    while not left_by_the_rebuild() and rebuild.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    workers = children(rebuild.pid)
    rebuild.kill()
    rebuild.communicate(timeout=60)
    for worker in workers:
        try:
            os.kill(worker, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert rebuild.returncode == -signal.SIGKILL, "the rebuild finished before it was killed"
    assert left_by_the_rebuild(), "the rebuild was killed before it wrote anything"
    nothing_to_do = run(["index"], env, timeout=300)
    assert nothing_to_do.returncode == 0 and "1,500 unchanged" in nothing_to_do.stdout
    assert set(os.listdir(index_dir)) == committed
    assert counts(env) == expected


def test_readers_in_a_loop_never_fail_nor_miss_a_paragraph_while_a_writer_commits_and_merges(tmp_path):
    import searcher
    from searcher.storage.store import latest_generation
    from searcher.storage.w3.writer import MAX_SEGMENTS

    index_dir = tmp_path / "index"
    before = tmp_path / "sebelum"
    before.mkdir()
    rng = random.Random(3)
    words = "laut pantai gelombang rumah nelayan perahu sirene bantuan posko relawan jalan jembatan".split()
    for i in range(40):  # paragraphs unlike each other, so that none is folded as a copy of another
        text = " ".join(rng.choice(words) for _ in range(30))
        (before / f"{i:02d}.txt").write_text(f"Tsunami {i}\n\nTsunami melanda Aceh: {text}.", encoding="utf-8")
    env = {**os.environ, "SEARCH_INDEX_DIR": str(index_dir), "SEARCH_PROCS": "1", "NO_COLOR": "1",
           "SEARCH_BATCH_PARAGRAPHS": "160"}  # a commit every 20 articles: 30 commits, merges among them
    assert run(["index", str(before)], env).returncode == 0
    expected = [hit.text for hit in searcher.Index(index_dir).search("tsunami aceh", limit=40).hits]
    assert len(expected) == 40
    corpus = tmp_path / "berita"
    make_corpus(corpus, articles=600)

    writer = subprocess.Popen([_installed_search(), "index", str(corpus)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    answers, generations = 0, set()
    try:
        while writer.poll() is None:
            generations.add(latest_generation(index_dir))
            with searcher.Index(index_dir) as ix:  # opened afresh each time, as `search query` is
                results = ix.search("tsunami aceh", limit=40)
            assert [hit.text for hit in results.hits] == expected
            assert results.paragraphs == 40
            answers += 1
    finally:
        _, stderr = writer.communicate(timeout=300)
    assert writer.returncode == 0, stderr
    assert answers > 20 and len(generations) > 5, (answers, generations)  # the readers saw many commits
    assert len(list(index_dir.glob("*.seg"))) <= MAX_SEGMENTS  # and merges happened meanwhile
    assert counts(env) == (640, 4840, 640)
