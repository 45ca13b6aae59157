"""A whole cycle through the pages (no JavaScript): the admin creates, opens and assigns, the
officer self-assesses and runs surveys, citizens answer, assessors declare, score and
reconcile, the admin completes and publishes; the report prints and exports download."""

from __future__ import annotations

import re

from tests.plugins.evaluation.conftest import BANDUNG, SURABAYA, YEAR, fill_surveys_fast
from tests.web.conftest import WebUser, csrf_from, text_of


def _browser(app, account) -> WebUser:
    user = WebUser(app.test_client())
    if account is not None:
        assert user.login(account.email).status_code == 303
    else:
        user.csrf = csrf_from(user.get("/login").text)
    return user


def _redirects(response, status: int = 303) -> None:
    assert response.status_code == status, text_of(response)[:2000]


def _form_fields(page: str, prefix: str) -> list[str]:
    return re.findall(rf'name="({prefix}\d+)"', page)


def test_full_cycle_through_the_pages(app, world):
    admin = _browser(app, world.admin)
    officers = {code: _browser(app, acc) for code, acc in world.officers.items()}
    lead, second = (_browser(app, a) for a in world.assessors[:2])

    # the admin creates a cycle; a bad weight sum is reported and the typed values kept
    bad = admin.post("/evaluasi/", {"year": str(YEAR), "title": "Evaluasi Halaman",
                                    "weight_baseline": "15", "weight_output": "20",
                                    "weight_outcome": "30", "weight_impact": "30",
                                    "weight_quick_win": "10", "gap_threshold": "1.0"})
    assert bad.status_code == 422
    assert "105" in text_of(bad) and 'value="15"' in bad.text
    _redirects(admin.post("/evaluasi/", {
        "year": str(YEAR), "title": "Evaluasi Halaman", "weight_baseline": "10",
        "weight_output": "20", "weight_outcome": "30", "weight_impact": "30",
        "weight_quick_win": "10", "gap_threshold": "1.0",
        "deadline_self_assessment": "2024-08-31"}))
    page = admin.get(f"/evaluasi/{YEAR}")
    assert "Evaluasi Halaman" in page.text and "Kota Bandung" in page.text
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    _redirects(admin.post(f"/evaluasi/{YEAR}/open", {"version": version}))

    # officers fill in and submit the self-assessment; surveys are started on the page
    for code, officer in officers.items():
        page = officer.get(f"/evaluasi/{YEAR}/daerah/{code}")
        assert page.status_code == 200
        form = {name: "Tercapai" for name in _form_fields(page.text, "value_")}
        form.update({name: "80" for name in _form_fields(page.text, "percent_")})
        form["version"] = re.search(r'name="version" value="(\d+)"', page.text).group(1)
        form["submit"] = "1"
        _redirects(officer.post(f"/evaluasi/{YEAR}/daerah/{code}", form))
        after = officer.get(f"/evaluasi/{YEAR}/daerah/{code}").text
        assert 'name="value_' not in after and "Tercapai" in after  # read-only now
    # another region's officer cannot open Bandung's workspace
    assert officers[SURABAYA].get(f"/evaluasi/{YEAR}/daerah/{BANDUNG}").status_code == 403

    page = officers[BANDUNG].get(f"/evaluasi/{YEAR}/daerah/{BANDUNG}")
    programme = re.search(r'name="programme_id">\s*<option value="(\d+)"', page.text).group(1)
    _redirects(officers[BANDUNG].post(f"/evaluasi/{YEAR}/daerah/{BANDUNG}/survei",
                                      {"programme_id": programme}))
    page = officers[BANDUNG].get(f"/evaluasi/{YEAR}/daerah/{BANDUNG}")
    survey_id = re.search(r'name="survey_id" value="(\d+)"', page.text).group(1)
    page = officers[BANDUNG].post(f"/evaluasi/{YEAR}/daerah/{BANDUNG}/survei",
                                  {"survey_id": survey_id, "count": "2"})
    links = re.findall(r"http://localhost(/evaluasi/survei/[\w-]+)", page.text)
    assert len(links) == 2
    citizen = _browser(app, None)
    form_page = citizen.get(links[0])
    assert form_page.status_code == 200 and "Kota Bandung" in form_page.text
    missing = citizen.post(links[0], {"comment": "lupa memilih"})
    assert missing.status_code == 422 and "lupa memilih" in missing.text
    assert citizen.post(links[0], {"rating": "5", "comment": "Sangat membantu"}).status_code == 201
    assert citizen.post(links[0], {"rating": "4"}).status_code == 409
    for code in (BANDUNG, SURABAYA):  # the remaining respondents, through the services
        fill_surveys_fast(app, world, code, programmes=7, respondents=50,
                          rating=4 if code == BANDUNG else 3)

    # assessors are assigned on the cycle page
    for code in (BANDUNG, SURABAYA):
        for n, account in enumerate(world.assessors[:2]):
            _redirects(admin.post(f"/evaluasi/{YEAR}/assessors", {
                "region_code": code, "assessor_id": str(account.user_id),
                **({"lead": "1"} if n == 0 else {})}))
    page = admin.get(f"/evaluasi/{YEAR}")
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    _redirects(admin.post(f"/evaluasi/{YEAR}/start-assessment", {"version": version}))

    # each assessor declares and scores their regions
    for browser, base in ((lead, 4), (second, 2)):
        listing = browser.get("/evaluasi/penilaian").text
        for n, assignment_id in enumerate(re.findall(r"/evaluasi/penilaian/(\d+)", listing)):
            url = f"/evaluasi/penilaian/{assignment_id}"
            _redirects(browser.post(url, {"declare": "none", "statement": "Tidak ada"}))
            page = browser.get(url).text
            hidden = browser.get(f"/evaluasi/{YEAR}/daerah/{BANDUNG}/rekonsiliasi")
            if browser is lead and n == 0:
                assert hidden.status_code == 403  # blind until submitted
                assert "tersembunyi sampai Anda mengirim" in text_of(hidden)
            form = {name: str(base) for name in _form_fields(page, "score_")}
            form.update(version=re.search(r'name="version" value="(\d+)"', page).group(1),
                        notes="Bukti lengkap", interview_notes="Wawancara kepala dinas",
                        submit="1")
            _redirects(browser.post(url, form))

    # the lead reconciles the flagged gaps (4 vs 2) and finalises each region
    for code in (BANDUNG, SURABAYA):
        url = f"/evaluasi/{YEAR}/daerah/{code}/rekonsiliasi"
        page = lead.get(url)
        assert page.status_code == 200 and "Wawancara kepala dinas" in page.text
        finals = _form_fields(page.text, "final_")
        assert len(finals) == 54
        refused = lead.post(url, {"finalise": "1"})
        assert refused.status_code == 422 and 'id="error-summary"' in refused.text
        assert "governance.impact" in text_of(refused).split("Indicator")[0]
        form = {name: "3.5" if code == BANDUNG else "3" for name in finals}
        form.update({name.replace("final_", "reason_"): "Rata-rata setelah diskusi"
                     for name in finals})
        no_reason = lead.post(url, {**form, **{finals[0].replace("final_", "reason_"): ""},
                                    "version": re.search(r'name="version" value="(\d+)"',
                                                         page.text).group(1)})
        assert no_reason.status_code == 422 and "Rata-rata setelah diskusi" in no_reason.text
        form["version"] = re.search(r'name="version" value="(\d+)"', page.text).group(1)
        _redirects(lead.post(url, form))
        _redirects(lead.post(url, {"finalise": "1"}))

    for action in ("complete", "publish"):
        page = admin.get(f"/evaluasi/{YEAR}")
        version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
        _redirects(admin.post(f"/evaluasi/{YEAR}/{action}", {"version": version}))

    public = _browser(app, None).get(f"/evaluasi/{YEAR}")
    text = text_of(public)
    assert text.index("Kota Bandung") < text.index("Kota Surabaya")
    report = _browser(app, None).get(f"/evaluasi/{YEAR}/laporan/{BANDUNG}")
    assert report.status_code == 200 and "report.css" in report.text
    assert "@media print" in app.test_client().get("/evaluasi/static/report.css").text
    csv_export = _browser(app, None).get(f"/evaluasi/{YEAR}/hasil.csv")
    assert csv_export.status_code == 200 and BANDUNG in csv_export.text
    xlsx = _browser(app, None).get(f"/evaluasi/{YEAR}/hasil.xlsx")
    assert xlsx.data[:2] == b"PK"
    region_page = _browser(app, None).get(f"/regions/{BANDUNG}")
    assert f"/evaluasi/{YEAR}/laporan/{BANDUNG}" in region_page.text


def test_only_admins_create_a_cycle_from_the_page(app, world, db):
    """A user who may not create a cycle gets 403 (not a form to correct), and no cycle."""
    from sqlalchemy import func, select

    from plugins.evaluation.models import Cycle

    officer = _browser(app, world.officers[BANDUNG])
    refused = officer.post("/evaluasi/", data={"year": "2030", "title": "Evaluasi 2030"})
    assert refused.status_code == 403, text_of(refused)[:500]
    wrong_year = _browser(app, world.admin).post("/evaluasi/", data={"year": "1990",
                                                                     "title": "Lama"})
    assert wrong_year.status_code == 422
    with db.begin() as session:
        assert session.scalar(select(func.count()).select_from(Cycle)) == 0
