"""Pages for organisation admins: webhooks, registration, detail with the delivery log."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from core.plugin import (
    DomainError,
    NotFound,
    PermissionDenied,
    StaleVersion,
    _,
    current_principal,
    db_session,
    directory,
    login_required,
    plugin_config,
)
from plugins.webhooks import services

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks", template_folder="templates")

PER_PAGE = 20
#: Errors shown on an error page rather than next to a form field.
PAGE_ERRORS = (NotFound, PermissionDenied)


class FormErrors:
    """Messages per form field plus one for the whole form (what core's form macros read)."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.message: str | None = None

    def add(self, field: str, message: Any) -> None:
        text = str(message)
        self.fields.setdefault(field, [])
        if text not in self.fields[field]:
            self.fields[field].append(text)

    def get(self, field: str) -> list[str]:
        return self.fields.get(field, [])

    def __contains__(self, field: str) -> bool:
        return field in self.fields

    def __bool__(self) -> bool:
        return bool(self.fields) or self.message is not None

    def add_domain_error(self, error: DomainError) -> None:
        self.message = str(error.message)
        for field, messages in (error.errors or {}).items():
            for message in messages if isinstance(messages, list) else [messages]:
                self.add(field if field in FIELDS else "", str(message))


FIELDS = ("organisation_id", "url", "description", "event_types", "active")


def _config() -> dict[str, Any]:
    return plugin_config("webhooks")


def _int_arg(name: str, default: int = 1) -> int:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else default


def _form_values(form: Any) -> dict[str, Any]:
    raw = form.get("event_types", "")[:3000]
    return {
        "organisation_id": form.get("organisation_id", "").strip()[:12],
        "url": form.get("url", "").strip()[:2100],
        "description": form.get("description", "").strip()[:300],
        "event_types_text": raw,
        "event_types": [p for p in raw.replace(",", "\n").splitlines() if p.strip()][:50],
        "active": form.get("active") == "1",
    }


def _organisation_options(actor: Any) -> list[tuple[int, str]]:
    session = db_session()
    if actor.is_admin:
        orgs = directory.list_organisations(session)
    else:
        orgs = directory.list_organisations(session,
                                            ids=services.managed_organisations(actor))
    return [(o.id, o.name) for o in orgs]


def _render_form(values: dict[str, Any], errors: FormErrors, status: int = 200,
                 webhook: Any = None):
    actor = current_principal()
    return render_template(
        "webhooks/form.html", values=values, errors=errors, webhook=webhook,
        organisations=[] if webhook else _organisation_options(actor),
    ), status


@bp.get("/")
@login_required
def index():
    """The webhooks of the organisations the viewer administers."""
    actor = current_principal()
    session = db_session()
    org_filter = _int_arg("organisation_id", 0) or None
    page = services.list_webhooks(session, actor, organisation_id=org_filter,
                                  page=_int_arg("page"), per_page=PER_PAGE)
    org_ids = sorted({w.organisation_id for w in page.items})
    names = {o.id: o.name for o in directory.list_organisations(session, ids=org_ids)}
    can_create = actor.is_admin or bool(services.managed_organisations(actor))
    return render_template("webhooks/index.html", page=page, names=names,
                           can_create=can_create, org_filter=org_filter)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Register a webhook; the secret is shown once, on the page that follows."""
    actor = current_principal()
    if not (actor.is_admin or services.managed_organisations(actor)):
        raise PermissionDenied(_("Only an organisation's administrators can add webhooks."))
    if request.method == "GET":
        preset = _int_arg("organisation_id", 0)
        return _render_form({"organisation_id": str(preset or ""), "url": "",
                             "description": "", "event_types_text": "sinergi.#",
                             "active": True}, FormErrors())
    values = _form_values(request.form)
    errors = FormErrors()
    org_id = values["organisation_id"]
    if org_id and not org_id.isdigit():
        errors.add("organisation_id", _("Choose the organisation the webhook belongs to."))
        return _render_form(values, errors, 422)
    session = db_session()
    try:
        webhook, secret = services.create_webhook(
            session, actor, _config(), url=values["url"], event_types=values["event_types"],
            description=values["description"], active=values["active"],
            organisation_id=int(org_id) if org_id else None)
    except DomainError as error:
        if isinstance(error, PAGE_ERRORS):
            raise
        session.rollback()
        errors.add_domain_error(error)
        return _render_form(values, errors, error.status)
    session.commit()
    return _render_detail(webhook.id, secret=secret, created=True)


def _render_detail(webhook_id: int, *, secret: str | None = None, created: bool = False,
                   status: int = 200):
    actor = current_principal()
    session = db_session()
    webhook = services.get_webhook(session, actor, webhook_id)
    status_filter = request.args.get("status") or None
    if status_filter not in (None, "pending", "retrying", "delivered", "failed", "skipped"):
        status_filter = None
    log = services.list_deliveries(session, actor, webhook_id, status=status_filter,
                                   page=_int_arg("page"), per_page=PER_PAGE)
    organisation = directory.get_organisation(session, webhook.organisation_id)
    return render_template(
        "webhooks/detail.html", webhook=webhook, log=log, organisation=organisation,
        secret=secret, created=created, status_filter=status_filter,
        max_attempts=int(_config().get("max_attempts", 12)),
        disable_after=int(_config().get("disable_after_failures", 5)),
    ), status


@bp.get("/<int:webhook_id>")
@login_required
def detail(webhook_id: int):
    """A webhook, its state and its delivery log."""
    return _render_detail(webhook_id)


@bp.route("/<int:webhook_id>/edit", methods=["GET", "POST"])
@login_required
def edit(webhook_id: int):
    """Change the URL, patterns, description or the active flag (optimistic locking)."""
    actor = current_principal()
    session = db_session()
    webhook = services.get_webhook(session, actor, webhook_id)
    if request.method == "GET":
        return _render_form({
            "url": webhook.url, "description": webhook.description,
            "event_types_text": "\n".join(webhook.event_types or []),
            "active": webhook.active, "version": webhook.version}, FormErrors(),
            webhook=webhook)
    values = _form_values(request.form)
    version = request.form.get("version", "")
    values["version"] = version
    errors = FormErrors()
    try:
        services.update_webhook(
            session, actor, _config(), webhook_id,
            {k: values[k] for k in ("url", "description", "event_types", "active")},
            expected_version=int(version) if version.isdigit() else -1)
    except DomainError as error:
        if isinstance(error, PAGE_ERRORS):
            raise
        session.rollback()
        errors.add_domain_error(error)
        webhook = services.get_webhook(session, actor, webhook_id)
        if isinstance(error, StaleVersion):
            errors.message = _("Someone else changed this webhook since you opened it. Your "
                               "changes have not been saved; they are still in the form. "
                               "Check them, then save again.")
            values["version"] = webhook.version
        return _render_form(values, errors, error.status, webhook=webhook)
    session.commit()
    flash(_("The webhook has been saved."), "success")
    return redirect(url_for("webhooks.detail", webhook_id=webhook_id), 303)


@bp.post("/<int:webhook_id>/active")
@login_required
def set_active(webhook_id: int):
    """Switch the webhook on (also after an automatic switch-off) or off."""
    session = db_session()
    active = request.form.get("active") == "1"
    services.set_active(session, current_principal(), _config(), webhook_id, active)
    session.commit()
    flash(_("The webhook is switched on.") if active else _("The webhook is switched off."),
          "success")
    return redirect(url_for("webhooks.detail", webhook_id=webhook_id), 303)


@bp.post("/<int:webhook_id>/secret")
@login_required
def rotate(webhook_id: int):
    """A new secret, shown once on the page that follows."""
    session = db_session()
    _webhook, secret = services.rotate_secret(session, current_principal(), _config(),
                                              webhook_id)
    session.commit()
    return _render_detail(webhook_id, secret=secret)


@bp.post("/<int:webhook_id>/ping")
@login_required
def ping(webhook_id: int):
    """Send a test event to the webhook."""
    session = db_session()
    try:
        services.ping(session, current_principal(), webhook_id)
    except DomainError as error:
        if isinstance(error, PAGE_ERRORS):
            raise
        session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("webhooks.detail", webhook_id=webhook_id), 303)
    session.commit()
    flash(_("A test event is on its way. Reload this page in a moment to see the delivery."),
          "success")
    return redirect(url_for("webhooks.detail", webhook_id=webhook_id), 303)


@bp.post("/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver")
@login_required
def redeliver(webhook_id: int, delivery_id: int):
    """Send a delivery's event again."""
    session = db_session()
    try:
        services.redeliver(session, current_principal(), webhook_id, delivery_id)
    except DomainError as error:
        if isinstance(error, PAGE_ERRORS):
            raise
        session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("webhooks.detail", webhook_id=webhook_id), 303)
    session.commit()
    flash(_("The event will be sent again as a new delivery."), "success")
    return redirect(url_for("webhooks.detail", webhook_id=webhook_id), 303)


@bp.post("/<int:webhook_id>/delete")
@login_required
def delete(webhook_id: int):
    """Remove the webhook and its delivery log (the form asks to confirm)."""
    if request.form.get("confirm") != "1":
        abort(400, description=_("Tick the box to confirm that the webhook should be "
                                 "removed."))
    session = db_session()
    services.delete_webhook(session, current_principal(), webhook_id)
    session.commit()
    flash(_("The webhook has been removed."), "success")
    return redirect(url_for("webhooks.index"), 303)


def organisation_slot(context: dict[str, Any]) -> Markup | None:
    """On an organisation's page, a link to its webhooks for those who manage them."""
    principal = context.get("principal")
    org_id = context.get("organisation_id")
    if org_id is None or not services.can_manage(principal, int(org_id)):
        return None
    return Markup(
        '<section class="section webhooks-slot"><h2 class="h3">{title}</h2><p>{text} '
        '<a href="{url}">{link}</a></p></section>'
    ).format(
        title=_("Webhooks"),
        text=_("Send this organisation's Sinergi events to your own systems."),
        url=url_for("webhooks.index", organisation_id=org_id),
        link=_("Manage webhooks"),
    )
