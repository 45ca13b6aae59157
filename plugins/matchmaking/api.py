"""The matchmaking API under /api/v1: needs, offers, matches, opportunities, interests,
collaborations, saved searches. Thin: every rule lives in services."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from core.plugin import (
    IF_MATCH,
    PermissionDenied,
    current_principal,
    db_session,
    etag,
    expected_version,
    page_body,
    page_options,
    plugin_config,
    require_principal,
)
from plugins.matchmaking import schemas as s
from plugins.matchmaking import services

blp = Blueprint("matchmaking_api", __name__, description="Matchmaking: needs, offers, matches")


def _etagged(kind: str, item: Any, status: int = 200):
    return item, status, {"ETag": etag(kind, item.id, item.version)}


def _match_item(match: Any, offer: Any) -> dict[str, Any]:
    return {"need_id": match.need_id, "offer_id": match.offer_id,
            "organisation_id": match.organisation_id, "org_name": offer.org_name,
            "offer_title": offer.title, "score": match.score,
            "explanation": match.explanation, "computed_at": match.computed_at}


def _interest_item(interest: Any, need: Any) -> dict[str, Any]:
    item = {c: getattr(interest, c) for c in (
        "id", "need_id", "organisation_id", "org_name", "region_code", "offer_id", "message",
        "status", "decision_reason", "created_at", "decided_at")}
    item["need_title"] = need.title
    return item


# ---------------------------------------------------------------- needs


@blp.route("/needs")
class Needs(MethodView):
    @blp.arguments(s.NeedListArgs(), location="query")
    @blp.response(200, s.NeedPage)
    def get(self, args: dict[str, Any]):
        """Needs posted by regions (open ones unless ``status`` says otherwise)."""
        filters = services.NeedFilter(
            region=args.get("region"), province=args.get("province"),
            dimension=args.get("dimension"), status=args.get("status", "open"), q=args.get("q"))
        return page_body(services.list_needs(db_session(), filters,
                                             **page_options(args, "-created")))

    @blp.arguments(s.NeedCreateSchema)
    @blp.response(201, s.NeedSchema)
    def post(self, data: dict[str, Any]):
        """Post a need for your region (region officers)."""
        db = db_session()
        region_code = data.pop("region_code")
        need = services.create_need(db, require_principal(), region_code, data)
        db.commit()
        return _etagged("need", need, 201)


@blp.route("/needs/<int:need_id>")
class NeedDetail(MethodView):
    @blp.response(200, s.NeedSchema)
    def get(self, need_id: int):
        """One need. The ETag is needed to change it."""
        return _etagged("need", services.get_need(db_session(), need_id))

    @blp.doc(**IF_MATCH)
    @blp.arguments(s.NeedUpdateSchema)
    @blp.response(200, s.NeedSchema)
    def patch(self, data: dict[str, Any], need_id: int):
        """Edit a need or set its status (the region's officers). Needs If-Match."""
        db = db_session()
        actor = require_principal()
        need = services.get_need(db, need_id)
        if not services.can_edit_need(actor, need):
            raise PermissionDenied()
        version = expected_version("need", need_id)
        need = services.update_need(db, actor, need_id, data, expected_version=version)
        db.commit()
        return _etagged("need", need)


@blp.route("/needs/<int:need_id>/matches")
class NeedMatches(MethodView):
    @blp.response(200, s.MatchSchema(many=True))
    def get(self, need_id: int):
        """Suggested partners for a need with their explanations (the region's officers)."""
        rows = services.need_matches(db_session(), require_principal(), need_id,
                                     limit=plugin_config("matchmaking")["top_n"])
        return [_match_item(m, o) for m, o in rows]


@blp.route("/needs/<int:need_id>/fit")
class NeedFit(MethodView):
    @blp.response(200, s.MatchSchema(many=True))
    def get(self, need_id: int):
        """Why this need matches your organisations (empty when it does not)."""
        db = db_session()
        services.get_need(db, need_id)
        return [_match_item(m, o) for m, o in
                services.fit_for(db, require_principal(), need_id)]


@blp.route("/needs/<int:need_id>/interests")
class NeedInterests(MethodView):
    @blp.arguments(s.InterestListArgs(), location="query")
    @blp.response(200, s.InterestPage)
    def get(self, args: dict[str, Any], need_id: int):
        """Interests in this need that you are a party to."""
        opts = page_options(args, "-created")
        page = services.list_interests(db_session(), require_principal(), need_id=need_id,
                                       status=args.get("status"), page=opts["page"],
                                       per_page=opts["per_page"])
        body = page_body(page)
        body["items"] = [_interest_item(i, n) for i, n in page.items]
        return body

    @blp.arguments(s.InterestCreateSchema)
    @blp.response(201, s.InterestSchema)
    def post(self, data: dict[str, Any], need_id: int):
        """Express your organisation's interest, with a message only the region sees."""
        db = db_session()
        interest = services.express_interest(
            db, require_principal(), need_id, data.get("organisation_id"), data["message"],
            data.get("offer_id"), limit=plugin_config("matchmaking")["interest_rate_limit"])
        db.commit()
        return _interest_item(interest, services.get_need(db, need_id)), 201


# ---------------------------------------------------------------- offers


@blp.route("/offers")
class Offers(MethodView):
    @blp.arguments(s.OfferListArgs(), location="query")
    @blp.response(200, s.OfferPage)
    def get(self, args: dict[str, Any]):
        """Published offers of partner organisations."""
        filters = services.OfferFilter(
            organisation=args.get("organisation"), dimension=args.get("dimension"),
            province=args.get("province"), status=args.get("status", "published"),
            q=args.get("q"))
        return page_body(services.list_offers(db_session(), filters,
                                              **page_options(args, "-created")))

    @blp.arguments(s.OfferCreateSchema)
    @blp.response(201, s.OfferSchema)
    def post(self, data: dict[str, Any]):
        """Publish an offer for your organisation (its members)."""
        db = db_session()
        actor = require_principal()
        org_id = services.acting_org(actor, data.pop("organisation_id", None))
        offer = services.create_offer(db, actor, org_id, data)
        db.commit()
        return _etagged("offer", offer, 201)


@blp.route("/offers/<int:offer_id>")
class OfferDetail(MethodView):
    @blp.response(200, s.OfferSchema)
    def get(self, offer_id: int):
        """One offer. The ETag is needed to change it."""
        return _etagged("offer", services.get_offer(db_session(), offer_id))

    @blp.doc(**IF_MATCH)
    @blp.arguments(s.OfferFieldsSchema)
    @blp.response(200, s.OfferSchema)
    def patch(self, data: dict[str, Any], offer_id: int):
        """Edit an offer (the organisation's members). Needs If-Match."""
        db = db_session()
        actor = require_principal()
        offer = services.get_offer(db, offer_id)
        if not services.can_edit_offer(actor, offer):
            raise PermissionDenied()
        version = expected_version("offer", offer_id)
        offer = services.update_offer(db, actor, offer_id, data, expected_version=version)
        db.commit()
        return _etagged("offer", offer)


@blp.route("/offers/<int:offer_id>/withdraw")
class OfferWithdraw(MethodView):
    @blp.response(200, s.OfferSchema)
    def post(self, offer_id: int):
        """Withdraw an offer (the organisation's members)."""
        db = db_session()
        version = expected_version("offer", offer_id, required=False)
        offer = services.withdraw_offer(db, require_principal(), offer_id,
                                        expected_version=version)
        db.commit()
        return _etagged("offer", offer)


# ---------------------------------------------------------------- the partner's feed


@blp.route("/opportunities")
class Opportunities(MethodView):
    @blp.arguments(s.OpportunityArgs(), location="query")
    @blp.response(200, s.OpportunityPage)
    def get(self, args: dict[str, Any]):
        """Open needs that match your organisation, from stored matches. Sort: fit (default),
        newest, deadline."""
        actor = require_principal()
        org_id = services.acting_org(actor, args.get("organisation_id"))
        filters = services.FeedFilter(
            dimension=args.get("dimension"), province=args.get("province"),
            budget=args.get("budget"), deadline_from=args.get("deadline_from"),
            q=args.get("q"))
        sort = (args.get("sort") or "fit").removeprefix("-")
        opts = page_options(args, "fit")
        page = services.opportunities(db_session(), org_id, filters, sort=sort,
                                      page=opts["page"], per_page=opts["per_page"])
        body = page_body(page)
        body["items"] = [{"need": need, "offer_id": match.offer_id, "score": match.score,
                          "explanation": match.explanation} for match, need in page.items]
        return body


@blp.route("/saved-searches")
class SavedSearches(MethodView):
    @blp.response(200, s.SavedSearchSchema(many=True))
    def get(self):
        """Your saved opportunity searches."""
        return services.list_saved_searches(db_session(), require_principal())

    @blp.arguments(s.SavedSearchCreateSchema)
    @blp.response(201, s.SavedSearchSchema)
    def post(self, data: dict[str, Any]):
        """Save the filters of an opportunity search."""
        db = db_session()
        filters = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                   for k, v in (data.get("filters") or {}).items()}
        search = services.save_search(db, require_principal(), data.get("organisation_id"),
                                      data["name"], filters)
        db.commit()
        return search, 201


@blp.route("/saved-searches/<int:search_id>")
class SavedSearchDetail(MethodView):
    @blp.response(204)
    def delete(self, search_id: int):
        """Delete one of your saved searches."""
        db = db_session()
        services.delete_saved_search(db, require_principal(), search_id)
        db.commit()


# ---------------------------------------------------------------- interests


@blp.route("/interests")
class Interests(MethodView):
    @blp.arguments(s.InterestListArgs(), location="query")
    @blp.response(200, s.InterestPage)
    def get(self, args: dict[str, Any]):
        """Interests you are a party to: incoming (region officers) and sent (partners)."""
        opts = page_options(args, "-created")
        page = services.list_interests(db_session(), require_principal(),
                                       need_id=args.get("need_id"), status=args.get("status"),
                                       page=opts["page"], per_page=opts["per_page"])
        body = page_body(page)
        body["items"] = [_interest_item(i, n) for i, n in page.items]
        return body


@blp.route("/interests/<int:interest_id>")
class InterestDetail(MethodView):
    @blp.response(200, s.InterestSchema)
    def get(self, interest_id: int):
        """One interest (only its two parties see it)."""
        db = db_session()
        interest = services.get_interest(db, require_principal(), interest_id)
        return _interest_item(interest, services.get_need(db, interest.need_id))


def _decide(interest_id: int, accept: bool, reason: str):
    db = db_session()
    interest = services.decide_interest(db, require_principal(), interest_id, accept, reason)
    db.commit()
    return _interest_item(interest, services.get_need(db, interest.need_id))


@blp.route("/interests/<int:interest_id>/accept")
class InterestAccept(MethodView):
    @blp.arguments(s.DecisionSchema)
    @blp.response(200, s.InterestSchema)
    def post(self, data: dict[str, Any], interest_id: int):
        """Accept an interest: a collaboration is formed (the region's officers)."""
        return _decide(interest_id, True, data["reason"])


@blp.route("/interests/<int:interest_id>/decline")
class InterestDecline(MethodView):
    @blp.arguments(s.DecisionSchema)
    @blp.response(200, s.InterestSchema)
    def post(self, data: dict[str, Any], interest_id: int):
        """Decline an interest with a reason (the region's officers)."""
        return _decide(interest_id, False, data["reason"])


@blp.route("/interests/<int:interest_id>/withdraw")
class InterestWithdraw(MethodView):
    @blp.response(200, s.InterestSchema)
    def post(self, interest_id: int):
        """Withdraw your organisation's open interest."""
        db = db_session()
        interest = services.withdraw_interest(db, require_principal(), interest_id)
        db.commit()
        return _interest_item(interest, services.get_need(db, interest.need_id))


# ---------------------------------------------------------------- collaborations


@blp.route("/collaborations")
class Collaborations(MethodView):
    @blp.arguments(s.InterestListArgs(only=("page", "per_page", "sort")), location="query")
    @blp.response(200, s.CollaborationPage)
    def get(self, args: dict[str, Any]):
        """Collaborations you are a party to."""
        opts = page_options(args, "-updated")
        return page_body(services.list_collaborations(
            db_session(), require_principal(), page=opts["page"], per_page=opts["per_page"]))


@blp.route("/collaborations/<int:collaboration_id>")
class CollaborationDetail(MethodView):
    @blp.response(200, s.CollaborationSchema)
    def get(self, collaboration_id: int):
        """One collaboration with its stage history."""
        return _etagged("collaboration", services.get_collaboration(
            db_session(), current_principal(), collaboration_id))


@blp.route("/collaborations/<int:collaboration_id>/stage")
class CollaborationStage(MethodView):
    @blp.arguments(s.StageSchema)
    @blp.response(200, s.CollaborationSchema)
    def post(self, data: dict[str, Any], collaboration_id: int):
        """Move the collaboration to a later stage, or stop it (either party)."""
        db = db_session()
        version = expected_version("collaboration", collaboration_id, required=False)
        collab = services.change_stage(db, require_principal(), collaboration_id,
                                       data["stage"], data["note"], expected_version=version)
        db.commit()
        return _etagged("collaboration", collab)
