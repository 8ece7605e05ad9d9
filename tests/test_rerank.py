"""The learned re-ranking (searcher.query.rerank): what a question asks
for, and the orders its features make on small fixtures."""

import pytest
from conftest import json_hits, write

from searcher.query import rerank, rerank_model
from searcher.query.search import plan


def test_the_model_has_one_weight_for_each_feature():
    # A feature added without training the model again would be read
    # against the wrong weights (bench/train_ranker.py --write).
    assert len(rerank_model.WEIGHTS) == len(rerank.FEATURES)


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Kapan PBB dibentuk?", "time"),
        ("Tanggal berapa rapat kabinet digelar?", "time"),
        ("Berapa luas kota Ternate?", "number"),
        ("siapakah penemu telepon?", "person"),
        ("Dimanakah Douwes Dekker meninggal?", "place"),
        ("Di pulau manakah PT Mutiara berlokasi?", "place"),
        ("Negara manakah yang menang?", None),
        ("Mengapa harga beras naik?", "reason"),
        ("Apa nama perusahaan itu?", None),
        ("harga beras", None),
    ],
)
def test_what_a_question_asks_for(question, kind):
    node, _ = plan(question)
    assert rerank.Reranker(node, question).asks == kind


def features(query: str, body: str) -> dict[str, float]:
    node, _ = plan(query)
    return dict(zip(rerank.FEATURES, rerank.Reranker(node, query).of(body, 0.0, True)))


def test_features_read_from_a_paragraph():
    found = features("Kapan gempa Lombok terjadi?", "Gempa besar mengguncang Lombok pada 5 Agustus 2018.")
    assert found["coverage"] == pytest.approx(2 / 3)  # gempa, Lombok; not "terjadi"
    assert found["asks_time"] == 1.0
    assert found["asks_number"] == 0.0
    assert found["lead"] == pytest.approx((1 + (1 - 3 / 20)) / 3)  # the first word, the fourth, not the third
    assert features("Kapan gempa Lombok terjadi?", "Gempa besar mengguncang Lombok.")["asks_time"] == 0.0


def test_a_when_question_ranks_the_paragraph_with_a_date_first(run, tmp_path):
    # The same words, the paragraph without a date shorter (BM25 puts it first).
    folder = tmp_path / "berita"
    write(folder / "undated.txt", "A\n\nJembatan Suramadu diresmikan presiden.")
    write(folder / "dated.txt", "B\n\nJembatan Suramadu diresmikan presiden pada Juni 2009 di Madura.")
    run("index", str(folder))
    hits = json_hits(run("query", "--json", "Jembatan Suramadu diresmikan").stdout)
    assert [h["article"] for h in hits] == ["undated", "dated"]  # no question: the shorter first
    hits = json_hits(run("query", "--json", "Kapan jembatan Suramadu diresmikan?").stdout)
    assert [h["article"] for h in hits] == ["dated", "undated"]


def test_the_rare_words_of_a_question_count_more_than_the_common_ones(run, tmp_path):
    # Each paragraph holds two of the three words; "Wamena" is in one
    # paragraph of the five, "kota" and "Papua" in four each.
    folder = tmp_path / "berita"
    write(folder / "rare.txt", "A\n\nWamena terletak di lembah Baliem, Papua.")
    write(folder / "common.txt", "B\n\nKota Jayapura adalah ibu kota provinsi Papua.")
    for i in range(3):
        write(folder / f"other{i}.txt", f"C\n\nKota di Papua nomor {i} punya pasar.")
    run("index", str(folder))
    hits = json_hits(run("query", "--json", "Dimanakah kota Wamena di Papua?").stdout)
    assert hits[0]["article"] == "rare"
