"""Demo data: realistic needs of two cities and offers of the demo partners, posted through
the services so their events flow (the worker then computes the matches)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from core.plugin import DemoContext, Principal
from plugins.matchmaking import services

M = 1_000_000

NEEDS: list[tuple[str, dict[str, Any]]] = [
    ("officer.bandung", {
        "title": "[Demo] Sistem peringatan dini banjir berbasis sensor muka air sungai",
        "description": "Kota membutuhkan jaringan sensor ketinggian air di Sungai Cikapundung "
                       "dan Citarum Hulu, terhubung ke dasbor BPBD dan notifikasi SMS/WhatsApp "
                       "kepada warga bantaran sungai.",
        "dimension": "environment", "sub_dimension": "protection",
        "budget_min": 750 * M, "budget_max": 2_000 * M,
        "partner_types": ["business", "academia"], "days": 60}),
    ("officer.bandung", {
        "title": "[Demo] Digitalisasi pengelolaan sampah dan bank sampah",
        "description": "Aplikasi pencatatan setoran bank sampah, pelacakan armada pengangkut "
                       "dan pemantauan volume TPS agar pengangkutan sampah tepat waktu.",
        "dimension": "environment", "sub_dimension": "waste",
        "budget_min": 300 * M, "budget_max": 900 * M, "partner_types": [], "days": 45}),
    ("officer.bandung", {
        "title": "[Demo] Parkir pintar dan pembayaran nontunai di pusat kota",
        "description": "Sensor okupansi parkir di badan jalan, aplikasi informasi ketersediaan "
                       "parkir dan pembayaran retribusi parkir nontunai.",
        "dimension": "living", "sub_dimension": "mobility",
        "budget_min": 1_000 * M, "budget_max": 3_500 * M, "partner_types": ["business"],
        "days": 90}),
    ("officer.bandung", {
        "title": "[Demo] Pelatihan digitalisasi UMKM dan pemasaran daring",
        "description": "Pendampingan 500 pelaku UMKM untuk memasarkan produk di marketplace, "
                       "membuat katalog digital dan menerima pembayaran QRIS.",
        "dimension": "economy", "sub_dimension": "welfare",
        "budget_min": 150 * M, "budget_max": 400 * M,
        "partner_types": ["community", "academia", "business"], "days": 30}),
    ("officer.surabaya", {
        "title": "[Demo] Telemedisin untuk puskesmas dan posyandu",
        "description": "Layanan konsultasi dokter jarak jauh antara puskesmas pembantu dan "
                       "rumah sakit daerah, rekam medis elektronik terintegrasi.",
        "dimension": "living", "sub_dimension": "health",
        "budget_min": 500 * M, "budget_max": 1_500 * M, "partner_types": [], "days": 75}),
    ("officer.surabaya", {
        "title": "[Demo] Penerangan jalan umum cerdas hemat energi",
        "description": "Penggantian lampu PJU dengan LED yang dapat dipantau dan diredupkan dari "
                       "jarak jauh untuk menghemat energi listrik.",
        "dimension": "environment", "sub_dimension": "energy",
        "budget_min": 2_000 * M, "budget_max": 6_000 * M, "partner_types": ["business"],
        "days": 120}),
    ("officer.surabaya", {
        "title": "[Demo] Smart tourism branding campaign for the old town",
        "description": "We are looking for a partner to design the city's tourism branding, a "
                       "digital campaign and a visitor information app for the heritage area.",
        "dimension": "branding", "sub_dimension": "tourism",
        "budget_min": 200 * M, "budget_max": 700 * M,
        "partner_types": ["media", "business"], "days": 50}),
    ("officer.surabaya", {
        "title": "[Demo] Layanan perizinan terpadu daring (e-government)",
        "description": "Portal perizinan dan pengaduan warga terintegrasi dengan data "
                       "kependudukan, tanda tangan elektronik dan pelacakan status berkas.",
        "dimension": "governance", "sub_dimension": "public_service",
        "budget_min": 800 * M, "budget_max": 2_500 * M, "partner_types": [], "days": 100}),
]

OFFERS: list[tuple[str, dict[str, Any]]] = [
    ("partner", {
        "title": "[Demo] Platform perizinan dan pengaduan warga terpadu",
        "description": "Aplikasi web dan mobile untuk layanan perizinan daring, pengaduan "
                       "warga, tanda tangan elektronik dan integrasi data kependudukan.",
        "dimensions": ["governance"], "sub_dimensions": ["public_service"],
        "provinces": ["31", "32", "35"], "price_min": 600 * M, "price_max": 2_000 * M,
        "references": "Dipakai di 4 kabupaten di Jawa Barat sejak 2022."}),
    ("partner", {
        "title": "[Demo] Sistem parkir pintar dengan sensor dan pembayaran nontunai",
        "description": "Sensor okupansi parkir, aplikasi pemandu parkir dan pembayaran "
                       "retribusi nontunai (QRIS, e-money).",
        "dimensions": ["living", "economy"], "sub_dimensions": ["mobility", "transaction"],
        "provinces": ["32", "35"], "price_min": 900 * M, "price_max": 3_000 * M}),
    ("partner", {
        "title": "[Demo] IoT water level and water quality sensors with early warning",
        "description": "Solar-powered river water level sensors, water quality monitoring "
                       "(pH, turbidity) and an early warning dashboard with SMS alerts.",
        "dimensions": ["environment"], "sub_dimensions": ["protection"],
        "national": True, "price_min": 500 * M, "price_max": 1_800 * M}),
    ("partner", {
        "title": "[Demo] Smart street lighting with remote dimming",
        "description": "LED street lighting controllers with remote monitoring and dimming to "
                       "cut electricity costs; energy dashboard for the city.",
        "dimensions": ["environment"], "sub_dimensions": ["energy"],
        "provinces": ["35"], "price_min": 1_500 * M, "price_max": 5_000 * M}),
    ("community", {
        "title": "[Demo] Relawan pendamping digitalisasi UMKM",
        "description": "Relawan TIK mendampingi pelaku UMKM membuat toko daring, katalog "
                       "digital, dan memakai pembayaran QRIS.",
        "dimensions": ["economy", "society"], "sub_dimensions": ["welfare", "community"],
        "provinces": ["32"], "price_min": 50 * M, "price_max": 200 * M}),
    ("community", {
        "title": "[Demo] Edukasi pemilahan sampah dan bank sampah warga",
        "description": "Kampanye pemilahan sampah rumah tangga dan pendampingan pengurus bank "
                       "sampah di tingkat RW.",
        "dimensions": ["environment", "society"], "sub_dimensions": ["waste"],
        "provinces": ["32"], "price_min": 30 * M, "price_max": 150 * M}),
    ("academia", {
        "title": "[Demo] Kajian dan rancangan sistem telemedisin daerah",
        "description": "Riset kebutuhan, rancangan arsitektur telemedisin puskesmas–rumah sakit "
                       "dan evaluasi dampak layanan kesehatan jarak jauh.",
        "dimensions": ["living"], "sub_dimensions": ["health"],
        "national": True, "price_min": 200 * M, "price_max": 800 * M}),
    ("academia", {
        "title": "[Demo] Flood risk modelling and evaluation of early warning systems",
        "description": "Hydrological modelling of river floods, sensor placement study and "
                       "impact evaluation of flood early warning for citizens.",
        "dimensions": ["environment"], "sub_dimensions": ["protection"],
        "national": True, "price_min": 150 * M, "price_max": 600 * M}),
]


def _org_of(actor: Principal) -> int | None:
    orgs = services.partner_org_ids(actor)
    return orgs[0] if orgs else None


def load(session: Session, context: DemoContext) -> None:
    """Post the demo needs and offers, one interest and one collaboration."""
    today = (context.now or dt.datetime.now(dt.UTC)).date()
    needs = []
    for login, spec in NEEDS:
        actor = context.users.get(login)
        if actor is None or not actor.region_codes:
            continue
        values = {k: v for k, v in spec.items() if k != "days"}
        values["deadline"] = today + dt.timedelta(days=spec["days"])
        needs.append(services.create_need(session, actor, sorted(actor.region_codes)[0],
                                          values))
    offers = []
    for login, spec in OFFERS:
        actor = context.users.get(login)
        org_id = _org_of(actor) if actor else None
        if org_id is None:
            continue
        offers.append(services.create_offer(session, actor, org_id, dict(spec)))
    partner, academia = context.users.get("partner"), context.users.get("academia")
    officer = context.users.get("officer.bandung")
    if not (needs and partner and academia and officer):
        return
    flood = needs[0]
    services.express_interest(
        session, partner, flood.id, _org_of(partner),
        "Kami sudah memasang sensor muka air di 4 kabupaten. Kami siap presentasi minggu ini.",
        limit=None)
    interest = services.express_interest(
        session, academia, flood.id, _org_of(academia),
        "Tim kami dapat menyusun kajian penempatan sensor dan evaluasi dampaknya.", limit=None)
    services.decide_interest(session, officer, interest.id, True,
                             "Kajian ini kami perlukan sebelum pengadaan.")
