"""Demo data: the 2024 evaluation cycle of ten first-cohort cities, in its self-assessment
phase — Kota Bandung's self-assessment submitted, its citizen surveys answered, the demo's two
assessors assigned to every city (the first as lead), so an admin can start the assessment.
Everything goes through the services."""

from __future__ import annotations

import random

from sqlalchemy.orm import Session

from core.plugin import DemoContext
from plugins.evaluation import assessment, services, surveys

YEAR = 2024
CITIES = ["32.73", "35.78", "15.71", "73.71", "33.74", "31.71", "34.71", "51.71", "12.71",
          "36.71"]
BANDUNG = "32.73"


def load(session: Session, context: DemoContext) -> None:
    admin = context.admin
    codes = [c for c in CITIES if c in context.region_codes]
    if not codes:
        return
    services.create_cycle(session, admin, {
        "year": YEAR, "title": "[Demo] Evaluasi Gerakan Menuju Smart City 2024",
        "region_codes": codes,
        "deadlines": {"self_assessment": "2024-08-31", "survey": "2024-09-30",
                      "assessment": "2024-10-31"},
    }, is_demo=True)
    services.open_cycle(session, admin, YEAR)
    assessors = [context.users[key] for key in ("evaluator", "evaluator2")
                 if key in context.users]
    for code in codes:
        for position, assessor in enumerate(assessors):
            assessment.assign(session, admin, YEAR, code, assessor.user_id, lead=position == 0)
    officer = context.users.get("officer.bandung")
    if officer is None or BANDUNG not in codes:
        return
    sheet = services.self_assessment(session, officer, YEAR, BANDUNG)
    values = [{"indicator_id": v["indicator_id"], "value": "Tercapai sesuai target RPJMD",
               "evidence": f"Laporan capaian {v['code']} tahun 2023 (demo).",
               "links": ["https://smartcity.bandung.go.id/"]} for v in sheet["values"]]
    rng = random.Random(2024)
    realisations = [{"programme_id": p["programme_id"], "percent": rng.choice([40, 60, 75, 90])}
                    for p in sheet["programmes"]]
    services.save_self_assessment(session, officer, YEAR, BANDUNG,
                                  {"values": values, "realisations": realisations},
                                  expected_version=None)
    services.submit_self_assessment(session, officer, YEAR, BANDUNG, expected_version=None)
    for programme in sheet["programmes"][:6]:
        survey = surveys.create_survey(session, officer, YEAR, BANDUNG,
                                       programme["programme_id"])
        for token in surveys.issue_tokens(session, officer, survey.id, 50):
            surveys.respond(session, token, rng.choice([3, 4, 4, 5]), "Jawaban contoh (demo)")
