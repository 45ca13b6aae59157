"""The default indicator set of a new cycle: nine indicators per dimension along the 6 × 3
taxonomy (readiness, one output and one outcome per sub-dimension, impact, quick wins).
Admins edit the set while the cycle is a draft. Names are content, written in Indonesian."""

from __future__ import annotations

from typing import Any

from core.plugin import taxonomy

SUB_NAMES = {
    "public_service": "pelayanan publik", "public_policy": "kebijakan publik",
    "bureaucracy": "birokrasi", "tourism": "pariwisata", "business": "iklim bisnis",
    "city_appearance": "wajah kota", "industry": "industri", "welfare": "kesejahteraan",
    "transaction": "transaksi keuangan", "harmony": "harmoni warga", "health": "kesehatan",
    "mobility": "mobilitas", "community": "komunitas", "learning_ecosystem": "ekosistem belajar",
    "security": "keamanan", "protection": "perlindungan lingkungan", "waste": "pengelolaan sampah",
    "energy": "energi",
}

DIMENSION_NAMES = {
    "governance": "Smart Governance", "branding": "Smart Branding", "economy": "Smart Economy",
    "living": "Smart Living", "society": "Smart Society", "environment": "Smart Environment",
}


def default_indicators() -> list[dict[str, Any]]:
    """54 indicators: for each dimension 1 baseline, 3 output, 3 outcome, 1 impact, 1 quick win."""
    items: list[dict[str, Any]] = []
    for dimension, subs in taxonomy.DIMENSIONS.items():
        label = DIMENSION_NAMES[dimension]
        items.append({
            "code": f"{dimension}.baseline", "component": "baseline", "dimension": dimension,
            "sub_dimension": None,
            "name": f"Kesiapan {label}: regulasi, kelembagaan, SDM dan anggaran",
            "description": "Dasar hukum, unit pengelola, kompetensi SDM dan alokasi anggaran.",
        })
        for sub in subs:
            items.append({
                "code": f"{dimension}.{sub}.output", "component": "output",
                "dimension": dimension, "sub_dimension": sub,
                "name": f"Keluaran program {SUB_NAMES[sub]} terealisasi sesuai rencana induk",
                "description": "Aplikasi, layanan, infrastruktur atau kebijakan yang sudah jadi.",
            })
        for sub in subs:
            items.append({
                "code": f"{dimension}.{sub}.outcome", "component": "outcome",
                "dimension": dimension, "sub_dimension": sub,
                "name": f"Hasil program {SUB_NAMES[sub]}: dimanfaatkan dan mengubah layanan",
                "description": "Tingkat pemanfaatan, perubahan proses kerja, capaian target.",
            })
        items.append({
            "code": f"{dimension}.impact", "component": "impact", "dimension": dimension,
            "sub_dimension": None,
            "name": f"Dampak {label} yang dirasakan langsung oleh warga",
            "description": "Bukti perubahan bagi warga; dilengkapi survei dampak warga.",
        })
        items.append({
            "code": f"{dimension}.quick_win", "component": "quick_win", "dimension": dimension,
            "sub_dimension": None,
            "name": f"Quick win {label} selesai dan dirasakan manfaatnya",
            "description": "Program quick win dari rencana induk yang sudah berjalan.",
        })
    for position, item in enumerate(items):
        item["position"] = position
    return items
