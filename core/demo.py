"""Demo data, loaded through the same services as real use so its events flow like any others.

Everything created here is marked as demo (``is_demo``, "(demo)" in names, "[Demo]" in plan
titles). The cohorts are an illustration of the movement's size (191 regions by 2021, 241 by
2023), not the official list.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.models import User
from core.accounts.principal import Principal
from core.accounts.services import create_user, load_principal
from core.orgs import services as orgs
from core.orgs.models import Membership
from core.plans import services as plans
from core.plugin.types import DemoContext
from core.regions import services as regions
from core.regions.models import Region
from core.taxonomy import SUB_DIMENSIONS

DEMO_PASSWORD = "sinergi-demo-2026"
DEMO_DOMAIN = "demo.sinergi.id"

# Cohort sizes: 25 + 75 + 41 + 50 = 191 by 2021, + 25 + 25 = 241 by 2023.
COHORT_SIZES = {2017: 25, 2018: 75, 2019: 41, 2021: 50, 2022: 25, 2023: 25}

# Well-known early participants placed in the first cohort.
FIRST_COHORT = [
    "32.73",  # Kota Bandung
    "35.78",  # Kota Surabaya
    "15.71",  # Kota Jambi
    "73.71",  # Kota Makassar
    "33.74",  # Kota Semarang
    "31.71",  # Kota Administrasi Jakarta Pusat
    "34.71",  # Kota Yogyakarta
    "51.71",  # Kota Denpasar
    "12.71",  # Kota Medan
    "36.71",  # Kota Tangerang
]

STAGE_BY_COHORT = {
    2017: "evaluated", 2018: "implementation", 2019: "implementation", 2021: "master_plan",
    2022: "technical_guidance", 2023: "mou_signed",
}


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    note: str


def _rank(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def pick_cohorts(all_codes: list[str]) -> dict[str, int]:
    """Deterministically assign 241 regions to cohorts (first the well-known cities)."""
    rest = sorted((c for c in all_codes if c not in FIRST_COHORT), key=_rank)
    ordered = [c for c in FIRST_COHORT if c in all_codes] + rest
    result: dict[str, int] = {}
    index = 0
    for year, size in COHORT_SIZES.items():
        for code in ordered[index:index + size]:
            result[code] = year
        index += size
    return result


def _programmes(region_name: str) -> list[dict[str, Any]]:
    """Eighteen programmes (one per sub-dimension) with three quick wins."""
    titles = {
        "public_service": ("Mal pelayanan publik digital", 4_500_000_000),
        "public_policy": ("Satu data kota untuk perencanaan", 1_200_000_000),
        "bureaucracy": ("E-office dan tanda tangan elektronik", 900_000_000),
        "tourism": ("Portal pariwisata dan kalender event", 750_000_000),
        "business": ("Inkubator UMKM digital", 2_000_000_000),
        "city_appearance": ("Penataan ruang terbuka hijau tematik", 3_000_000_000),
        "industry": ("Sistem informasi industri kecil menengah", 800_000_000),
        "welfare": ("Data terpadu kesejahteraan sosial", 1_100_000_000),
        "transaction": ("Elektronifikasi transaksi pemerintah daerah", 650_000_000),
        "harmony": ("Layanan aduan warga terpadu", 500_000_000),
        "health": ("Rekam medis elektronik puskesmas", 3_500_000_000),
        "mobility": ("Sistem transportasi cerdas dan ATCS", 6_000_000_000),
        "community": ("Kampung digital dan relawan TIK", 400_000_000),
        "learning_ecosystem": ("Sekolah digital dan perpustakaan daring", 1_500_000_000),
        "security": ("Command center dan CCTV terpadu", 5_000_000_000),
        "protection": ("Pemantauan kualitas udara dan air", 1_300_000_000),
        "waste": ("Bank sampah digital", 700_000_000),
        "energy": ("Penerangan jalan umum tenaga surya", 2_500_000_000),
    }
    quick_wins = {"public_service", "health", "waste"}
    return [
        {
            "title": title,
            "description": f"Program {title.lower()} di {region_name}.",
            "dimension": SUB_DIMENSIONS[sub],
            "sub_dimension": sub,
            "horizon": "short" if sub in quick_wins else "medium",
            "quick_win": sub in quick_wins,
            "budget_idr": budget,
        }
        for sub, (title, budget) in titles.items()
    ]


def is_loaded(session: Session) -> bool:
    return session.scalar(select(User.id).where(User.email == f"admin@{DEMO_DOMAIN}")) is not None


def _user(session: Session, local: str, name: str, **roles: bool) -> User:
    return create_user(
        session, email=f"{local}@{DEMO_DOMAIN}", name=f"{name} (demo)", password=DEMO_PASSWORD,
        min_password_length=8, is_demo=True, **roles,
    )


def _refresh(session: Session, principal: Principal) -> Principal:
    session.flush()
    return load_principal(session, principal.user_id)  # type: ignore[return-value]


def load_demo(
    session: Session,
    progress: Callable[[int], None] | None = None,
    plugins: Any = None,
) -> list[DemoLogin]:
    """Create the demo world, then let each enabled plugin add its own through the
    ``load_demo_data`` hook. Refuses to run twice (returns the logins either way)."""
    logins = demo_logins()
    if is_loaded(session):
        return logins
    admin_user = _user(session, "admin", "Admin Kementerian", is_admin=True)
    admin = _refresh(session, Principal(admin_user.id, admin_user.email, admin_user.name))
    _user(session, "evaluator", "Asesor Nasional", is_evaluator=True)
    _user(session, "evaluator2", "Asesor Nasional Kedua", is_evaluator=True)

    all_codes = list(session.scalars(select(Region.code).order_by(Region.code)))
    cohorts = pick_cohorts(all_codes)
    names = dict(session.execute(select(Region.code, Region.name)).all())
    for code, year in cohorts.items():
        regions.join_movement(session, admin, code, year, STAGE_BY_COHORT[year], is_demo=True)
        org = orgs.government_org_for(session, admin, code)
        org.is_demo = True
        if progress:
            progress(1)
    session.flush()

    # Officers of two regions.
    officers = {}
    for local, code in (("officer.bandung", "32.73"), ("officer.surabaya", "35.78")):
        user = _user(session, local, f"Petugas {names[code]}")
        gov = orgs.government_org_for(session, admin, code)
        session.add(Membership(user_id=user.id, organisation_id=gov.id, role="admin"))
        officers[code] = user

    # Partners of the pentahelix.
    partner_specs = [
        ("partner", "Mitra Bisnis", "business", "PT Nusantara Digital Solusi (demo)",
         "Platform layanan publik digital, integrasi data dan aplikasi mobile.",
         ["governance", "economy"], ["32", "35", "31"]),
        ("community", "Relawan TIK", "community", "Komunitas Relawan TIK Jabar (demo)",
         "Literasi digital warga, pendampingan kampung digital.", ["society"], ["32"]),
        ("academia", "Peneliti Kampus", "academia", "Pusat Studi Kota Cerdas Universitas (demo)",
         "Riset kebijakan, evaluasi dampak, kajian transportasi.",
         ["living", "environment", "governance"], []),
    ]
    for local, person, kind, org_name, caps, dims, provinces in partner_specs:
        user = _user(session, local, person)
        actor = _refresh(session, Principal(user.id, user.email, user.name))
        org = orgs.create_organisation(
            session, actor, type=kind, is_demo=True, name=org_name, capabilities=caps,
            about=f"{org_name}: organisasi contoh untuk demo Sinergi.",
            dimensions=dims, provinces_served=provinces,
        )
        if kind != "community":
            orgs.verify_organisation(session, admin, org.id)

    # Master plans in several states.
    bandung = _refresh(session, Principal(officers["32.73"].id, "", officers["32.73"].name))
    surabaya = _refresh(session, Principal(officers["35.78"].id, "", officers["35.78"].name))

    def draft(actor: Principal, code: str, start: int, title: str) -> int:
        plan = plans.create_plan(
            session, actor, code,
            {"title": f"[Demo] {title}", "period_start": start, "period_end": start + 4,
             "vision": f"{names[code]} yang cerdas, inklusif dan berkelanjutan.",
             "readiness_notes": "Kekuatan: infrastruktur jaringan. Kelemahan: SDM TIK. "
                                "Peluang: kolaborasi kampus. Ancaman: kesenjangan digital."},
            _programmes(names[code]), is_demo=True,
        )
        return plan.id

    approved = draft(bandung, "32.73", 2024, "Masterplan Smart City Kota Bandung 2024–2028")
    plans.submit_plan(session, bandung, approved)
    plans.approve_plan(session, admin, approved, "Lengkap dan selaras dengan RPJMD.")
    draft(bandung, "32.73", 2029, "Rancangan Masterplan Kota Bandung 2029–2033")
    submitted = draft(surabaya, "35.78", 2024, "Masterplan Smart City Kota Surabaya 2024–2028")
    plans.submit_plan(session, surabaya, submitted)
    revised = draft(surabaya, "35.78", 2020, "Masterplan Smart City Kota Surabaya 2020–2024")
    plans.submit_plan(session, surabaya, revised)
    plans.request_revision(session, admin, revised,
                           "Lengkapi analisis kesiapan dan anggaran program jangka panjang.")
    session.flush()
    if plugins is not None:
        users = {
            login.email.split("@")[0]: load_principal(session, uid)
            for login in logins
            if (uid := session.scalar(select(User.id).where(User.email == login.email)))
        }
        context = DemoContext(admin=admin, users=users, region_codes=sorted(cohorts))
        plugins.call("load_demo_data", session=session, context=context)
        session.flush()
    return logins


def demo_logins() -> list[DemoLogin]:
    """One demo login per role."""
    return [
        DemoLogin("admin", f"admin@{DEMO_DOMAIN}", DEMO_PASSWORD, "platform administrator"),
        DemoLogin("evaluator", f"evaluator@{DEMO_DOMAIN}", DEMO_PASSWORD, "assessor"),
        DemoLogin("evaluator", f"evaluator2@{DEMO_DOMAIN}", DEMO_PASSWORD, "second assessor"),
        DemoLogin("region officer", f"officer.bandung@{DEMO_DOMAIN}", DEMO_PASSWORD,
                  "Kota Bandung (32.73)"),
        DemoLogin("region officer", f"officer.surabaya@{DEMO_DOMAIN}", DEMO_PASSWORD,
                  "Kota Surabaya (35.78)"),
        DemoLogin("partner", f"partner@{DEMO_DOMAIN}", DEMO_PASSWORD, "business"),
        DemoLogin("community", f"community@{DEMO_DOMAIN}", DEMO_PASSWORD, "community"),
        DemoLogin("academia", f"academia@{DEMO_DOMAIN}", DEMO_PASSWORD, "university"),
    ]
