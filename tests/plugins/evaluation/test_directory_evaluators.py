"""``core.plugin.directory.list_evaluators`` (added for the evaluation plugin)."""

from __future__ import annotations

from core.plugin import directory


def test_list_evaluators(db, factory, sql_counter):
    first, second = factory.evaluator(), factory.evaluator()
    factory.admin()
    factory.officer()
    with db.begin() as session, sql_counter:
        people = directory.list_evaluators(session)
    assert [q for q in sql_counter.statements if q.lstrip().upper().startswith("SELECT")] \
        and len([q for q in sql_counter.statements if "users" in q]) == 1
    assert {p.id for p in people} == {first.user_id, second.user_id}
    with db.begin() as session:
        assert [p.id for p in directory.list_evaluators(session, ids=[second.user_id])] == [
            second.user_id]
        assert directory.list_evaluators(session, ids=[999999]) == []
