"""Text analysis for Indonesian and English: tokens, stop words, Snowball stemming, and a small
bilingual glossary that maps English terms onto Indonesian ones, so an English offer can meet
an Indonesian need.

Each document is stemmed with the stemmer of its language (detected by stop-word counts);
glossary terms are rewritten to the Indonesian stem first, so both languages share one
vocabulary of "concept" tokens.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import Stemmer

TOKEN = re.compile(r"[0-9a-zà-ÿ]+", re.IGNORECASE)

_ID_WORDS = """
ada adalah agar akan aku anda antara apa apabila atas atau bagi bagaimana bahwa baik banyak
baru beberapa belum berbagai bersama beserta bila bisa boleh dalam dan dapat dari daripada
demi dengan di dia dilakukan ini itu jika juga kami kamu karena ke kepada ketika kita lain lagi
lebih maka masih melalui mampu masing mereka milik misalnya namun oleh pada para per perlu
pun saat saja sampai sangat satu sebagai sebelum sedang sehingga sejak semua seperti serta
setiap sudah supaya tahun tanpa telah tentang terhadap tersebut tetapi untuk wajib yaitu
yakni yang hingga kota kabupaten kab pemkot pemkab daerah kami memiliki kebutuhan butuh
membutuhkan dibutuhkan mencari cari perlukan diperlukan
"""
ID_STOPWORDS = frozenset(_ID_WORDS.split())

_EN_WORDS = """
a about above after all also an and any are as at be been being both but by can could do does
for from has have having he her here his how i if in into is it its itself me more most my no
nor not of off on once only or other our out over own same she should so some such than that
the their them then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your city regency need needs
looking provide provides providing service services solution solutions
"""
EN_STOPWORDS = frozenset(_EN_WORDS.split())

#: English word → Indonesian word with the same meaning in this field. Both sides are analysed
#: with their own stemmer; the English stem is replaced by the Indonesian stem.
GLOSSARY = {
    "waste": "sampah", "garbage": "sampah", "trash": "sampah", "recycling": "daur",
    "flood": "banjir", "flooding": "banjir", "early": "dini", "warning": "peringatan",
    "alert": "peringatan", "river": "sungai", "rainfall": "hujan", "rain": "hujan",
    "parking": "parkir", "traffic": "lalu", "transport": "transportasi",
    "transportation": "transportasi", "road": "jalan", "street": "jalan",
    "lighting": "penerangan", "light": "lampu", "lamp": "lampu", "streetlight": "lampu",
    "water": "air", "quality": "kualitas", "sensor": "sensor", "monitoring": "pemantauan",
    "health": "kesehatan", "hospital": "rumah", "clinic": "klinik", "doctor": "dokter",
    "telemedicine": "telemedisin", "patient": "pasien", "tourism": "pariwisata",
    "tourist": "wisatawan", "destination": "destinasi", "branding": "branding",
    "promotion": "promosi", "culture": "budaya", "small": "kecil", "business": "usaha",
    "businesses": "usaha", "msme": "umkm", "msmes": "umkm", "sme": "umkm", "smes": "umkm",
    "market": "pasar", "marketplace": "pasar", "digital": "digital", "training": "pelatihan",
    "education": "pendidikan", "school": "sekolah", "school's": "sekolah", "student": "siswa",
    "government": "pemerintahan", "permit": "izin", "licensing": "perizinan",
    "licence": "izin", "license": "izin", "citizen": "warga", "citizens": "warga",
    "complaint": "pengaduan", "complaints": "pengaduan", "public": "publik",
    "population": "kependudukan", "data": "data", "dashboard": "dasbor", "energy": "energi",
    "solar": "surya", "electricity": "listrik", "security": "keamanan", "camera": "kamera",
    "cctv": "cctv", "disaster": "bencana", "emergency": "darurat", "village": "desa",
    "payment": "pembayaran", "tax": "pajak", "cashless": "nontunai", "farmer": "petani",
    "agriculture": "pertanian", "fishery": "perikanan", "bus": "bus", "app": "aplikasi",
    "application": "aplikasi", "mobile": "seluler", "network": "jaringan", "internet": "internet",
    "wifi": "wifi", "drainage": "drainase", "landfill": "tpa", "bank": "bank",
    "community": "komunitas", "volunteer": "relawan", "research": "riset", "study": "kajian",
    "media": "media", "campaign": "kampanye", "news": "berita", "air": "udara",
    "pollution": "polusi", "green": "hijau", "tree": "pohon", "park": "taman",
    "queue": "antrean", "registration": "pendaftaran", "online": "daring",
    "integrated": "terpadu", "smart": "cerdas", "system": "sistem", "platform": "platform",
    "meter": "meter", "pipe": "pipa", "leak": "bocor", "clean": "bersih", "drinking": "minum",
}

_ID_TO_CONCEPT = {"pintar": "cerdas", "smart": "cerdas", "online": "daring", "ukm": "umkm"}


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def detect_language(words: list[str]) -> str:
    """``"id"`` or ``"en"``: whichever language's stop words are more frequent (ties: id)."""
    id_hits = sum(1 for w in words if w in ID_STOPWORDS)
    en_hits = sum(1 for w in words if w in EN_STOPWORDS)
    return "en" if en_hits > id_hits else "id"


@lru_cache(maxsize=200_000)
def _stem_id(word: str) -> str:
    word = _ID_TO_CONCEPT.get(word, word)
    return _stemmer("indonesian").stemWord(word)


@lru_cache(maxsize=200_000)
def _stem_en(word: str) -> str:
    mapped = GLOSSARY.get(word)
    if mapped is None:
        mapped = GLOSSARY.get(_stemmer("english").stemWord(word))
        if mapped is None and word.endswith("s"):
            mapped = GLOSSARY.get(word[:-1])
    if mapped is not None:
        return _stem_id(mapped)
    return _stemmer("english").stemWord(word)


def words(text: str) -> list[str]:
    """Lower-case word tokens."""
    return [w.lower() for w in TOKEN.findall(text or "")]


def analyse(text: str, language: str | None = None) -> tuple[list[str], str]:
    """Concept tokens of ``text`` (stop words removed, stemmed) and the language used."""
    raw = words(text)
    language = language or detect_language(raw)
    stop = EN_STOPWORDS | ID_STOPWORDS
    stem = _stem_en if language == "en" else _stem_id
    tokens = [stem(w) for w in raw if len(w) > 1 and w not in stop]
    return [t for t in tokens if t], language


def term_counts(text: str, language: str | None = None) -> tuple[Counter[str], str]:
    tokens, language = analyse(text, language)
    return Counter(tokens), language


def plain_tokens(text: str) -> list[str]:
    """The baseline's analysis: lower-case words, no stop words removed, no stemming."""
    return words(text)


def stem_of(word: str, language: str) -> str:
    """The concept token of one lower-case word."""
    return _stem_en(word) if language == "en" else _stem_id(word)


def display_terms(text: str, stems: set[str], language: str) -> list[str]:
    """Words of ``text`` whose stem is among ``stems``, as written (first spelling, in order)."""
    stem = _stem_en if language == "en" else _stem_id
    seen: dict[str, str] = {}
    for w in words(text):
        if len(w) > 1 and w not in ID_STOPWORDS and w not in EN_STOPWORDS:
            s = stem(w)
            if s in stems and s not in seen:
                seen[s] = w
    return list(seen.values())
