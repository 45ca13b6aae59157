"""Forms of the matchmaking pages: bad input shown in the user's language (Indonesian by
default, English with ?lang=en) with nothing typed lost and nothing saved, CSRF refusal,
stale versions, confirmations, saved searches, the feed's SQL bound, slots and menus."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from plugins.matchmaking import services
from plugins.matchmaking.index_store import index_for
from plugins.matchmaking.models import Interest, Need, Offer, SavedSearch
from tests.api.helpers import ApiClient
from tests.plugins.matchmaking.conftest import Sides, created, need_body, offer_body
from tests.web.conftest import text_of

BAD_NEED = {"title": "", "description": "Lampu jalan cerdas", "dimension": "environment",
            "sub_dimension": "tourism", "budget_min": "satu miliar", "budget_max": "",
            "partner_types": ["business"], "deadline": "31/02/2026"}


def count(db, model) -> int:
    with db.begin() as session:
        return session.scalar(select(func.count()).select_from(model))


def version_in(page: str) -> str:
    return re.search(r'name="version" value="(-?\d+)"', page).group(1)


def compute(app, *need_ids: int) -> None:
    db = app.extensions["sinergi.db"]
    config = app.extensions["sinergi.plugins"].config_for("matchmaking")
    with app.app_context(), db.begin() as session:
        for need_id in need_ids:
            services.compute_need_matches(session, index_for(app), need_id, config)


def test_need_form_errors_in_both_languages_keep_the_input(browser, sides: Sides, db,
                                                           unchanged) -> None:
    officer = browser(sides.officer)
    with unchanged():
        refused = officer.post("/needs/new", data=BAD_NEED)
        assert refused.status_code == 422
        page = text_of(refused)
        assert "Ada masalah" in page
        assert "Masukkan jumlah dalam rupiah sebagai bilangan bulat" in page
        assert "Masukkan tanggal sebagai hari/bulan/tahun" in page
        assert "Beri judul kebutuhan ini." in page
        assert "Pilih subdimensi dari dimensi yang dipilih." in page
        assert 'value="satu miliar"' in refused.text and "Lampu jalan cerdas" in refused.text
        assert 'value="31/02/2026"' in refused.text
        assert re.search(r'value="business"\s+checked', refused.text)
        # A deadline in the past, a budget upside down: the service's rules, same page.
        upside = officer.post("/needs/new", data={
            **BAD_NEED, "title": "Lampu", "sub_dimension": "energy", "budget_min": "9.000",
            "budget_max": "1.000", "deadline": "01/01/2001"})
        assert upside.status_code == 422
        assert "Nilai maksimum tidak boleh lebih kecil" in text_of(upside)
        assert "Tenggat waktu tidak boleh di masa lalu." in text_of(upside)
        english = officer.post("/needs/new?lang=en", data=BAD_NEED)
        assert english.status_code == 422
        page = text_of(english)
        assert "There is a problem" in page and "Give the need a title." in page
        assert "Enter the amount in rupiah as a whole number" in page


def test_offer_form_errors_and_csrf(browser, sides: Sides, db, unchanged) -> None:
    partner = browser(sides.partner)
    data = {"title": "Penerangan jalan cerdas", "description": "", "price_min": "10",
            "price_max": "x", "references": "Surabaya 2023"}
    with unchanged():
        refused = partner.post("/offers/new", data=data)
        assert refused.status_code == 422
        page = text_of(refused)
        assert "Jelaskan solusi atau kapabilitas yang Anda tawarkan." in page
        assert "Pilih sedikitnya satu dimensi." in page
        assert "Pilih provinsi yang Anda layani, atau nasional." in page
        assert "Masukkan jumlah dalam rupiah" in page
        assert 'value="Penerangan jalan cerdas"' in refused.text and "Surabaya 2023" in refused.text
        # A form without the CSRF token is refused, whatever it says.
        forged = partner.client.post("/offers/new", data={
            **data, "description": "x", "dimensions": "living", "national": "1",
            "price_max": "20"})
        assert forged.status_code == 403
        assert "formulir" in text_of(forged).lower()
        english = text_of(partner.post("/offers/new?lang=en", data=data))
        assert "Choose at least one dimension." in english
    assert count(db, Offer) == 0


def test_need_edit_with_a_stale_version_keeps_the_input(browser, api: ApiClient,
                                                        sides: Sides, db) -> None:
    need = created(api.post("/needs", sides.officer, need_body()))
    officer = browser(sides.officer)
    form = officer.get(f"/needs/{need['id']}/edit")
    assert form.status_code == 200
    opened = version_in(form.text)
    values = {"title": "Sensor banjir dan dasbor BPBD", "description": "Baru",
              "dimension": "environment", "sub_dimension": "protection",
              "budget_min": "500.000.000", "budget_max": "2.500.000.000",
              "partner_types": ["business"], "deadline": need["deadline"], "status": "open",
              "version": opened}
    # A colleague saves first.
    colleague = officer.post(f"/needs/{need['id']}/edit",
                             data={**values, "title": "Judul rekan kerja"})
    assert colleague.status_code == 303
    stale = officer.post(f"/needs/{need['id']}/edit", data=values)
    assert stale.status_code == 412
    assert "Orang lain telah mengubah kebutuhan ini" in text_of(stale)
    assert 'value="Sensor banjir dan dasbor BPBD"' in stale.text
    assert 'value="2.500.000.000"' in stale.text
    with db.begin() as session:
        assert session.get(Need, need["id"]).title == "Judul rekan kerja"
    # The form now carries the current version: saving again replaces it.
    saved = officer.post(f"/needs/{need['id']}/edit",
                         data={**values, "version": version_in(stale.text)})
    assert saved.status_code == 303
    with db.begin() as session:
        stored = session.get(Need, need["id"])
        assert (stored.title, stored.budget_max) == ("Sensor banjir dan dasbor BPBD",
                                                     2_500_000_000)
    # Closing with an outdated version shows the current need and asks again.
    outdated = officer.post(f"/needs/{need['id']}/close", data={"version": "2", "confirmed": "1"})
    assert outdated.status_code == 412
    assert "Periksa di bawah, lalu konfirmasi" in text_of(outdated)
    assert version_in(outdated.text) == "3"
    # Closing asks first, then closes.
    question = officer.post(f"/needs/{need['id']}/close", data={"version": "3"})
    assert question.status_code == 200 and "Ya, tutup kebutuhan" in text_of(question)
    closed = officer.post(f"/needs/{need['id']}/close", data={"version": "3", "confirmed": "1"})
    assert closed.status_code == 303
    with db.begin() as session:
        assert session.get(Need, need["id"]).status == "closed"


def test_offer_edit_stale_and_withdraw(browser, api: ApiClient, sides: Sides, db) -> None:
    offer = created(api.post("/offers", sides.partner, offer_body()))
    partner = browser(sides.partner)
    form = partner.get(f"/offers/{offer['id']}/edit")
    assert form.status_code == 200 and 'value="32"' in form.text
    data = {"title": "Sensor banjir generasi 2", "description": "Lebih hemat energi.",
            "dimensions": ["environment"], "provinces": ["32", "35"], "price_min": "",
            "price_max": "", "references": "", "version": version_in(form.text)}
    assert partner.post(f"/offers/{offer['id']}/edit", data=data).status_code == 303
    stale = partner.post(f"/offers/{offer['id']}/edit", data={**data, "title": "Lama"})
    assert stale.status_code == 412
    assert "Orang lain telah mengubah penawaran ini" in text_of(stale)
    assert 'value="Lama"' in stale.text
    with db.begin() as session:
        stored = session.get(Offer, offer["id"])
        assert stored.title == "Sensor banjir generasi 2" and stored.provinces == ["32", "35"]
    outdated = partner.post(f"/offers/{offer['id']}/withdraw",
                            data={"version": "1", "confirmed": "1"})
    assert outdated.status_code == 412
    assert "Periksa di bawah, lalu konfirmasi" in text_of(outdated)
    assert version_in(outdated.text) == "2"
    question = partner.post(f"/offers/{offer['id']}/withdraw", data={"version": "2"})
    assert question.status_code == 200 and "Ya, tarik penawaran" in text_of(question)
    done = partner.post(f"/offers/{offer['id']}/withdraw",
                        data={"version": "2", "confirmed": "1"})
    assert done.status_code == 303
    assert "Ditarik" in text_of(partner.get("/offers/mine"))
    with db.begin() as session:
        assert session.get(Offer, offer["id"]).status == "withdrawn"


def test_decline_needs_a_reason_and_withdraw_asks_first(browser, api: ApiClient,
                                                        sides: Sides, db) -> None:
    need = created(api.post("/needs", sides.officer, need_body()))
    first = created(api.post(f"/needs/{need['id']}/interests", sides.partner,
                             {"message": "Kami siap."}))
    second = created(api.post(f"/needs/{need['id']}/interests", sides.rival,
                              {"message": "Kami juga."}))
    officer = browser(sides.officer)
    empty = officer.post(f"/interests/{first['id']}/decline", data={"reason": " "})
    assert empty.status_code == 422
    assert "Sampaikan kepada organisasi alasan Anda menolak." in text_of(empty)
    english = officer.post(f"/interests/{first['id']}/decline?lang=en", data={"reason": ""})
    assert "Tell the organisation why you decline." in text_of(english)
    officer.get("/interests?lang=id")  # back to Indonesian (the choice sticks in a cookie)
    question = officer.post(f"/interests/{first['id']}/decline",
                            data={"reason": "Anggaran belum tersedia."})
    assert question.status_code == 200 and "Anggaran belum tersedia." in question.text
    with db.begin() as session:
        assert session.get(Interest, first["id"]).status == "open"
    done = officer.post(f"/interests/{first['id']}/decline",
                        data={"reason": "Anggaran belum tersedia.", "confirmed": "1"})
    assert done.status_code == 303
    partner = browser(sides.partner)
    seen = text_of(partner.get(f"/interests/{first['id']}"))
    assert "Ditolak" in seen and "Anggaran belum tersedia." in seen
    again = officer.post(f"/interests/{first['id']}/accept", data={"confirmed": "1"})
    assert again.status_code == 409
    assert "sudah diputuskan atau ditarik" in text_of(again)

    rival = browser(sides.rival)
    asked = rival.post(f"/interests/{second['id']}/withdraw")
    assert asked.status_code == 200 and "Ya, tarik" in text_of(asked)
    assert rival.post(f"/interests/{second['id']}/withdraw",
                      data={"confirmed": "1"}).status_code == 303
    with db.begin() as session:
        assert session.get(Interest, second["id"]).status == "withdrawn"


def test_feed_filters_saved_searches_and_sql_bound(app, browser, api: ApiClient,
                                                   sides: Sides, db, sql_counter) -> None:
    created(api.post("/offers", sides.partner, offer_body(national=True, provinces=[])))
    ids = [created(api.post("/needs", sides.officer, need_body(
        title=f"Sensor banjir sungai {n}", budget_min=100_000_000 * (n + 1),
        budget_max=100_000_000 * (n + 3))))["id"] for n in range(6)]
    surabaya = created(api.post("/needs", sides.other_officer, need_body(
        region_code="35.78", title="Sensor banjir Kali Brantas")))["id"]
    compute(app, *ids, surabaya)
    partner = browser(sides.partner)

    counts = []
    for per_page in (20, 100):
        with sql_counter:
            response = partner.get(f"/opportunities?per_page={per_page}&sort=newest")
        assert response.status_code == 200
        counts.append(sql_counter.count)
    # Session, user, provinces, organisations, the page of matches and its count, saved
    # searches — the same for 20 or 100 items.
    assert counts[0] == counts[1] and counts[0] <= 7, counts
    assert text_of(response).count("Kecocokan") == 7

    jatim = text_of(partner.get("/opportunities?province=35"))
    assert "Kali Brantas" in jatim and "Sensor banjir sungai 0" not in jatim
    budget = text_of(partner.get("/opportunities?budget=650.000.000&province=32"))
    assert "Sensor banjir sungai 4" in budget and "Sensor banjir sungai 5" in budget
    assert "Sensor banjir sungai 3" not in budget
    bad = partner.get("/opportunities?budget=banyak&deadline_from=besok")
    assert bad.status_code == 422
    assert "Masukkan jumlah dalam rupiah" in text_of(bad)
    assert 'value="banyak"' in bad.text

    nameless = partner.post("/opportunities/searches", data={"name": "", "province": "35"})
    assert nameless.status_code == 422 and "Beri nama pencarian ini." in text_of(nameless)
    saved = partner.post("/opportunities/searches",
                         data={"name": "Jawa Timur", "province": "35", "q": "banjir"})
    assert saved.status_code == 303
    assert "province=35" in saved.headers["Location"]
    with db.begin() as session:
        search = session.scalar(select(SavedSearch))
        assert search.filters == {"province": "35", "q": "banjir"}
    feed = partner.get("/opportunities")
    assert "Jawa Timur" in text_of(feed) and "province=35" in feed.text
    assert browser(sides.rival).post(f"/opportunities/searches/{search.id}/delete"
                                     ).status_code == 404
    assert partner.post(f"/opportunities/searches/{search.id}/delete").status_code == 303
    assert count(db, SavedSearch) == 0


def test_public_list_slots_and_menus(app, browser, api: ApiClient, sides: Sides,
                                     sql_counter) -> None:
    need = created(api.post("/needs", sides.officer, need_body()))
    created(api.post("/offers", sides.partner, offer_body()))
    compute(app, need["id"])
    created(api.post(f"/needs/{need['id']}/interests", sides.partner, {"message": "Halo"}))
    anonymous = browser()
    listing = text_of(anonymous.get("/needs"))
    assert "Sistem peringatan dini banjir" in listing and "Kebutuhan daerah" in listing
    assert "Sistem peringatan dini banjir" not in text_of(anonymous.get("/needs?province=35"))
    assert 'href="/needs"' in anonymous.get("/").text  # "Kebutuhan" in the menu

    # Region page: its open needs, one statement more than without them.
    with sql_counter:
        region = anonymous.get("/regions/32.73")
    assert "Kebutuhan terbuka daerah ini" in text_of(region)
    assert "Sistem peringatan dini banjir" in text_of(region)
    ours = [s for s in sql_counter.statements if "matchmaking_" in s]
    assert len(ours) == 1, ours

    officer, partner = browser(sides.officer), browser(sides.partner)
    menu = officer.get("/dashboard")
    assert 'href="/needs/mine"' in menu.text and 'href="/opportunities"' not in menu.text
    assert "Pernyataan minat yang menunggu keputusan Anda" in text_of(menu)
    dashboard = partner.get("/dashboard")
    assert 'href="/opportunities"' in dashboard.text
    assert "Peluang terbaik Anda" in text_of(dashboard)
    assert "Kecocokan" in text_of(dashboard)
    with sql_counter:
        partner.get("/dashboard")
    assert len([s for s in sql_counter.statements if "matchmaking_" in s]) == 1
    assert "Kebutuhan daerah kami" in text_of(officer.get("/needs/mine"))
    english = text_of(officer.get("/needs/mine?lang=en"))
    assert "Our region's needs" in english and "Suggested partners" in english


def test_officer_of_two_regions_and_member_of_two_organisations(app, browser, factory, db,
                                                                api: ApiClient) -> None:
    from core.orgs import services as orgs
    from core.orgs.models import Membership

    officer = factory.officer("32.73")
    with db.begin() as session:
        surabaya = orgs.government_org_for(session, factory.system, "35.78")
        session.add(Membership(user_id=officer.user_id, organisation_id=surabaya.id,
                               role="member"))
    officer = factory.account(officer.user_id, officer.token)
    partner, first_org = factory.partner("business", name="PT Satu")
    with db.begin() as session:
        second_org = orgs.create_organisation(session, partner.principal, type="academia",
                                              name="Lab Dua").id
    partner = factory.account(partner.user_id, partner.token)

    user = browser(officer)
    form = user.get("/needs/new")
    assert 'name="region_code"' in form.text and "Kota Surabaya" in text_of(form)
    data = {"title": "Sensor banjir Surabaya", "dimension": "environment",
            "description": "Sensor muka air sungai dan peringatan dini banjir."}
    unchosen = user.post("/needs/new", data=data)
    assert unchosen.status_code == 422 and "Pilih salah satu daerah Anda." in text_of(unchosen)
    assert user.post("/needs/new", data={**data, "region_code": "35.78"}).status_code == 303
    with db.begin() as session:
        need = session.scalar(select(Need))
    assert need.region_code == "35.78"
    assert "Kota Surabaya" in text_of(user.get("/needs/mine"))

    created(api.post("/offers", partner, offer_body(organisation_id=second_org,
                                                    national=True, provinces=[])))
    compute(app, need.id)
    member = browser(partner)
    assert "Sensor banjir Surabaya" not in text_of(member.get("/opportunities"))  # PT Satu
    other = member.get(f"/opportunities?organisation_id={second_org}")
    assert "Sensor banjir Surabaya" in text_of(other) and "Lab Dua" in text_of(other)
    refused = member.post(f"/needs/{need.id}/interest", data={"message": "Kami bisa."})
    assert refused.status_code == 422
    assert "Anda tergabung dalam beberapa organisasi" in text_of(refused)
    assert "Kami bisa." in refused.text
    sent = member.post(f"/needs/{need.id}/interest",
                       data={"message": "Kami bisa.", "organisation_id": str(second_org)})
    assert sent.status_code == 303
    with db.begin() as session:
        assert session.scalar(select(Interest)).organisation_id == second_org
    assert first_org != second_org
