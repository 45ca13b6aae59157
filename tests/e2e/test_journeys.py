"""End-to-end journeys in headless Chromium against the processes of a real deployment
(gunicorn web, ``sinergi relay``, ``sinergi worker``; see ``conftest.py``), on the demo data.

- A region officer (Kota Surabaya) writes and submits a master plan; an admin approves it; the
  public sees its summary in the region's exhibition booth once the worker has handled
  ``sinergi.plan.approved``, in Indonesian and in English.
- The officer posts a need; a partner finds it in the opportunity feed once the worker has
  computed its matches, and expresses interest; the officer hears of it (a notification made by
  the worker) and accepts: a collaboration is formed, the partner is told, and the booth lists
  the partner.
- An assessor scores an assigned region in the 2024 evaluation cycle.

Each step checks what the user sees (translated texts, flash messages); every page is watched
for console errors, CSP violations and failed requests.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.e2e.conftest import Deployment, People, flashes

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CODE = "35.78"  # Kota Surabaya: a live booth, no approved master plan in the demo
PLAN_TITLE = "Masterplan Smart City Kota Surabaya 2029–2033"
VISION = "Surabaya kota cerdas, hijau dan inklusif untuk semua warga."
#: (title, sub-dimension, quick win, budget): one programme per dimension, three quick wins.
PROGRAMMES = [
    ("Mal pelayanan publik digital terpadu", "public_service", True, "4.500.000.000"),
    ("Kalender event wisata kota", "tourism", False, "750.000.000"),
    ("Pasar UMKM daring", "transaction", False, "2.000.000.000"),
    ("Rekam medis elektronik puskesmas", "health", True, "3.500.000.000"),
    ("Command center kota", "security", False, "5.000.000.000"),
    ("Bank sampah digital", "waste", True, "700.000.000"),
]
NEED_TITLE = "Aplikasi perizinan daring terpadu untuk warga Surabaya"
NEED_TEXT = ("Portal perizinan dan pengaduan warga daring dengan tanda tangan elektronik, "
             "terintegrasi dengan data kependudukan dan pelacakan status berkas.")
PARTNER_ORG = "PT Nusantara Digital Solusi (demo)"


def test_officer_plan_is_approved_and_shown_in_the_exhibition(people: People,
                                                              deployment: Deployment):
    url = deployment.url

    # The public visits the booth first: no approved master plan yet.
    public = people.open("public")
    public.goto(f"{url}/pameran")
    assert public.locator("html").get_attribute("lang") == "id"
    assert public.locator("h1").inner_text() == "Prestasi daerah cerdas Indonesia"
    public.locator(".ex-card-link", has_text="Kota Surabaya").click()
    public.wait_for_url(f"{url}/pameran/{CODE}")
    assert public.locator("#plan-title").inner_text() == "Rencana induk"
    assert "Belum ada rencana induk yang disetujui." in public.locator("main").inner_text()

    # The officer starts a draft ...
    officer = people.login("officer")
    officer.goto(f"{url}/plans/new")
    assert officer.locator("h1").inner_text() == "Susun rencana induk baru"
    officer.fill("#title", PLAN_TITLE)
    officer.fill("#period_start", "2029")
    officer.fill("#period_end", "2033")
    officer.fill("#vision", VISION)
    officer.get_by_role("button", name="Buat draf").click()
    officer.wait_for_url(re.compile(r".*/plans/\d+/edit$"))
    plan_id = int(officer.url.split("/")[-2])
    assert flashes(officer) == ["Draf telah dibuat. Sekarang tambahkan program-programnya."]
    readiness = officer.locator(".readiness").inner_text()
    assert "Quick win: 0 dari 3" in readiness
    assert "yang belum ada: Smart Governance, Smart Branding, Smart Economy" in readiness

    # ... adds rows, writes one programme per dimension with three quick wins, submits.
    officer.get_by_role("button", name="Tambah baris").click()
    assert officer.locator("input[name=rows]").get_attribute("value") == "8"
    for row, (title, sub, quick_win, budget) in enumerate(PROGRAMMES):
        officer.fill(f"#p-{row}-title", title)
        officer.select_option(f"#p-{row}-sub_dimension", sub)
        if quick_win:
            officer.check(f"#p-{row}-quick_win")
        officer.fill(f"#p-{row}-budget_idr", budget)
    officer.get_by_role("button", name="Simpan dan ajukan untuk dinilai").click()
    officer.wait_for_url(f"{url}/plans/{plan_id}")
    assert flashes(officer) == ["Rencana induk telah disimpan dan diajukan untuk dinilai."]
    assert officer.locator(".status-line .badge").inner_text() == "Diajukan"
    assert "Rp 16.450.000.000" in officer.locator("main").inner_text()

    # An admin reviews and approves it (with a confirmation step).
    admin = people.login("admin")
    admin.goto(f"{url}/plans/{plan_id}")
    admin.get_by_role("link", name="Nilai rencana induk ini").click()
    admin.wait_for_url(f"{url}/plans/{plan_id}/review")
    admin.fill("#note", "Lengkap dan selaras dengan RPJMD.")
    admin.get_by_role("button", name="Setujui rencana induk…").click()
    assert admin.locator("h1").inner_text() == "Setujui rencana induk ini?"
    admin.get_by_role("button", name="Ya, setujui rencana induk").click()
    admin.wait_for_url(f"{url}/plans/{plan_id}")
    assert flashes(admin) == ["Rencana induk telah disetujui."]
    assert admin.locator(".status-line .badge").inner_text() == "Disetujui"

    # The booth shows the plan once the worker has handled sinergi.plan.approved.
    plan_panel = public.locator(".ex-plan")
    people.wait_for(public, lambda: plan_panel.count() == 1
                    and PLAN_TITLE in plan_panel.inner_text(),
                    what="the approved plan in the booth (exhibition.plan_summary)")
    assert VISION in plan_panel.inner_text()
    quick_wins = public.locator("main").inner_text()
    for title, _sub, quick_win, _budget in PROGRAMMES:
        if quick_win:
            assert title in quick_wins

    # The language switch: the same booth in English, remembered on the next page.
    public.get_by_role("link", name="English").click()
    public.wait_for_url(f"{url}/pameran/{CODE}?lang=en")
    assert public.locator("html").get_attribute("lang") == "en"
    assert public.locator("#plan-title").inner_text() == "Master plan"
    assert PLAN_TITLE in public.locator(".ex-plan").inner_text()
    assert public.get_by_role("link", name="Read the full master plan").is_visible()
    public.get_by_role("link", name="Exhibition").first.click()
    assert public.locator("h1").inner_text() == "The achievements of Indonesia's smart regions"
    # The approved plan is public: its page opens from the booth, in English.
    public.goto(f"{url}/pameran/{CODE}")
    public.get_by_role("link", name="Read the full master plan").click()
    public.wait_for_url(f"{url}/plans/{plan_id}")
    assert public.locator(".status-line .badge").inner_text() == "Approved"
    people.assert_clean()


def test_need_interest_and_collaboration(people: People, deployment: Deployment):
    url = deployment.url

    # The officer posts a need.
    officer = people.login("officer")
    officer.goto(f"{url}/needs/new")
    assert officer.locator("h1").inner_text() == "Pasang kebutuhan"
    officer.fill("#title", NEED_TITLE)
    officer.fill("#description", NEED_TEXT)
    officer.select_option("#dimension", "governance")
    officer.select_option("#sub_dimension", "public_service")
    officer.fill("#budget_min", "1.000.000.000")
    officer.fill("#budget_max", "2.000.000.000")
    officer.check("#partner_types-business")
    officer.fill("#deadline", (dt.date.today() + dt.timedelta(days=60)).isoformat())
    officer.get_by_role("button", name="Pasang kebutuhan").click()
    officer.wait_for_url(re.compile(r".*/needs/\d+$"))
    need_id = int(officer.url.rsplit("/", 1)[-1])
    assert flashes(officer) == [
        "Kebutuhan telah dipasang. Mitra yang disarankan akan muncul dalam satu menit."]
    assert officer.locator("h1").inner_text() == NEED_TITLE

    # The partner finds it in the feed once the worker has computed the matches.
    partner = people.login("partner")
    partner.goto(f"{url}/opportunities")
    assert partner.locator("h1").inner_text() == "Peluang"
    card = partner.locator(".mm-list li", has_text=NEED_TITLE)
    people.wait_for(partner, lambda: card.count() == 1,
                    what="the officer's need in the partner's feed (matchmaking.match_need)")
    assert "Kecocokan" in card.inner_text()
    assert "perizinan" in card.inner_text()  # the words in common
    card.get_by_role("link", name=NEED_TITLE, exact=True).click()
    partner.wait_for_url(f"{url}/needs/{need_id}")

    # ... and expresses interest with a message.
    partner.fill("#message", "Kami sudah membangun portal perizinan di 4 kabupaten dan siap "
                             "mempresentasikannya minggu ini.")
    partner.get_by_role("button", name="Kirim pernyataan minat").click()
    partner.wait_for_url(re.compile(r".*/interests/\d+$"))
    interest_id = int(partner.url.rsplit("/", 1)[-1])
    assert flashes(partner) == ["Pernyataan minat Anda telah dikirim kepada daerah. Anda "
                                "akan diberi tahu keputusannya."]

    # The officer hears of it (a notification the worker makes) and accepts.
    officer.goto(f"{url}/notifications/")
    notice = officer.locator("li.notification", has_text=NEED_TITLE)
    people.wait_for(officer, lambda: notice.count() == 1,
                    what="the officer's notification of the interest "
                         "(notifications.interest_expressed)")
    assert notice.locator("h2").inner_text() == (f"{PARTNER_ORG} tertarik dengan kebutuhan "
                                                 f"Anda “{NEED_TITLE}”")
    notice.get_by_role("button", name="Buka").click()
    officer.wait_for_url(f"{url}/needs/{need_id}")
    officer.get_by_role("link", name=PARTNER_ORG).click()
    officer.wait_for_url(f"{url}/interests/{interest_id}")
    assert "portal perizinan di 4 kabupaten" in officer.locator("main").inner_text()
    officer.fill("#note", "Terima kasih, mari bertemu minggu depan.")
    officer.get_by_role("button", name="Terima pernyataan minat").click()
    officer.get_by_role("button", name="Ya, terima").click()
    officer.wait_for_url(re.compile(r".*/collaborations/\d+$"))
    assert flashes(officer) == ["Pernyataan minat diterima dan kolaborasi telah dibentuk. "
                                "Rencanakan pertemuan pertama."]
    assert PARTNER_ORG in officer.locator("main").inner_text()

    # The partner is told; the public booth lists the partner.
    partner.goto(f"{url}/notifications/")
    accepted = partner.locator("li.notification", has_text=f"Minat Anda pada “{NEED_TITLE}” "
                                                            "diterima")
    people.wait_for(partner, lambda: accepted.count() == 1,
                    what="the partner's notification of the acceptance "
                         "(notifications.interest_decided)")
    public = people.open("public")
    public.goto(f"{url}/pameran/{CODE}")
    people.wait_for(public, lambda: PARTNER_ORG in public.locator("main").inner_text(),
                    what="the partner in the booth (exhibition.partners)")
    people.assert_clean()


def test_assessor_scores_an_assigned_region(people: People, deployment: Deployment):
    url = deployment.url
    # The demo assigns its two evaluators to every region of the 2024 cycle (the first as
    # lead), so the assessment can start at once.
    # An admin starts the assessment phase.
    admin = people.login("admin")
    admin.goto(f"{url}/evaluasi/2024")
    admin.get_by_role("button", name="Mulai penilaian").click()
    admin.wait_for_url(f"{url}/evaluasi/2024")
    assert flashes(admin) == ["Selesai: siklus sudah berpindah ke tahap berikutnya."]

    # The assessor opens the assignment, declares no conflict, scores and submits.
    assessor = people.login("assessor")
    assessor.goto(f"{url}/evaluasi/penilaian")
    assert assessor.locator("h1").inner_text() == "Penilaian saya"
    assessor.get_by_role("link", name="2024 · Kota Bandung").click()
    assessor.wait_for_url(re.compile(r".*/evaluasi/penilaian/\d+$"))
    assert "Anda adalah ketua asesor." in assessor.locator(".page-header").inner_text()
    assessor.get_by_role("button", name="Saya tidak memiliki konflik kepentingan").click()
    assert flashes(assessor) == ["Tersimpan."]
    scores = assessor.locator("input[id^=score_]")
    count = scores.count()
    assert count == 54
    for n in range(count):
        scores.nth(n).fill(("3,5", "4", "4.25")[n % 3])
    assessor.fill("#notes", "Bukti lengkap; wawancara dengan Bappeda.")
    assessor.get_by_role("button", name="Simpan dan kirim").click()
    assessor.wait_for_url(re.compile(r".*/evaluasi/penilaian/\d+$"))
    assert flashes(assessor) == ["Tersimpan."]
    main = assessor.locator("main").inner_text()
    assert "Nilai Anda sudah dikirim." in main
    assert "4.25" in main and "3.5" in main
    assert assessor.get_by_role("link", name="Bandingkan dengan asesor lain").is_visible()
    people.assert_clean()

