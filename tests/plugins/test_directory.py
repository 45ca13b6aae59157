"""core.plugin.directory: plugins read core data without importing core models."""

from __future__ import annotations

import pytest

from core.plugin import NotFound, directory


def test_regions_provinces_organisations_people_plans(db, factory):
    officer = factory.officer("32.73")
    plan_id = factory.plan(officer, status="approved")
    partner, org_id = factory.partner("academia", provinces_served=["32"],
                                      dimensions=["living"])
    with db.begin() as session:
        bandung = directory.get_region(session, "32.73")
        assert (bandung.name, bandung.kind, bandung.province_name) == (
            "Kota Bandung", "kota", "Jawa Barat")
        assert bandung.participating is False
        assert len(directory.list_regions(session, province="32")) == 27
        assert len(directory.list_provinces(session)) == 38
        org = directory.get_organisation(session, org_id)
        assert org.type == "academia" and org.provinces_served == ("32",)
        assert [p.id for p in directory.members_of(session, org_id)] == [partner.user_id]
        assert [p.id for p in directory.officers_of(session, "32.73")] == [officer.user_id]
        gov = directory.list_organisations(session, region_codes=["32.73"])
        assert len(gov) == 1 and gov[0].type == "government"
        plans = directory.approved_plans(session, "32.73")
        assert [p.id for p in plans] == [plan_id]
        assert len(plans[0].programmes) == 18
        assert sum(p.quick_win for p in plans[0].programmes) == 3
        with pytest.raises(NotFound):
            directory.get_region(session, "99.99")
