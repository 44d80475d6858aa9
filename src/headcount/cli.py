"""The `headcount` command: serve, db, seed."""

from __future__ import annotations

import asyncio
import sys
import uuid
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn
from uvicorn.config import STARTUP_FAILURE

from headcount import cache_cli, listeners
from headcount.client import client_app
from headcount.http.guard import protocol_for
from headcount.realtime.transport import FanoutProtocol
from headcount.settings import Settings, SettingsError, load_settings
from headcount.store import migrate

app = typer.Typer(
    help="Headcount: a live attendance server.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database migrations (Alembic underneath).", no_args_is_help=True)
cache_app = typer.Typer(help="Look inside the attendance cache (Redis).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(client_app, name="client")
admin_app = typer.Typer(help="Administrators of schools and districts.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")
app.add_typer(admin_app, name="admin")
roster_app = typer.Typer(help="Rosters from a student information system.", no_args_is_help=True)
app.add_typer(roster_app, name="roster")

APP = "headcount.app:create_app"
WS_MAX_BYTES = 64 * 1024


def server_options(settings: Settings) -> dict[str, Any]:
    """How uvicorn serves Headcount, for `serve` and for the bench's in-process server."""
    return {
        "factory": True,
        "http": protocol_for(settings),
        "ws": FanoutProtocol,
        "ws_max_size": WS_MAX_BYTES,
        "ws_ping_interval": settings.ws_ping_interval,
        "ws_ping_timeout": settings.ws_ping_interval,
        "ws_per_message_deflate": False,
        "log_config": None,
        "access_log": False,
        "timeout_graceful_shutdown": 8,
    }


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        for line in exc.lines:
            typer.echo(line, err=True)
        raise typer.Exit(2) from None


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Default: HOST or 127.0.0.1.")] = None,
    port: Annotated[int | None, typer.Option(help="Default: PORT or 3000.")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Processes (PostgreSQL only).")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
    migrate_first: Annotated[
        bool, typer.Option("--migrate/--no-migrate", help="Apply pending migrations first.")
    ] = True,
) -> None:
    """Serve HTTP and WebSocket on one port."""
    settings = _settings()
    if workers > 1 and settings.is_sqlite:
        typer.echo(
            "--workers > 1 needs PostgreSQL: SQLite allows one writer process. "
            "Set DATABASE_URL=postgresql://… or use --workers 1.",
            err=True,
        )
        raise typer.Exit(2)
    if migrate_first:
        migrate.upgrade(settings.database_url)
    host, port = host or settings.host, settings.port if port is None else port
    # One process listens on several sockets (listeners.py); workers share uvicorn's one.
    if workers > 1 or reload:
        options = server_options(settings)
        uvicorn.run(APP, host=host, port=port, workers=workers, reload=reload, **options)
        return
    try:
        sockets = listeners.bind(host, port)
    except OSError as exc:
        typer.echo(f"Cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        raise typer.Exit(1) from None
    server = uvicorn.Server(uvicorn.Config(APP, host=host, port=port, **server_options(settings)))
    server.run(sockets=sockets)
    if not server.started:
        raise typer.Exit(STARTUP_FAILURE)


@db_app.command()
def upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION."""
    migrate.upgrade(_settings().database_url, revision)


@db_app.command()
def downgrade(revision: Annotated[str, typer.Argument()] = "-1") -> None:
    """Revert migrations down to REVISION."""
    migrate.downgrade(_settings().database_url, revision)


@db_app.command()
def current() -> None:
    """Print the database's revision."""
    migrate.current(_settings().database_url)


@db_app.command()
def revision(
    message: Annotated[str, typer.Option("-m", "--message")],
    autogenerate: bool = True,
) -> None:
    """Write a new migration from the difference between the tables and the database."""
    migrate.revision(_settings().database_url, message, autogenerate)


@db_app.command()
def prune(
    days: Annotated[
        int | None,
        typer.Option(
            min=0, help="Keep this many days of audit events. Default: AUDIT_RETENTION_DAYS."
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Count what would go; delete nothing.")] = False,
) -> None:
    """Delete audit events older than the retention period; marks are never touched."""
    from headcount.retention_cli import prune_events

    settings = _settings()
    migrate.upgrade(settings.database_url)
    kept = settings.audit_retention_days if days is None else days
    typer.echo(asyncio.run(prune_events(settings, kept, dry_run)))


@db_app.command()
def retally() -> None:
    """Count the reports' monthly tallies afresh from the marks: after marks or roll calls
    were written or changed outside Headcount."""
    from headcount.tally_cli import retally_all

    settings = _settings()
    migrate.upgrade(settings.database_url)
    typer.echo(asyncio.run(retally_all(settings)))


@app.command()
def seed(
    students: Annotated[int, typer.Option(min=0, max=10_000)] = 5,
    password: str = "password123",
) -> None:
    """Create a demo teacher, a class and N enrolled students, and print their logins."""
    from headcount.seed import seed_demo

    settings = _settings()
    migrate.upgrade(settings.database_url)
    for line in asyncio.run(seed_demo(settings, students, password)):
        typer.echo(line)


@admin_app.command("create")
def admin_create(
    email: Annotated[str, typer.Option(help="The administrator's e-mail, to log in with.")],
    name: Annotated[str, typer.Option(help="Their name, as others see it.")],
    school: Annotated[
        str | None,
        typer.Option(help="The school or district they manage: its id or sourcedId."),
    ] = None,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Create an administrator (never possible through sign-up)."""
    from headcount.admin_cli import CommandError, create_admin

    settings = _settings()
    migrate.upgrade(settings.database_url)
    try:
        typer.echo(asyncio.run(create_admin(settings, name, email, password, school)))
    except CommandError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None


SchoolOption = Annotated[
    str | None,
    typer.Option(help="Only into this school or district (and its schools): id or sourcedId."),
]


@roster_app.command("import")
def roster_import(
    file: Annotated[Path, typer.Argument(help="A OneRoster 1.1 CSV zip.")],
    dry_run: Annotated[bool, typer.Option(help="Check and count; write nothing.")] = False,
    school: SchoolOption = None,
) -> None:
    """Import a roster (docs/roster-import.md) and print what changed."""
    from headcount.admin_cli import CommandError
    from headcount.roster_cli import import_file, read_file

    settings = _settings()
    migrate.upgrade(settings.database_url)
    try:
        lines = asyncio.run(import_file(settings, read_file(file), school, dry_run))
    except CommandError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    for line in lines:
        typer.echo(line)


@roster_app.command("codes")
def roster_codes(school: SchoolOption = None) -> None:
    """Print a new setup code for every imported account without a password, as CSV."""
    from headcount.admin_cli import CommandError
    from headcount.roster_cli import setup_codes

    settings = _settings()
    migrate.upgrade(settings.database_url)
    try:
        typer.echo(asyncio.run(setup_codes(settings, school)), nl=False)
    except CommandError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None


@cache_app.command("get")
def cache_get(key: str) -> None:
    """Print one cache entry with its remaining TTL."""
    cache_cli.get(_settings(), key)


@cache_app.command("keys")
def cache_keys(class_id: uuid.UUID) -> None:
    """List a class's live cache keys with their TTLs."""
    cache_cli.keys(_settings(), class_id)


def main() -> None:
    sys.exit(app())
