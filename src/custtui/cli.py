"""Command line: `custtui` opens the app; subcommands for demo data, migrations and users.

Errors end as one message on stderr and a non-zero exit code, never a traceback:
1 refused (validation, role), 2 database unusable, 3 unknown user.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from custtui import __version__
from custtui.i18n import LANGUAGES, _, language_from_environment, set_language

EXIT_REFUSED = 1
EXIT_DATABASE = 2
EXIT_UNKNOWN_USER = 3


class CliError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def _build_parser() -> argparse.ArgumentParser:
    # Options shared by every subcommand, so `custtui demo --db URL` and
    # `custtui --db URL demo` both work.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help=_("database URL (default: $CUSTTUI_DATABASE_URL, else a SQLite file in your data folder)"),
    )
    common.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help=_("user interface language (default: your user setting, else $LANG)"),
    )

    parser = argparse.ArgumentParser(
        prog="custtui",
        description=_("Customer management for heating, cooling and ventilation companies."),
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"custtui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("run", parents=[common], help=_("open the app (the default)"))

    demo = commands.add_parser(
        "demo", parents=[common], help=_("fill the database with demo customers"),
        description=_("Fill an empty database with realistic demo customers, sites, installations and missions."),
    )
    demo.add_argument("--customers", type=_positive_int, default=2000, metavar="N", help=_("how many customers (default 2000)"))
    demo.add_argument("--seed", type=int, default=1, metavar="S", help=_("random seed; the same seed gives the same data (default 1)"))
    demo.add_argument("--truth", metavar="FILE", help=_("write which customers are duplicates of which, as JSON"))
    demo.add_argument("--open", action="store_true", help=_("open the app afterwards"))

    migrate = commands.add_parser(
        "migrate", parents=[common], help=_("bring the database schema up to date"),
        description=_("Apply the database migrations (this also happens when the app starts)."),
    )
    migrate.add_argument("--revision", default="head", help=_("target revision (default: head)"))

    users = commands.add_parser("users", parents=[common], help=_("list, add and remove users (admins)"))
    user_commands = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    user_commands.add_parser("list", parents=[common], help=_("list users and their roles"))
    add = user_commands.add_parser("add", parents=[common], help=_("add a user"))
    add.add_argument("login", help=_("the user's OS / SSH login"))
    add.add_argument("--role", choices=("technician", "office", "admin"), default="technician")
    add.add_argument("--name", default="", help=_("display name"))
    add.add_argument("--language", choices=LANGUAGES, default=None, help=_("preferred language"))
    remove = user_commands.add_parser("remove", parents=[common], help=_("remove a user"))
    remove.add_argument("login")
    return parser


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(_("must be at least 1"))
    return number


def _open_database(args: argparse.Namespace) -> Any:
    """Engine on the chosen database, reachable and migrated; CliError otherwise."""
    from custtui.config import load_settings
    from custtui.db import make_engine, migrate

    settings = load_settings(getattr(args, "db", None))
    shown = shown_url(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        if getattr(args, "command", None) != "migrate":
            migrate(engine)
    except Exception as error:
        engine.dispose()
        raise CliError(_database_message(shown, error), EXIT_DATABASE) from error
    return engine


def shown_url(url: str) -> str:
    """The URL as shown to the user: as typed, but never with its password."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - not a URL: show it as typed
        return url
    return parsed.render_as_string(hide_password=True) if parsed.password else url


def _database_message(shown_url: str, error: Exception) -> str:
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    lowered = reason.lower()
    if "readonly" in lowered or "read-only" in lowered:
        return _("The database {url} is read-only: custtui needs to write to it.").format(url=shown_url)
    if "unable to open database file" in lowered:
        return _("Cannot open the database file {url}: check the folder exists and is writable.").format(url=shown_url)
    return _("Cannot use the database {url}: {reason}").format(url=shown_url, reason=reason)


def _user_session(engine: Any) -> tuple[Any, Any]:
    """A session and the current OS user, resolved (first user becomes admin)."""
    from sqlmodel import Session

    from custtui.services.auth import current_user

    session = Session(engine, expire_on_commit=False)
    user = current_user(session)
    session.commit()
    return session, user


def _apply_language(args: argparse.Namespace, user: Any = None) -> None:
    set_language(getattr(args, "lang", None) or (user.language if user else None) or language_from_environment())


def _cmd_run(args: argparse.Namespace) -> int:
    engine = _open_database(args)
    session, user = _user_session(engine)
    session.close()
    _apply_language(args, user)
    from custtui.tui.app import CusttuiApp  # after the language is chosen: bindings translate at import

    CusttuiApp(engine=engine, user=user).run()
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    import json

    from custtui.services.auth import Permission, require
    from custtui.services.customers import count_customers
    from custtui.services.demo import generate_demo

    engine = _open_database(args)
    session, user = _user_session(engine)
    with session:
        require(user, Permission.IMPORT)
        existing = count_customers(session)
    if existing:
        print(
            _("The database already has {n} customers; no demo data added.").format(n=existing),
            file=sys.stderr,
        )
    else:
        result = generate_demo(engine, customers=args.customers, seed=args.seed)
        print(
            _(
                "Added {customers} customers, {locations} locations, {installations} installations, "
                "{missions} missions and {duplicates} deliberate duplicates in {seconds:.1f} s."
            ).format(
                customers=result.customers,
                locations=result.locations,
                installations=result.installations,
                missions=result.missions,
                duplicates=len(result.duplicates),
                seconds=result.seconds,
            )
        )
        if args.truth:
            with open(args.truth, "w", encoding="utf-8") as handle:
                json.dump({"duplicates": {str(k): v for k, v in result.duplicates.items()}}, handle, indent=1)
    if args.open:
        return _cmd_run(args)
    return 0


def _cmd_migrate(args: argparse.Namespace) -> int:
    from custtui.db import current_revision, migrate

    from custtui.config import load_settings

    engine = _open_database(args)
    try:
        migrate(engine, args.revision)
    except Exception as error:
        shown = shown_url(load_settings(getattr(args, "db", None)).database_url)
        raise CliError(_database_message(shown, error), EXIT_DATABASE) from error
    print(_("Database schema at revision {revision}.").format(revision=current_revision(engine)))
    return 0


def _cmd_users(args: argparse.Namespace) -> int:
    from custtui.models import ROLE_NAMES, Role
    from custtui.services import auth

    engine = _open_database(args)
    session, user = _user_session(engine)
    with session:
        if args.users_command == "list":
            auth.require(user, auth.Permission.MANAGE_USERS)
            for row in auth.list_users(session):
                print(f"{row.login:<20} {_(ROLE_NAMES[Role(row.role)]):<12} {row.language or '-':<3} {row.display_name}")
        elif args.users_command == "add":
            added = auth.add_user(session, user, args.login, args.role, args.name, args.language)
            session.commit()
            print(_("Added {login} as {role}.").format(login=added.login, role=_(ROLE_NAMES[Role(added.role)])))
        elif args.users_command == "remove":
            auth.remove_user(session, user, args.login)
            session.commit()
            print(_("Removed {login}.").format(login=args.login))
    return 0


_COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: _cmd_run,
    "run": _cmd_run,
    "demo": _cmd_demo,
    "migrate": _cmd_migrate,
    "users": _cmd_users,
}


def main(argv: Sequence[str] | None = None) -> int:
    # Help texts are translated too: pick the environment's language first.
    set_language(language_from_environment())
    args = _build_parser().parse_args(argv)
    _apply_language(args)
    try:
        return _COMMANDS[args.command](args)
    except CliError as error:
        print(_("custtui: {message}").format(message=error), file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
        return _report(error, args)


def _report(error: Exception, args: argparse.Namespace) -> int:
    from custtui.config import load_settings
    from sqlalchemy.exc import SQLAlchemyError

    from custtui.db import DatabaseError
    from custtui.services.errors import DomainError, UnknownUser

    if isinstance(error, UnknownUser):
        code = EXIT_UNKNOWN_USER
        message = error.message
    elif isinstance(error, DomainError):
        code = EXIT_REFUSED
        message = error.message
    elif isinstance(error, DatabaseError):
        code = EXIT_DATABASE
        message = str(error)
    elif isinstance(error, SQLAlchemyError | OSError):
        code = EXIT_DATABASE
        message = _database_message(shown_url(load_settings(getattr(args, "db", None)).database_url), error)
    else:
        raise error
    print(_("custtui: {message}").format(message=message), file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
