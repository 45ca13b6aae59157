"""The public pages (hall and booth), conditional requests, SQL budget, language, and the
officers' editor and admins' moderation pages through real form posts."""

from __future__ import annotations

import io
import re

from tests.plugins.exhibition.conftest import BANDUNG, SURABAYA, png, publish, queries
from tests.web.conftest import WebUser, csrf_from


def test_hall_shows_figures_map_and_filters(client, api, world):
    publish(api, world["bandung"], world["admin"])
    publish(api, world["surabaya"], world["admin"], SURABAYA, tagline="Kota hijau")
    page = client.get("/pameran")
    assert page.status_code == 200
    text = page.text
    assert 'lang="id"' in text and "Prestasi daerah cerdas Indonesia" in text
    assert re.search(r'data-figure="participating">2<', text)
    assert re.search(r'data-figure="booths">2<', text)
    assert text.count('class="tile ') == 38
    assert 'aria-label="Jawa Barat: 1 dari 27 daerah bergabung"' in text
    assert text.count('class="ex-card"') == 2
    narrowed = client.get("/pameran?province=35").text
    assert narrowed.count('class="ex-card"') == 1 and "Kota Surabaya" in narrowed
    assert client.get("/pameran?q=hijau").text.count('class="ex-card"') == 1
    assert client.get("/pameran?cohort=2023").text.count('class="ex-card"') == 0
    # Unknown filter values are ignored, not errors.
    assert client.get("/pameran?province=xx&cohort=1999&dimension=space").status_code == 200
    assert client.get("/pameran/").status_code == 308


def test_booth_page_and_language_switch(client, published):
    page = client.get(f"/pameran/{BANDUNG}")
    assert page.status_code == 200
    assert "Kota Bandung" in page.text and "Prestasi" in page.text
    english = client.get(f"/pameran/{BANDUNG}?lang=en")
    assert 'lang="en"' in english.text and "Achievements" in english.text
    assert "Replicate this innovation" in english.text
    assert 'href="/needs?dimension=governance"' in english.text
    assert client.get("/pameran/99.99").status_code == 404
    assert client.get("/pameran/not-a-code").status_code == 404
    assert client.get(f"/pameran/{SURABAYA}").status_code == 404


def test_conditional_requests_and_sql_budget(app, client, api, published, sql_counter):
    first = client.get("/pameran")
    assert first.headers["ETag"].startswith('W/"')
    assert first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = client.get("/pameran", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = client.get("/pameran", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    booth = client.get(f"/pameran/{BANDUNG}")
    assert client.get(f"/pameran/{BANDUNG}",
                      headers={"If-None-Match": booth.headers["ETag"]}).status_code == 304
    # Another language is another version (a fresh browser, the choice lives in a cookie).
    assert app.test_client().get("/pameran?lang=en", headers={
        "If-None-Match": first.headers["ETag"]}).status_code == 200
    # Anonymous visitors without cookies get the cached rendering: one statement.
    with sql_counter:
        assert client.get("/pameran").status_code == 200
    assert len(queries(sql_counter)) == 1, sql_counter.statements
    # A full rendering (a browser with cookies is not served from the cache) stays bounded.
    browser = app.test_client()
    browser.set_cookie("seen", "1")
    with sql_counter:
        assert browser.get("/pameran").status_code == 200
    assert len(queries(sql_counter)) <= 6, sql_counter.statements
    with sql_counter:
        assert browser.get(f"/pameran/{BANDUNG}").status_code == 200
    assert len(queries(sql_counter)) <= 8, sql_counter.statements
    with sql_counter:
        client.get("/pameran", headers={"If-None-Match": first.headers["ETag"]})
    assert len(queries(sql_counter)) <= 1
    # Any change shows: the old ETag no longer matches.
    api.post(f"/booths/{BANDUNG}/unpublish", published["admin"], {})
    assert client.get("/pameran", headers={"If-None-Match": first.headers["ETag"]}
                      ).status_code == 200
    assert client.get(f"/pameran/{BANDUNG}").status_code == 404


def _login(app, account) -> WebUser:
    user = WebUser(app.test_client())
    assert user.login(account.email).status_code == 303
    return user


def test_officer_edits_and_admin_moderates_through_the_pages(app, client, world):
    officer = _login(app, world["bandung"])
    editor = officer.get(f"/pameran/{BANDUNG}/kelola")
    assert editor.status_code == 200 and "Booth Kota Bandung" in editor.text
    # Bad input: the message is shown and the typed text kept.
    bad = officer.post(f"/pameran/{BANDUNG}/kelola", {"tagline": "x" * 200, "story": "Kisah"})
    assert bad.status_code == 422
    assert "Tulis paling banyak 160 karakter." in bad.text and "Kisah</textarea>" in bad.text
    saved = officer.post(f"/pameran/{BANDUNG}/kelola",
                         {"tagline": "Bandung melayani", "story": "Kisah kota."})
    assert saved.status_code == 303
    bad_item = officer.post(f"/pameran/{BANDUNG}/prestasi", {
        "title": "Mal pelayanan publik", "dimension": "governance", "year": "dua ribu",
        "image": (io.BytesIO(b"not an image"), "x.png")}, content_type="multipart/form-data")
    assert bad_item.status_code == 422 and "Masukkan tahun" in bad_item.text
    assert 'value="Mal pelayanan publik"' in bad_item.text
    added = officer.post(f"/pameran/{BANDUNG}/prestasi", {
        "title": "Mal pelayanan publik", "caption": "Satu pintu.", "dimension": "governance",
        "year": "2024", "image": (io.BytesIO(png()), "foto.png")},
        content_type="multipart/form-data")
    assert added.status_code == 303
    assert officer.post(f"/pameran/{BANDUNG}/ajukan").status_code == 303
    assert client.get(f"/pameran/{BANDUNG}").status_code == 404
    preview = officer.get(f"/pameran/{BANDUNG}/pratinjau")
    assert preview.status_code == 200 and "Mal pelayanan publik" in preview.text

    # Other users cannot edit or moderate.
    surabaya = _login(app, world["surabaya"])
    assert surabaya.get(f"/pameran/{BANDUNG}/kelola").status_code == 403
    assert surabaya.post(f"/pameran/{BANDUNG}/setujui").status_code == 403
    assert client.get(f"/pameran/{BANDUNG}/kelola").status_code == 302  # to the login page

    admin = _login(app, world["admin"])
    queue = admin.get("/pameran/moderasi")
    assert queue.status_code == 200 and "Kota Bandung" in queue.text
    no_reason = admin.post(f"/pameran/{BANDUNG}/tolak", {"reason": ""})
    assert no_reason.status_code == 422 and "Sebutkan alasan booth ditolak." in no_reason.text
    assert admin.post(f"/pameran/{BANDUNG}/setujui").status_code == 303
    public = client.get(f"/pameran/{BANDUNG}")
    assert public.status_code == 200 and "Bandung melayani" in public.text
    image_url = re.search(r'src="(/pameran/media/\d+/thumb\.jpg)"', public.text).group(1)
    assert client.get(image_url).status_code == 200
    # The region page of core links to the booth.
    assert f'href="/pameran/{BANDUNG}"' in client.get(f"/regions/{BANDUNG}").text

    assert officer.post(f"/pameran/{BANDUNG}/tarik").status_code == 303
    assert client.get(f"/pameran/{BANDUNG}").status_code == 404
    assert client.get(image_url).status_code == 404
    assert csrf_from(officer.get(f"/pameran/{BANDUNG}/kelola").text)
