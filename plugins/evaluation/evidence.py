"""Evidence files of a self-assessment: type detected from the bytes (never from the name or the
browser's claim), size limited, stored under ``<instance>/evaluation/evidence``."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import zipfile
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.plugin import NotFound, Principal, ValidationFailed, _l
from plugins.evaluation.models import EvidenceFile, Indicator
from plugins.evaluation.services import _editable_self, region_for, settings

ALLOWED = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "text/csv": ".csv",
    "text/plain": ".txt",
}


def detect_type(data: bytes, filename: str = "") -> str | None:
    """The content type of ``data`` from its leading bytes, or None if not an accepted kind."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if "xl/workbook.xml" in names:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return None
    if b"\x00" in data[:8192]:
        return None
    try:
        data[:65536].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/csv" if filename.lower().endswith(".csv") else "text/plain"


def storage_dir() -> Path:
    return Path(current_app.instance_path) / "evaluation" / "evidence"


def _safe_name(filename: str) -> str:
    name = re.sub(r"[^\w.\- ]+", "_", Path(filename or "bukti").name).strip() or "bukti"
    return name[:150]


def add_file(session: Session, actor: Principal | None, year: int, region_code: str,
             filename: str, data: bytes, indicator_id: int | None = None) -> EvidenceFile:
    """Store an uploaded evidence file for the region's self-assessment."""
    cycle, participant = _editable_self(session, actor, year, region_code)
    limit = int(settings()["evidence_max_bytes"])
    if not data:
        raise ValidationFailed(errors={"file": [_l("The file is empty.")]})
    if len(data) > limit:
        raise ValidationFailed(errors={"file": [_l(
            "The file is larger than %(n)s kB.", n=limit // 1000)]})
    content_type = detect_type(data, filename)
    if content_type is None:
        raise ValidationFailed(errors={"file": [_l(
            "Upload a PDF, PNG, JPEG, Word (.docx), Excel (.xlsx), CSV or text file.")]})
    if indicator_id is not None and session.scalar(select(Indicator.id).where(
            Indicator.id == indicator_id, Indicator.cycle_id == cycle.id)) is None:
        raise ValidationFailed(errors={"indicator_id": [_l("Not an indicator of this cycle.")]})
    digest = hashlib.sha256(data).hexdigest()
    stored = f"{cycle.year}/{region_code}/{uuid.uuid4().hex}{ALLOWED[content_type]}"
    path = storage_dir() / stored
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    row = EvidenceFile(participant_id=participant.id, indicator_id=indicator_id,
                       filename=_safe_name(filename), content_type=content_type, size=len(data),
                       sha256=digest, stored_name=stored, uploaded_by=actor.user_id)
    session.add(row)
    session.flush()
    return row


def read_file(session: Session, actor: Principal | None, year: int, region_code: str,
              file_id: int) -> tuple[EvidenceFile, Path]:
    """An evidence file for whoever may see the self-assessment."""
    _cycle, participant = region_for(session, actor, year, region_code)
    row = session.get(EvidenceFile, file_id)
    if row is None or row.participant_id != participant.id:
        raise NotFound(_l("The file was not found."))
    path = storage_dir() / row.stored_name
    if not path.is_file():
        raise NotFound(_l("The file was not found."))
    return row, path
