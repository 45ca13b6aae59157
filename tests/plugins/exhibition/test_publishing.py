"""Booth publishing through the API: drafting, moderation, unpublishing, permissions, bad
input, events; and the rule that a booth not published is never visible to the public."""

from __future__ import annotations

from tests.plugins.exhibition.conftest import BANDUNG, SURABAYA, draft_booth, publish, queries

PROBLEM = "application/problem+json"


def _public_everywhere(api, client, code: str = BANDUNG) -> dict[str, bool]:
    """Where the booth shows to an anonymous visitor."""
    listing = api.get("/booths").json["items"]
    csv = api.get("/booths.csv").text
    stats = api.get("/statistics").json
    return {
        "api": api.get(f"/booths/{code}").status_code == 200,
        "list": any(item["region_code"] == code for item in listing),
        "csv": f"\n{code}," in csv,
        "stats": stats["booths_published"] > 0,
        "page": client.get(f"/pameran/{code}").status_code == 200,
        "hall": f'href="/pameran/{code}"' in client.get("/pameran").text,
    }


def test_draft_submit_approve_publishes_the_snapshot(api, client, world, outbox):
    officer, admin = world["bandung"], world["admin"]
    draft_booth(api, officer, achievements=2)
    assert not any(_public_everywhere(api, client).values())

    response = api.post(f"/booths/{BANDUNG}/submit", officer)
    assert response.status_code == 200
    assert response.json["state"] == "submitted"
    assert [e.data["region_code"] for e in outbox("sinergi.exhibition.submitted")] == [BANDUNG]
    assert not any(_public_everywhere(api, client).values())

    queue = api.get("/moderation", admin).json
    assert [(q["region_code"], q["state"]) for q in queue] == [(BANDUNG, "submitted")]

    response = api.post(f"/booths/{BANDUNG}/approve", admin, {"reason": "Bagus."})
    assert response.status_code == 200
    assert response.json["status"] == "published"
    events = outbox("sinergi.exhibition.published")
    assert len(events) == 1
    assert events[0].data["live"] is True and events[0].data["achievement_count"] == 2
    assert all(_public_everywhere(api, client).values())

    booth = api.get(f"/booths/{BANDUNG}").json
    assert booth["region"]["name"] == "Kota Bandung"
    assert [a["title"] for a in booth["achievements"]] == ["Inovasi nomor 1", "Inovasi nomor 2"]
    assert booth["replicate_links"] == ["/needs?dimension=governance", "/needs?dimension=living"]


def test_edits_after_publication_wait_for_moderation(api, client, published):
    officer, admin = published["bandung"], published["admin"]
    draft = api.get(f"/booths/{BANDUNG}/draft", officer)
    response = api.patch(f"/booths/{BANDUNG}/draft", officer, {"tagline": "Slogan baru"},
                         headers={"If-Match": draft.headers["ETag"]})
    assert response.status_code == 200
    assert response.json["state"] == "draft" and response.json["live"] is True
    # The public still sees the approved version, not the edit.
    assert api.get(f"/booths/{BANDUNG}").json["tagline"] == "Kota layanan digital"
    assert "Slogan baru" not in client.get(f"/pameran/{BANDUNG}").text

    api.post(f"/booths/{BANDUNG}/submit", officer)
    api.post(f"/booths/{BANDUNG}/approve", admin, {})
    assert api.get(f"/booths/{BANDUNG}").json["tagline"] == "Slogan baru"


def test_rejected_booth_is_never_public(api, client, published, outbox):
    officer, admin = published["bandung"], published["admin"]
    api.post(f"/booths/{BANDUNG}/achievements", officer,
             {"title": "Klaim berlebihan", "dimension": "economy", "year": 2024})
    api.post(f"/booths/{BANDUNG}/submit", officer)

    missing_reason = api.post(f"/booths/{BANDUNG}/reject", admin, {})
    assert missing_reason.status_code == 422
    assert missing_reason.content_type == PROBLEM
    blank_reason = api.post(f"/booths/{BANDUNG}/reject", admin, {"reason": "   "})
    assert blank_reason.status_code == 422
    assert api.get(f"/booths/{BANDUNG}/draft", officer).json["state"] == "submitted"

    response = api.post(f"/booths/{BANDUNG}/reject", admin, {"reason": "Data belum valid."})
    assert response.status_code == 200
    assert response.json["status"] == "rejected"
    assert response.json["review_reason"] == "Data belum valid."
    assert outbox("sinergi.exhibition.rejected")[0].data["reason"] == "Data belum valid."
    assert _public_everywhere(api, client) == dict.fromkeys(
        ("api", "list", "csv", "stats", "page", "hall"), False)
    assert api.get(f"/booths/{BANDUNG}").content_type == PROBLEM
    # Its images are not served to the public either (see test_images).


def test_unpublish_and_publish_again(api, client, published, outbox):
    officer, admin = published["bandung"], published["admin"]
    response = api.post(f"/booths/{BANDUNG}/unpublish", officer, {"reason": "Pembaruan data."})
    assert response.status_code == 200 and response.json["status"] == "unpublished"
    assert outbox("sinergi.exhibition.unpublished")[0].data["live"] is False
    assert not any(_public_everywhere(api, client).values())
    assert api.post(f"/booths/{BANDUNG}/unpublish", officer, {}).status_code == 409

    assert api.post(f"/booths/{BANDUNG}/publish", officer).status_code == 403
    assert api.post(f"/booths/{BANDUNG}/publish", admin).status_code == 200
    assert all(_public_everywhere(api, client).values())


def test_republish_refused_after_changes(api, published):
    officer, admin = published["bandung"], published["admin"]
    api.post(f"/booths/{BANDUNG}/unpublish", admin, {})
    api.post(f"/booths/{BANDUNG}/achievements", officer,
             {"title": "Belum ditinjau", "dimension": "economy", "year": 2024})
    response = api.post(f"/booths/{BANDUNG}/publish", admin)
    assert response.status_code == 409
    assert api.get(f"/booths/{BANDUNG}").status_code == 404


def test_permissions(api, world):
    bandung, surabaya, admin, partner = (world[k] for k in ("bandung", "surabaya", "admin",
                                                             "partner"))
    body = {"region_code": BANDUNG, "tagline": "x"}
    assert api.post("/booths", None, body).status_code == 401
    assert api.post("/booths", partner, body).status_code == 403
    assert api.post("/booths", surabaya, body).status_code == 403
    draft_booth(api, bandung)
    url = f"/booths/{BANDUNG}"
    assert api.get(f"{url}/draft").status_code == 401
    assert api.get(f"{url}/draft", surabaya).status_code == 403
    assert api.get(f"{url}/draft", admin).status_code == 200
    item = {"title": "Bukan milik Anda", "dimension": "economy", "year": 2024}
    assert api.post(f"{url}/achievements", surabaya, item).status_code == 403
    assert api.post(f"{url}/submit", surabaya).status_code == 403
    assert api.post(f"{url}/submit", bandung).status_code == 200
    # Officers do not moderate, not even their own booth.
    assert api.post(f"{url}/approve", bandung, {}).status_code == 403
    assert api.post(f"{url}/reject", bandung, {"reason": "x"}).status_code == 403
    assert api.get("/moderation", bandung).status_code == 403
    assert api.get("/moderation").status_code == 401
    assert api.post(f"{url}/unpublish", surabaya, {}).status_code == 403
    # An admin may open a booth for any participating region; not for one that never joined.
    assert api.post("/booths", admin, {"region_code": SURABAYA}).status_code == 201
    response = api.post("/booths", admin, {"region_code": "11.01"})
    assert response.status_code == 409 and response.content_type == PROBLEM


def test_bad_input_changes_nothing(api, world):
    officer = world["bandung"]
    draft_booth(api, officer)
    url = f"/booths/{BANDUNG}"
    before = api.get(f"{url}/draft", officer).json
    cases = [
        ("POST", f"{url}/achievements", {"title": "ab", "dimension": "economy", "year": 2024}),
        ("POST", f"{url}/achievements", {"title": "Judul", "dimension": "space", "year": 2024}),
        ("POST", f"{url}/achievements", {"title": "Judul", "dimension": "economy", "year": 1990}),
        ("POST", f"{url}/achievements", {"title": "Judul", "dimension": "economy",
                                         "year": 2024, "secret": 1}),
        ("POST", "/booths", {"region_code": "nope"}),
    ]
    for method, path, body in cases:
        response = api.call(method, path, officer, body)
        assert response.status_code == 422, (path, body, response.json)
        assert response.content_type == PROBLEM
    long_tagline = api.patch(f"{url}/draft", officer, {"tagline": "x" * 161},
                             headers={"If-Match": f'"booth-{BANDUNG}-v{before["version"]}"'})
    assert long_tagline.status_code == 422
    assert api.get(f"{url}/draft", officer).json == before


def test_if_match_on_updates(api, world):
    officer = world["bandung"]
    draft_booth(api, officer)
    url = f"/booths/{BANDUNG}/draft"
    assert api.patch(url, officer, {"tagline": "a"}).status_code == 428
    # A missing booth is a 404 whatever the If-Match: refusals come before preconditions.
    assert api.patch("/booths/35.78/draft", officer, {"tagline": "a"}).status_code == 404
    stale = api.patch(url, officer, {"tagline": "a"}, headers={"If-Match": f'"booth-{BANDUNG}-v1"'})
    assert stale.status_code == 412
    etag = api.get(url, officer).headers["ETag"]
    assert api.patch(url, officer, {"tagline": "a"}, headers={"If-Match": etag}).status_code == 200


def test_submission_needs_content_and_freezes_the_draft(api, world):
    officer = world["bandung"]
    api.post("/booths", officer, {"region_code": BANDUNG})
    response = api.post(f"/booths/{BANDUNG}/submit", officer)
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"tagline", "story", "achievements"}
    draft_booth_texts = {"tagline": "Slogan", "story": "Cerita"}
    etag = api.get(f"/booths/{BANDUNG}/draft", officer).headers["ETag"]
    api.patch(f"/booths/{BANDUNG}/draft", officer, draft_booth_texts, headers={"If-Match": etag})
    api.post(f"/booths/{BANDUNG}/achievements", officer,
             {"title": "Satu prestasi", "dimension": "society", "year": 2022})
    assert api.post(f"/booths/{BANDUNG}/submit", officer).status_code == 200
    assert api.post(f"/booths/{BANDUNG}/submit", officer).status_code == 409
    frozen = api.post(f"/booths/{BANDUNG}/achievements", officer,
                      {"title": "Tambahan", "dimension": "society", "year": 2022})
    assert frozen.status_code == 409


def test_list_filters_sorting_and_sql_count(api, world, factory, sql_counter):
    publish(api, world["bandung"], world["admin"], achievements=1)
    publish(api, world["surabaya"], world["admin"], SURABAYA, achievements=3,
            tagline="Kota hijau")
    assert [b["region_code"] for b in api.get("/booths?sort=code").json["items"]] == [
        BANDUNG, SURABAYA]
    assert [b["region_code"] for b in api.get("/booths?province=35").json["items"]] == [SURABAYA]
    assert [b["region_code"] for b in api.get("/booths?cohort=2018").json["items"]] == [SURABAYA]
    assert [b["region_code"] for b in api.get("/booths?dimension=environment").json["items"]] == [
        SURABAYA]
    assert [b["region_code"] for b in api.get("/booths?q=hijau").json["items"]] == [SURABAYA]
    page = api.get("/booths?per_page=1&page=2&sort=-code").json
    assert (page["total"], page["pages"], page["items"][0]["region_code"]) == (2, 2, BANDUNG)
    assert api.get("/booths?dimension=space").status_code == 422
    assert api.get("/booths?sort=secret").status_code == 422
    for per_page in (1, 50):
        with sql_counter:
            assert api.get(f"/booths?per_page={per_page}").status_code == 200
        assert len(queries(sql_counter)) <= 3, sql_counter.statements


def test_open_data_csv_and_statistics(api, published):
    csv = api.get("/booths.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    header, row = csv.text.splitlines()[:2]
    assert header.startswith("region_code,region_name,province_code")
    assert row.startswith(f"{BANDUNG},Kota Bandung,32,")
    stats = api.get("/statistics").json
    assert stats["regions_total"] == 514
    assert stats["regions_participating"] == 2
    assert stats["booths_published"] == 1
    assert {c["year"]: c["joined"] for c in stats["cohorts"]}[2018] == 1
    by_province = api.get("/statistics.csv").text.splitlines()
    assert by_province[0] == (
        "province_code,province_name,regions,participating,booths,average_index")
    assert any(line.startswith("32,Jawa Barat,") and ",1,1," in line for line in by_province)
