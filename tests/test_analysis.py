"""Indonesian analysis: tokens, folding, stemming, exact forms."""

import pickle
import pytest

from searcher.analysis import closed_compound_start, index_terms, stem, words
from searcher.analysis.whoosh_glue import analyzer
from searcher.storage.store import make_schema


def forms(text):
    return [w.form for w in words(text)]


def test_reduplication_stays_one_word_and_stems_to_its_root():
    assert forms("negara-negara Barat") == ["negara-negara", "barat"]
    assert stem("negara-negara") == "negara"


def test_other_hyphenated_compounds_are_split_into_findable_parts():
    assert forms("hubungan Rusia-Korea Utara, COVID-19") == ["hubungan", "rusia", "korea", "utara", "covid", "19"]


def test_numbers_stay_whole():
    assert forms("Rp 1.000.000 atau 3,5 persen pada 2024.") == ["rp", "1.000.000", "atau", "3,5", "persen", "pada", "2024"]


def test_where_letters_meet_digits_a_word_ends_and_a_number_begins():
    """"Covid19", "COVID-19" and "covid 19" are one thing; "Rp500.000" is
    found by "500.000"."""
    assert forms("Covid19") == forms("COVID-19") == forms("covid 19") == ["covid", "19"]
    assert forms("Rp500.000 dan Rp1,5 triliun di KTT G20") == ["rp", "500.000", "dan", "rp", "1,5", "triliun", "di",
                                                             "ktt", "g", "20"]
    text = "Pesawat A330 dan H5N1, Rp500.000"
    assert [text[w.start : w.end] for w in words(text)] == ["Pesawat", "A", "330", "dan", "H", "5", "N", "1", "Rp",
                                                            "500.000"]
    assert list(words(text + " é"))[:-1] == list(words(text))  # (the ASCII text's pattern, and the other one's)


def test_case_and_accents_are_folded():
    assert forms("François ÉCOLE") == ["francois", "ecole"]


def test_word_offsets_point_into_the_original_text():
    text = "Pakta  Rusia-Korea"
    assert [text[w.start : w.end] for w in words(text)] == ["Pakta", "Rusia", "Korea"]


def test_tandatangan_forms_meet_at_one_root():
    assert {stem(w) for w in ("penandatanganan", "menandatangani", "ditandatangani")} == {"tandatangan"}


def test_a_noun_of_ke_pe_or_per_and_an_keeps_the_k_of_its_root():
    """Sastrawi cuts "-kan" off "kerusakan" (damage), leaving "rusa" (deer);
    those confixes close with "-an", so the root is "rusak"."""
    assert {stem(w) for w in ("kerusakan", "kerusakannya", "perusakan", "merusak", "rusak")} == {"rusak"}
    assert stem("pergerakan") == stem("penggerakan") == stem("bergerak") == "gerak"
    assert stem("perpajakan") == "pajak" and stem("keunikan") == "unik"
    # Where Sastrawi found a word holding the prefix: "keburu" (in a hurry), "perban" (a bandage).
    assert stem("keburukan") == stem("memburuk") == "buruk" and stem("perbankan") == stem("bank") == "bank"
    assert stem("keretakan") == "retak" and stem("penjarakan") == "penjara"
    assert stem("melarikan") == stem("larikan") == "lari"  # a verb's -kan: as Sastrawi cuts it


def test_a_bare_noun_of_a_root_ending_in_k_and_an_keeps_the_k():
    """Sastrawi reads "desakan" (pressure) as "desa" (a village) + "-kan",
    "gerakan" (a movement) as "gera" + "-kan"."""
    assert {stem(w) for w in ("desakan", "desakannya", "didesak", "mendesak")} == {"desak"}
    assert {stem(w) for w in ("gerakan", "gerakannya", "pergerakan", "bergerak")} == {"gerak"}
    assert stem("pasukan") == "pasuk" and stem("tarikan") == stem("menarik") == "tarik"
    assert stem("desa") == "desa" and stem("pedesaan") == "desa"
    assert stem("katakan") == stem("katakanlah") == "kata"  # a verb's -kan ("katak" is a frog)


def test_no_infix_is_taken_out_of_a_word_whose_affixes_give_a_root():
    """Sastrawi's infix rules (-el-, -em-, -er-, -in-) found a shorter
    root in the middle of words its affixes explain: "belahan" (a half)
    was "bahan" (material), "menjelajahi" "jajah" (colonise)."""
    assert {stem(w) for w in ("ditemani", "menemani", "teman", "pertemanan")} == {"teman"}
    assert {stem(w) for w in ("diminati", "peminat", "berminat")} == {"minat"}
    assert {stem(w) for w in ("belahan", "bersebelahan", "membelah")} == {"belah"}
    assert {stem(w) for w in ("menjelajahi", "dijelajahi", "penjelajah")} == {"jelajah"}
    assert stem("mati") == stem("kematian") == "mati" and stem("petani") == "tani" and stem("bahan") == "bahan"
    # An affix's own letters that look like an infix ("pe-m-": "pemerintah")
    # and a root standing whole in the word ("merugikan") are as before.
    assert stem("pemerintah") == "perintah" and stem("pemakai") == "pakai" and stem("mematahkan") == "patah"
    assert stem("merugikan") == "rugi" and stem("melarikan") == "lari"


def test_the_name_of_a_place_is_its_own_root():
    """Sastrawi cuts "Bekasi" to "bekas" (former), "Maluku" to "malu"
    (shame) and "Pemalang" to "malang", another city."""
    assert [stem(w) for w in ("bekasi", "kediri", "maluku", "pemalang", "berlin")] == [
        "bekasi", "kediri", "maluku", "pemalang", "berlin"]
    assert stem("bekas") == "bekas" and stem("dirinya") == "diri" and stem("malang") == "malang"
    assert stem("kepulauan") == "pulau" and stem("pegunungan") == "gunung"  # (names made of derived words)


def test_a_root_whose_first_consonant_is_doubled_with_e_is_found():
    """Dwipurwa: "peperangan" (wars) is "perang", "dedaunan" (leaves)
    "daun"; a name or loanword that begins alike is left whole."""
    assert {stem(w) for w in ("peperangan", "berperang", "perang")} == {"perang"}
    assert [stem(w) for w in ("dedaunan", "bebatuan", "wewangian", "pepohonan")] == ["daun", "batu", "wangi", "pohon"]
    assert [stem(w) for w in ("tetsuya", "memphis", "session", "member")] == ["tetsuya", "memphis", "session", "member"]


def test_a_word_sastrawi_does_not_know_keeps_its_root_before_nya():
    """Sastrawi cuts "-nya" only off words its dictionary holds: a name or
    loanword with it was a root of its own.  "-anya" written for "-annya"
    is read so."""
    assert stem("instagramnya") == stem("instagram") == "instagram"
    assert stem("jepangnya") == "jepang" and stem("postingannya") == "postingan"
    assert stem("kenyataanya") == stem("kenyataannya") == "nyata"
    assert stem("pekerjaanya") == stem("pekerjaan") == "kerja"
    assert [stem(w) for w in ("hanya", "punya", "kenya", "lainnya")] == ["hanya", "punya", "kenya", "lain"]


def test_a_word_in_a_common_spelling_other_than_the_standard_has_the_standard_root():
    """News writes "resiko", "analisa", "himbauan", "Ramadhan" as often as
    "risiko", "analisis", "imbauan", "Ramadan": their words meet."""
    assert {stem(w) for w in ("resiko", "beresiko", "risiko", "berisiko")} == {"risiko"}
    assert stem("menganalisa") == stem("analisis") == "analisis"
    assert stem("dihimbau") == stem("himbauan") == stem("imbauan") == "imbau"
    assert stem("Ramadhan".lower()) == stem("ramadan") and stem("sekedar") == stem("sekadar")
    assert stem("rizki") == "rizki"  # (a name as often: not "rezeki")
    assert stem("perancis") == stem("prancis") and stem("samudera") == stem("samudra")
    assert {stem(w) for w in ("mengerti", "pengertian", "dimengerti", "berarti", "arti")} == {"arti"}


def test_a_pronoun_or_particle_after_a_root_ending_in_i_leaves_the_root_as_it_is():
    """Given "dimulainya", Sastrawi took the "i" of "mulai" for the suffix
    "-i", leaving "mula"; "dibelinya" was "bel", not "beli" (buy)."""
    assert {stem(w) for w in ("dimulainya", "dimulailah", "dimulai", "mulai")} == {"mulai"}
    assert {stem(w) for w in ("dibelinya", "membelinya", "pembelinya", "membeli")} == {"beli"}
    assert stem("tercapainya") == stem("tercapai") == "capai" and stem("pemakainya") == stem("pemakai") == "pakai"
    assert stem("masalah") == "masalah" and stem("pelaku") == "laku"  # (words that end so themselves)


def test_a_root_that_begins_like_ke_or_ku_keeps_those_letters_before_i():
    """Sastrawi took the "ke" of "ketua" and the "ku" of "kurang" for
    prefixes: "diketuai" (chaired) was "tuai" (harvest), "dikurangi"
    "rang"."""
    assert {stem(w) for w in ("diketuai", "mengetuai", "ketua")} == {"ketua"}
    assert {stem(w) for w in ("dikepalai", "mengepalai", "kepala")} == {"kepala"}
    assert {stem(w) for w in ("dikurangi", "mengurangi", "pengurangan", "kurang")} == {"kurang"}
    # Not before "-an", where "ke-" is a prefix: "kedudukan" is not "keduduk", a shrub.
    assert stem("kedudukan") == "duduk" and stem("kematian") == "mati" and stem("petani") == "tani"


def test_a_root_ending_in_i_keeps_it_after_se_or_ber():
    """Sastrawi takes the "i" of "senilai" (worth) for a suffix, leaving
    "nila" (indigo); "se-" and "ber-" never take "-i"."""
    assert {stem(w) for w in ("senilai", "bernilai", "dinilai", "penilaian", "nilai")} == {"nilai"}
    assert stem("bersantai") == "santai" and stem("seandainya") == "andai" and stem("sesekali") == "sekali"
    assert stem("sehari") == "hari" and stem("berhasil") == "hasil"  # (no root ending in "i" to keep)


def test_a_rare_root_no_longer_splits_a_common_family():
    """Sastrawi found "meni" (red lead) in "menikah" and "awat" in
    "perawatan", while the rest of each family had "nikah" and "rawat"."""
    assert {stem(w) for w in ("menikah", "pernikahan", "dinikahi", "nikah")} == {"nikah"}
    assert {stem(w) for w in ("perawatan", "dirawat", "merawat", "perawat")} == {"rawat"}
    assert {stem(w) for w in ("mengunjungi", "pengunjung", "kunjungan", "berkunjung")} == {"kunjung"}
    assert stem("memenangi") == stem("kemenangan") == "menang" and stem("disepakati") == "sepakat"
    assert stem("melangkah") == "langkah" and stem("meni") == "meni"
    assert {stem(w) for w in ("terasa", "perasaan", "merasa", "rasa")} == {"rasa"} and stem("asa") == "asa"
    assert stem("berupa") == stem("rupa") == "rupa"
    assert stem("pemberontakan") == stem("pemberontak") == "berontak" and stem("dikuasai") == stem("kekuasaan")
    assert stem("kedelapan") == "delapan" and stem("dikenali") == stem("berkenalan") == stem("kenal") == "kenal"
    assert [stem(w) for w in ("berbasis", "berapi", "terkesan", "pemeran", "memesan", "menipis")] == [
        "basis", "api", "kesan", "peran", "pesan", "tipis"]
    assert stem("per") == "per" and stem("ban") == "ban"
    # The "r" of "ber-", "per-", "ter-" that is the root's own.
    assert {stem(w) for w in ("beragam", "keberagaman", "ragam")} == {"ragam"} and stem("agam") == "agam"
    assert [stem(w) for w in ("perokok", "perusak", "perancang", "peragaan", "terampas", "beruntun")] == [
        "rokok", "rusak", "rancang", "raga", "rampas", "runtun"]
    assert stem("berada") == "ada" and stem("perubahan") == "ubah"  # (where the "r" is the prefix's)
    assert stem("menyelimuti") == stem("diselimuti") == "selimut" and stem("menaungi") == stem("naungan")
    # A nasal's "m" that stands for a root's "p", or is the root's own.
    assert stem("memasuki") == stem("masuk") and stem("pasukan") == "pasuk"  # (entering, troops)
    assert [stem(w) for w in ("pemadam", "memuaskan", "pemungutan", "memangkas", "memikat")] == [
        "padam", "puas", "pungut", "pangkas", "pikat"]
    assert stem("mengeringkan") == stem("kering") and stem("menguras") == "kuras"


def test_a_root_that_begins_like_ber_keeps_it():
    """Sastrawi cuts "ber-" off "berikan" (give), leaving "ikan" (fish)."""
    assert {stem(w) for w in ("berikan", "berikanlah", "memberikan", "diberikan")} == {"beri"}
    assert stem("bersihkan") == stem("membersihkan") == "bersih"
    assert stem("bukan") == "bukan" and stem("makan") == "makan"  # words of their own


def test_derived_words_are_indexed_as_stem_and_exact_form_at_one_position():
    assert list(index_terms("pakta pertahanan")) == [("pakta", 0), ("tahan", 1), ("pertahanan", 1)]


def test_function_words_are_dropped_but_content_words_like_kerja_sama_are_not():
    assert [t for t, _ in index_terms("kerja sama dan masalah pihak yang lain")] == [
        "kerja", "sama", "masalah", "pihak", "lain",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Penandatanganan perjanjian ini, negara-negara Rusia-Korea, 1.000 tahanan di François.",
        # Not ASCII, so folded word by word: folded whole, "3½" would be two
        # words, and lowercased whole, "İstanbul" too.
        "Kunjungan ke İstanbul-Ankara, ibukota Türkiye; kerjasama “baru” seluas 3½ hektar.",
        "Salat Jum'at, Al-Qur'an dan do'a; Trump's d'Academy.",
        "Wapres Ma’ruf Amin di Kaʼbah, Jum’at-Jum’at İstanbul.",
        "Pakta perta\u00adhanan, ibu\u00adkota Ru\u200bsia-Ko\u200drea; Jum\u2060'at.",
    ],
)
def test_whoosh_analyzer_agrees_with_index_terms(text):
    tokens = [(t.text, t.pos) for t in analyzer()(text, positions=True)]
    assert tokens == list(index_terms(text))


def test_a_text_first_met_cuts_its_compounds_as_the_analyzer_cuts_each_word(monkeypatch):
    """Indexing decides a text's new forms together, most of them at C
    speed (no bound form at their start, no open compound's core inside);
    the compounds among them are cut as the analyzer, word by word, cuts
    them."""
    import searcher.analysis as analysis

    def nothing_decided():
        monkeypatch.setattr(analysis, "_whole", set())
        monkeypatch.setattr(analysis, "_compounds", {})

    text = "Presiden menindaklanjuti program antikorupsi di ibukota, pascapandemi, bersama orangtuanya."
    nothing_decided()
    indexed = list(index_terms(text))
    nothing_decided()
    tokens = [(t.text, t.pos) for t in analyzer()(text, positions=True)]
    assert indexed == tokens
    assert {"tindak", "lanjut", "korupsi", "kota", "pandemi", "tua"} <= {term for term, _ in indexed}


def test_ascii_text_is_cut_into_the_words_other_text_is():
    # ASCII text is lowercased whole and cut with a faster pattern; a text
    # with one accented word is cut word by word with the general one.
    text = ("Rp 1.500,75 juta_2024 e-KTP x-ray -awal akhir- COVID-19 3.14.15 snake__case 2,5% a--b "
            "negara-negara Rusia-Korea ibukota 0-0 A1B2 it's 10.000.000")
    assert text.isascii()
    assert list(words(text + " é")) == [*words(text), *words(" " * (len(text) + 1) + "é")]
    assert list(index_terms(text + " é"))[:-1] == list(index_terms(text))


def test_words_among_a_set_are_the_same_words_with_the_same_offsets():
    text = "Kerjasama Rusia-Korea di İstanbul: negara-negara, ibukota dan Rusia lagi."
    wanted = {"rusia", "kerja", "istanbul", "negara-negara", "kota"}
    assert list(words(text, wanted)) == [w for w in words(text) if w.form in wanted]
    assert [w.form for w in words(text, wanted)] == ["kerja", "rusia", "istanbul", "negara-negara", "kota", "rusia"]


def test_schema_pickles_the_stemmer_by_reference_not_its_dictionary():
    # A bound Sastrawi object would drag its 30,000-word dictionary along.
    assert len(pickle.dumps(make_schema())) < 10_000


def test_an_apostrophe_inside_an_arabic_loanword_is_a_spelling_not_a_break():
    """"Jum'at" is also written "Jumat", and "Ma’ruf Amin" "Maruf Amin"."""
    text = "Salat Jum'at bersama Wapres Ma’ruf Amin, Al-Qur'an dan do'a di Kaʼbah"
    assert forms(text) == ["salat", "jumat", "bersama", "wapres", "maruf", "amin", "al", "quran", "dan", "doa", "di",
                           "kabah"]
    assert [text[w.start : w.end] for w in words(text)][-6:] == ["Al", "Qur'an", "dan", "do'a", "di", "Kaʼbah"]
    assert forms("Jumat") == forms("JUM'AT") == forms("jum’at") == ["jumat"]
    # An English ending, a French article, a name after one letter, a quote: parts, as before.
    assert forms("Trump's McDonald’s don't you're d'Academy l'Arc O'Brien 'Pakta' Isra'") == [
        "trump", "s", "mcdonald", "s", "don", "t", "you", "re", "d", "academy", "l", "arc", "o", "brien",
        "pakta", "isra",
    ]
    ascii = "Salat Jum'at, Al-Qur'an dan do'a; Trump's d'Academy"  # cut with the ASCII pattern, and the other
    assert list(words(ascii + " é"))[:-1] == list(words(ascii))
    assert forms("ʼ ʼʼ banjir-ʼ ½-ʼ") == ["banjir", "1⁄2"]  # (ʼ is a letter to Python: alone, no word)


def test_the_parts_of_a_compound_point_at_their_letters_in_the_text_however_they_fold():
    text = "Kota ½-Jum'at-İzmir, Sa'id-Qur'an"
    assert [(w.form, text[w.start : w.end]) for w in words(text)] == [
        ("kota", "Kota"), ("1⁄2", "½"), ("jumat", "Jum'at"), ("izmir", "İzmir"), ("said", "Sa'id"),
        ("quran", "Qur'an"),
    ]
    text = "Gerakan Antiﬁtnah warga"  # (a ligature: one character folded to two letters)
    assert [(w.form, text[w.start : w.end]) for w in words(text)] == [
        ("gerakan", "Gerakan"), ("anti", "Anti"), ("fitnah", "ﬁtnah"), ("warga", "warga"),
    ]


def test_an_invisible_mark_inside_a_word_does_not_cut_it():
    """Web pages and PDFs leave soft hyphens (where a line may break) and
    zero-width characters inside words: unseen, they must not hide one."""
    text = "Pakta perta\u00adhanan di ibu\u00adkota: kerja\u200bsama Rusia-Ko\u200drea, \ufeffbanjir\u2060nya"
    assert forms(text) == ["pakta", "pertahanan", "di", "ibu", "kota", "kerja", "sama", "rusia", "korea", "banjirnya"]
    assert [text[w.start : w.end] for w in words(text)][1:5] == ["perta\u00adhanan", "di", "ibu", "\u00adkota"]
    seen = text.translate(dict.fromkeys(map(ord, "\u00ad\u200b\u200d\ufeff\u2060")))
    assert list(index_terms(text)) == list(index_terms(seen))
    assert forms("per\u00adta\u00adha\u00adnan\u00ad") == ["pertahanan"]  # (one at the end is no part of a word)


def test_closed_compounds_meet_their_open_spelling():
    assert forms("Ibukota Kanada") == ["ibu", "kota", "kanada"]
    assert forms("kerjasama") == forms("kerja sama")


@pytest.mark.parametrize("closed, first, second, written_open", [
    ("menindaklanjuti", "menindak", "lanjuti", "tindak lanjut"),  # (the t of "tindak" gives way to the nasal)
    ("ditindaklanjuti", "ditindak", "lanjuti", "tindak lanjut"),
    ("penyalahgunaan", "penyalah", "gunaan", "salah guna"),
    ("disalahgunakan", "disalah", "gunakan", "salah guna"),
    ("pemberitahuan", "pemberi", "tahuan", "beri tahu"),
    ("kewarganegaraan", "kewarga", "negaraan", "warga negara"),
    ("mempertanggungjawabkan", "mempertanggung", "jawabkan", "tanggung jawab"),
    ("keanekaragaman", "keaneka", "ragaman", "aneka ragam"),
    ("ibukotanya", "ibu", "kotanya", "ibu kotanya"),
    ("alquran", "al", "quran", "al quran"),
    ("ketenagakerjaan", "ketenaga", "kerjaan", "tenaga kerja"),
    ("seringkali", "sering", "kali", "sering kali"),
])
def test_a_closed_form_of_an_open_compound_meets_its_open_spelling(closed, first, second, written_open):
    """PUEBI writes "tindak lanjut" apart and "menindaklanjuti" (prefix and
    suffix at once) closed, and Sastrawi knows no closed form: the closed
    one is indexed as its two words, which have the open spelling's roots
    at the same positions."""
    assert forms(closed) == [first, second]
    assert set(index_terms(written_open)) <= set(index_terms(closed))
    text = f"Polisi {closed.capitalize()} hari ini."
    assert [text[w.start : w.end] for w in words(text)][1:3] == [first.capitalize(), second]


@pytest.mark.parametrize("word", ["pemberian", "sepakat", "bersama", "kotanya", "negarawan", "kasihan", "jualan"])
def test_a_word_that_only_holds_part_of_an_open_compound_stays_whole(word):
    assert forms(word) == [word]


def test_importing_analysis_makes_none_of_the_open_compounds_patterns():
    """Made on import, they cost every cold query 8 ms; a query makes those
    it needs."""
    import subprocess
    import sys

    check = "import searcher.analysis as a; print(len(a._compound_patterns))"
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["0"]
    assert forms("menindaklanjuti") == ["menindak", "lanjuti"]  # (and here, made as needed)


@pytest.mark.parametrize("prefix, start", [
    ("penyalahgun", ("penyalah", "gun")), ("menindaklanjut", ("menindak", "lanjut")), ("ibuko", ("ibu", "ko")),
    ("ibuk", None), ("penyala", None), ("kota", None),  # (under two letters of the second word, or none)
    ("antikor", ("anti", "kor")),  # (after a bound form)
])
def test_a_prefix_of_a_closed_compound_is_cut_where_the_form_is(prefix, start):
    assert closed_compound_start(prefix) == start


@pytest.mark.parametrize("closed, bound, word", [
    ("pascapandemi", "pasca", "pandemi"),
    ("antikorupsi", "anti", "korupsi"),
    ("nonlogam", "non", "logam"),
    ("antarpemain", "antar", "pemain"),  # (the word's root is in the dictionary, "main")
    ("prabayar", "pra", "bayar"),
])
def test_a_bound_form_joined_to_a_word_meets_its_hyphenated_and_open_spellings(closed, bound, word):
    """PUEBI writes "pascapandemi"; news writes "pasca-pandemi" and "pasca
    pandemi" as often: each finds the others, and the word alone finds it."""
    hyphenated, apart = f"{bound}-{word}", f"{bound} {word}"
    assert forms(closed) == forms(hyphenated) == forms(apart) == [bound, word]
    assert list(index_terms(f"era {closed}")) == list(index_terms(f"era {apart}"))
    text = f"Era {closed.capitalize()}, kata warga."
    assert [text[w.start : w.end] for w in words(text)][1:3] == [bound.capitalize(), word]


@pytest.mark.parametrize("hyphenated, closed", [
    ("kaca-mata", "kacamata"), ("olah-raga", "olahraga"), ("non-aktif", "nonaktif"), ("semi-final", "semifinal"),
])
def test_a_hyphenated_spelling_of_a_closed_word_is_that_word(hyphenated, closed):
    """The dictionary holds "kacamata" and "olahraga" whole: "kaca-mata" is
    that word, marked whole, not "kaca" and "mata"."""
    text = f"Kabar {hyphenated} hari ini"
    assert [(w.form, text[w.start : w.end]) for w in words(text)][1] == (closed, hyphenated)
    assert forms(closed) == [closed]
    assert forms("Rusia-Korea sosial-ekonomi") == ["rusia", "korea", "sosial", "ekonomi"]  # (no closed words)


@pytest.mark.parametrize("word", [
    "provinsi", "program", "programnya", "mahasiswa", "mahasiswanya", "pramuka", "transportasi", "internasional",
    "nonaktif", "antibiotik", "protes", "antara",  # whole in the dictionary, or their root is
    "prabowo", "pramono", "antarkota", "subatom",  # the rest is too short to tell a word from a name
    "transjakarta", "supermarket", "probolinggo",  # the rest is no word the dictionary knows
])
def test_a_word_that_only_begins_like_a_bound_form_stays_whole(word):
    assert forms(word) == [word]


@pytest.mark.parametrize(
    "text",
    [
        "Penandatanganan perjanjian ini, negara-negara Rusia-Korea, 1.000 tahanan di François.",
        "Ibukota baru: kerjasama Rusia-Korea Utara senilai 3,5 triliun; Rusia dan Rusia lagi.",
        "Pakta pertahanan bersama, pakta itu, dan PAKTA yang sama di Zürich — bekerjasama!",
        "Jum'at, Ma’ruf dan Al-Qur'an; Trump's.",
        "Pakta perta\u00adhanan, ibu\u00adkota Ru\u200bsia-Ko\u200drea.",
        "Era pascapandemi: gerakan antikorupsi, anti\u00adkorupsi dan Prabowo di provinsi.",
        "Yang ditandatangani di ibukota itu adalah pakta pertahanan.",  # (opening with a stopword)
    ],
)
def test_the_fast_indexing_field_writes_the_postings_the_analyzer_would(text):
    from whoosh.fields import TEXT

    from searcher.analysis.whoosh_glue import IndonesianText

    fast = IndonesianText(analyzer=analyzer(), phrase=True)
    reference = TEXT(analyzer=analyzer(), phrase=True)
    assert sorted(fast.index(text)) == sorted(reference.index(text))
