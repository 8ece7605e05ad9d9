"""searcher.records.record makes the classes typing.NamedTuple would make
from the same body (hits, snippets and options are such records)."""

import pickle
from typing import NamedTuple

import pytest

from searcher.records import record


class ViaTyping(NamedTuple):
    """A hit, shortened."""

    article: str
    paragraph: int
    site: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        return f"{self.article}:{self.paragraph}"

    def as_dict(self) -> dict:
        return self._asdict()


@record
class ViaRecord:
    """A hit, shortened."""

    article: str
    paragraph: int
    site: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        return f"{self.article}:{self.paragraph}"

    def as_dict(self) -> dict:
        return self._asdict()


def test_a_record_is_the_named_tuple_typing_would_make():
    for cls in (ViaTyping, ViaRecord):
        hit = cls("a-1", 3)
        assert hit._fields == ("article", "paragraph", "site", "notes")
        assert hit == ("a-1", 3, None, ())
        assert hit.address == "a-1:3"
        assert hit._replace(site="antaranews.com").as_dict() == {
            "article": "a-1", "paragraph": 3, "site": "antaranews.com", "notes": ()
        }
        assert pickle.loads(pickle.dumps(hit)) == hit
        assert cls.__doc__ == "A hit, shortened."
        assert not hasattr(hit, "__dict__")  # as light as a tuple
        with pytest.raises(TypeError):
            cls("a-1")  # a field without a default left out
    assert ViaRecord.__qualname__ == "ViaRecord" and ViaRecord.__module__ == __name__
    assert repr(ViaRecord("a-1", 3)) == "ViaRecord(article='a-1', paragraph=3, site=None, notes=())"
    assert list(ViaRecord.__annotations__) == list(ViaTyping.__annotations__)


def test_a_field_without_a_default_after_one_with_is_refused_as_typing_refuses_it():
    with pytest.raises(TypeError):
        class Wrong(NamedTuple):
            site: str = ""
            article: str
    with pytest.raises(TypeError):
        @record
        class AlsoWrong:
            site: str = ""
            article: str
