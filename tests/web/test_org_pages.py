"""Organisation pages: directory, profile, registration, editing with optimistic locking,
verification and members."""

from __future__ import annotations

import re

from tests.web.conftest import text_of


def version_on(page: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', page).group(1))


PROFILE = {
    "type": "community",
    "name": "Komunitas Data Terbuka Bandung",
    "about": "Relawan data terbuka.",
    "capabilities": "Pelatihan literasi data untuk warga.",
    "dimensions": ["society", "governance"],
    "provinces_served": ["32"],
    "website": "https://data.example.id",
}


def test_any_user_registers_an_organisation_and_becomes_its_admin(browser, factory):
    user = browser(factory.user())
    dashboard = user.get("/dashboard?lang=en")
    assert "Register an organisation" in text_of(dashboard)
    response = user.post("/organisations/new", PROFILE)
    assert response.status_code == 303
    assert response.headers["Location"] == "/organisations/komunitas-data-terbuka-bandung"
    page = user.get("/organisations/komunitas-data-terbuka-bandung?lang=en")
    text = text_of(page)
    assert "Komunitas Data Terbuka Bandung" in text
    assert "Jawa Barat" in text  # province names, not codes
    assert "Organisation admin" in text  # the members list shows the creator as admin
    assert 'href="/organisations/komunitas-data-terbuka-bandung/edit"' in page.text
    # The dashboard now shows the organisation and its profile completeness.
    dashboard = text_of(user.get("/dashboard"))
    assert "Komunitas Data Terbuka Bandung" in dashboard
    assert "100" in re.search(r"(Profile complete|Profil lengkap): (\d+)", dashboard).group(2)


def test_registration_errors_keep_the_input(browser, factory):
    user = browser(factory.user())
    data = {**PROFILE, "name": "  ", "website": "not a url", "dimensions": ["society", "magic"]}
    response = user.post("/organisations/new?lang=en", data)
    assert response.status_code == 422
    page = response.text
    assert 'href="#name"' in page and 'href="#website"' in page and 'href="#dimensions"' in page
    assert 'value="not a url"' in page
    assert 'id="dimensions-society" name="dimensions" value="society" checked' in page
    assert "Unknown dimension: magic" in text_of(response)


def test_non_admins_cannot_register_government_organisations(browser, factory):
    user = browser(factory.user())
    page = user.get("/organisations/new").text
    assert 'value="government"' not in page
    response = user.post("/organisations/new?lang=en", {**PROFILE, "type": "government"})
    assert response.status_code == 422
    assert "Choose the kind of organisation." in text_of(response)


def test_edit_with_a_stale_version_keeps_the_input(browser, factory):
    partner, org_id = factory.partner(name="Mitra Digital")
    first, second = browser(partner), browser(partner)
    slug = "mitra-digital"
    stale = version_on(first.get(f"/organisations/{slug}/edit").text)
    profile = {k: v for k, v in PROFILE.items() if k != "type"}
    assert second.post(f"/organisations/{slug}/edit",
                       {**profile, "name": "Mitra Digital", "about": "Versi rekan",
                        "version": stale}).status_code == 303
    response = first.post(f"/organisations/{slug}/edit?lang=en",
                          {**profile, "name": "Mitra Digital", "about": "Versi saya",
                           "version": stale})
    assert response.status_code == 412
    assert "Someone else changed this profile since you opened it." in text_of(response)
    assert ">Versi saya</textarea>" in response.text
    assert version_on(response.text) == stale + 1
    assert "Versi rekan" in first.get(f"/organisations/{slug}").text


def test_only_org_admins_and_admins_edit(browser, factory):
    _partner, _org = factory.partner(name="Mitra Digital")
    stranger = browser(factory.user())
    assert stranger.get("/organisations/mitra-digital/edit").status_code == 403
    assert stranger.post("/organisations/mitra-digital/edit",
                         {"name": "Hijacked", "version": "1"}).status_code == 403
    admin = browser(factory.admin())
    assert admin.get("/organisations/mitra-digital/edit").status_code == 200


def test_admin_verifies_and_unverifies(browser, factory):
    _partner, _org = factory.partner(name="Mitra Digital")
    admin = browser(factory.admin())
    dashboard = admin.get("/dashboard").text
    assert 'href="/organisations/mitra-digital"' in dashboard  # awaiting verification
    assert admin.post("/organisations/mitra-digital/verification",
                      {"verified": "1"}).status_code == 303
    assert 'class="badge verified"' in browser().get("/organisations/mitra-digital").text
    assert 'href="/organisations/mitra-digital"' not in admin.get("/dashboard").text
    assert admin.post("/organisations/mitra-digital/verification",
                      {"verified": "0"}).status_code == 303
    assert 'class="badge unverified"' in browser().get("/organisations/mitra-digital").text
    partner = browser(_partner)
    assert partner.post("/organisations/mitra-digital/verification",
                        {"verified": "1"}).status_code == 403


def test_org_admin_adds_a_member_by_e_mail(browser, factory):
    partner, _org = factory.partner(name="Mitra Digital")
    colleague = factory.user(name="Rekan Kerja")
    user = browser(partner)
    response = user.post("/organisations/mitra-digital/members",
                         {"email": colleague.email.upper(), "role": "member"})
    assert response.status_code == 303
    assert "Rekan Kerja" in user.get("/organisations/mitra-digital").text
    response = user.post("/organisations/mitra-digital/members?lang=en",
                         {"email": "nobody@example.test", "role": "member"})
    assert response.status_code == 422
    assert "No user has this e-mail address." in text_of(response)
    assert 'value="nobody@example.test"' in response.text
    # Members are not public.
    assert "Rekan Kerja" not in browser().get("/organisations/mitra-digital").text
    stranger = browser(factory.user())
    assert stranger.post("/organisations/mitra-digital/members",
                         {"email": colleague.email}).status_code == 403


def test_directory_filters(browser, factory):
    factory.partner("business", name="Alpha Teknologi", dimensions=["economy"],
                    provinces_served=["32"])
    factory.partner("academia", name="Beta Universitas", dimensions=["living"])
    anon = browser()
    page = anon.get("/organisations?type=academia").text
    assert "Beta Universitas" in page and "Alpha Teknologi" not in page
    page = anon.get("/organisations?dimension=economy&province=32").text
    assert "Alpha Teknologi" in page and "Beta Universitas" not in page
    page = anon.get("/organisations?q=beta").text
    assert "Beta Universitas" in page and "Alpha Teknologi" not in page
    page = anon.get("/organisations?verified=1").text
    assert "Beta Universitas" not in page
    response = anon.get("/organisations?type=x&verified=maybe&page=zz&sort=--")
    assert response.status_code == 200
    assert anon.get("/organisations/no-such-org").status_code == 404


def test_an_organisation_called_new_does_not_hide_the_registration_page(browser, factory):
    user = browser(factory.user())
    response = user.post("/organisations/new", {**PROFILE, "name": "New"})
    assert response.headers["Location"] == "/organisations/new-2"
    assert "New" in user.get("/organisations/new-2").text
    assert 'action="/organisations/new"' in user.get("/organisations/new").text
