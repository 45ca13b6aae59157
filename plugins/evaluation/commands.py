"""``sinergi evaluation …`` commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask_babel import force_locale
from tqdm import tqdm

from core.plugin import DomainError, Principal

#: The application that loaded the plugin (set by the ``startup`` hook).
APP: dict[str, Any] = {}


def register(cli: click.Group) -> None:
    @cli.group("evaluation")
    def evaluation() -> None:
        """Smart city evaluation (cycles, surveys, external indicators)."""

    @evaluation.command("import-indicators")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--dry-run", is_flag=True, help="Only validate; change nothing.")
    def import_indicators(path: str, dry_run: bool) -> None:
        """Import external indicators (IPM, poverty rate, …) from a CSV file with the header
        region_code,year,indicator,value[,source]; prints a validation report."""
        from plugins.evaluation import external

        app = APP.get("app")
        if app is None:
            raise click.ClickException("the application could not start")
        data = Path(path).read_bytes()
        system = Principal(user_id=0, email="cli", name="Command line", is_admin=True)
        # operators read the command line in English, like the rest of ``sinergi``
        with app.app_context(), force_locale("en"):
            try:
                rows = len(external.read_rows(data))
                with app.extensions["sinergi.db"].begin() as session, tqdm(
                    total=rows, desc="indicators", unit="row", disable=None
                ) as bar:
                    report = external.import_indicators(session, system, data,
                                                        dry_run=dry_run, progress=bar.update)
            except DomainError as error:
                details = [str(m) for values in error.errors.values()
                           for m in (values if isinstance(values, list) else [values])]
                raise click.ClickException("; ".join(details) or str(error.message)) from None
            summary = report.as_dict()
        click.echo(f"{report.rows} rows: {report.imported} valid ({report.created} new, "
                   f"{report.updated} updated), {len(report.errors)} rejected"
                   + (" — dry run, nothing saved" if dry_run else ""))
        for error in summary["errors"][:50]:
            click.echo(f"  line {error['line']}: {'; '.join(error['messages'])}")
        if len(report.errors) > 50:
            click.echo(f"  … and {len(report.errors) - 50} more")
        if report.errors:
            raise SystemExit(1 if not report.imported else 0)
