"""Evidence uploads (type from the bytes, size limit), external indicators from CSV (API and
command line), exports visibility."""

from __future__ import annotations

import base64

from click.testing import CliRunner
from sqlalchemy import select

from plugins.evaluation.models import EvidenceFile, ExternalIndicator
from tests.api.helpers import assert_problem
from tests.plugins.evaluation.conftest import BANDUNG, YEAR, ok

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(api, who, name, data, indicator=None):
    body = {"filename": name, "content_base64": base64.b64encode(data).decode()}
    if indicator is not None:
        body["indicator_id"] = indicator
    return api.post(f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/evidence", who, body)


def test_evidence_upload_detects_type_and_limits_size(flow, api, world, db, app):
    flow.create()
    flow.action("open")
    officer = world.officers[BANDUNG]
    indicator = flow.indicators()[0]["id"]
    # a PDF disguised with a .png name is stored as a PDF
    saved = ok(_upload(api, officer, "laporan.png", PDF, indicator), 201)
    assert saved["content_type"] == "application/pdf" and saved["size"] == len(PDF)
    download = api.get(f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/evidence/{saved['id']}",
                       officer)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    # an executable is refused whatever its name
    refused = _upload(api, officer, "laporan.pdf", b"MZ\x90\x00\x03\x00\x00\x00" * 10)
    assert_problem(refused, 422, "validation-failed")
    assert "Upload a PDF" in refused.get_data(as_text=True)
    big = _upload(api, officer, "besar.txt", b"a" * 750_001)
    assert_problem(big, 422, "validation-failed")
    assert "larger than" in big.get_data(as_text=True)
    assert_problem(_upload(api, world.officers["35.78"], "x.pdf", PDF), 403, "forbidden")
    with db.begin() as session:
        rows = list(session.scalars(select(EvidenceFile)))
    assert len(rows) == 1
    stored = app.instance_path + "/evaluation/evidence/" + rows[0].stored_name
    with open(stored, "rb") as fh:
        assert fh.read() == PDF
    sa = ok(api.get(f"/evaluation/cycles/{YEAR}/regions/{BANDUNG}/self-assessment", officer))
    assert [f["filename"] for f in sa["files"]] == ["laporan.png"]


CSV = (
    "region_code,year,indicator,value,source\n"
    "32.73,2023,ipm,82.5,BPS\n"
    "32.73,2023,poverty_rate,3.8,BPS\n"
    "35.78,2023,ipm,83.1,BPS\n"
    "99.99,2023,ipm,70,BPS\n"
    "35.78,2023,ipm,120,BPS\n"
    "35.78,abc,ipm,70,BPS\n"
    "32.73,2023,ipm,82.5,BPS\n"
)


def test_external_indicators_import_through_the_api(api, world, db):
    def post(data: str, dry_run: bool = False, who=world.admin):
        return api.post("/evaluation/external-indicators", who,
                        {"csv": data, "dry_run": dry_run})

    assert_problem(post(CSV, who=world.officers[BANDUNG]), 403, "forbidden")
    dry = ok(post(CSV, dry_run=True))
    assert dry["imported"] == 3 and dry["rejected"] == 4 and dry["dry_run"] is True
    with db.begin() as session:
        assert session.scalar(select(ExternalIndicator.id)) is None
    report = ok(post(CSV))
    assert (report["rows"], report["imported"], report["created"]) == (7, 3, 3)
    messages = {e["line"]: " ".join(e["messages"]) for e in report["errors"]}
    assert "unknown region code" in messages[5]
    assert "outside 0–100" in messages[6]
    assert "not a whole number" in messages[7]
    assert "duplicate of line 2" in messages[8]
    again = ok(post("region_code,year,indicator,value\n32.73,2023,ipm,83\n"))
    assert (again["created"], again["updated"]) == (0, 1)
    listing = ok(api.get("/evaluation/external-indicators?region=32.73"))
    assert {(i["key"], i["value"]) for i in listing["items"]} == {("ipm", 83.0),
                                                                  ("poverty_rate", 3.8)}
    bad = post("kode,tahun\n1,2\n")
    assert_problem(bad, 422, "validation-failed")
    assert "region_code, year, indicator, value" in bad.get_data(as_text=True)


def test_external_indicators_import_command(app, world, db, tmp_path):
    import click

    from plugins.evaluation.commands import APP, register

    @click.group()
    def cli():
        pass

    register(cli)  # what the register_commands hook does to `sinergi`
    APP["app"] = app
    path = tmp_path / "ipm.csv"
    path.write_text(CSV)
    result = CliRunner().invoke(cli, ["evaluation", "import-indicators", str(path)])
    assert "7 rows: 3 valid (3 new, 0 updated), 4 rejected" in result.output
    assert "line 5: unknown region code '99.99'" in result.output
    with db.begin() as session:
        assert len(list(session.scalars(select(ExternalIndicator)))) == 3


def test_results_hidden_until_published(flow, api, world):
    flow.create()
    assert_problem(api.get(f"/evaluation/cycles/{YEAR}"), 404, "not-found")  # drafts hidden
    assert api.get(f"/evaluation/cycles/{YEAR}", world.admin).status_code == 200
    flow.action("open")
    assert api.get(f"/evaluation/cycles/{YEAR}/results.csv").status_code == 409
    listing = ok(api.get("/evaluation/cycles"))
    assert [c["year"] for c in listing["items"]] == [YEAR]
