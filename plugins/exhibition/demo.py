"""Demo data: published booths with achievements and drawn illustrations for several regions,
and illustrative evaluation results (three cycles) so that the hall looks alive. Everything goes
through the plugin's own services, marked as demo ("(demo)" in taglines)."""

from __future__ import annotations

import hashlib
import io
import math

from PIL import Image as PILImage
from PIL import ImageDraw
from sqlalchemy.orm import Session

from core.plugin import DemoContext, directory, taxonomy
from plugins.exhibition import projections, services
from plugins.exhibition.media import store

PALETTE = {
    "governance": (31, 111, 209), "branding": (200, 138, 4), "economy": (22, 163, 74),
    "living": (220, 38, 38), "society": (124, 58, 237), "environment": (8, 145, 178),
}

#: region code -> (tagline, story, achievements: (title, caption, dimension, year))
BOOTHS: dict[str, tuple[str, str, list[tuple[str, str, str, int]]]] = {
    "32.73": (
        "Kota layanan digital yang dekat dengan warga",
        "Bandung memulai perjalanan kota cerdas pada 2017 dengan menyatukan layanan publik "
        "dalam satu pintu digital. Command center kota kini memantau lalu lintas, banjir dan "
        "aduan warga secara langsung, dan kampung-kampung digital melatih ribuan warga.",
        [("Mal pelayanan publik digital", "Lebih dari 300 jenis layanan perizinan dan "
          "kependudukan dalam satu aplikasi.", "governance", 2023),
         ("Command center kota", "Pemantauan CCTV, ATCS dan aduan warga 24 jam.", "society", 2022),
         ("Bank sampah digital", "Warga menabung sampah terpilah dan menerima saldo digital.",
          "environment", 2024),
         ("Rekam medis elektronik puskesmas", "Seluruh puskesmas terhubung; antrean turun "
          "separuh.", "living", 2023)],
    ),
    "35.78": (
        "Surabaya: kota hijau yang digerakkan data",
        "Surabaya menggabungkan e-government yang matang dengan gerakan warga menjaga "
        "lingkungan. Dasbor kota terbuka untuk publik dan UMKM naik kelas lewat pasar daring.",
        [("E-budgeting dan e-procurement", "Anggaran dan pengadaan terbuka sejak perencanaan.",
          "governance", 2021),
         ("Pasar UMKM daring", "Ribuan UMKM binaan berjualan di lokapasar kota.", "economy", 2023),
         ("Taman kota tematik", "Ruang terbuka hijau dengan sensor kualitas udara.",
          "environment", 2022)],
    ),
    "34.71": (
        "Jogja istimewa, layanan budaya dan wisata yang cerdas",
        "Kota Yogyakarta menata kawasan Malioboro dengan data pengunjung, memperkuat UMKM "
        "kreatif dan membuka kanal aduan warga yang cepat ditanggapi.",
        [("Malioboro ramah pejalan kaki", "Penghitung pengunjung dan parkir terpadu.",
          "branding", 2023),
         ("Jogja Smart Service", "Satu aplikasi untuk layanan dan aduan warga.",
          "governance", 2022)],
    ),
    "73.71": (
        "Makassar sombere' dan smart city",
        "Makassar membangun layanan kesehatan rumah (home care) dan sistem lorong garden "
        "yang melibatkan warga di setiap kelurahan.",
        [("Dottoro'ta: layanan kesehatan di rumah", "Mobil layanan dan dokter datang ke "
          "rumah warga lewat panggilan.", "living", 2021),
         ("Lorong garden", "Lorong kota menjadi kebun pangan dan ruang warga.",
          "environment", 2022)],
    ),
    "51.71": (
        "Denpasar: budaya Bali bertemu layanan digital",
        "Denpasar menggabungkan pelestarian budaya dengan layanan digital: dari kalender "
        "upacara hingga pembayaran pajak daerah tanpa tunai.",
        [("Pajak daerah nontunai", "Pembayaran PBB dan retribusi lewat kanal digital.",
          "economy", 2022),
         ("Portal warisan budaya", "Katalog pura, tari dan upacara untuk wisatawan.",
          "branding", 2023)],
    ),
    "15.71": (
        "Jambi menata kota sungai yang cerdas",
        "Kota Jambi memulai dari tata kelola: satu data kota dan perencanaan berbasis bukti, "
        "lalu memperluas layanan ke kawasan tepian Batanghari.",
        [("Satu data Kota Jambi", "Portal data terbuka untuk perencanaan.", "governance", 2022),
         ("Kampung digital tepian sungai", "Pelatihan literasi digital warga tepian.",
          "society", 2023)],
    ),
}


def _rng(seed: str) -> float:
    """A deterministic number in [0, 1) from a text."""
    return int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) / 0x100000000


def illustration(title: str, dimension: str) -> bytes:
    """A simple flat illustration: sky, hills, buildings, a sun, in the dimension's colour."""
    width, height = 960, 720
    base = PALETTE.get(dimension, (31, 111, 209))
    img = PILImage.new("RGB", (width, height), (235, 242, 250))
    draw = ImageDraw.Draw(img)
    for y in range(height):  # sky gradient
        t = y / height
        mix = 0.35 + 0.4 * t
        colour = tuple(int(c * mix + 230 * (1 - mix)) for c in base)
        draw.line([(0, y), (width, y)], fill=colour)
    sun_x = int(160 + 640 * _rng(title + "sun"))
    draw.ellipse([sun_x - 70, 90, sun_x + 70, 230], fill=(255, 214, 102))
    for i in range(3):  # hills
        amp, phase = 40 + 20 * i, _rng(title + str(i)) * 6
        top = 430 + 60 * i
        shade = tuple(max(0, int(c * (0.55 - 0.12 * i))) for c in base)
        points = [(x, top + amp * math.sin(x / 140 + phase)) for x in range(0, width + 20, 20)]
        draw.polygon([(0, height), *points, (width, height)], fill=shade)
    x = 60
    while x < width - 60:  # skyline
        w = 50 + int(70 * _rng(f"{title}{x}w"))
        h = 120 + int(220 * _rng(f"{title}{x}h"))
        body = tuple(min(255, int(c * 0.4 + 140)) for c in base)
        draw.rectangle([x, 520 - h, x + w, 560], fill=body)
        for wy in range(530 - h, 540, 28):
            for wx in range(x + 10, x + w - 10, 18):
                if _rng(f"{title}{wx}{wy}") > 0.35:
                    draw.rectangle([wx, wy, wx + 8, wy + 12], fill=(255, 244, 200))
        x += w + 14
    draw.rectangle([0, 560, width, height], fill=tuple(int(c * 0.35) for c in base))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _scores(code: str, year: int, strength: float) -> dict:
    dims = {d: round(min(98.0, 35 + 55 * strength * (0.75 + 0.5 * _rng(f"{code}{d}{year}"))), 1)
            for d in taxonomy.DIMENSIONS}
    index = round(sum(dims.values()) / len(dims), 2)
    components = {k: round(min(99.0, index * (0.85 + 0.3 * _rng(f"{code}{k}{year}"))), 1)
                  for k in ("baseline", "output", "outcome", "impact", "quick_win")}
    return {"dimensions": dims, "index": index, "components": components}


def load_evaluations(session: Session, codes: list[str], names: dict[str, str]) -> None:
    """Illustrative results of three evaluation cycles for the regions of the early cohorts,
    applied like ``sinergi.evaluation.completed`` events would be (ranks and awards per cycle)."""
    for year in (2021, 2022, 2023):
        results = []
        for code in codes:
            strength = 0.45 + 0.5 * _rng(code + "strength") + 0.04 * (year - 2021)
            if code in BOOTHS:
                strength += 0.18
            results.append((code, _scores(code, year, min(1.0, strength))))
        results.sort(key=lambda r: -r[1]["index"])
        best = {d: max(results, key=lambda r: r[1]["dimensions"][d])[0]
                for d in taxonomy.DIMENSIONS}
        for rank, (code, score) in enumerate(results, start=1):
            projections.apply_evaluation(session, {
                "region_code": code, "region_name": names.get(code, ""), "cycle_year": year,
                **score, "rank": rank, "of": len(results),
                "awards": [d for d, winner in best.items() if winner == code],
                "verified": True,
            }, sequence=1)


def load_demo(session: Session, context: DemoContext) -> None:
    admin = context.admin
    regions = {r.code: r for r in directory.list_regions(session, participating=True)}
    evaluated = [c for c, r in regions.items() if r.cohort_year in (2017, 2018)]
    load_evaluations(session, evaluated, {c: r.name for c, r in regions.items()})
    for code, (tagline, story, achievements) in BOOTHS.items():
        if code not in regions:
            continue
        services.open_booth(session, admin, code, {
            "tagline": f"{tagline} (demo)", "story": story, "is_demo": True,
            "replicate_note": "Hubungi tim smart city kami untuk berbagi modul, data dan "
                              "pengalaman implementasi.",
        })
        for title, caption, dimension, year in achievements:
            item = services.add_achievement(session, admin, code, {
                "title": title, "caption": caption, "dimension": dimension, "year": year})
            image = store(session, code, illustration(title, dimension), admin.user_id)
            services.set_achievement_image(session, admin, item.id, image.id)
        services.submit_booth(session, admin, code)
        services.approve_booth(session, admin, code, "Demo: disetujui.")
    # One booth waiting for review, so the moderation queue has work.
    if "33.74" in regions:
        services.open_booth(session, admin, "33.74", {
            "tagline": "Semarang setara: layanan cerdas untuk semua (demo)",
            "story": "Semarang menyiapkan booth-nya: layanan terpadu dan transportasi cerdas.",
            "is_demo": True})
        services.add_achievement(session, admin, "33.74", {
            "title": "Bus rapid transit terintegrasi", "caption": "Kartu dan aplikasi tunggal.",
            "dimension": "living", "year": 2023})
        services.submit_booth(session, admin, "33.74")
