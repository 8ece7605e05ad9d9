"""The old home of ``searcher.analysis.whoosh_glue``.  An index's TOC holds
its schema pickled, naming the classes of its fields and analyzer by
module: an index made before the glue moved names this module, and Whoosh
imports it to read one."""

from searcher.analysis.whoosh_glue import *  # noqa: F401,F403
from searcher.analysis.whoosh_glue import __all__  # noqa: F401
