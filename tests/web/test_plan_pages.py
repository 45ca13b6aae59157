"""Master plan pages: the whole lifecycle through the forms, the editor without JavaScript,
visibility, form errors, optimistic locking and the review with its confirmation step."""

from __future__ import annotations

import re
from typing import Any

from core.taxonomy import DIMENSIONS
from tests.conftest import full_programmes
from tests.web.conftest import text_of

PLAN_FIELDS = {
    "title": "Masterplan Smart City Kota Bandung 2026–2030",
    "period_start": "2026",
    "period_end": "2030",
    "vision": "Bandung kota cerdas untuk semua warga.",
    "readiness_notes": "Kekuatan: jaringan serat optik.",
}


def editor_form(rows: list[dict[str, Any]], version: int, **fields: str) -> dict[str, str]:
    """The editor's form as a browser would post it (plus ``extra`` blank rows)."""
    data = {**PLAN_FIELDS, **fields, "version": str(version), "rows": str(len(rows) + 2)}
    for i, row in enumerate(rows):
        for key, value in row.items():
            if key == "quick_win":
                if value:
                    data[f"p-{i}-quick_win"] = "1"
            elif key != "dimension":
                data[f"p-{i}-{key}"] = str(value)
    for i in range(len(rows), len(rows) + 2):  # blank rows: ignored
        data.update({f"p-{i}-title": "", f"p-{i}-sub_dimension": "", f"p-{i}-horizon": "short",
                     f"p-{i}-budget_idr": "", f"p-{i}-status": "planned"})
    return data


def version_on(page: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', page).group(1))


def new_plan(user, **fields: str) -> int:
    response = user.post("/plans/new", {"region_code": "32.73", **PLAN_FIELDS, **fields})
    assert response.status_code == 303, text_of(response)
    return int(re.search(r"/plans/(\d+)/edit", response.headers["Location"]).group(1))


# ---------------------------------------------------------------- the lifecycle


def test_whole_lifecycle_through_the_forms(browser, factory):
    officer = browser(factory.officer("32.73"))
    admin = browser(factory.admin())

    # Create: the officer picks their region.
    page = officer.get("/plans/new")
    assert page.status_code == 200
    assert '<option value="32.73"' in page.text
    plan_id = new_plan(officer)

    # Edit programmes: two rows saved, the plan is not ready yet.
    editor = officer.get(f"/plans/{plan_id}/edit")
    assert editor.status_code == 200
    assert 'name="p-2-title"' in editor.text  # blank rows to add programmes without JS
    rows = full_programmes()[:2]
    response = officer.post(f"/plans/{plan_id}/edit", editor_form(rows, version_on(editor.text)))
    assert response.status_code == 303
    editor = officer.get(f"/plans/{plan_id}/edit")
    assert 'value="Program public_service"' in editor.text
    assert "missing" in text_of(editor) or "belum" in text_of(editor)

    # Complete the plan and submit it from the editor.
    rows = full_programmes()
    response = officer.post(
        f"/plans/{plan_id}/edit",
        {**editor_form(rows, version_on(editor.text)), "action": "submit"},
    )
    assert response.status_code == 303
    detail = officer.get(f"/plans/{plan_id}")
    assert 'class="badge status-submitted"' in detail.text

    # The admin sees it waiting, reviews, asks for a revision (after confirming).
    assert f"/plans/{plan_id}/review" in admin.get("/dashboard").text
    review = admin.get(f"/plans/{plan_id}/review")
    assert review.status_code == 200
    version = version_on(review.text)
    reason = "Lengkapi anggaran program jangka panjang."
    confirm = admin.post(f"/plans/{plan_id}/request-revision",
                         {"reason": reason, "version": version})
    assert confirm.status_code == 200
    assert 'name="confirmed" value="1"' in confirm.text
    assert 'class="badge status-submitted"' in admin.get(f"/plans/{plan_id}").text  # not yet
    response = admin.post(f"/plans/{plan_id}/request-revision",
                          {"reason": reason, "version": version, "confirmed": "1"})
    assert response.status_code == 303

    # The officer sees the reason, edits, resubmits.
    detail = officer.get(f"/plans/{plan_id}")
    assert 'class="badge status-revision_requested"' in detail.text
    assert reason in detail.text
    editor = officer.get(f"/plans/{plan_id}/edit")
    rows[0]["budget_idr"] = "Rp 7.250.000.000"
    response = officer.post(f"/plans/{plan_id}/edit", editor_form(rows, version_on(editor.text)))
    assert response.status_code == 303
    detail = officer.get(f"/plans/{plan_id}")
    assert "Rp 7.250.000.000" in detail.text
    response = officer.post(f"/plans/{plan_id}/submit", {"version": version_on(detail.text)})
    assert response.status_code == 303
    assert 'class="badge status-resubmitted"' in officer.get(f"/plans/{plan_id}").text

    # The admin approves with a note.
    review = admin.get(f"/plans/{plan_id}/review")
    response = admin.post(f"/plans/{plan_id}/approve", {
        "note": "Selaras dengan RPJMD.", "version": version_on(review.text), "confirmed": "1",
    })
    assert response.status_code == 303

    # Public now, with its audit trail.
    public = browser().get(f"/plans/{plan_id}")
    assert public.status_code == 200
    assert 'class="badge status-approved"' in public.text
    trail = re.findall(r'class="timeline-item action-(\w+)"', public.text)
    assert trail == ["approve", "resubmit", "request_revision", "submit", "create"]
    assert "Selaras dengan RPJMD." in public.text
    assert f"/plans/{plan_id}/edit" not in public.text


def test_plan_page_groups_programmes_and_formats_rupiah(browser, factory):
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer, status="approved")
    page = browser().get(f"/plans/{plan_id}").text
    for dimension in DIMENSIONS:
        assert f'id="dim-{dimension}"' in page
    assert page.count('class="is-quick-win"') == 3
    assert "Rp 1.000.000.000" in page  # each programme
    assert "Rp 18.000.000.000" in page  # the plan's total
    assert "Rp 1,000,000,000" in browser().get(f"/plans/{plan_id}?lang=en").text


# ---------------------------------------------------------------- visibility


def test_drafts_are_hidden_from_other_regions_and_the_public(browser, factory):
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer)
    other = browser(factory.officer("35.78"))
    assert other.get(f"/plans/{plan_id}").status_code == 404
    assert other.get(f"/plans/{plan_id}/edit").status_code == 404
    assert other.post(f"/plans/{plan_id}/submit", {"version": "1"}).status_code == 404
    assert browser().get(f"/plans/{plan_id}").status_code == 404
    assert browser(factory.evaluator()).get(f"/plans/{plan_id}").status_code == 404
    assert "Rencana Induk Kota Cerdas" not in browser().get("/plans").text
    assert "Rencana Induk Kota Cerdas" not in browser().get("/regions/32.73").text
    assert "Rencana Induk Kota Cerdas" in browser(officer).get("/regions/32.73").text


def test_evaluators_see_plans_under_review_but_cannot_act(browser, factory):
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer, status="submitted")
    evaluator = browser(factory.evaluator())
    assert f"/plans/{plan_id}" in evaluator.get("/dashboard").text
    page = evaluator.get(f"/plans/{plan_id}")
    assert page.status_code == 200
    assert f"/plans/{plan_id}/review" not in page.text
    assert evaluator.get(f"/plans/{plan_id}/review").status_code == 403
    assert evaluator.post(f"/plans/{plan_id}/approve",
                          {"version": "2", "confirmed": "1"}).status_code == 403


def test_only_officers_and_admins_start_plans(browser, factory):
    partner, _org = factory.partner()
    assert browser(partner).get("/plans/new").status_code == 403
    officer = browser(factory.officer("32.73"))
    response = officer.post("/plans/new", {"region_code": "35.78", **PLAN_FIELDS})
    assert response.status_code == 403  # not their region


def test_submitted_plans_cannot_be_edited(browser, factory):
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer, status="submitted")
    response = browser(officer).get(f"/plans/{plan_id}/edit")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/plans/{plan_id}"


def test_edits_posted_after_a_colleague_submitted_are_shown_not_lost(browser, factory):
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer)
    user = browser(officer)
    version = version_on(user.get(f"/plans/{plan_id}/edit").text)
    with factory.db.begin() as session:
        from core.plans.services import submit_plan

        submit_plan(session, officer.principal, plan_id)
    response = user.post(f"/plans/{plan_id}/edit?lang=en",
                         editor_form(full_programmes(), version, title="Judul baru saya"))
    assert response.status_code == 409
    assert "This plan cannot be edited in its current status." in text_of(response)
    assert 'value="Judul baru saya"' in response.text
    assert "Judul baru saya" not in user.get(f"/plans/{plan_id}").text


# ---------------------------------------------------------------- the editor without JS


def test_add_more_rows_keeps_what_was_typed(browser, factory):
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer, complete=False)
    user = browser(officer)
    version = version_on(user.get(f"/plans/{plan_id}/edit").text)
    rows = [{"title": "Ruang kerja bersama", "sub_dimension": "business", "horizon": "medium",
             "budget_idr": "250000000", "status": "planned", "quick_win": True}]
    data = {**editor_form(rows, version, title="Judul yang belum disimpan"), "action": "add_rows"}
    response = user.post(f"/plans/{plan_id}/edit", data)
    assert response.status_code == 200
    page = response.text
    assert 'value="Judul yang belum disimpan"' in page
    assert 'value="Ruang kerja bersama"' in page
    assert '<option value="business" selected>' in page
    assert 'id="p-0-quick_win" name="p-0-quick_win" value="1" checked' in page
    assert 'name="rows" value="8"' in page  # 1 row + 2 blank + 5 more
    assert 'name="p-7-title"' in page
    # Nothing was saved.
    assert version_on(page) == version
    assert "Judul yang belum disimpan" not in user.get(f"/plans/{plan_id}").text


def test_remove_checkbox_deletes_a_programme(browser, factory):
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer)
    user = browser(officer)
    editor = user.get(f"/plans/{plan_id}/edit").text
    rows = full_programmes()
    data = editor_form(rows, version_on(editor))
    data["p-0-remove"] = "1"
    assert user.post(f"/plans/{plan_id}/edit", data).status_code == 303
    page = user.get(f"/plans/{plan_id}").text
    assert "Program public_service" not in page
    assert "Program public_policy" in page


def test_editor_shows_what_is_missing_before_submitting(browser, factory):
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer, complete=False)
    page = browser(officer).get(f"/plans/{plan_id}/edit?lang=en")
    text = text_of(page)
    assert "Each dimension needs at least one programme" in text
    assert "A plan needs exactly 3 quick wins; it has 0." in text
    assert "Quick wins: 0 of 3" in text


def test_missing_dimensions_are_named_as_the_user_reads_them(browser, factory):
    """Found by the end-to-end journey: the list showed the codes (``governance, …``)."""
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer, complete=False)
    user = browser(officer)
    text = text_of(user.get(f"/plans/{plan_id}/edit"))
    assert ("Setiap dimensi memerlukan sedikitnya satu program; yang belum ada: Smart "
            "Governance, Smart Branding, Smart Economy, Smart Living, Smart Society, Smart "
            "Environment") in text
    assert "governance, branding" not in text


def test_submitting_an_incomplete_plan_saves_but_explains(browser, factory):
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer, complete=False)
    user = browser(officer)
    version = version_on(user.get(f"/plans/{plan_id}/edit").text)
    rows = full_programmes()[:3]
    response = user.post(f"/plans/{plan_id}/edit?lang=en",
                         {**editor_form(rows, version), "action": "submit"})
    assert response.status_code == 422
    text = text_of(response)
    assert "Your changes are saved, but the plan cannot be submitted yet." in text
    assert "A plan needs exactly 3 quick wins" in text
    assert version_on(response.text) == version + 1  # saved
    assert 'class="badge status-draft"' in user.get(f"/plans/{plan_id}").text


def test_submit_button_on_the_plan_page_reports_problems(browser, factory):
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer, complete=False)
    user = browser(officer)
    response = user.post(f"/plans/{plan_id}/submit?lang=en", {"version": "1"})
    assert response.status_code == 422
    assert "The plan is not ready to be submitted." in text_of(response)


# ---------------------------------------------------------------- bad input never breaks


def test_garbage_in_every_field_gives_messages_not_500(browser, factory):
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer, complete=False)
    user = browser(officer)
    version = version_on(user.get(f"/plans/{plan_id}/edit").text)
    rows = [
        {"title": "", "description": "tanpa judul", "sub_dimension": "health",
         "horizon": "short", "budget_idr": "100", "status": "planned"},
        {"title": "Dimensi palsu", "sub_dimension": "astrology", "horizon": "forever",
         "budget_idr": "banyak sekali", "status": "dreaming"},
    ]
    data = editor_form(rows, version, period_start="dua ribu", period_end="2030", title="")
    data["rows"] = "not-a-number-9999999999"  # no row is read at all
    response = user.post(f"/plans/{plan_id}/edit?lang=en", data)
    assert response.status_code == 422
    assert 'href="#period_start"' in response.text
    assert 'href="#p-' not in response.text
    data["rows"] = "4"
    response = user.post(f"/plans/{plan_id}/edit?lang=en", data)
    assert response.status_code == 422
    page = response.text
    assert 'class="error-summary"' in page
    assert 'href="#period_start"' in page
    assert 'href="#title"' in page
    assert 'href="#p-0-title"' in page
    assert 'href="#p-1-sub_dimension"' in page
    assert 'href="#p-1-budget_idr"' in page
    assert 'href="#p-1-horizon"' in page
    assert 'href="#p-1-status"' in page
    assert 'id="p-1-budget_idr" name="p-1-budget_idr" value="banyak sekali"' in page
    assert 'aria-describedby="p-1-budget_idr-error" aria-invalid="true"' in page
    text = text_of(response)
    assert "Enter the year as a number, for example 2025." in text
    assert "Enter the budget as a whole number of rupiah" in text
    assert "Choose short, medium or long." in text
    # Nothing was saved.
    assert version_on(user.get(f"/plans/{plan_id}/edit").text) == version


def test_garbage_on_plan_creation_and_unknown_ids(browser, factory):
    user = browser(factory.officer("32.73"))
    response = user.post("/plans/new?lang=en", {"region_code": "", "title": "x" * 5000,
                                                "period_start": "2030", "period_end": "2026"})
    assert response.status_code == 422
    assert "Choose the region." in text_of(response)
    assert 'value="' + "x" * 200 + '"' in response.text  # kept (cut at the field's limit)
    response = user.post("/plans/new?lang=en", {"region_code": "32.73", "title": "Rencana",
                                                "period_start": "2030", "period_end": "2026"})
    assert response.status_code == 422
    assert "The period must end after it starts." in text_of(response)
    assert user.get("/plans/999999").status_code == 404
    assert user.get("/plans/abc").status_code == 404
    assert user.get("/plans?page=-4&per_page=9999&sort=;drop&period=abc&status=x").status_code \
        == 200


def test_form_errors_are_indonesian_by_default_and_english_on_request(browser, factory):
    user = browser(factory.officer("32.73"))
    data = {"region_code": "32.73", **PLAN_FIELDS, "period_start": "abc"}
    response = user.post("/plans/new", data)
    assert response.status_code == 422
    assert "Masukkan tahun dalam angka, misalnya 2025." in text_of(response)
    assert "Ada masalah" in text_of(response)
    user.get("/plans/new?lang=en")  # switch language; the cookie remembers it
    response = user.post("/plans/new", data)
    assert "Enter the year as a number, for example 2025." in text_of(response)
    assert "There is a problem" in text_of(response)


# ---------------------------------------------------------------- optimistic locking


def test_stale_version_keeps_the_input_and_says_why(browser, factory):
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer)
    first, second = browser(officer), browser(officer)
    stale = version_on(first.get(f"/plans/{plan_id}/edit").text)
    rows = full_programmes()
    assert second.post(f"/plans/{plan_id}/edit",
                       editor_form(rows, stale, title="Versi rekan")).status_code == 303
    response = first.post(f"/plans/{plan_id}/edit?lang=en",
                          editor_form(rows, stale, title="Versi saya"))
    assert response.status_code == 412
    assert "Someone else changed this plan since you opened it." in text_of(response)
    assert 'value="Versi saya"' in response.text
    assert version_on(response.text) == stale + 1  # saving again replaces, knowingly
    assert "Versi rekan" in first.get(f"/plans/{plan_id}").text
    assert first.post(f"/plans/{plan_id}/edit",
                      editor_form(rows, stale + 1, title="Versi saya")).status_code == 303


# ---------------------------------------------------------------- review


def test_revision_needs_a_reason(browser, factory):
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer, status="submitted")
    admin = browser(factory.admin())
    response = admin.post(f"/plans/{plan_id}/request-revision?lang=en",
                          {"reason": "   ", "version": "2", "confirmed": "1"})
    assert response.status_code == 422
    assert "Say what must be revised." in text_of(response)
    assert 'class="badge status-submitted"' in admin.get(f"/plans/{plan_id}").text


def test_approval_clash_is_explained_on_the_review_page(browser, factory):
    officer = factory.officer("32.73")
    factory.plan(officer, status="approved")
    plan_id = factory.plan(officer, status="submitted")  # same region and period
    admin = browser(factory.admin())
    response = admin.post(f"/plans/{plan_id}/approve?lang=en",
                          {"note": "", "version": "2", "confirmed": "1"})
    assert response.status_code == 409
    assert "already has an approved plan for this period" in text_of(response)


def test_review_decision_on_a_changed_plan_is_refused(browser, factory):
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer, status="submitted")
    admin = browser(factory.admin())
    response = admin.post(f"/plans/{plan_id}/approve?lang=en",
                          {"note": "", "version": "1", "confirmed": "1"})
    assert response.status_code == 412
    assert "The plan changed while you were reviewing it." in text_of(response)
    assert 'class="badge status-submitted"' in admin.get(f"/plans/{plan_id}").text


def test_plans_list_filters_by_status_and_text(browser, factory):
    officer = factory.officer("32.73")
    factory.plan(officer, status="approved")
    draft_id = factory.plan(officer, period_start=2030)
    user = browser(officer)
    page = user.get("/plans?status=draft").text
    assert f'href="/plans/{draft_id}"' in page
    assert page.count('class="badge status-') == 1
    assert "Nothing found" in user.get("/plans?q=zzzz&lang=en").text
