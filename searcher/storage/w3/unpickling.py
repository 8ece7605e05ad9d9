"""Reading the pickles in Whoosh's files (the TOC, a segment's directory,
term records, stored fields, posting blocks) with pickle's C half alone:
importing pickle.py, its Python pickler and the re.match it runs on each
of its names, cost every cold query a millisecond."""

try:
    from _pickle import Unpickler, UnpicklingError, load, loads
except ImportError:  # a Python without the C half
    from pickle import Unpickler, UnpicklingError, load, loads

__all__ = ["Unpickler", "UnpicklingError", "load", "loads"]
