"""Evidence files through the region's page (multipart form with CSRF): stored and listed;
a refused type, a file over the evidence limit and a request over the body limit each show a
clear message in the user's language, store nothing and lose nothing already saved."""

from __future__ import annotations

import io
import re
from pathlib import Path

from sqlalchemy import func, select

from plugins.evaluation.models import EvidenceFile
from tests.plugins.evaluation.conftest import BANDUNG, SURABAYA, YEAR
from tests.web.conftest import WebUser, text_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _login(app, account) -> WebUser:
    user = WebUser(app.test_client())
    assert user.login(account.email).status_code == 303
    return user


def _upload(user: WebUser, data: bytes, name: str, indicator: str = "", **kwargs):
    return user.post(f"/evaluasi/{YEAR}/daerah/{BANDUNG}/bukti{kwargs.pop('query', '')}",
                     {"file": (io.BytesIO(data), name), "indicator_id": indicator},
                     content_type="multipart/form-data", **kwargs)


def _stored(app, db) -> tuple[int, int]:
    """Evidence rows, and files in this cycle's folder (the instance folder may be shared)."""
    with db.begin() as session:
        rows = session.scalar(select(func.count()).select_from(EvidenceFile))
    folder = Path(app.instance_path) / "evaluation" / "evidence" / str(YEAR) / BANDUNG
    return rows, sum(1 for p in folder.glob("*") if p.is_file()) if folder.exists() else 0


def test_evidence_upload_through_the_page(app, db, flow, world):
    folder = Path(app.instance_path) / "evaluation" / "evidence" / str(YEAR) / BANDUNG
    for leftover in folder.glob("*") if folder.exists() else []:
        leftover.unlink()  # from an earlier test sharing the instance folder
    flow.create()
    flow.action("open")
    officer = _login(app, world.officers[BANDUNG])
    url = f"/evaluasi/{YEAR}/daerah/{BANDUNG}"
    page = officer.get(url).text
    first = re.search(r'name="value_(\d+)"', page).group(1)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    assert officer.post(url, {f"value_{first}": "Tercapai 80 persen",
                              "version": version}).status_code == 303

    saved = _upload(officer, PDF, "laporan capaian.pdf", first)
    assert saved.status_code == 303, text_of(saved)[:500]
    page = officer.get(url)
    assert "laporan capaian.pdf" in page.text and "Berkas sudah diunggah." in text_of(page)
    link = re.search(rf'href="(/evaluasi/{YEAR}/daerah/{BANDUNG}/bukti/\d+)"', page.text)
    download = officer.get(link.group(1))
    assert download.data == PDF and download.mimetype == "application/pdf"
    assert _stored(app, db) == (1, 1)

    # a program disguised as a PDF: refused in Indonesian, the choice of indicator kept
    refused = _upload(officer, b"MZ\x90\x00" * 50, "program.pdf", first)
    assert refused.status_code == 422
    text = text_of(refused)
    assert "Unggah berkas PDF, PNG, JPEG, Word (.docx), Excel (.xlsx), CSV, atau teks." in text
    assert f'<option value="{first}" selected>' in refused.text
    assert 'value="Tercapai 80 persen"' in refused.text  # the saved self-assessment is intact
    # over the evidence limit (750 kB) but within the request limit
    big = _upload(officer, b"a" * 750_001, "besar.txt")
    assert big.status_code == 422 and "Berkas lebih besar dari 750 kB." in text_of(big)
    # over the request limit: the same page and message, not a bare error page
    huge = _upload(officer, b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1), "sangat-besar.txt")
    assert huge.status_code == 413
    assert "Berkas lebih besar dari 750 kB." in text_of(huge)
    assert 'value="Tercapai 80 persen"' in huge.text and "laporan capaian.pdf" in huge.text
    # no file chosen
    empty = officer.post(f"{url}/bukti", {"indicator_id": ""}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Pilih berkas yang akan diunggah." in text_of(empty)
    # in English on request
    english = _upload(officer, b"a" * 750_001, "besar.txt", query="?lang=en")
    assert "The file is larger than 750 kB." in text_of(english)
    assert _stored(app, db) == (1, 1)

    # without the CSRF token, or from another region's officer, or anonymous: nothing stored
    forged = officer.client.post(f"{url}/bukti", data={"file": (io.BytesIO(PDF), "x.pdf")},
                                 content_type="multipart/form-data")
    assert forged.status_code in (400, 403)
    other = _login(app, world.officers[SURABAYA])
    assert _upload(other, PDF, "x.pdf").status_code == 403
    anonymous = WebUser(app.test_client())
    assert anonymous.client.post(f"{url}/bukti", data={"file": (io.BytesIO(PDF), "x.pdf")},
                                 content_type="multipart/form-data").status_code in (302, 303,
                                                                                     401, 403)
    assert _stored(app, db) == (1, 1)
    with db.begin() as session:
        row = session.scalar(select(EvidenceFile))
    assert (row.filename, row.indicator_id, row.size) == ("laporan capaian.pdf", int(first),
                                                          len(PDF))
