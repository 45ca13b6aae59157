"""The ``sinergi`` command line."""

from __future__ import annotations

import sys

import click
from flask import Flask
from tqdm import tqdm

from core.app import create_app
from core.config import ConfigError


class AppContext:
    """Builds the app lazily so ``--help`` works without a database."""

    def __init__(self) -> None:
        self._app: Flask | None = None

    @property
    def app(self) -> Flask:
        if self._app is None:
            try:
                self._app = create_app()
            except ConfigError as exc:
                raise click.ClickException(str(exc)) from exc
        return self._app


pass_ctx = click.make_pass_decorator(AppContext, ensure=True)


def _db(ctx: AppContext):
    return ctx.app.extensions["sinergi.db"]


class SinergiGroup(click.Group):
    """The ``sinergi`` group: core commands plus those that enabled plugins register."""

    _plugins_loaded = False

    def _load_plugin_commands(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        try:
            app = create_app()
        except Exception:  # noqa: BLE001 - core commands must work even if the app cannot start
            return
        before = set(self.commands)
        app.extensions["sinergi.plugins"].call("register_commands", cli=self)
        for name in set(self.commands) - before:
            _run_in_app_context(self.commands[name], app)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            self._load_plugin_commands()
            command = super().get_command(ctx, cmd_name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        return super().list_commands(ctx)


def _run_in_app_context(command: click.Command, app: Flask) -> None:
    """Plugin commands run inside the application context: ``flask.current_app`` and
    ``core.plugin.db_session()`` work in them."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _run_in_app_context(sub, app)
    callback = command.callback
    if callback is None:
        return

    def in_context(*args: object, **kwargs: object) -> object:
        with app.app_context():
            try:
                result = callback(*args, **kwargs)
                app.extensions["sinergi.db"].session.commit()
                return result
            finally:
                app.extensions["sinergi.db"].remove()

    command.callback = in_context


@click.group(cls=SinergiGroup)
@click.version_option(package_name="sinergi")
def main() -> None:
    """Sinergi: collaboration platform of the Smart City Movement."""


# ---------------------------------------------------------------- db


@main.group()
def db() -> None:
    """Database migrations."""


@db.command("upgrade")
@pass_ctx
def db_upgrade(ctx: AppContext) -> None:
    """Apply every pending migration (core and enabled plugins)."""
    from core.migrate import UnknownRevisions, pending, upgrade

    with ctx.app.app_context():
        todo = pending(ctx.app)
        try:
            upgrade(ctx.app)
        except UnknownRevisions as error:
            raise click.ClickException(str(error)) from error
    click.echo(f"Database is up to date ({len(todo)} migration(s) applied).")


@db.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--plugin", default=None, help="Write it on this plugin's branch.")
@click.option("--empty", is_flag=True, help="Write an empty revision (no autogenerate).")
@pass_ctx
def db_revision(ctx: AppContext, message: str, plugin: str | None, empty: bool) -> None:
    """Create a migration (core's branch, or a plugin's) from the models' changes."""
    from core.migrate import revision

    try:
        with ctx.app.app_context():
            revision(ctx.app, message, autogenerate=not empty, plugin=plugin)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


# ---------------------------------------------------------------- regions


@main.group()
def regions() -> None:
    """Reference data: provinces and regions."""


@regions.command("load")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="CSV in the shipped format (default: the shipped Kemendagri 2025 file).")
@pass_ctx
def regions_load(ctx: AppContext, path: str | None) -> None:
    """Load the 38 provinces and 514 kabupaten/kota (idempotent)."""
    from pathlib import Path

    from core.regions.services import DATA_FILE, load_reference_data, read_regions_file

    rows = read_regions_file(Path(path) if path else DATA_FILE)
    with ctx.app.app_context(), _db(ctx).begin() as session, tqdm(
        total=len(rows), desc="regions", unit="row", disable=None
    ) as bar:
        n_prov, n_reg = load_reference_data(session, rows, progress=bar.update)
    click.echo(f"Loaded {n_prov} provinces and {n_reg} regions.")


# ---------------------------------------------------------------- users and tokens


@main.group()
def users() -> None:
    """User accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", default="")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--admin", is_flag=True, help="Platform administrator.")
@click.option("--evaluator", is_flag=True, help="Evaluator (assessor).")
@click.option("--officer-of", "region_code", default=None,
              help="Make the user an officer of this region (Kemendagri code, e.g. 32.73).")
@click.option("--member-of", "org_ref", default=None,
              help="Make the user a member of this organisation (id or slug).")
@click.option("--org-admin", is_flag=True, help="With --member-of/--officer-of: as org admin.")
@pass_ctx
def users_create(
    ctx: AppContext, email: str, name: str, password: str, admin: bool, evaluator: bool,
    region_code: str | None, org_ref: str | None, org_admin: bool,
) -> None:
    """Create a user, optionally with a role."""
    from core.accounts.principal import Principal
    from core.accounts.services import create_user
    from core.errors import DomainError
    from core.orgs import services as orgs
    from core.orgs.models import Membership

    app = ctx.app
    # The CLI acts with administrator rights.
    system = Principal(user_id=0, email="cli", name="CLI", is_admin=True)
    try:
        with app.app_context(), _db(ctx).begin() as session:
            user = create_user(
                session, email=email, name=name or email, password=password,
                min_password_length=int(app.config["PASSWORD_MIN_LENGTH"]),
                is_admin=admin, is_evaluator=evaluator,
            )
            role = "admin" if org_admin else "member"
            if region_code:
                org = orgs.government_org_for(session, system, region_code)
                session.add(Membership(user_id=user.id, organisation_id=org.id, role=role))
            if org_ref:
                org = orgs.get_organisation(session, org_ref)
                session.add(Membership(user_id=user.id, organisation_id=org.id, role=role))
            user_id = user.id
    except DomainError as exc:
        raise click.ClickException(_domain_message(exc, ctx.app)) from exc
    click.echo(f"Created user {email} (id {user_id}).")


def _set_active(ctx: AppContext, email: str, active: bool) -> None:
    from core.accounts.principal import Principal
    from core.accounts.services import get_user_by_email, set_active
    from core.errors import DomainError

    system = Principal(user_id=0, email="cli", name="CLI", is_admin=True)
    try:
        with ctx.app.app_context(), _db(ctx).begin() as session:
            set_active(session, system, get_user_by_email(session, email).id, active)
    except DomainError as exc:
        raise click.ClickException(_domain_message(exc, ctx.app)) from exc


@users.command("disable")
@click.argument("email")
@pass_ctx
def users_disable(ctx: AppContext, email: str) -> None:
    """Disable EMAIL's account: its sessions end and its API tokens are revoked at once."""
    _set_active(ctx, email, False)
    click.echo(f"Disabled {email}: its sessions are ended and its API tokens revoked.")


@users.command("enable")
@click.argument("email")
@pass_ctx
def users_enable(ctx: AppContext, email: str) -> None:
    """Enable EMAIL's account again (revoked API tokens stay revoked)."""
    _set_active(ctx, email, True)
    click.echo(f"Enabled {email}.")


@users.command("set-password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@pass_ctx
def users_set_password(ctx: AppContext, email: str, password: str) -> None:
    """Set EMAIL's password (the password policy applies); ends its browser sessions."""
    from core.accounts.services import get_user_by_email, set_password
    from core.errors import DomainError

    try:
        with ctx.app.app_context(), _db(ctx).begin() as session:
            set_password(session, get_user_by_email(session, email), password,
                         min_password_length=int(ctx.app.config["PASSWORD_MIN_LENGTH"]))
    except DomainError as exc:
        raise click.ClickException(_domain_message(exc, ctx.app)) from exc
    click.echo(f"Password of {email} changed; its browser sessions are ended.")


# ---------------------------------------------------------------- audit log


@main.group()
def audit() -> None:
    """The audit log."""


@audit.command("prune")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Keep this many days (default: audit_retention_days).")
@pass_ctx
def audit_prune(ctx: AppContext, days: int | None) -> None:
    """Delete audit events older than the retention period."""
    from core.audit import prune

    keep = days or int(ctx.app.config["AUDIT_RETENTION_DAYS"])
    with ctx.app.app_context(), _db(ctx).begin() as session:
        deleted = prune(session, keep)
    click.echo(f"Deleted {deleted} audit event(s) older than {keep} day(s).")


def _domain_message(exc, app: Flask) -> str:
    """The error in English, the CLI's language (messages are lazy and need the app)."""
    from flask_babel import force_locale

    with app.app_context(), force_locale("en"):
        return _plain_message(exc)


def _plain_message(exc) -> str:
    details = "; ".join(
        f"{field}: {', '.join(str(m) for m in msgs) if isinstance(msgs, list) else msgs}"
        for field, msgs in exc.errors.items()
    )
    return f"{exc.message}{' — ' + details if details else ''}"


@main.group()
def tokens() -> None:
    """API tokens."""


@tokens.command("create")
@click.argument("email")
@click.option("--name", default="cli")
@pass_ctx
def tokens_create(ctx: AppContext, email: str, name: str) -> None:
    """Print a new API token for EMAIL (shown once)."""
    from core.accounts.services import create_token, get_user_by_email
    from core.errors import DomainError

    try:
        with ctx.app.app_context(), _db(ctx).begin() as session:
            issued = create_token(session, get_user_by_email(session, email), name)
    except DomainError as exc:
        raise click.ClickException(_domain_message(exc, ctx.app)) from exc
    click.echo(issued.secret)


# ---------------------------------------------------------------- demo and run


@main.command("demo")
@pass_ctx
def demo(ctx: AppContext) -> None:
    """Load demo data (participating regions, users per role, organisations, plans)."""
    from core import demo as demo_data

    with ctx.app.app_context(), _db(ctx).begin() as session:
        if demo_data.is_loaded(session):
            click.echo("Demo data is already loaded.")
            logins = demo_data.demo_logins()
        else:
            with tqdm(total=sum(demo_data.COHORT_SIZES.values()), desc="demo regions",
                      unit="region", disable=None) as bar:
                logins = demo_data.load_demo(
                    session, progress=bar.update, plugins=ctx.app.extensions["sinergi.plugins"]
                )
    _print_logins(logins)


def _print_logins(logins) -> None:
    click.echo("\nDemo logins (all demo data is marked '(demo)' / '[Demo]'):")
    for login in logins:
        click.echo(f"  {login.role:<15} {login.email:<34} {login.password}   {login.note}")


@main.command("run")
@click.option("--host", default=None, help="Default: 127.0.0.1 (config key 'host').")
@click.option("--port", default=None, type=int, help="Default: 5000 (config key 'port').")
@click.option("--no-bus", is_flag=True, help="Serve the web only (no relay and worker).")
@pass_ctx
def run(ctx: AppContext, host: str | None, port: int | None, no_bus: bool) -> None:
    """Serve the web, with a relay and a worker in the same process (the embedded default,
    or any stack given by SINERGI_DATABASE_URL and SINERGI_BROKER_URL)."""
    import threading

    from werkzeug.serving import run_simple

    from core import demo as demo_data
    from core.events.relay import Relay
    from core.events.worker import Worker

    app = ctx.app
    host = host or app.config["HOST"]
    port = port or int(app.config["PORT"])
    stop = threading.Event()
    threads = []
    if not no_bus:
        threads = [
            threading.Thread(target=Relay(app).run, args=(stop,), name="relay", daemon=True),
            threading.Thread(target=Worker(app).run, args=(stop,), name="worker", daemon=True),
        ]
        for thread in threads:
            thread.start()
    from core.migrate import pending

    with app.app_context():
        waiting = pending(app)
    if waiting:
        click.echo(f"Warning: {len(waiting)} migration(s) not applied ({', '.join(waiting)}); "
                   "run `sinergi db upgrade` first.", err=True)
    click.echo(f"Sinergi is running at http://{host}:{port}  (Ctrl+C to stop)")
    click.echo(f"  database: {_redact(app.config['DATABASE_URL'])}")
    click.echo(f"  bus:      {_redact(app.config['BROKER_URL'])}"
               + ("" if not no_bus else " (not started)"))
    with app.app_context(), _db(ctx).begin() as session:
        if demo_data.is_loaded(session):
            _print_logins(demo_data.demo_logins())
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)


def _redact(url: str) -> str:
    """Hide a password in a URL."""
    import re

    return re.sub(r"://([^:/@]+):[^@]+@", r"://\1:***@", url)


# ---------------------------------------------------------------- the bus


@main.command("relay")
@click.option("--once", is_flag=True, help="Publish what is in the outbox now, then exit.")
@click.option("--max-seconds", type=float, default=None, help="Stop after this long.")
@pass_ctx
def relay(ctx: AppContext, once: bool, max_seconds: float | None) -> None:
    """Publish outbox rows to the bus (several on PostgreSQL; one is active on SQLite)."""
    import signal
    import threading

    from core.events.relay import Relay, relay_once

    if once:
        try:
            click.echo(f"Published {relay_once(ctx.app)} event(s).")
        except RuntimeError as exc:  # another relay holds the SQLite relay lock
            raise click.ClickException(str(exc)) from exc
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        count = Relay(ctx.app).run(stop, max_seconds=max_seconds)
    except KeyboardInterrupt:
        stop.set()
        return
    click.echo(f"Published {count} event(s).")


@main.command("worker")
@click.option("--handler", "handlers", multiple=True,
              help="Only these handlers (plugin.handler); default: all.")
@click.option("--max-seconds", type=float, default=None, help="Stop after this long.")
@pass_ctx
def worker(ctx: AppContext, handlers: tuple[str, ...], max_seconds: float | None) -> None:
    """Run event handlers of enabled plugins."""
    import signal
    import threading

    from core.events.worker import Worker

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    runner = Worker(ctx.app, handlers or None)
    click.echo(f"Worker handling: {', '.join(sorted(runner.handlers)) or '(no handlers)'}")
    try:
        stats = runner.run(stop, max_seconds=max_seconds)
    except KeyboardInterrupt:
        stop.set()
        return
    click.echo(" ".join(f"{k}={v}" for k, v in stats.items()))


@main.group()
def events() -> None:
    """Inspect and repair event delivery."""


@events.command("status")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def events_status(ctx: AppContext, as_json: bool) -> None:
    """Backlog, lag and deliveries per handler."""
    import json

    from core.events.admin import status

    with ctx.app.app_context(), _db(ctx).begin() as session:
        result = status(session)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
        return
    lag = result.oldest_unpublished_age
    click.echo(f"Outbox backlog: {result.unpublished} event(s)"
               + (f", oldest {lag:.1f}s old" if lag is not None else ""))
    pending_age = result.oldest_pending_age
    if pending_age is not None:
        click.echo(f"Oldest delivery in flight: {pending_age:.1f}s")
    click.echo(f"Dead deliveries: {result.dead}")
    for handler, states in sorted(result.deliveries.items()):
        counts = ", ".join(f"{k} {v}" for k, v in sorted(states.items()))
        click.echo(f"  {handler}: {counts}")


@events.command("dead")
@click.option("--limit", default=100, show_default=True)
@pass_ctx
def events_dead(ctx: AppContext, limit: int) -> None:
    """List deliveries that exhausted their attempts."""
    from core.events.admin import dead_deliveries

    with ctx.app.app_context(), _db(ctx).begin() as session:
        rows = dead_deliveries(session, limit)
        if not rows:
            click.echo("No dead deliveries.")
        for row in rows:
            last = (row.last_error or "").strip().splitlines()[-1:] or [""]
            click.echo(f"{row.event_id}  {row.handler}  {row.event_type}  "
                       f"attempts={row.attempts}  {last[0][:120]}")


@events.command("replay")
@click.argument("event_id")
@click.option("--handler", default=None, help="Only this handler's delivery.")
@pass_ctx
def events_replay(ctx: AppContext, event_id: str, handler: str | None) -> None:
    """Retry a dead event (a worker picks it up on its next sweep)."""
    from core.errors import NotFound
    from core.events.admin import replay

    try:
        with ctx.app.app_context(), _db(ctx).begin() as session:
            rows = replay(session, event_id, handler)
            names = [r.handler for r in rows]
    except NotFound as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Replaying {event_id} for: {', '.join(names)}")


# ---------------------------------------------------------------- plugins


@main.group("plugin")
def plugin_group() -> None:
    """Plugin development."""


@plugin_group.command("new")
@click.argument("name")
@click.option("--dir", "parent", type=click.Path(file_okay=False), default=".",
              show_default=True, help="Where to create the package folder.")
def plugin_new(name: str, parent: str) -> None:
    """Write a new plugin package sinergi-NAME: page, API, table and migration, event handler,
    translations and tests that pass at once."""
    from pathlib import Path

    from core.scaffold.generator import ScaffoldError, generate

    try:
        target = generate(name, Path(parent))
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {target}")
    click.echo("Next:")
    click.echo(f"  pip install -e {target}      # into this virtual environment")
    click.echo("  sinergi db upgrade && sinergi plugins")
    click.echo(f"  cd {target} && pytest")


@main.command("plugins")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def plugins_list(ctx: AppContext, as_json: bool) -> None:
    """Installed plugins: version, state (and error), hooks, event types, handlers."""
    import json

    from core.migrate import pending_by_branch

    host = ctx.app.extensions["sinergi.plugins"]
    rows = host.describe()
    try:
        with ctx.app.app_context():
            waiting = pending_by_branch(ctx.app)
    except Exception:  # noqa: BLE001 - no database yet: show plugins anyway
        waiting = {}
    for row in rows:
        row["pending_migrations"] = waiting.get(row["name"], [])
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{row['name']} {row['version']}  [{row['state']}]  ({row['module']})")
        if row["error"]:
            click.echo(f"    error in {row['failed_in']}: {row['error']}")
        for label in ("hooks", "event_types", "handlers", "unresolved_events",
                      "pending_migrations"):
            if row[label]:
                click.echo(f"    {label.replace('_', ' ')}: {', '.join(row[label])}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
