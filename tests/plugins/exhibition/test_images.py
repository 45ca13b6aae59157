"""Images: type from the content, size and pixel caps, re-encoding and thumbnails, storage in
the configured folder, who may see them, caching headers."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from PIL import Image

from plugins.exhibition import media
from tests.plugins.exhibition.conftest import BANDUNG, draft_booth, png


def _first_achievement(api, officer) -> int:
    return api.get(f"/booths/{BANDUNG}/draft", officer).json["achievements"][0]["id"]


def _upload(api, who, achievement_id: int, data: bytes):
    return api.call("PUT", f"/achievements/{achievement_id}/image", who,
                    {"content_base64": base64.b64encode(data).decode()})


def test_upload_is_reencoded_and_thumbnailed(api, world, _media_dir):
    officer = world["bandung"]
    draft_booth(api, officer)
    item = _first_achievement(api, officer)
    response = _upload(api, officer, item, png(2400, 1200))
    assert response.status_code == 200, response.json
    assert response.json["image_url"].endswith("/large.jpg")
    files = sorted(p.name.split("-")[1] for p in Path(_media_dir["media_dir"]).rglob("*.jpg"))
    assert files == ["large.jpg", "thumb.jpg"]
    large = api.client.get(response.json["image_url"], headers=officer.headers)
    assert large.status_code == 200 and large.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(large.data)) as im:
        assert im.format == "JPEG" and max(im.size) == 1600
    thumb = api.client.get(response.json["thumbnail_url"], headers=officer.headers)
    with Image.open(io.BytesIO(thumb.data)) as im:
        assert im.size == (480, 360)
    # Not published yet: private, and invisible to anonymous visitors.
    assert large.headers["Cache-Control"] == "private, no-store"
    assert api.client.get(response.json["image_url"]).status_code == 404


@pytest.mark.parametrize("data, message", [
    (b"<?php echo 'x'; ?>", "not an image"),
    (b"%PDF-1.4\n" + b"0" * 1000, "not an image"),
])
def test_non_images_are_refused(api, world, data, message):
    officer = world["bandung"]
    draft_booth(api, officer)
    item = _first_achievement(api, officer)
    response = _upload(api, officer, item, data)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert message in str(response.json["errors"]["image"])
    assert api.get(f"/booths/{BANDUNG}/draft", officer).json["achievements"][0]["image_id"] is None


def test_size_and_pixel_caps(api, world, _media_dir):
    officer = world["bandung"]
    draft_booth(api, officer)
    item = _first_achievement(api, officer)
    _media_dir["max_image_bytes"] = 20_000
    bad = api.call("PUT", f"/achievements/{item}/image", officer, {"content_base64": "%%%"})
    assert bad.status_code == 422
    noisy = Image.effect_noise((400, 400), 80).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "PNG")
    assert len(out.getvalue()) > 20_000
    response = _upload(api, officer, item, out.getvalue())
    assert response.status_code == 422 and "too large" in str(response.json["errors"])
    _media_dir["max_image_bytes"] = 750_000
    _media_dir["max_image_pixels"] = 10_000
    response = _upload(api, officer, item, png(200, 200))
    assert response.status_code == 422 and "pixels" in str(response.json["errors"])


def test_encode_flattens_transparency_and_accepts_webp():
    limits = media.Limits(max_bytes=5_000_000, max_pixels=10_000_000, large_side=800,
                          thumb_width=200)
    out = io.BytesIO()
    Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(out, "PNG")
    encoded = media.encode(out.getvalue(), limits)
    with Image.open(io.BytesIO(encoded.large)) as im:
        assert im.mode == "RGB" and im.getpixel((10, 10)) == (255, 255, 255)
    webp = io.BytesIO()
    Image.new("RGB", (100, 100), (10, 200, 10)).save(webp, "WEBP")
    assert media.encode(webp.getvalue(), limits).original_format == "WEBP"


def test_public_images_follow_the_booth(api, published):
    officer, admin = published["bandung"], published["admin"]
    item = _first_achievement(api, officer)
    api.post(f"/booths/{BANDUNG}/unpublish", admin, {})
    _upload(api, officer, item, png())
    api.post(f"/booths/{BANDUNG}/submit", officer)
    api.post(f"/booths/{BANDUNG}/approve", admin, {})
    url = api.get(f"/booths/{BANDUNG}").json["achievements"][0]["thumbnail_url"]
    public = api.client.get(url)
    assert public.status_code == 200
    assert public.headers["Cache-Control"] == "public, max-age=86400"
    again = api.client.get(url, headers={"If-None-Match": public.headers["ETag"]})
    assert again.status_code == 304
    # Taken out of the exhibition: the image goes with it.
    api.post(f"/booths/{BANDUNG}/unpublish", officer, {})
    assert api.client.get(url).status_code == 404
    assert api.client.get(url, headers=officer.headers).status_code == 200
    assert api.client.get("/pameran/media/1/original.jpg").status_code == 404
