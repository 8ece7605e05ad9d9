"""Indonesian text analysis: the one place that decides what a word is.

Indexing, query parsing and highlighting all go through these functions, so a
word is cut, folded and stemmed the same way everywhere.

* ``words(text)`` cuts text into folded word forms with their character
  offsets.  Numbers stay whole ("1.000", "3,5"), and end where letters
  begin ("Covid19" -> "covid", "19", as "COVID-19"; "Rp500.000" -> "rp",
  "500.000"); a reduplicated word stays one word ("negara-negara"); any
  other hyphenated compound is split into its parts ("Rusia-Korea" ->
  "rusia", "korea") so each part can be found, and so is a closed compound
  of a bound form and a word ("antikorupsi" -> "anti", "korupsi", as
  "anti-korupsi" and "anti korupsi"); an apostrophe inside an Arabic
  loanword is dropped ("Jum'at" -> "jumat").
* ``stem(form)`` is PySastrawi's stemmer, with a few root words its dictionary
  lacks, and two mends: a noun of ke-/pe-/per- and -an keeps its root's
  final "k" ("kerusakan": "rusak", not "rusa"), and a root that begins
  like "ber-" keeps it ("berikan": "beri", not "ikan").
* Every word is indexed twice at the same position when its stem differs from
  its form ("pertahanan" as "pertahanan" and "tahan"), like Lucene's
  KeywordRepeatFilter: stemming makes "menandatangani" meet "penandatanganan",
  the exact form lets an exact match outrank an over-stemmed one ("tahanan"
  also stems to "tahan").

Nothing here imports Whoosh, so that code which merely needs words
(snippets, the query parser) stays light: the Whoosh analyzer built on
these functions is ``analysis.whoosh_glue.analyzer``.
"""

from __future__ import annotations

import re
import unicodedata
from _thread import allocate_lock
from collections.abc import Callable, Container, Iterable, Iterator
from itertools import accumulate

from searcher.records import record

# The version of the rules below by which a text becomes terms.  Raise it
# whenever they cut some text into other terms than before: an index made
# by an earlier version says so until it is rebuilt (see
# ``storage.store.ANALYSIS_MARK``), since a word it read then is found
# only as it was cut then.  2 (December 2026): letters and digits part
# ("Covid19"), an apostrophe inside a loanword goes ("Jum'at"), and so
# does a soft hyphen or zero-width character inside a word.  3: a closed
# compound of a bound form and a word splits ("pascapandemi"), a hyphenated
# spelling of a closed word is that word ("Al-Qur'an"), and Sastrawi's
# roots are mended for "kerusakan" ("rusak") and "berikan" ("beri").  4: a
# styled capital that has no lowercase ("𝐁𝐀𝐍𝐉𝐈𝐑", in mathematical bold, as
# social media posts write a headline) is lowercased once decomposed, the
# closed forms of open compounds split ("menindaklanjuti"), some bare "-an"
# nouns keep their root's "k" ("desakan": "desak"), a root doubled in its
# first consonant is found ("peperangan": "perang"), a root's final "i"
# stays after "se-" and "ber-" ("senilai": "nilai"), and a root is in its
# standard spelling ("resiko": "risiko").  5: no infix is taken out of a
# word whose prefixes and suffixes give a root ("diminati": "minat", not
# "mati"), and the "r" after "be-", "pe-", "te-" is the root's in a few
# more words ("beragam": "ragam"; see SHADOWING_ROOTS), the names of some
# places are no longer cut ("Bekasi"; see PLACE_NAMES), nor the "ke" and
# "ku" of a root before "-i" ("dikurangi": "kurang"), a root keeps its
# final "i" before a pronoun ("dibelinya": "beli"), a noun of "per-" and
# "-an" its root though Sastrawi found a word holding the prefix
# ("perbankan": "bank", not "perban"), and a few more spellings are
# standard ("pengertian": "arti").
RULES_VERSION = 5
# For that message: words each version cut otherwise than the one before.
RULES_CHANGES = {
    2: ("Covid19", "Jum'at"), 3: ("pascapandemi", "kerusakan"),
    4: ("𝐁𝐀𝐍𝐉𝐈𝐑", "menindaklanjuti", "desakan", "resiko"),
    5: ("diminati", "beragam", "Bekasi", "dikurangi", "pengertian"),
}

# Pure function words, dropped from the index and from queries.  Deliberately
# short: Sastrawi's 809-word stop list also drops content words ("kerja",
# "sama", "pihak", "masalah"), which would gut queries like "kerja sama".
STOPWORDS = frozenset(
    """
    yang dan di ke dari pada kepada untuk dengan ini itu adalah ialah atau
    oleh bahwa para tersebut serta nya
    """.split()
)

# Words that make a query a question but are never what it is about.  They
# are dropped from queries only (a paragraph may well say "siapa"), and only
# when some other word is left.
QUESTION_WORDS = frozenset(
    """
    apa apakah siapa siapakah kapan kapankah dimana dimanakah mana manakah
    bagaimana bagaimanakah berapa berapakah mengapa kenapa adakah bilamana
    """.split()
)

# Words that frame a question ("apa *nama* ...", "di mana *letak* ...",
# "apa *pengertian* ...") rather than say what it asks about; the paragraph
# that answers seldom uses them.  Dropped only from questions, that is
# queries with a question word: in "nama jalan" or "lokasi gempa" they are
# the subject.
QUESTION_FRAME_WORDS = frozenset(
    """
    nama letak lokasi pengertian arti maksud dimaksud definisi disebut
    sebutkan jelaskan
    """.split()
)

# Root words missing from Sastrawi's dictionary.  Without "tandatangan",
# "penandatanganan", "menandatangani" and "ditandatangani" keep their affixes
# and never meet.
EXTRA_ROOTS = ("tandatangan",)

# Roots in Sastrawi's dictionary that it finds first in the derived words
# of a far more common root, so that the family of that root split:
# "menikah" was "meni" (red lead) while "pernikahan" was "nikah";
# "perawatan" "awat", "dirawat" "rawat"; "mengunjungi" and "pengunjung"
# "unjung", "kunjungan" "kunjung"; "memenangi" "tang" (pliers);
# "disepakati" "pakat"; "melangkah" "lang"; "terasa" and "perasaan"
# "asa" (hope), "merasa" "rasa"; "berupa" "upa"; "pemberontakan" "ronta";
# "penyelidikan" "lidi"; "dikuasai" "asai"; "kedelapan" "delap" (and,
# without it, "dap"); "dikenali" "nali", "berkenalan" "nal"; "digemari"
# "gari", "bergaris" "gar"; and short ones that cut a word's own letters
# off as affixes: "berbasis" "bas", "berapi" "rap", "terkesan" "kes",
# "pemeran" "per", "sepekan" "pek", "menelan" "tel", "memesan" "mes",
# "membantah" "ban", "melukis" "luk", "menipis" "tip" (and, without it,
# "nipis"); and those that take the "r" of "ber-", "per-" and "ter-" for
# the prefix's when it is the root's: "beragam" was "agam", "keragaman"
# "ragam"; "perokok" (a smoker) "okok", "rokok"; "perusak" "usak";
# "beruntun" "untun"; "perancang" "ancang"; "peragaan" "aga";
# "perambahan" "ambah"; "terampas" "ampas"; "beratus" "atus"; and
# "menyelimuti" was "limut" (not "selimut"), "menaungi" "taung"; and
# those that read the nasal after "me-" or "pe-" wrongly, an "m" that
# stands for "p" or is the root's own: "memasuki" was "pasuk" (as in
# "pasukan", troops), not "masuk"; "pemadam" "madam", not "padam";
# "memuaskan" "muas"; "pemungutan" "mungut"; "memangkas" "mangkas";
# "memikat" "mikat"; "pemintalan" "mintal"; or an "ng" that stands for
# "k": "mengeringkan" "ering", not "kering" (dry); "menguras" "uras".
# Taken out of the dictionary, they leave the common root to be found; a
# word that is one of them is still itself ("asa" is "asa", "per"
# "per"), though its own rare derived words lose it ("meronta").  In the
# shared data, 2,307 occurrences of 113 forms, each but those few now
# with its family's root.
SHADOWING_ROOTS = (
    "meni", "unjung", "awat", "tang", "pakat", "lang", "asa", "upa", "ronta", "lidi", "asai", "delap", "dap", "nali",
    "nal", "gari", "gar", "bas", "rap", "kes", "per", "kam", "pek", "tel", "mes", "mesan", "pes", "ria", "luk", "tip",
    "nipis", "tum", "ban", "agam", "okok", "usak", "untun", "ancang", "aga", "ambah", "ampas", "atus", "limut",
    "taung", "pasuk", "muas", "mungut", "madam", "mangkas", "mikat", "mintal", "ering", "uras",
)

# Names of places that Sastrawi cuts as if they were derived words, to a
# word of their own: "Bekasi" to "bekas" (former), "Kediri" to "diri"
# (self), "Maluku" to "malu" (shame), "Pemalang" to "Malang", another
# city, "Kutai" to "Kuta", "Kaukasus" to "kasus" (a case), "Berlin" to
# "lin".  News names places in every other line, and a query for one
# found the common word.  Each is its own root.  Found by stemming 662
# names of provinces, cities, regencies, Jakarta's districts, volcanoes,
# rivers, countries and the world's cities that Indonesian news names;
# left out are those that are derived words too ("Kepulauan",
# "Pegunungan", "Kembangan", "Penjaringan").
PLACE_NAMES = frozenset(
    """
    asahan balangan bali balkan banggai bangkalan bekasi bengkalis berau berlin busan digoel hawai irian
    kaukasus kediri kemayoran kuantan kutai mali maluku mekkah melawi mentawai merangin merapi milan musi
    oman pekalongan pemalang penajam penang penukal persia pesawaran rokan selayar semeru serayu sinabung
    tabanan tarakan temanggung
    """.split()
)

# Spellings common in news that are not the standard one (KBBI) of a word:
# a root so spelled is the standard root, so "resiko" and "beresiko" meet
# "risiko", "menganalisa" meets "analisis", "himbauan" "imbauan".  (Not
# variants that are also names, such as "Rizki" and "Sholeh".)  Those that
# Sastrawi cuts wrongly are mapped from the form: "sekedar" (not "dar").
STANDARD_SPELLINGS = {
    "resiko": "risiko", "praktek": "praktik", "aktifitas": "aktivitas", "efektifitas": "efektivitas",
    "produktifitas": "produktivitas", "kreatifitas": "kreativitas", "sensitifitas": "sensitivitas",
    "kwalitas": "kualitas", "kwartal": "kuartal", "frekwensi": "frekuensi", "nafas": "napas", "ijin": "izin",
    "jaman": "zaman", "apotik": "apotek", "analisa": "analisis", "sistim": "sistem", "hakekat": "hakikat",
    "karir": "karier", "obyek": "objek", "subyek": "subjek", "propinsi": "provinsi", "nopember": "november",
    "pebruari": "februari", "antri": "antre", "teoritis": "teoretis", "kharisma": "karisma", "sekedar": "sekadar",
    "silahkan": "sila", "jadual": "jadwal", "himbau": "imbau", "hutang": "utang", "hembus": "embus",
    "tehnik": "teknik", "tehnologi": "teknologi", "ekstrim": "ekstrem", "atlit": "atlet", "mesjid": "masjid",
    "telor": "telur", "ijasah": "ijazah", "azas": "asas", "konkrit": "konkret", "kongkrit": "konkret",
    "varitas": "varietas", "faham": "paham", "fikir": "pikir", "lembab": "lembap", "nasehat": "nasihat",
    "ramadhan": "ramadan", "shalat": "salat", "sholat": "salat", "solat": "salat", "adzan": "azan",
    "dzikir": "zikir", "hadits": "hadis", "ustadz": "ustaz", "ustad": "ustaz", "wudhu": "wudu",
    "mushola": "musala", "musholla": "musala", "khutbah": "khotbah", "kaos": "kaus", "samudera": "samudra",
    "perancis": "prancis", "erti": "arti", "algoritma": "algoritme",
}
_VARIANTS_OF: dict[str, list[str]] = {}
for _variant, _standard in STANDARD_SPELLINGS.items():
    _VARIANTS_OF.setdefault(_standard, []).append(_variant)

# Compounds that Indonesian spelling (PUEBI) writes as two words ("tindak
# lanjut", "salah guna", "warga negara"), but as one once they take a prefix
# and a suffix at once ("menindaklanjuti", "penyalahgunaan",
# "kewarganegaraan"), and that news often writes closed anyway ("ibukota",
# "orangtua", "Alquran").  Sastrawi knows none of those closed forms: each
# was a root of its own, and "menindaklanjuti", "ditindaklanjuti" and
# "tindak lanjut" never met.  A closed form of one, with a prefix before it
# and suffixes after it (see _open_compound), is indexed and searched as its
# two words, the prefix on the first and the suffixes on the second
# ("menindak" "lanjuti": roots "tindak" "lanjut"), so that every spelling
# finds the others.  Each is written closed in real news and passages (the
# shared data: 24 forms of "salah guna", 45 of "tenaga kerja", 219 of "ibu
# kota").  Not "tanda tangan": its closed forms share the root "tandatangan"
# (EXTRA_ROOTS), which prefix queries and corrections use.
OPEN_COMPOUNDS = (
    ("ibu", "kota"), ("kerja", "sama"), ("sepak", "bola"), ("tanggung", "jawab"), ("sumber", "daya"),
    ("rumah", "sakit"), ("orang", "tua"), ("warga", "negara"), ("al", "quran"), ("idul", "fitri"),
    ("idul", "adha"), ("bulu", "tangkis"), ("salah", "guna"), ("beri", "tahu"), ("tindak", "lanjut"),
    ("ikut", "serta"), ("ambil", "alih"), ("lipat", "ganda"), ("aneka", "ragam"), ("daya", "guna"),
    ("terima", "kasih"), ("uji", "coba"), ("serah", "terima"), ("jual", "beli"), ("sebar", "luas"),
    ("alih", "fungsi"), ("bumi", "hangus"), ("tenaga", "kerja"), ("sering", "kali"), ("acap", "kali"),
    ("kadang", "kala"),
)
# What may stand before and after one: Indonesian prefixes (and their
# pairs), and a suffix, a pronoun and a particle.  After "me-" and "pe-" a
# first word's k, p, s or t gives way to a nasal ("me" + "salah" is
# "menyalah").
_COMPOUND_PREFIX = "(?:di|ke|se|be|ber|ter|pe|per|pem|pen|peng|peny|me|mem|men|meng|meny|memper|diper)?"
_COMPOUND_SUFFIX = "(?:an|kan|i)?(?:nya|ku|mu)?(?:lah|kah|pun)?"
_NASAL = {"k": "ng", "p": "m", "s": "ny", "t": "n"}

# Bound forms that Indonesian spelling (PUEBI) writes joined to the word
# after them ("pascapandemi", "antikorupsi", "nonlogam"), and that news
# writes hyphenated ("pasca-pandemi") or apart ("pasca pandemi") as often.
# A closed compound of one and a word the dictionary knows is indexed and
# searched as its two parts, as the hyphenated spelling is, so that every
# spelling finds the others and "korupsi" finds "antikorupsi" (as a
# decompounding filter does in Lucene).  Kept whole: a word the dictionary
# holds whole ("provinsi", "program", "mahasiswa", "nonaktif") or whose
# root it knows ("programnya"), and one whose rest is under five letters,
# which keeps names such as "Prabowo" and "Pramono" whole.  Bound forms
# that begin more names than words (adi-, dwi-, maha-) are not here.
BOUND_FORMS = tuple(
    """
    antar anti bio ekstra hiper infra inter intra kontra makro mikro multi
    neo nir non pasca poli pra pro purna semi serba sub super supra swa
    trans tuna ultra
    """.split()
)
_SHORTEST_REST = 5  # letters after the bound form

# A word is a run of letters, hyphens joining runs ("negara-negara",
# "Rusia-Korea", cut into parts later: see _parts); a number a run of
# digits, with the points and commas inside it ("1.000", "3,5").  Where
# letters meet digits, a word ends and a number begins: "Covid19",
# "COVID-19" and "covid 19" are all "covid", "19", and "Rp500.000" is
# "rp", "500.000", so that "500.000" finds it.
_LETTERS = r"[^\W\d_]"  # (ASCII text, lowercased: [a-z])
_NUMBER = r"\d+(?:[.,]\d+)*"
_WORD = rf"{_LETTERS}+(?:-{_LETTERS}+)*"
WORD_RE = re.compile(f"{_NUMBER}|{_WORD}")
# The same words in lowercased ASCII text, found a third faster than with
# Unicode's classes.
_LOWER_ASCII_WORD_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[a-z]+(?:-[a-z]+)*")

# An apostrophe inside a word of Arabic origin is a spelling, not a break:
# "Jum'at", "Ma'ruf", "Qur'an" and "do'a" are also written "Jumat",
# "Maruf", "Quran", "doa", and are indexed so, whichever apostrophe was
# typed (' or ’; ʼ is a letter to Python, and is dropped too).  Not after a
# single letter (French "d'Academy", "l'Arc", "O'Brien" keep their parts),
# nor before an English ending ("Trump's", "don't", "you're").  Texts
# without an apostrophe (most) are cut with the patterns above.
_APOSTROPHES = "'\u2019\u02bc"
_WITHOUT_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)
# (The apostrophe is matched first, and then what stands around it: most
# words end without one.)
_JOINED = rf"['\u2019](?<={_LETTERS}{{2}}.)(?!(?i:s|t|m|d|re|ve|ll)\b)(?={_LETTERS})"
_APOSTROPHE_WORD = rf"{_LETTERS}+(?:{_JOINED}{_LETTERS}+)*"
_APOSTROPHE_WORD_SOURCE = f"{_NUMBER}|{_APOSTROPHE_WORD}(?:-{_APOSTROPHE_WORD})*"
_LOWER_ASCII_APOSTROPHE_WORD_SOURCE = _APOSTROPHE_WORD_SOURCE.replace(_LETTERS, "[a-z]").replace("\\d", "[0-9]")

# Characters that web pages and PDFs leave inside words, unseen on the
# page: a soft hyphen (where a line may break: "perta\u00adhanan"), zero-width
# spaces and joiners, a word joiner, a stray byte-order mark.  They do not
# end a word (nor do they in Lucene's standard tokenizer) and are dropped
# from its form, as an apostrophe inside one is.  Only texts holding one
# are cut with this pattern.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INNER_MARKS = _APOSTROPHES + _INVISIBLE
_WITHOUT_INNER_MARKS = str.maketrans("", "", _INNER_MARKS)
_WITHOUT_INVISIBLE = str.maketrans("", "", _INVISIBLE)
_SEEN_LETTERS = rf"{_LETTERS}+(?:[{_INVISIBLE}]+{_LETTERS}+)*"
_INVISIBLE_WORD = _APOSTROPHE_WORD.replace(f"{_LETTERS}+", _SEEN_LETTERS)
_INVISIBLE_WORD_SOURCE = f"{_NUMBER}|{_INVISIBLE_WORD}(?:-{_INVISIBLE_WORD})*"

_compiled: dict[str, re.Pattern] = {}


def _pattern(source: str) -> re.Pattern:
    """``source`` compiled, once, when first needed: the patterns for the
    few texts with apostrophes or invisible marks take 0.2-0.6 ms each to
    compile, which a one-shot query need not pay (nor may ``re``'s own
    cache, which Sastrawi's patterns churn, drop them while indexing)."""
    pattern = _compiled.get(source)
    if pattern is None:
        pattern = _compiled[source] = re.compile(source)
    return pattern


def _has_invisible(text: str) -> bool:
    # (Most texts are printable, and that is one pass in C; the marks are not.)
    return not text.isprintable() and any(mark in text for mark in _INVISIBLE)


def without_invisible(text: str) -> str:
    """``text`` without the invisible marks that words may hold (see
    _INVISIBLE): for comparing texts word by word."""
    return text.translate(_WITHOUT_INVISIBLE) if _has_invisible(text) else text


def _word_pattern(text: str) -> tuple[re.Pattern, bool, dict | None]:
    """The pattern that cuts ``text`` into words, whether the text is
    ASCII (then cut lowercased whole), and the table that drops, from the
    words it finds, the characters inside them that are no letters
    (apostrophes, invisible marks), or None when the text holds none."""
    ascii = text.isascii()
    if ascii:
        if "'" in text:
            return _pattern(_LOWER_ASCII_APOSTROPHE_WORD_SOURCE), ascii, _WITHOUT_APOSTROPHES
        return _LOWER_ASCII_WORD_RE, ascii, None
    if _has_invisible(text):
        return _pattern(_INVISIBLE_WORD_SOURCE), ascii, _WITHOUT_INNER_MARKS
    if "'" in text or "\u2019" in text or "\u02bc" in text:
        return _pattern(_APOSTROPHE_WORD_SOURCE), ascii, _WITHOUT_APOSTROPHES
    return WORD_RE, ascii, None


@record
class Word:
    """A word form as indexed, and where it stands in the original text."""

    form: str
    start: int
    end: int


def fold(text: str) -> str:
    """Lowercase and strip accents: "François" -> "francois", "𝐁𝐀𝐍𝐉𝐈𝐑" ->
    "banjir"."""
    text = text.lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    # Lowercased again: a styled capital ("𝐁", "ᴹ") has no lowercase of its
    # own, and becomes a plain capital only when decomposed.
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


_folded_words: dict[str, str] = {}  # non-ASCII words: folded; emptied when full
_FOLDED_WORDS_SIZE = 100_000


def _fold_word(word: str) -> str:
    """``fold(word)``, remembered: folding goes character by character, and
    names with accents come back in paragraph after paragraph."""
    folded = _folded_words.get(word)
    if folded is None:
        if len(_folded_words) >= _FOLDED_WORDS_SIZE:
            _folded_words.clear()
        folded = _folded_words[word] = fold(word)
    return folded


def words(text: str, among: Container[str] | None = None) -> Iterator[Word]:
    """Yield the folded word forms of ``text`` with their character offsets;
    with ``among``, only the words whose form it holds (a snippet marks a
    few words of a paragraph: the others are never made into Words)."""
    # ASCII text folds by lowercasing, character for character: folded
    # whole, its offsets stay true and no word needs folding on its own.
    pattern, ascii, dropped = _word_pattern(text)
    for match in pattern.finditer(text.lower() if ascii else text):
        written = match.group() if ascii else _fold_word(match.group())
        form = written.translate(dropped) if dropped else written
        if "-" in form or closed_compound(form):
            parts, gap = _parts(form)
            if len(parts) > 1:
                # Each part's offsets are those of its letters in the text
                # (folding may change their number: "½" is "1⁄2"), and a
                # part that was all apostrophes is no word.
                if gap:
                    lengths = map(len, match.group().split("-"))
                else:
                    lengths = _closed_part_lengths(match.group(), parts)
                start = match.start()
                for part, length in zip(parts, lengths):
                    if part and (among is None or part in among):
                        yield Word(part, start, start + length)
                    start += length + gap
                continue
            form = parts[0]  # (a hyphenated spelling of a closed word: "al-quran" is "alquran")
        if form and (among is None or form in among):
            yield Word(form, match.start(), match.end())


def _closed_part_lengths(written: str, parts: tuple[str, ...]) -> list[int]:
    """How many characters of ``written``, a closed compound ("ibukota"),
    each of its ``parts`` spans: as many as its letters, but when marks
    dropped from its form stand inside it ("ibu\u00adkota"), a mark goes
    with the part after it."""
    lengths = list(map(len, parts))
    if len(written) == sum(lengths):
        return lengths  # (most)
    kept = [at for at, char in enumerate(written) if char not in _INNER_MARKS]
    if len(kept) != sum(lengths):
        # Folding changed the number of letters ("ﬁ" is "fi"): which of
        # them is whose is unknown, and the last part ends with the word.
        return [*lengths[:-1], len(written) - sum(lengths[:-1])]
    ends = [kept[end - 1] + 1 for end in accumulate(lengths)]
    return [end - start for start, end in zip([0, *ends], ends)]


def _parts(form: str) -> tuple[tuple[str, ...], int]:
    """The words a folded form is indexed as, and the characters between
    them: a closed compound splits with none between ("ibukota",
    "antikorupsi"), a hyphenated compound at its hyphens ("rusia-korea")
    unless it spells a closed word ("al-quran": "alquran"); a
    reduplication ("negara-negara") and any other word stay whole."""
    if "-" not in form:
        return closed_compound(form) or (form,), 0
    if is_reduplication(form):
        return (form,), 0
    closed = _written_closed(form)
    if closed:
        return (closed,), 0
    return tuple(form.split("-")), 1


_compounds: dict[str, tuple[str, ...]] = {}  # closed compound: its parts, as decided in this process
_whole: set[str] = set()  # forms found to be no closed compound; both emptied when full
_DECIDED_SIZE = 500_000  # forms
_DECISION = "+"  # (see _decided; no form holds it)


def closed_compound(form: str) -> tuple[str, ...] | None:
    """The parts a folded form without a hyphen is indexed as when it is a
    closed compound ("ibukota": "ibu", "kota"; "menindaklanjuti":
    "menindak", "lanjuti"; "antikorupsi": "anti", "korupsi"), or None."""
    parts = _compounds.get(form)
    if parts is None and form not in _whole:
        parts = _open_compound(form) or _split_by_rule(form)
        _make_room_for_decisions(1)
        if parts:
            _compounds[form] = parts
        else:
            _whole.add(form)
    return parts


def _closed_compounds(forms: list[str]) -> set[str]:
    """Those of ``forms`` (a text's) that are closed compounds.  Most forms
    were decided before, or neither start with a bound form nor hold an
    open compound's core, which tests at C speed tell: the paragraphs a
    first query reads hold a thousand forms, and asking ``closed_compound``
    of each took a millisecond."""
    if _whole.issuperset(forms):
        return set()  # (most, once their words were met)
    undecided = set(forms).difference(_whole)
    joined = " ".join(undecided)
    cores = [core for core, _ in _COMPOUND_CORES if core in joined]
    maybe = {form for form in undecided if form.startswith(BOUND_FORMS)}
    if cores:
        maybe.update(form for form in undecided if any(core in form for core in cores))
    whole = undecided - maybe
    _make_room_for_decisions(len(whole))
    _whole.update(whole)
    return {form for form in maybe if closed_compound(form)}


def _make_room_for_decisions(count: int) -> None:
    """Empty what is decided of closed compounds when ``count`` more forms
    found whole would bring them to _DECIDED_SIZE."""
    if len(_whole) + count >= _DECIDED_SIZE:
        _whole.clear()
        _compounds.clear()


def _open_compound(form: str) -> tuple[str, str] | None:
    """The two words a closed form of one of OPEN_COMPOUNDS is indexed as,
    its prefix on the first and its suffixes on the second, or None."""
    for core, number in _COMPOUND_CORES:
        whole = _compound_pattern(number).fullmatch(form) if core in form else None
        if whole:
            return whole.group(1), whole.group(2)
    return None


def closed_compound_start(text: str) -> tuple[str, str] | None:
    """The first part and the start of the second that the start of a
    closed compound is cut into, as ``closed_compound`` cuts the whole
    (a prefix query's words): after a bound form ("antikor": "anti",
    "kor"), or as a closed form of one of OPEN_COMPOUNDS ("penyalahgun":
    "penyalah", "gun"); None when ``text`` starts neither."""
    bound = bound_form(text)
    if bound:
        return bound, text[len(bound) :]
    return _open_compound_start(text)


def _open_compound_start(text: str) -> tuple[str, str] | None:
    """``closed_compound_start`` for OPEN_COMPOUNDS; None too when the
    second word's share is under two letters."""
    for number, (first, second) in enumerate(OPEN_COMPOUNDS):
        head = _compound_pattern(number, whole=False).match(text) if first[1:] in text else None
        rest = text[head.end() :] if head else ""
        if len(rest) >= 2 and (second.startswith(rest) or rest.startswith(second)):
            return head.group(), rest
    return None


def _compound_pattern(number: int, whole: bool = True) -> re.Pattern:
    """The pattern of a closed form of the ``number``th of OPEN_COMPOUNDS,
    its two words' shares in groups 1 and 2 (``whole``), or of its first
    word with any prefix.  Made when first asked for: the 54 of them took
    8 ms to make, which a query would pay on import."""
    pattern = _compound_patterns.get((number, whole))
    if pattern is None:
        first, second = OPEN_COMPOUNDS[number]
        heads = [f"{_COMPOUND_PREFIX}{first}"]
        if first[0] in _NASAL:
            heads.append(f"(?:me|pe){_NASAL[first[0]]}{first[1:]}")
        head = f"(?:{'|'.join(heads)})"
        pattern = re.compile(f"({head})({second}{_COMPOUND_SUFFIX})" if whole else head)
        _compound_patterns[(number, whole)] = pattern
    return pattern


_compound_patterns: dict[tuple[int, bool], re.Pattern] = {}
# What a closed form of each holds whatever its prefix: both words, less
# the first letter that gives way to a nasal.
_COMPOUND_CORES = [
    (first[1:] + second if first[0] in _NASAL else first + second, number)
    for number, (first, second) in enumerate(OPEN_COMPOUNDS)
]


def _split_by_rule(form: str) -> tuple[str, str] | None:
    """The bound form and the word a closed compound is made of (see
    BOUND_FORMS), or None."""
    bound = bound_form(form)
    rest = form[len(bound) :] if bound else ""
    if len(rest) < _SHORTEST_REST or not rest.isalpha():
        return None

    def decide() -> str | None:
        dictionary = _sastrawi().dictionary
        if dictionary.contains(form) or stem(form) != form:
            return None  # a word of its own
        # The rest is a word if the dictionary holds it or a root of it
        # (not a short one, which Sastrawi finds by cutting an ending off
        # a name: "masan", "mas").
        root = stem(rest)
        if dictionary.contains(rest) or (root != rest and len(root) >= _SHORTEST_REST - 1):
            return f"{bound} {rest}"
        return None

    parts = _decided(form, decide)
    return tuple(parts.split(" ")) if parts else None


def _written_closed(form: str) -> str | None:
    """The word that a form of two words joined by a hyphen spells, when
    the dictionary holds them closed ("al-quran": "alquran", "olah-raga":
    "olahraga", "non-aktif": "nonaktif"), or None (then each is a word)."""
    head, _, tail = form.partition("-")
    joined = head + tail
    if not (head.isalpha() and tail.isalpha()) or _open_compound(joined):
        return None
    return _decided(form, lambda: joined if _sastrawi().dictionary.contains(joined) else None)


def _decided(form: str, decide: Callable[[], str | None]) -> str | None:
    """What ``decide()`` says about ``form``: a decision about how to cut
    it that asks Sastrawi's dictionary, which a query should not have to
    load (see ``stem``).  So it is kept with the roots, under the form
    followed by "+" (the key itself for None), and an index's stem table
    carries it to queries as it carries roots: one index keeps deciding as
    it first did."""
    key = form + _DECISION
    decision = _known_root(key)
    if decision is None and any(not table.keeps_decisions and table.get(form) is not None for table in _tables):
        # An index that holds the form, made before such decisions
        # (RULES_VERSION 3, whose tables keep them), cut it as before.
        decision = key
    if decision is None:
        decision = decide() or key
        _remember_root(key, decision)
    return None if decision == key else decision


def bound_form(form: str) -> str | None:
    """The bound form (see BOUND_FORMS) a folded form starts with, or None."""
    if not form.startswith(BOUND_FORMS):  # (most: one call, in C)
        return None
    return next(bound for bound in BOUND_FORMS if form.startswith(bound))


def hyphenated_at_a_line_break(before: str, after: str) -> bool:
    """Whether ``before-`` at a line's end and ``after`` on the next, as a
    PDF lays out a justified text, are one word that hyphenation cut
    ("perta-", "hanan": "pertahanan"), rather than a word written with a
    hyphen ("anak-anak", "sosial-ekonomi", "ibu-kota"): joined, they make a
    word whose root the dictionary knows, which the halves do not both
    are."""
    hyphenated = fold(f"{before}-{after}")
    if is_reduplication(hyphenated):
        return False
    dictionary = _sastrawi().dictionary
    head, tail = hyphenated.split("-", 1)
    if dictionary.contains(head) and dictionary.contains(tail):
        return False
    # (Not stem(): a joined word that is none stays out of the roots kept
    # for the index, whose queries would take it for one it holds whole.)
    joined = head + tail
    return dictionary.contains(_known_root(joined) or _sastrawi_root(joined))


def is_reduplication(form: str) -> bool:
    """True for "negara-negara", "dibesar-besarkan"; false for "rusia-korea"."""
    if any(c.isdigit() for c in form):
        return False
    # Sastrawi returns a hyphenated word unchanged unless its halves share
    # one root.
    return stem(form) != form


_stemmer = None


def _sastrawi():
    global _stemmer
    if _stemmer is None:
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

        # The plain (uncached) stemmer: callers cache, see ``stem``.
        _stemmer = StemmerFactory().create_stemmer().delegatedStemmer
        # (The other spellings too, so that their derived words are cut:
        # "dihimbau" is "himbau", then "imbau".)
        for root in (*EXTRA_ROOTS, *STANDARD_SPELLINGS):
            _stemmer.dictionary.add(root)
        for root in SHADOWING_ROOTS:
            _stemmer.dictionary.words.pop(root, None)
    return _stemmer


# How roots are made: Sastrawi's version (pinned in pyproject.toml) and the
# roots added to its dictionary.  A stem table made otherwise is not used.
# (Not the mends of _sastrawi_root, the standard spellings nor the
# shadowing roots: like the rules' version, they change the roots of a few
# forms, and an index keeps those it was made with, in its postings and
# its table alike, until it is rebuilt.)
STEMMER = "pysastrawi-1.2.1+" + "+".join(EXTRA_ROOTS)

_stems: dict[str, str] = {}  # form: root, as worked out in this process
_STEMS_CACHE_SIZE = 200_000  # forms; emptied when full, so memory stays bounded
# The stem tables (searcher.analysis.stem_table) of the indexes open in this
# process, consulted before Sastrawi.  Process-wide like ``_stems``, and as
# safe: a table holds only roots that Sastrawi, as STEMMER names it, gives,
# so any table's root for a form is the one Sastrawi would give.  Each open
# index's table is kept, so that the forms of each need no Sastrawi (a
# server holding two indexes used to look in the last opened's only).  A
# tuple, replaced whole under a lock: a query in one thread may go through
# it while another thread opens or closes an index.
_tables: tuple = ()
_tables_changing = allocate_lock()


def stem(form: str) -> str:
    """Return the Indonesian root of a folded word form.

    A module-level function so that Whoosh's StemFilter pickles a reference
    to it, not a Sastrawi object with its 30,000-word dictionary.
    """
    root = _stems.get(form)
    if root is not None:
        return root
    if not form.isalpha() and not ("-" in form and form.replace("-", "").isalpha()):
        # A number ("2024", "1.000"): its own root, worked out at once, so
        # neither kept nor looked up (5 to 7% of a news index's forms).
        return form
    root = _table_root(form) or _sastrawi_root(form)
    _remember_root(form, root)
    return root


# Confixes that close with -an, never with -kan: "ke-rusak-an", "per-gerak-an".
_AN_CONFIX_PREFIXES = frozenset(("ke", "pe", "per", "pem", "pen", "peng", "peny"))
# Roots ending in "k" whose bare "-an" noun Sastrawi takes for the "-kan"
# verb of a root without the "k" ("gerakan": "gera"; "desakan": "desa", a
# village; "tarikan": "tari", a dance): the nouns are far more common in
# news than such verbs (in the shared data, "pasukan" and "gerakan" some
# 220 times each).  A bare "-kan" verb of those shorter roots ("katakan",
# "bedakan", "bekukan") stays as Sastrawi reads it: their roots are not here.
AN_NOUN_ROOTS = frozenset(
    """
    pasuk gerak tumpuk suntik ajak lesak anak lekuk desak tumbuk tarik ketuk gunduk retak lawak kutuk
    kerek ketik kontrak dadak berantak
    """.split()
)
_ENDINGS = ("", "nya", "lah", "kah", "ku", "mu", "pun")  # (a pronoun or particle after the suffix)
_NO_I_PREFIXES = ("se", "ber", "berpe", "berpem", "berpen", "berpeng", "berpeny")  # (which never take "-i")


def _sastrawi_root(form: str) -> str:
    """Sastrawi's root of ``form``, mended (``_mended_root``), in its
    standard spelling (STANDARD_SPELLINGS); a place's name (PLACE_NAMES)
    is its own."""
    if form in PLACE_NAMES:
        return form
    root = _mended_root(form)
    return STANDARD_SPELLINGS.get(root) or STANDARD_SPELLINGS.get(form) or root


def _mended_root(form: str) -> str:
    """Sastrawi's root of ``form``, mended where it cuts a word wrong:
    - "-kan" off a noun of ke-/pe-/per- and "-an": "kerusakan" is "rusak"
      (damage), not "rusa" (deer); "pergerakan" "gerak", not "gera";
      "perpajakan" "pajak".  Such a confix never closes with "-kan", so
      when the root with the "k" back is a word too, it is the root.  So
      too when Sastrawi found a word that holds the prefix itself:
      "keburukan" is "buruk", not "keburu" (in a hurry); "keretakan"
      "retak", not "kereta" (a train); "perbankan" "bank", not "perban"
      (a bandage).  (A bare "-kan" stays as Sastrawi cuts it: "larikan"
      is "lari", though "larik" is a word.)
    - "ber-" off a root that begins so: "berikan" is "beri" (give), not
      "ikan" (fish); "bersihkan" "bersih", not "sih".  When the word
      without its "-kan" is a word itself (and the word is none), that is
      the root.
    - "-kan" off a bare noun of a root of AN_NOUN_ROOTS and "-an":
      "gerakan" is "gerak", "desakan" "desak" (pressure), not "desa".
    - "-i" off a root that ends so, after "se-" or "ber-", which never
      take that suffix: "senilai" is "nilai" (value), not "nila"
      (indigo); "bersantai" "santai"; "seandainya" "andai", not "anda".
    - Nothing off a word Sastrawi does not know, followed by "-nya"
      ("instagramnya", "jepangnya", "postingannya"): the root is that of
      the word before it, as Lucene's stemmer has it.  Written "-anya"
      for "-annya" ("kenyataanya", "pekerjaanya"), as it often is, the
      word before it ends in "-an" when that gives a root the dictionary
      holds.
    - Nothing off a root's first consonant doubled with "e" (dwipurwa):
      "peperangan" is "perang", "dedaunan" "daun", "bebatuan" "batu",
      "wewangian" "wangi".  When Sastrawi finds no root of the word, and
      finds one in the dictionary for the rest after the doubling, that
      is the root; names that begin alike ("Tetsuya", "Memphis") have no
      such rest.
    - Nothing out of the root's middle (an infix: -el-, -em-, -er-, -in-)
      when the word's prefixes and suffixes alone give a root the
      dictionary holds: "ditemani" is "teman", not "tani" (a farmer, read
      as t-em-ani); "diminati" "minat", not "mati" (dead); "belahan"
      "belah", not "bahan"; "menjelajahi" "jelajah", not "jajah".
      Infixes made few words and make no new ones: where prefixes and
      suffixes explain a word, they are the likelier reading.
    - Nothing off the start of a root that begins like a prefix ("ke-",
      "ku-") in a word closed by "-i", when the root and those letters
      make a word the dictionary holds: "diketuai" (chaired) is "ketua",
      not "tuai" (harvest); "dikepalai" "kepala", not "palai";
      "dikurangi" "kurang", not "rang".
    - The root's final "i" when a pronoun or particle follows: given
      "dimulainya", Sastrawi took the "i" of "mulai" for the suffix
      "-i" and found "mula"; "dibelinya" was "bel", not "beli" (buy);
      "tercapainya" "capa", not "capai".  The root is that of the word
      without the ending, when it is Sastrawi's with that "i"."""
    stemmer = _sastrawi()
    root = stemmer.stem_word(form) or form
    if root == form and not stemmer.dictionary.contains(form):
        unknown = _root_of_unknown(form, stemmer)
        if unknown:
            return unknown
    if root not in form:
        without_infix = _root_without_infix(form, root, stemmer.dictionary)
        if without_infix:
            return without_infix
    own_letters = _root_taken_for_a_prefix(form, root, stemmer.dictionary)
    if own_letters:
        return own_letters
    if form.startswith(_NO_I_PREFIXES) and stemmer.dictionary.contains(root + "i"):
        if _before(form, root + "i") in _NO_I_PREFIXES:
            return root + "i"
    kept = _root_before_an_ending(form, root)
    if kept:
        return kept
    before = _before(form, "kan")  # (the word without "-kan" and what follows it)
    if before is None:
        return root
    dictionary = stemmer.dictionary
    if len(before) >= 4 and before != root and dictionary.contains(before) and not dictionary.contains(form):
        return before
    if before == root and root + "k" in AN_NOUN_ROOTS:
        return root + "k"
    at = form.rfind(root + "kan")
    if at > 0 and form[:at] in _AN_CONFIX_PREFIXES and at + len(root) == len(before):
        if dictionary.contains(root + "k"):
            return root + "k"
    if before == root:  # (the confix's prefix inside the root Sastrawi found: "keburukan" is "keburu" + "-kan")
        for prefix in ("ke", "per"):  # (not "pen-": "penjarakan" is "penjara" + "-kan")
            inner = root[len(prefix) :] + "k"
            if root.startswith(prefix) and len(inner) >= 4 and dictionary.contains(inner):
                return inner
    return root


def _root_before_an_ending(form: str, root: str) -> str | None:
    """The root of ``form`` without its pronoun or particle, when Sastrawi,
    given the ending, took the final "i" of that root for the suffix "-i"
    (see ``_mended_root``), or None."""
    for ending in _ENDINGS[1:]:
        if form.endswith("i" + ending) and len(form) - len(ending) >= 4:
            without = _mended_root(form[: -len(ending)])
            # (Its first letter may differ: a nasal's, "pemakainya".)
            if without.endswith("i") and without[1:-1] == root[1:]:
                return without
            return None
    return None


# Prefixes whose letters begin roots too ("ketua", "kepala", "kurang").
_ROOT_LIKE_PREFIXES = ("ke", "ku")


def _root_taken_for_a_prefix(form: str, root: str, dictionary) -> str | None:
    """The root of ``form``, a word closed by "-i", when Sastrawi took its
    first letters for a prefix (see ``_mended_root``), or None.  (Not
    before "-an": "kedudukan" is ke-duduk-an, though the dictionary holds
    "keduduk", a shrub.)"""
    before = _before(form, "i")
    if before is None:
        return None
    for prefix in _ROOT_LIKE_PREFIXES:
        nasal = _NASAL[prefix[0]]  # (after "me-" and "pe-", the "k" gives way to it: "mengetuai")
        for candidate in (prefix + root, prefix + root[:-1]):  # (Sastrawi may have kept the "-i" as the root's)
            written = (candidate, f"me{nasal}{candidate[1:]}", f"pe{nasal}{candidate[1:]}")
            if len(candidate) > 4 and before.endswith(written) and dictionary.contains(candidate):
                return candidate
    return None


_INFIXES = ("el", "em", "er", "in")  # (Sastrawi's rules 37 to 40 take them out)
_DERIVATIONAL_SUFFIXES = ("i", "kan", "an")


def _root_without_infix(form: str, root: str, dictionary) -> str | None:
    """The root of ``form`` by its prefixes and suffixes alone, when
    Sastrawi's ``root`` took an infix out too and that root is a word
    (see ``_mended_root``), or None."""
    if len(root) < 3:
        return None
    for infix in _INFIXES:
        infixed = root[0] + infix + root[1:]  # (its first letter may have given way to a nasal)
        if infixed[1:] not in form:
            continue
        if infixed in form and dictionary.contains(infixed):
            return infixed  # "menjelajahi": "jelajah"
        for suffix in _DERIVATIONAL_SUFFIXES:
            before = infixed[: -len(suffix)]
            if infixed.endswith(suffix) and len(before) > 3 and before[1:] in form and dictionary.contains(before):
                return before  # "menemani": "teman"
    return None


def _before(form: str, suffix: str) -> str | None:
    """What comes before ``suffix`` in ``form`` when the form ends with it
    and one of _ENDINGS, or None."""
    for ending in _ENDINGS:
        if form.endswith(suffix + ending):
            return form[: len(form) - len(ending) - len(suffix)]
    return None


def _root_of_unknown(form: str, stemmer) -> str | None:
    """The root of a word that Sastrawi finds none of and its dictionary
    does not hold, when the word is a doubling or ends in "-nya" (see
    ``_sastrawi_root``), or None."""
    dictionary = stemmer.dictionary
    if len(form) >= 6 and form[1] == "e" and form[2] == form[0] not in "aeiou":
        inner = stemmer.stem_word(form[2:]) or form[2:]
        if len(inner) >= 3 and dictionary.contains(inner):
            return inner
    before = form[:-3]
    if form.endswith("nya") and len(before) >= 4:
        if before.endswith("a"):
            with_n = stemmer.stem_word(before + "n")
            if with_n and with_n != before + "n" and dictionary.contains(with_n):
                return with_n
        return stemmer.stem_word(before) or before
    return None


def _known_root(form: str) -> str | None:
    """The root this process or an open index's stem table knows for
    ``form``, or None."""
    return _stems.get(form) or _table_root(form)


def _table_root(form: str) -> str | None:
    """The root an open index's stem table gives ``form``, or None."""
    for table in _tables:
        root = table.get(form)
        if root is not None:
            return root
    return None


def _remember_root(form: str, root: str) -> None:
    if len(_stems) >= _STEMS_CACHE_SIZE:
        _forget_stems()
    _stems[form] = root


_before_forgetting: Callable[[dict[str, str]], None] | None = None


def _forget_stems() -> None:
    if _before_forgetting is not None:
        _before_forgetting(_stems)
    _stems.clear()


def before_forgetting_stems(keep: Callable[[dict[str, str]], None] | None) -> None:
    """Have ``keep`` see the roots this process knows each time its cache
    of them, full, is about to be emptied (None: no longer), so that who
    gathers every root of a run (an index's stem table, a run's indexing
    worker) loses none to the bound."""
    global _before_forgetting
    _before_forgetting = keep


def use_stem_table(table) -> None:
    """Look forms up in ``table`` (a ``stem_table.StemTable``, an open
    index's) before stemming them with Sastrawi, until ``forget_stem_table``."""
    global _tables
    with _tables_changing:
        _tables = (*_tables, table)


def forget_stem_table(table) -> None:
    """Its index was closed: stop using ``table``."""
    global _tables
    with _tables_changing:
        _tables = tuple(kept for kept in _tables if kept is not table)


def known_stems() -> dict[str, str]:
    """The roots this process has worked out so far, oldest first (the
    dictionary itself: copy it to keep it)."""
    return _stems


def learn_stems(stems: dict[str, str]) -> None:
    """Take roots worked out elsewhere (by an indexing worker, or an earlier
    run), so that ``stem`` need not run Sastrawi on those forms again."""
    if len(_stems) + len(stems) > _STEMS_CACHE_SIZE:
        _forget_stems()
    _stems.update(stems)


def related_words(
    text: str, terms: Iterable[str], keep: Callable[[str, str | None], bool] | None = None
) -> Iterator[tuple[Word, str | None]]:
    """Each word of ``text`` with its root, or with None when its root cannot
    be one of ``terms``; with ``keep``, only the words it accepts (given
    their form and that root).

    Stemming a word Sastrawi has not seen takes a tenth of a millisecond, and
    a query reads thousands of words of candidate paragraphs.  A root minus
    its first letter (which a nasal prefix may replace: tulis, menulis) is
    always part of the word (checked on 36,830 news word forms), so a word
    holding no term minus its first letter need not be stemmed.  Nor need a
    stopword: it is never indexed, so it matches no term by its root (and
    stays out of the index's stem table, so stemming it would load Sastrawi).
    """
    forms = set(_index_forms(text))
    roots = _related_roots(terms, forms)
    kept = None if keep is None else {form for form in forms if keep(form, roots.get(form))}
    for word in words(text, kept):
        yield word, roots.get(word.form)


def related_forms(text: str, terms: Iterable[str]) -> tuple[list[str], dict[str, str]]:
    """``related_words`` without character offsets or stopwords, faster:
    the forms of ``text`` that are indexed, in order, and the root of each
    of them that may be related to ``terms`` (a form without one cannot be)."""
    forms = [form for form in _index_forms(text) if form not in STOPWORDS]
    return forms, _related_roots(terms, set(forms))


def _related_roots(terms: Iterable[str], forms: set[str]) -> dict[str, str]:
    """The root of each of ``forms`` (a text's) that may be related to
    ``terms``: one holding a term (or another spelling of it) minus its
    first letter, not a stopword."""
    # First the cores found anywhere in the forms joined, at C speed.
    joined = " ".join(forms)
    spellings = {spelling for term in terms for spelling in (term, *_VARIANTS_OF.get(term, ()))}
    cores = [core for core in {spelling[1:] for spelling in spellings} if core in joined]
    related = {form for core in cores for form in forms if core in form} - STOPWORDS
    return {form: stem(form) for form in related}


def _index_forms(text: str) -> list[str]:
    """The forms ``words(text)`` yields, without offsets: a faster path for
    indexing and re-ranking.  ASCII text is lowercased whole (folding is
    plain lowercasing there); other text is folded word by word, as
    ``words`` does: folded or lowercased whole, it could be cut into words
    differently ("3½" folds to "31⁄2", and a lowercased "İ" brings a
    combining dot that ends a word)."""
    pattern, ascii, dropped = _word_pattern(text)
    if ascii:
        found = pattern.findall(text.lower())
    else:
        folded = _folded_words.get
        found = [folded(word) or _fold_word(word) for word in pattern.findall(text)]
    if dropped and found:  # (joined, translated and cut again at C speed: no form holds a "\n")
        found = [form for form in "\n".join(found).translate(dropped).split("\n") if form]
    compounds = _closed_compounds(found)
    if not compounds and "-" not in text:
        return found  # nothing to split
    forms: list[str] = []
    for form in found:
        if "-" in form or form in compounds:
            forms += [part for part in _parts(form)[0] if part]
        else:
            forms.append(form)
    return forms


_terms_cache: dict[str, tuple[str, ...]] = {}
_TERMS_CACHE_SIZE = 500_000  # forms; emptied when full, so memory stays bounded


def _terms_of(form: str) -> tuple[str, ...]:
    """The terms one word form is indexed as: none for a stopword, else its
    stem, then the form itself when it differs."""
    terms = _terms_cache.get(form)
    if terms is None:
        if form in STOPWORDS:
            terms = ()
        else:
            root = stem(form)
            terms = (root,) if root == form else (root, form)
        if len(_terms_cache) >= _TERMS_CACHE_SIZE:
            _terms_cache.clear()
        _terms_cache[form] = terms
    return terms


def index_terms(text: str) -> Iterator[tuple[str, int]]:
    """Yield (term, position) pairs exactly as the Whoosh analyzer indexes them.

    Stopwords are dropped and do not take a position, as with Whoosh's
    StopFilter.  A word whose stem differs from its form yields both, at the
    same position.
    """
    pos = 0
    for form in _index_forms(text):
        terms = _terms_of(form)
        if terms:
            for term in terms:
                yield term, pos
            pos += 1


def term_positions(text: str) -> dict[str, list[int]]:
    """Each term of ``text`` with the positions it is indexed at."""
    positions: dict[str, list[int]] = {}
    for term, pos in index_terms(text):
        positions.setdefault(term, []).append(pos)
    return positions
