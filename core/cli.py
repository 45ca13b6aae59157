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


@click.group()
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
    from core.migrate import pending, upgrade

    with ctx.app.app_context():
        todo = pending(ctx.app)
        upgrade(ctx.app)
    click.echo(f"Database is up to date ({len(todo)} migration(s) applied).")


@db.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--empty", is_flag=True, help="Write an empty revision (no autogenerate).")
@pass_ctx
def db_revision(ctx: AppContext, message: str, empty: bool) -> None:
    """Create a migration on the core branch from the models' changes."""
    from core.migrate import revision

    with ctx.app.app_context():
        revision(ctx.app, message, autogenerate=not empty)


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
        raise click.ClickException(_domain_message(exc)) from exc
    click.echo(f"Created user {email} (id {user_id}).")


def _domain_message(exc) -> str:
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
        raise click.ClickException(_domain_message(exc)) from exc
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
                logins = demo_data.load_demo(session, progress=bar.update)
    _print_logins(logins)


def _print_logins(logins) -> None:
    click.echo("\nDemo logins (all demo data is marked '(demo)' / '[Demo]'):")
    for login in logins:
        click.echo(f"  {login.role:<15} {login.email:<34} {login.password}   {login.note}")


@main.command("run")
@click.option("--host", default=None, help="Default: 127.0.0.1 (config key 'host').")
@click.option("--port", default=None, type=int, help="Default: 5000 (config key 'port').")
@pass_ctx
def run(ctx: AppContext, host: str | None, port: int | None) -> None:
    """Serve the platform on the embedded default."""
    from werkzeug.serving import run_simple

    app = ctx.app
    host = host or app.config["HOST"]
    port = port or int(app.config["PORT"])
    click.echo(f"Sinergi is running at http://{host}:{port}  (Ctrl+C to stop)")
    from core import demo as demo_data

    with app.app_context(), _db(ctx).begin() as session:
        if demo_data.is_loaded(session):
            _print_logins(demo_data.demo_logins())
    run_simple(host, port, app, threaded=True, use_reloader=False)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
