"""Query syntax: natural text is never mistaken for syntax."""

import pytest

from searcher.analysis import related_words, stem, words
from searcher.query.tree import And, Not, Or, Phrase, Prefix, Word, highlight_terms, parse
from searcher.query.search import plan


def test_question_punctuation_is_not_syntax():
    assert parse("dimana Douwes Dekker meninggal?") == And(
        (Word("dimana"), Word("douwes"), Word("dekker"), Word("meninggal")), explicit=False
    )


@pytest.mark.parametrize("text", ["catatan: rapat", "pukul 10:30", "ditandai *", "apa.", "harga 5*3"])
def test_colons_stars_and_dots_in_text_are_plain(text):
    node = parse(text)
    for leaf in getattr(node, "children", (node,)):
        assert isinstance(leaf, Word)
        assert leaf.field is None


@pytest.mark.parametrize("space", ["\t", "\u00a0", "\u3000", "\n", "  "])
def test_words_are_parted_by_any_whitespace_with_or_without_quotes_and_parentheses(space):
    """A plain query is cut at whitespace without the query pattern, which
    a quote or a parenthesis brings in: both cut at the same characters."""
    assert parse(f"pakta{space}pertahanan{space}-rusia") == parse("pakta pertahanan -rusia")
    assert parse(f'(pakta{space}pertahanan){space}"kerja sama"') == parse('(pakta pertahanan) "kerja sama"')
    assert parse(f"pakta{space}OR{space}pertahanan") == Or((Word("pakta"), Word("pertahanan")))


def test_question_words_are_dropped_from_plain_queries_only_when_something_remains():
    node, _ = plan("siapakah presiden Rusia?")
    assert node == And((Word("presiden"), Word("rusia")), explicit=False)
    node, _ = plan("siapa")
    assert node == Word("siapa")


def test_words_that_frame_a_question_are_dropped_from_questions_only():
    node, _ = plan("Apa nama ibu kota Australia?")
    assert node == And((Word("ibu"), Word("kota"), Word("australia")), explicit=False)
    node, _ = plan("Di mana letak Helsinki?")
    assert node == Word("helsinki")
    node, _ = plan("nama jalan di Bandung")
    assert node == And((Word("nama"), Word("jalan"), Word("bandung")), explicit=False)


def test_operators_phrases_fields_and_prefixes():
    assert parse('title:"kerja sama" OR rusia AND NOT korea') == Or(
        (Phrase(("kerja", "sama"), "title"), And((Word("rusia"), Not(Word("korea"))), explicit=True))
    )
    assert parse("tandatangan* -korea") == And((Prefix("tandatangan"), Not(Word("korea"))), explicit=False)


def test_a_minus_negates_a_phrase_or_a_group_as_it_does_a_word():
    assert parse('putin -"korea utara"') == And((Word("putin"), Not(Phrase(("korea", "utara")))), explicit=False)
    assert parse("putin -(korea OR cina)") == And((Word("putin"), Not(Or((Word("korea"), Word("cina"))))), explicit=False)
    assert parse('putin -title:"korea utara"') == And(
        (Word("putin"), Not(Phrase(("korea", "utara"), "title"))), explicit=False
    )
    assert parse("a-(b)") == And((Word("a"), Word("b")), explicit=False)  # inside a word, a hyphen is text


def test_a_field_before_parentheses_holds_for_every_word_inside():
    assert parse("title:(banjir OR gempa)") == Or((Word("banjir", "title"), Word("gempa", "title")))
    assert parse('title:(banjir ("tanah longsor" OR gempa*)) jakarta') == And((
        And((Word("banjir", "title"), Or((Phrase(("tanah", "longsor"), "title"), Prefix("gempa", "title")))), False),
        Word("jakarta"),
    ), explicit=False)
    assert parse("putin -title:(korea)") == And((Word("putin"), Not(Word("korea", "title"))), explicit=False)
    assert parse("foo:(bar)") == And((Word("foo"), Word("bar")), explicit=False)  # no such field: a word
    assert parse("title:(banjir") == Word("banjir", "title")  # unclosed: to the end


@pytest.mark.parametrize("text", ['"', "((", ")", "AND", "OR NOT", "title:", "*", "?", "~", "^", "-", ""])
def test_hostile_fragments_parse_to_words_or_nothing(text):
    node = parse(text)
    assert node is None or isinstance(node, (Word, And))


def test_plain_multiword_query_runs_all_words_first_then_some():
    _, passes = plan("pakta pertahanan")
    assert len(passes) == 2


def test_highlight_terms_include_stems_but_not_negated_words():
    terms = highlight_terms(parse("penandatanganan -korea"))
    assert terms.matches("menandatangani", stem("menandatangani"))
    assert not terms.matches("korea", stem("korea"))


def test_words_are_stemmed_only_when_their_root_could_be_a_query_term():
    text = "Presiden menandatangani perjanjian; wartawan menulis berita tentang penulis itu."
    terms = {"tandatangan", "tulis"}
    roots = {word.form: root for word, root in related_words(text, terms)}
    assert roots["menandatangani"] == "tandatangan"
    assert roots["menulis"] == roots["penulis"] == "tulis"  # nasal prefix: t -> n
    assert roots["presiden"] is None and roots["berita"] is None  # not stemmed at all
    # Never a missed match: every word whose root is a term gets its root.
    for word in words(text):
        if stem(word.form) in terms:
            assert roots[word.form] == stem(word.form)


def test_a_prefix_reaching_into_a_compound_s_second_part_also_looks_for_the_two_parts():
    """"antikorupsi" and "pasca-pandemi" are indexed as two words each, so
    "antikor*" and "pasca-pan*" look for the first AND a prefix of the next
    (and "pasca-pan*" for the closed spelling too: "al-qur*" for "alquran")."""
    assert parse("antikor*") == Or((Prefix("antikor"), And((Word("anti"), Prefix("kor")), explicit=False)))
    assert parse("title:pasca-pan*") == Or((Prefix("pasca-pan", "title"), Prefix("pascapan", "title"),
                                            And((Word("pasca", "title"), Prefix("pan", "title")), explicit=False)))
    assert parse("anti*") == Prefix("anti")  # no second part
    assert parse("antik*") == Prefix("antik")  # one letter of it would stand for too many words
    assert parse("tandatangan*") == Prefix("tandatangan")
