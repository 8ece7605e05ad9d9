"""Named tuples written as classes, without importing ``typing``.

searcher's records (a hit, a snippet, the query's options) are named tuples:
made in microseconds, unpacked, compared and printed as tuples.  Written as
``class Hit(typing.NamedTuple)``, they cost every ``search query`` process
about 6 ms before it reads anything: typing's import, and NamedTuple turning
each field's annotation (a string, under ``from __future__ import
annotations``) into a checked forward reference.  ``record`` makes the same
class from the same body with ``collections.namedtuple``, which the query
path imports anyway, as NamedTuple does, and leaves the annotations as
they are written.
"""

from __future__ import annotations

from collections import namedtuple

# typing.TYPE_CHECKING for the modules on the query path, without typing.
TYPE_CHECKING = False

_NOT_COPIED = ("__module__", "__annotations__", "__dict__", "__weakref__")


def record(cls: type) -> type:
    """The class, written as for ``typing.NamedTuple`` (annotated fields,
    in order, those with a default last; then methods and properties), as
    a ``collections.namedtuple``."""
    namespace = vars(cls)
    annotations = namespace.get("__annotations__", {})
    fields = list(annotations)
    defaulted = [name for name in fields if name in namespace]
    if defaulted != fields[len(fields) - len(defaulted) :]:
        raise TypeError(f"{cls.__name__}: a field without a default follows one with a default")
    made = namedtuple(
        cls.__name__, fields, defaults=[namespace[name] for name in defaulted], module=cls.__module__
    )
    for name, value in namespace.items():
        if name not in _NOT_COPIED and name not in fields:
            setattr(made, name, value)  # the docstring and qualified name, methods, properties
    made.__annotations__ = dict(annotations)
    return made
