"""Command line: `custtui` opens the app; subcommands for demo data, migrations and users.

Errors end as one message on stderr and a non-zero exit code, never a traceback:
1 refused (validation, role), 2 database unusable, 3 unknown user.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from custtui.errors import DomainError
from custtui.i18n import (
    LANGUAGES,
    N_,
    _,
    choose_language,
    format_number,
    format_seconds,
    get_language,
    language_name,
    ngettext,
    set_language,
)
from custtui.safetext import json_for_terminal, terminal_safe

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

    from custtui.models import User

T = TypeVar("T", int, float)

EXIT_REFUSED = 1
EXIT_DATABASE = 2
EXIT_UNKNOWN_USER = 3
EXIT_CONFIG = 4  # the config file has faults: each is printed with its line
IMPORT_ROWS_SHOWN = 50  # rows to check printed by an import without --report; the rest are counted
EXIT_INTERRUPTED = 130  # as a shell reports a command ended by Ctrl-C


class CliError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


# argparse's own words ("usage:", "options", its errors), marked so that the
# catalogs carry them; argparse looks them up through the gettext functions
# of its module, which _speak_argparse() points at ours. Its headings get
# their colon from "{heading}:" (_Formatter), its invalid choices and values
# their wording from _Parser, without Python's quote marks.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
)


def _speak_argparse() -> None:
    argparse._ = lambda message: _(message)  # type: ignore[attr-defined]
    argparse.ngettext = lambda singular, plural, n: ngettext(singular, plural, n)  # type: ignore[attr-defined]


class _Formatter(argparse.HelpFormatter):
    """argparse's help with each section heading written by the catalog ("options :" in French)."""

    class _Section(argparse.HelpFormatter._Section):
        def format_help(self) -> str:
            heading = self.heading
            if heading is None or heading is argparse.SUPPRESS:
                return super().format_help()
            self.heading = None  # argparse would write "%s:" itself
            try:
                text = super().format_help()
            finally:
                self.heading = heading
            if not text:
                return text
            indent = " " * self.formatter._current_indent
            # Not inside the f-string: pybabel (on Python 3.11) does not see a call there.
            title = _("{heading}:").format(heading=heading)
            return f"{text[:1]}{indent}{title}\n{text[1:]}"


class _Parser(argparse.ArgumentParser):
    """argparse in the catalog's words: its subcommands' parsers are _Parsers too (add_subparsers)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is not None and value not in action.choices:
            raise argparse.ArgumentError(
                action,
                _("invalid choice: {value} (choose from {choices})").format(
                    value=terminal_safe(str(value)), choices=", ".join(map(str, action.choices))
                ),
            )


class _VersionAction(argparse.Action):
    """--version, reading the version only when asked: custtui.__version__ comes from importlib.metadata."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_args: object) -> None:
        from custtui import __version__

        print(f"custtui {__version__}")
        parser.exit()


def _build_parser() -> argparse.ArgumentParser:
    # Options shared by every subcommand, so `custtui demo --db URL` and
    # `custtui --db URL demo` both work.
    common = _Parser(add_help=False)
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

    parser = _Parser(
        prog="custtui",
        description=_("Customer management for heating, cooling and ventilation companies."),
        parents=[common],
    )
    parser.add_argument("--version", action=_VersionAction, help=_("show program's version number and exit"))
    commands = parser.add_subparsers(dest="command", metavar=_("COMMAND"))

    commands.add_parser("run", parents=[common], help=_("open the app (the default)"))

    config = commands.add_parser(
        "config", parents=[common], help=_("where the config file is, and whether it is right"),
        description=_(
            "The config file (TOML) holds database_url, language, theme, list_columns and a [keymap] of binding "
            "ids and keys. A flag or an environment variable wins over it; a language, theme or columns chosen "
            "in the app win over it too."
        ),
    )  # fmt: skip
    config_commands = config.add_subparsers(dest="config_command", metavar=_("ACTION"), required=True)
    config_commands.add_parser("path", parents=[common], help=_("print where the config file is (it may not exist yet)"))
    config_commands.add_parser("check", parents=[common], help=_("check the config file: each fault with its line"))
    config_commands.add_parser(
        "keys", parents=[common], help=_("list the binding ids a [keymap] may name, with their keys and what they do")
    )

    demo = commands.add_parser(
        "demo", parents=[common], help=_("fill the database with demo customers"),
        description=_("Fill an empty database with realistic demo customers, sites, installations and missions."),
    )
    demo.add_argument("--customers", type=_positive_int, default=2000, metavar="N", help=_("how many customers (default 2000)"))
    demo.add_argument(
        "--seed", type=_whole_number, default=1, metavar="S", help=_("random seed; the same seed gives the same data (default 1)")
    )
    demo.add_argument("--truth", metavar="FILE", help=_("write which customers are duplicates of which, as JSON"))
    demo.add_argument("--open", action="store_true", help=_("open the app afterwards"))
    demo.add_argument(
        "--language", choices=LANGUAGES, default=None,
        help=_("the language of the demo data: labels, building names, notes (default: the interface language)"),
    )  # fmt: skip
    demo.add_argument("--quiet", "-q", action="store_true", help=_("no progress bar"))

    migrate = commands.add_parser(
        "migrate", parents=[common], help=_("bring the database schema up to date"),
        description=_("Apply the database migrations (this also happens when the app starts)."),
    )
    migrate.add_argument("--revision", default="head", help=_("target revision (default: head)"))

    init = commands.add_parser(
        "init", parents=[common], help=_("create a database and name its first admin"),
        description=_(
            "Create the database schema if needed and make LOGIN its first admin. A database gets its first admin "
            "only this way, or when the OS account that created it uses it; never by logging in first."
        ),
    )
    init.add_argument("--admin", required=True, metavar="LOGIN", help=_("the OS / SSH login of the first admin"))
    init.add_argument("--name", default="", help=_("display name"))

    duplicates = commands.add_parser(
        "duplicates", parents=[common], help=_("print the clusters of probable duplicates"),
        description=_("Find probable duplicate customers. Scores are between 0 and 1."),
    )
    duplicates.add_argument(
        "--format", choices=("table", "json", "csv"), default="table",
        help=_("a table to read, or JSON or CSV for other programs (default: table)"),
    )  # fmt: skip
    duplicates.add_argument(
        "--min-score", type=_score, default=None, metavar="S",
        # duplicates.POSSIBLE, written out: importing duplicate detection here would slow every command's start
        help=_("lowest pair score, 0 to 1 (default {default})").format(default=format_number(0.5)),
    )
    duplicates.add_argument(
        "--retrain", action="store_true",
        help=_("estimate the scoring parameters again from the customers before the scan"),
    )
    duplicates.add_argument("--quiet", "-q", action="store_true", help=_("no progress bar"))

    merge_cmd = commands.add_parser(
        "merge", parents=[common], help=_("merge customers into one (office, admin)"),
        description=_("Merge OTHER_ID... into KEEP_ID with the wizard's default choices."),
    )
    merge_cmd.add_argument(
        "keep_id", type=_whole_number, metavar="KEEP_ID", help=_("the customer to keep: its # in the app, such as 37")
    )
    merge_cmd.add_argument(
        "other_ids", type=_whole_number, nargs="+", metavar="OTHER_ID",
        help=_("the customers merged into it, by their # in the app"),
    )  # fmt: skip
    merge_cmd.add_argument("--yes", action="store_true", help=_("apply without asking"))

    commands.add_parser("merges", parents=[common], help=_("list past merges"))
    unmerge = commands.add_parser("unmerge", parents=[common], help=_("undo a merge"))
    unmerge.add_argument(
        "merge_id", type=_whole_number, metavar="MERGE_ID", help=_("the merge to undo, as custtui merges lists it")
    )

    import_cmd = commands.add_parser(
        "import", parents=[common], help=_("import customers from a CSV or XLSX file (office, admin)"),
        description=_(
            "Import customers from a CSV file (UTF-8 or Windows-1252; ',', ';' or tab) or an Excel workbook (.xlsx) "
            "with a header. Headers are recognised in Dutch, French, German and English (Naam, Nom, Klantnummer, "
            "Code postal, PLZ...), other columns are left out; the columns are: name, internal_name, "
            "customer_number, region, language, vat, email, phone, notes, street, number, postal_code, city, "
            "country. Rows are written in batches: a stopped import (Ctrl-C, or the machine going down) goes on "
            "with --resume."
        ),
    )
    import_cmd.add_argument("file", metavar="FILE", help=_("the CSV or XLSX file to import"))
    import_cmd.add_argument(
        "--skip-duplicates", action="store_true", help=_("do not create rows that look like an existing customer")
    )
    import_cmd.add_argument("--report", metavar="REPORT.csv", help=_("write the outcome of each row to this CSV file"))
    import_cmd.add_argument(
        "--map", metavar="COLUMN=HEADER,...",
        help=_("read these columns from these headers of the file, e.g. --map 'customer_number=Klant nr,city=Gemeente'; "
               "COLUMN= leaves a column out"),
    )  # fmt: skip
    import_cmd.add_argument(
        "--dry-run", action="store_true", help=_("check every row and write the report, without changing the database")
    )
    import_cmd.add_argument(
        "--resume", nargs="?", type=_whole_number, const=0, default=None, metavar="IMPORT_ID",
        help=_("go on with a stopped import of this file (the last one, or IMPORT_ID), creating nothing twice"),
    )  # fmt: skip
    import_cmd.add_argument(
        "--again", action="store_true",
        help=_("import the whole file again, although an earlier import of it stopped before the end"),
    )
    import_cmd.add_argument("--quiet", "-q", action="store_true", help=_("no progress bar"))

    sheet = commands.add_parser(
        "sheet", parents=[common],
        help=_("write a printable customer sheet (HTML): sites, installations, contacts, last missions"),
        description=_(
            "One HTML page for A4, in the customer's document language (else yours): a browser prints it or saves it as PDF."
        ),
    )  # fmt: skip
    sheet.add_argument("customer_id", type=_positive_int, metavar="ID", help=_("the customer's number in custtui (its id)"))
    sheet.add_argument(
        "--output", "-o", metavar="FILE", help=_("where to write (default: custtui-sheet-ID.html here; - for standard output)")
    )
    sheet.add_argument(
        "--language", choices=LANGUAGES, help=_("the sheet's language (default: the customer's document language)")
    )

    export_cmd = commands.add_parser("export", parents=[common], help=_("export all customers with labels and counts"))
    export_cmd.add_argument("--format", choices=("csv", "xlsx"), default="csv", help=_("the file format (default: csv)"))
    export_cmd.add_argument("--output", metavar="FILE", help=_("where to write (default: standard output, CSV only)"))
    export_cmd.add_argument("--quiet", "-q", action="store_true", help=_("no progress bar"))
    from custtui.i18n import format_locale  # cheap; services.transfer (the rule itself) is imported by the command

    excel = export_cmd.add_mutually_exclusive_group()
    excel.add_argument(
        "--excel", dest="excel", action="store_const", const=True, default=None,
        help=_(
            "CSV for Excel: UTF-8 with a BOM and ';' between fields. The default when your locale is Belgian "
            "or Dutch (nl_BE, fr_BE, de_BE, nl_NL); yours is {locale}."
        ).format(locale=format_locale()),
    )  # fmt: skip
    excel.add_argument(
        "--no-excel", "--plain", dest="excel", action="store_const", const=False,
        help=_("plain CSV (RFC 4180): UTF-8 without a BOM and ',' between fields. The default for other locales."),
    )  # fmt: skip

    web = commands.add_parser(
        "web", parents=[common], help=_("serve the app to web browsers (textual-serve)"),
        description=_(
            "Serve the app to web browsers with textual-serve: each browser tab runs its own custtui on this "
            "database. textual-serve has no login of its own, and the custtui user is the OS login running this "
            "command: everyone who reaches the port works as that user, with that user's role. Keep the default "
            "loopback address and put a reverse proxy in front that asks for a login (HTTPS with basic auth or "
            "single sign-on), and give its address with --public-url: only requests for that host name, "
            "localhost, the --host address and IP addresses are answered."
        ),
    )
    web.add_argument("--host", default="127.0.0.1", help=_("address to listen on (default 127.0.0.1: this machine only)"))
    web.add_argument("--port", type=_port, default=8000, metavar="N", help=_("port to listen on (default 8000)"))
    web.add_argument(
        "--public-url", metavar="URL", type=_public_url,
        help=_(
            "the address browsers use, such as https://custtui.example.com; needed behind a reverse proxy, "
            "since requests for host names other than this one, localhost and the --host address are refused "
            "(IP addresses are fine; default: each request's Host header, and X-Forwarded-Proto for https)"
        ),
    )
    web.add_argument(
        "--max-sessions", type=_positive_int, default=8, metavar="N",
        help=_("how many browser tabs may run custtui at once; each one is a process of about 110 MB (default 8)"),
    )

    backup = commands.add_parser(
        "backup", parents=[common], help=_("copy the SQLite database to a file, also while in use"),
        description=_(
            "Write a consistent copy of the SQLite database to FILE, also while the app is in use, check the copy "
            "(PRAGMA integrity_check) and count its customers. The database is not migrated first. For "
            "PostgreSQL, use pg_dump."
        ),
        epilog=_(
            "Restore: stop every custtui that uses the database, then run custtui restore FILE. Or open a copy of "
            "the backup directly: custtui --db sqlite:///path/to/copy.db. For PostgreSQL: pg_restore --clean "
            "--dbname=URL FILE."
        ),
    )
    backup.add_argument("file", metavar="FILE", help=_("the backup file to write"))
    backup.add_argument("--force", action="store_true", help=_("overwrite FILE if it exists"))

    restore = commands.add_parser(
        "restore", parents=[common], help=_("put a backup back in place of the SQLite database"),
        description=_(
            "Replace the SQLite database with the backup FILE: refused while any custtui has the database open; "
            "the backup is checked first (PRAGMA integrity_check), the old -wal and -shm files are removed, and "
            "the database is replaced in one step."
        ),
    )
    restore.add_argument("file", metavar="FILE", help=_("the backup file made by custtui backup"))

    users = commands.add_parser("users", parents=[common], help=_("list, add and remove users (admins)"))
    user_commands = users.add_subparsers(dest="users_command", metavar=_("ACTION"), required=True)
    user_commands.add_parser("list", parents=[common], help=_("list users and their roles"))
    add = user_commands.add_parser("add", parents=[common], help=_("add a user"))
    add.add_argument("login", help=_("the user's OS / SSH login"))
    add.add_argument(
        "--role", choices=("technician", "office", "admin"), default="technician",
        help=_("role (default: {default})").format(default="technician"),
    )  # fmt: skip
    add.add_argument("--name", default="", help=_("display name"))
    add.add_argument("--language", choices=LANGUAGES, default=None, help=_("preferred language"))
    remove = user_commands.add_parser("remove", parents=[common], help=_("remove a user"))
    remove.add_argument("login", help=_("the user's OS / SSH login"))
    edits = user_commands.add_parser(
        "technician-edits",
        parents=[common],
        help=_("say whether technicians edit every customer, site and installation (all) or only those they created (own)"),
    )
    edits.add_argument("scope", nargs="?", choices=("all", "own"), help=_("leave out to print the present setting"))
    return parser


def _number_from(convert: Callable[[str], T], low: T | None, high: T | None, message: str | None = None) -> Callable[[str], T]:
    """An argparse type: `convert` the value, refused with `message` outside low..high."""
    not_a_number = N_("must be a whole number") if convert is int else N_("must be a number")

    def parse(value: str) -> T:
        try:
            number = convert(value)
        except ValueError:
            raise argparse.ArgumentTypeError(_(not_a_number)) from None
        if message and ((low is not None and number < low) or (high is not None and number > high)):
            raise argparse.ArgumentTypeError(_(message))
        return number

    return parse


_score = _number_from(float, 0.0, 1.0, N_("must be between 0 and 1"))
_positive_int = _number_from(int, 1, None, N_("must be at least 1"))
_port = _number_from(int, 1, 65535, N_("must be a port number from 1 to 65535"))
_whole_number = _number_from(int, None, None)


def _public_url(value: str) -> str:
    from custtui.webserve import check_public_url

    try:
        return check_public_url(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("must be an http:// or https:// address such as https://custtui.example.com")
        ) from None


def _open_database(args: argparse.Namespace) -> Any:
    """Engine on the chosen database, reachable and migrated; CliError otherwise.

    A new database is created with the current OS login as its creator (who
    alone may claim its first admin). Once a database has users, only an
    admin may upgrade its schema, here as with `custtui migrate`.
    """
    from custtui.config import ensure_default_folder, load_settings, readable_by_others
    from custtui.db import database_problem, make_engine, schema_is_current, sqlite_file
    from custtui.services.backup import WalMismatch, check_wal_belongs

    settings = load_settings(getattr(args, "db", None))
    ensure_default_folder(settings.database_url)
    engine = make_engine(settings.database_url)
    sqlite_path = sqlite_file(engine.url)
    try:
        if sqlite_path is not None and sqlite_path.exists():
            try:
                check_wal_belongs(sqlite_path)  # before anything writes
            except WalMismatch as mismatch:
                raise CliError(mismatch.message, EXIT_DATABASE) from mismatch
        # At the head revision (every start but the first after an upgrade): one SELECT, and Alembic stays unloaded.
        if getattr(args, "command", None) != "migrate" and not schema_is_current(engine):
            _bring_schema_up_to_date(engine)
    except (CliError, DomainError):
        engine.dispose()
        raise
    except Exception as error:
        engine.dispose()
        raise database_problem(error, url=settings.database_url) from error
    exposed = readable_by_others(sqlite_path) if sqlite_path is not None else []
    if exposed:
        files = " ".join(terminal_safe(path) for path in exposed)
        print(
            ngettext(
                "custtui: warning: every user of this machine can read {files}; make it private with: "
                "chmod o-rwx {files}",
                "custtui: warning: every user of this machine can read {files}; make them private with: "
                "chmod o-rwx {files}",
                len(exposed),
            ).format(files=files),
            file=sys.stderr,
        )
    return engine


def _bring_schema_up_to_date(engine: Engine) -> None:
    """Migrate to the head revision; once the database has users, only as an admin (as `custtui migrate`)."""
    from sqlmodel import Session

    from custtui.db import current_revision, head_revision, migrate
    from custtui.services.auth import check_may_change_schema, os_login

    if current_revision(engine) != head_revision():
        with Session(engine) as session:
            check_may_change_schema(session, os_login())
    _say_repaired(migrate(engine, creator=os_login()))


class _StderrHandler(logging.Handler):
    """Log records as lines on stderr (whatever sys.stderr is when they come)."""

    def emit(self, record: logging.LogRecord) -> None:
        print(self.format(record), file=sys.stderr)


def _print_migration_warnings() -> None:
    """Migrations warn through alembic's logger (a stored value 0008 kept as typed): print them, as alembic's
    own NullHandler would swallow them."""
    logger = logging.getLogger("alembic.runtime.migration")
    if not any(isinstance(handler, _StderrHandler) for handler in logger.handlers):
        logger.addHandler(_StderrHandler(logging.WARNING))


def _say_repaired(repaired: list[str]) -> None:
    if repaired:
        print(
            _(
                "custtui: an earlier upgrade had been interrupted; its empty leftovers were removed and the "
                "upgrade was done again: {names}"
            ).format(names=terminal_safe(", ".join(repaired))),
            file=sys.stderr,
        )


@dataclass
class _SignedIn:
    """A command's database, opened and migrated, and the OS user signed in to it."""

    engine: Engine
    user: User
    session: Session


@contextmanager
def _signed_in(args: argparse.Namespace) -> Iterator[_SignedIn]:
    """What every command on a database starts with; the engine is closed at the end.

    A unit of work with retries resolves the user: first logins racing on a
    new database queue on its first-admin claim.
    """
    from sqlmodel import Session

    from custtui.db import run_unit
    from custtui.services.auth import current_user

    engine = _open_database(args)
    try:
        user = run_unit(engine, current_user)
        with Session(engine, expire_on_commit=False) as session:
            yield _SignedIn(engine, user, session)
    finally:
        engine.dispose()


def _apply_language(args: argparse.Namespace, user: Any = None) -> None:
    from custtui.config import file_config

    # The user's own choice (f2 in the app) first, then the config file's language.
    saved = (user.language if user else None) or file_config().language
    set_language(choose_language(getattr(args, "lang", None), saved))


def _cmd_run(args: argparse.Namespace) -> int:
    with _signed_in(args) as signed_in:
        _apply_language(args, signed_in.user)
        from custtui.config import config_path, file_config
        from custtui.tui.app import CusttuiApp  # after the language is chosen: bindings translate at import

        CusttuiApp(engine=signed_in.engine, user=signed_in.user, config=file_config(), config_file=config_path()).run()
    global _app_ran
    _app_ran = True
    return 0


_app_ran = False  # set once the app has run and closed: see command()


def command() -> None:
    """The `custtui` command: main(), and after the app, out at once.

    Once the app has closed, the terminal is restored, everything written
    and the database closed; what is left is the interpreter freeing the
    indexes object by object (0.2-0.6 s at 100,000 customers). Quit is to be
    immediate, so the process ends there (after the app only: other commands
    end as Python ends them).
    """
    code = main()
    if _app_ran:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _cmd_demo(args: argparse.Namespace) -> int:
    import json

    from custtui.demo import generate_demo
    from custtui.progress import count_customers as counted_customers
    from custtui.progress import progress_bar
    from custtui.services.auth import Permission, require
    from custtui.services.customers import count_customers

    with _signed_in(args) as signed_in:
        _apply_language(args, signed_in.user)
        require(signed_in.user, Permission.IMPORT)
        existing = count_customers(signed_in.session)
        if not existing:
            # The data's words (labels, buildings, notes) in --language, else in the interface's.
            language = args.language or get_language()
            with progress_bar(_("Adding demo customers"), counted_customers, quiet=args.quiet) as advance:
                result = generate_demo(
                    signed_in.engine, customers=args.customers, seed=args.seed, progress=advance, language=language
                )
    if existing:
        print(
            ngettext(
                "The database already has {n} customer; no demo data added.",
                "The database already has {n} customers; no demo data added.",
                existing,
            ).format(n=format_number(existing)),
            file=sys.stderr,
        )
    else:
        print(_demo_summary(result))
        if args.truth:
            with open(args.truth, "w", encoding="utf-8") as handle:
                json.dump({"duplicates": {str(k): v for k, v in result.duplicates.items()}}, handle, indent=1)
    if args.open:
        return _cmd_run(args)
    return 0


def _counted(message: str, n: int) -> str:
    """An ngettext(...) entry chosen for `n`, with `n` put in the user's locale ("1.234 klanten")."""
    return message.format(n=format_number(n))


def _demo_summary(result: Any) -> str:
    customers, locations, installations = result.customers, result.locations, result.installations
    missions, duplicates = result.missions, len(result.duplicates)
    return _("Added {customers}, {locations}, {installations}, {missions} and {duplicates} in {seconds} s.").format(
        customers=_counted(ngettext("{n} customer", "{n} customers", customers), customers),
        locations=_counted(ngettext("{n} location", "{n} locations", locations), locations),
        installations=_counted(ngettext("{n} installation", "{n} installations", installations), installations),
        missions=_counted(ngettext("{n} mission", "{n} missions", missions), missions),
        duplicates=_counted(ngettext("{n} deliberate duplicate", "{n} deliberate duplicates", duplicates), duplicates),
        seconds=format_seconds(result.seconds),
    )


def _cmd_migrate(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from custtui.config import load_settings
    from custtui.db import current_revision, database_problem, migrate
    from custtui.services.auth import check_may_change_schema, os_login

    engine = _open_database(args)
    try:
        with Session(engine) as session:
            check_may_change_schema(session, os_login())
        _say_repaired(migrate(engine, args.revision, creator=os_login()))
        print(_("Database schema at revision {revision}.").format(revision=current_revision(engine)))
    except DomainError:
        raise
    except Exception as error:
        raise database_problem(error, url=load_settings(getattr(args, "db", None)).database_url) from error
    finally:
        engine.dispose()
    return 0


def _cmd_init(args: argparse.Namespace) -> int:
    from custtui.db import run_unit
    from custtui.services.auth import init_admin, os_login

    engine = _open_database(args)
    try:
        admin = run_unit(engine, lambda session: init_admin(session, args.admin, os_login(), args.name))
    finally:
        engine.dispose()
    print(_("Database ready; {login} is its first admin.").format(login=terminal_safe(admin.login)))
    return 0


def _cmd_users(args: argparse.Namespace) -> int:
    from custtui.models import ROLE_NAMES, Role
    from custtui.services import auth

    with _signed_in(args) as signed_in:
        session, user = signed_in.session, signed_in.user
        if args.users_command == "list":
            auth.require(user, auth.Permission.MANAGE_USERS)
            for row in auth.list_users(session):
                print(
                    f"{terminal_safe(row.login):<20} {_(ROLE_NAMES[Role(row.role)]):<12} {row.language or '-':<3} "
                    f"{terminal_safe(row.display_name)}"
                )
        elif args.users_command == "add":
            added = auth.add_user(session, user, args.login, args.role, args.name, args.language)
            session.commit()
            print(_("Added {login} as {role}.").format(login=terminal_safe(added.login), role=_(ROLE_NAMES[Role(added.role)])))
        elif args.users_command == "remove":
            auth.remove_user(session, user, args.login)
            session.commit()
            print(_("Removed {login}.").format(login=terminal_safe(args.login)))
        elif args.users_command == "technician-edits":
            from custtui.services import permissions

            auth.require(user, auth.Permission.MANAGE_USERS)
            if args.scope is not None:
                permissions.set_technician_edits(session, user, args.scope)
                session.commit()
            scope = permissions.technician_edits(session)
            print(_(permissions.TECHNICIAN_EDITS_NAMES[scope]))
    return 0


def _cmd_duplicates(args: argparse.Namespace) -> int:
    import csv

    from custtui.progress import count_steps, progress_bar
    from custtui.services import customers
    from custtui.services.auth import Permission, require
    from custtui.services.duplicates import POSSIBLE, SCAN_STAGES, find_duplicates
    from custtui.services.merge import dismissed_pairs

    with _signed_in(args) as signed_in:
        session, user = signed_in.session, signed_in.user
        require(user, Permission.VIEW)
        min_score = POSSIBLE if args.min_score is None else args.min_score
        stages = {stage: _(label) for stage, label in SCAN_STAGES.items()}
        with progress_bar(_("Looking for duplicates"), count_steps, quiet=args.quiet) as advance:

            def progress(stage: str, done: int, total: int) -> None:
                described = _("Looking for duplicates: {stage}").format(stage=stages.get(stage, stage))
                advance(done, total, described)

            clusters = find_duplicates(
                session, min_score=min_score, dismissed=dismissed_pairs(session), retrain=args.retrain, progress=progress
            )
        session.commit()  # parameters estimated on the way are kept
        ids = sorted({cid for cluster in clusters for cid in cluster.customer_ids})
        rows = customers.customer_rows(session, ids)
    if args.format == "json":
        payload = {
            "clusters": [
                {
                    "confidence": cluster.confidence,
                    "score": round(cluster.score, 4),
                    "customers": [
                        {"id": cid, "name": rows[cid].name, "customer_number": rows[cid].customer_number}
                        for cid in cluster.customer_ids
                    ],
                    "pairs": [
                        {
                            "a": pair.a, "b": pair.b, "score": round(pair.score, 4),
                            "reasons": [r.text for r in pair.reasons],
                            "evidence": [
                                {"code": r.code, "value": r.value, "weight": None if r.weight is None else round(r.weight, 2)}
                                for r in pair.reasons
                            ],
                        }
                        for pair in cluster.pairs
                    ],
                }
                for cluster in clusters
            ]
        }
        print(json_for_terminal(payload))
    elif args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["cluster", "confidence", "cluster_score", "id", "name", "customer_number"])
        for number, cluster in enumerate(clusters, 1):
            for cid in cluster.customer_ids:
                writer.writerow(
                    [number, cluster.confidence, f"{cluster.score:.4f}", cid, terminal_safe(rows[cid].name),
                     terminal_safe(rows[cid].customer_number)]
                )
    else:
        heading_shown = False
        for number, cluster in enumerate(clusters, 1):
            if cluster.confidence == "possible" and not heading_shown:
                heading_shown = True
                print(_("Possible duplicates — check:"))
            print(_("Cluster {n}, score {score}").format(n=number, score=format_number(cluster.score, "0.00")))
            for cid in cluster.customer_ids:
                print(f"  #{cid:<8} {terminal_safe(rows[cid].name)}  {terminal_safe(rows[cid].customer_number)}")
            for pair in cluster.pairs:
                reasons = ", ".join(terminal_safe(reason.with_weight) for reason in pair.reasons)
                print(
                    "    "
                    + _("#{a} ~ #{b} {score}: {reasons}").format(
                        a=pair.a, b=pair.b, score=format_number(pair.score, "0.00"), reasons=reasons
                    )
                )
        certain = sum(1 for cluster in clusters if cluster.confidence == "certain")
        possible = len(clusters) - certain
        clusters_found = ngettext("{n} cluster of duplicates.", "{n} clusters of duplicates.", certain)
        print(_counted(clusters_found, certain), file=sys.stderr)
        to_check = ngettext("{n} possible duplicate to check.", "{n} possible duplicates to check.", possible)
        print(_counted(to_check, possible), file=sys.stderr)
    return 0


def _cmd_merge(args: argparse.Namespace) -> int:
    from custtui.services import merge

    with _signed_in(args) as signed_in:
        session, user = signed_in.session, signed_in.user
        plan = merge.plan_merge(session, user, [args.keep_id, *args.other_ids], keep_id=args.keep_id)
        preview = plan.preview()
        moved, missions = preview.installations_moved, preview.missions_moved
        added, mapped = preview.locations_added, preview.locations_mapped
        fields, labels = preview.fields_changed, preview.labels_added
        changes = [
            _counted(ngettext("{n} installation moves", "{n} installations move", moved), moved),
            _counted(ngettext("{n} mission moves", "{n} missions move", missions), missions),
            _counted(ngettext("{n} location added", "{n} locations added", added), added),
            _counted(ngettext("{n} location matched", "{n} locations matched", mapped), mapped),
            _counted(ngettext("{n} field changed", "{n} fields changed", fields), fields),
            _counted(ngettext("{n} label added", "{n} labels added", labels), labels),
        ]
        print(
            _("Keep #{keep} {name}: {changes}.").format(
                keep=plan.keep_id, name=terminal_safe(plan.shown_name(plan.keep_id)), changes=", ".join(changes)
            )
        )
        if not args.yes:
            if not sys.stdin.isatty():
                raise CliError(_("Not applied: add --yes to merge without a question."), EXIT_REFUSED)
            if input(_("Apply this merge? [y/N] ")).strip().lower() not in ("y", "yes", "j", "ja", "o", "oui"):
                print(_("Not applied."))
                return EXIT_REFUSED
        session.rollback()
        merge_id = merge.apply_merge(session, user, plan)
        session.commit()
    print(_("Merged as merge {id}; undo with: custtui unmerge {id}").format(id=merge_id))
    return 0


def _cmd_merges(args: argparse.Namespace) -> int:
    from custtui.i18n import format_datetime
    from custtui.services import merge

    with _signed_in(args) as signed_in:
        for item in merge.list_merges(signed_in.session):
            others = ", ".join(f"#{cid} {terminal_safe(item.shown_name(cid))}" for cid in item.other_ids)
            merged = _("#{keep} {name} <- {others}").format(
                keep=item.keep_id, name=terminal_safe(item.shown_name(item.keep_id)), others=others
            )
            if item.undone:
                merged = _("{merge} (undone)").format(merge=merged)
            print(f"{item.id:>5}  {format_datetime(item.at)}  {terminal_safe(item.user_login):<10} {merged}")
    return 0


def _cmd_unmerge(args: argparse.Namespace) -> int:
    from custtui.services import merge

    with _signed_in(args) as signed_in:
        session, user = signed_in.session, signed_in.user
        merge.undo_merge(session, user, args.merge_id)
        session.commit()
    print(_("Merge {id} undone.").format(id=args.merge_id))
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    import shlex
    import signal
    import threading

    from custtui.progress import count_rows, progress_bar
    from custtui.services import transfer

    mapping = transfer.parse_mapping(args.map) if args.map else None
    stop_asked = threading.Event()

    def ask_to_stop(signum: int, frame: object) -> None:
        if stop_asked.is_set():  # asked twice: at once (the current batch is rolled back)
            raise KeyboardInterrupt
        stop_asked.set()
        print(_("Stopping after the current batch of rows (press Ctrl-C again to stop at once)."), file=sys.stderr)

    report = transfer.ImportReport(most_kept=IMPORT_ROWS_SHOWN)
    with _signed_in(args) as signed_in:
        try:
            resume = _import_to_resume(signed_in.session, args, transfer)
            signed_in.session.rollback()
            previous = {number: signal.signal(number, ask_to_stop) for number in (signal.SIGINT, signal.SIGTERM)}
            try:
                with progress_bar(_("Importing"), count_rows, quiet=args.quiet) as advance:
                    report = transfer.import_customers(
                        signed_in.engine, signed_in.user, args.file, skip_duplicates=args.skip_duplicates,
                        mapping=mapping, dry_run=args.dry_run, resume=resume, progress=advance,
                        stop=stop_asked.is_set, report=report, keep_created=False,
                    )  # fmt: skip
            except KeyboardInterrupt:
                report.stopped = True
            finally:
                for number, handler in previous.items():
                    signal.signal(number, handler)
            if args.report:  # every row's outcome, from the database (the report kept the rows to check)
                transfer.write_report(report, args.report, signed_in.engine)
        except FileNotFoundError as error:
            raise CliError(
                _("No such file: {path}").format(path=terminal_safe(error.filename or args.file)), EXIT_REFUSED
            ) from error
    for note in report.notes:
        print(terminal_safe(note), file=sys.stderr)
    # A report file holds them all; else the first ones (the report kept no more: most_kept).
    shown = [] if args.report else [row for row in report.rows if transfer.needs_checking(row)][:IMPORT_ROWS_SHOWN]
    for row in shown:
        print(f"{row.line:>6}  {transfer.status_name(row.status):<12} {terminal_safe(row.message)}", file=sys.stderr)
    if report.to_check > len(shown):
        more = report.to_check - len(shown)
        if args.report:
            message = ngettext(
                "{n} row to check is in the report {path}.", "{n} rows to check are in the report {path}.", more
            )
        else:
            message = ngettext(
                "{n} more row to check: write every row's outcome with --report FILE.",
                "{n} more rows to check: write every row's outcome with --report FILE.",
                more,
            )
        print(message.format(n=format_number(more), path=terminal_safe(args.report or "")), file=sys.stderr)
    print(report.summary)
    if args.dry_run:
        print(_("Dry run: nothing was written to the database."), file=sys.stderr)
    elif report.stopped and report.import_id is not None:
        file = terminal_safe(shlex.quote(args.file))
        if report.total is None:
            stopped = ngettext(
                "Stopped after {done} row (import {id}); that row is in the database. "
                "Continue with: custtui import {file} --resume {id}",
                "Stopped after {done} rows (import {id}); the rows before are in the database. "
                "Continue with: custtui import {file} --resume {id}",
                report.done,
            )
        else:
            stopped = ngettext(
                "Stopped after {done} of {total} row (import {id}); the rows before are in the database. "
                "Continue with: custtui import {file} --resume {id}",
                "Stopped after {done} of {total} rows (import {id}); the rows before are in the database. "
                "Continue with: custtui import {file} --resume {id}",
                report.total,
            )
        print(
            stopped.format(done=format_number(report.done), total=format_number(report.total), id=report.import_id, file=file),
            file=sys.stderr,
        )
        return EXIT_INTERRUPTED
    return 0 if report.errors == 0 else EXIT_REFUSED


def _import_to_resume(session: Any, args: argparse.Namespace, transfer: Any) -> int | None:
    """The import --resume goes on with; refuses to start over a stopped import of the same file without --again."""
    if args.dry_run or (args.resume is None and args.again):
        return None
    digest = transfer.file_digest(args.file)
    unfinished = transfer.unfinished_imports(session, digest)
    if args.resume:
        return int(args.resume)
    if args.resume == 0:
        if not unfinished:
            raise CliError(_("No stopped import of this file to resume."), EXIT_REFUSED)
        return int(unfinished[0].id)
    if unfinished:
        last = unfinished[0]
        raise CliError(
            ngettext(
                "Import {id} of this file stopped after {n} row. Add --resume to go on with it, "
                "or --again to import the whole file once more.",
                "Import {id} of this file stopped after {n} rows. Add --resume to go on with it, "
                "or --again to import the whole file once more.",
                last.rows_done,
            ).format(id=last.id, n=format_number(last.rows_done)),
            EXIT_REFUSED,
        )
    return None


def _cmd_export(args: argparse.Namespace) -> int:
    from custtui.progress import count_customers, progress_bar
    from custtui.services import transfer

    # --excel / --no-excel, else what the locale of dates and numbers calls for (nl_BE: Excel).
    excel = transfer.excel_is_default() if args.excel is None else args.excel
    with _signed_in(args) as signed_in:
        session, user = signed_in.session, signed_in.user
        if args.output:
            with progress_bar(_("Exporting"), count_customers, quiet=args.quiet) as advance:
                count = transfer.export_customers(session, user, args.output, format=args.format, excel=excel, progress=advance)
            print(
                ngettext("{n} customer written to {path}.", "{n} customers written to {path}.", count).format(
                    n=format_number(count), path=terminal_safe(args.output)
                ),
                file=sys.stderr,
            )
        else:
            if args.format == "xlsx":
                raise CliError(_("An xlsx export needs --output FILE."), EXIT_REFUSED)
            with progress_bar(_("Exporting"), count_customers, quiet=args.quiet) as advance:
                transfer.export_customers(session, user, sys.stdout.buffer, format="csv", excel=excel, progress=advance)
    return 0


def _cmd_sheet(args: argparse.Namespace) -> int:
    from custtui.services import sheet

    with _signed_in(args) as signed_in:
        page, language = sheet.customer_sheet(signed_in.session, args.customer_id, get_language(), language=args.language)
    if args.output == "-":
        sys.stdout.write(page)
        return 0
    from pathlib import Path

    path = Path(args.output or f"custtui-sheet-{args.customer_id}.html")
    path.write_text(page, encoding="utf-8")
    print(
        _("Customer sheet written to {path} ({language}).").format(path=terminal_safe(path), language=language_name(language)),
        file=sys.stderr,
    )
    return 0


def _cmd_web(args: argparse.Namespace) -> int:
    import os
    import shlex

    from custtui import webserve
    from custtui.config import DATABASE_URL_VARIABLE, load_settings

    # Opened, migrated and the user resolved here, so that a bad database or
    # an unknown login fails now with its message, not in every browser tab.
    with _signed_in(args) as signed_in:
        user = signed_in.user
    _apply_language(args, user)

    def cannot_listen(error: OSError) -> CliError:
        return CliError(
            _("Cannot listen on {address}: {reason}").format(
                address=f"{args.host}:{args.port}", reason=error.strerror or error
            ),
            EXIT_REFUSED,
        )

    try:
        webserve.check_can_listen(args.host, args.port)
    except OSError as error:
        raise cannot_listen(error) from error

    # Every browser connection runs this command: this installation's custtui
    # on the same database. The URL goes through the environment, which the
    # apps inherit, not the command line, which `ps` shows to every user.
    os.environ[DATABASE_URL_VARIABLE] = load_settings(getattr(args, "db", None)).database_url
    command = [sys.executable, "-m", "custtui", "run"]
    if getattr(args, "lang", None):
        command += ["--lang", args.lang]
    server = webserve.make_server(
        shlex.join(command), args.host, args.port, public_url=args.public_url, max_sessions=args.max_sessions
    )

    print(
        _("Serving custtui on {url} as the user {login}; ctrl+c stops.").format(
            url=webserve.listen_url(args.host, args.port), login=user.login
        ),
        flush=True,
    )
    if webserve.is_loopback(args.host):
        print(
            _(
                "textual-serve has no login of its own: keep it on this loopback address, behind a reverse proxy "
                "that asks for a login."
            ),
            flush=True,
        )
    else:
        print(
            _(
                "WARNING: {host} is not a loopback address. textual-serve has no login of its own: anyone who can "
                "reach port {port} works in custtui as {login}. Listen on 127.0.0.1 behind a reverse proxy that "
                "asks for a login."
            ).format(host=args.host, port=args.port, login=user.login),
            file=sys.stderr,
            flush=True,
        )
    try:
        server.serve()
    except OSError as error:
        raise cannot_listen(error) from error
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    import sqlite3

    from custtui.config import load_settings
    from custtui.db import database_problem
    from custtui.services.backup import BackupFailed, backup_database

    url = load_settings(getattr(args, "db", None)).database_url
    try:
        result = backup_database(url, args.file, force=args.force)
    except BackupFailed as error:
        raise CliError(error.message, EXIT_DATABASE) from error
    except sqlite3.Error as error:
        raise database_problem(error, url=url) from error
    print(
        ngettext(
            "Backed up {customers} customer to {path} ({megabytes} MB, integrity check ok) in {seconds} s.",
            "Backed up {customers} customers to {path} ({megabytes} MB, integrity check ok) in {seconds} s.",
            result.customers,
        ).format(
            customers=format_number(result.customers),
            path=terminal_safe(result.path),
            megabytes=format_number(result.size / 1_000_000, "0.0"),
            seconds=format_seconds(result.seconds),
        )
    )
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from custtui.config import load_settings
    from custtui.services.backup import BackupFailed, restore_database

    url = load_settings(getattr(args, "db", None)).database_url
    try:
        result = restore_database(url, args.file)
    except BackupFailed as error:
        raise CliError(error.message, EXIT_DATABASE) from error
    print(
        ngettext(
            "Restored {customers} customer from {backup} into {path}.",
            "Restored {customers} customers from {backup} into {path}.",
            result.customers,
        ).format(customers=format_number(result.customers), backup=terminal_safe(args.file), path=terminal_safe(result.path))
    )
    return 0


def _cmd_config(args: argparse.Namespace) -> int:
    from custtui.config import ConfigError, config_path, read_config

    path = config_path()
    if args.config_command == "path":
        print(terminal_safe(path))
        return 0
    from textual.theme import BUILTIN_THEMES

    from custtui.services.customers import LIST_COLUMNS
    from custtui.tui.keymap import binding_ids

    if args.config_command == "keys":
        for binding_id, binding in sorted(binding_ids().items()):
            print(f"{binding_id:<28} {binding.key:<16} {_(binding.description) if binding.description else ''}")
        return 0
    if not path.exists():
        print(_("No config file at {path}: custtui uses its defaults.").format(path=terminal_safe(path)))
        return 0
    try:
        read_config(path, themes=BUILTIN_THEMES, columns=LIST_COLUMNS, binding_ids=binding_ids())
    except ConfigError as error:
        for problem in error.problems:
            print(_("custtui: {message}").format(message=terminal_safe(problem)), file=sys.stderr)
        return EXIT_CONFIG
    print(_("{path}: no faults found.").format(path=terminal_safe(path)))
    return 0


def _read_config_file() -> list[str]:
    """Read the config file once, for the whole process (config.file_config); its faults, if any."""
    from custtui.config import ConfigError, read_config, use_file_config
    from custtui.services.customers import LIST_COLUMNS

    try:
        use_file_config(read_config(columns=LIST_COLUMNS))  # themes and keys: checked in the app, and by `config check`
    except ConfigError as error:
        return error.problems
    return []


_COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: _cmd_run,
    "config": _cmd_config,
    "run": _cmd_run,
    "demo": _cmd_demo,
    "migrate": _cmd_migrate,
    "init": _cmd_init,
    "users": _cmd_users,
    "duplicates": _cmd_duplicates,
    "merge": _cmd_merge,
    "merges": _cmd_merges,
    "unmerge": _cmd_unmerge,
    "import": _cmd_import,
    "export": _cmd_export,
    "sheet": _cmd_sheet,
    "web": _cmd_web,
    "backup": _cmd_backup,
    "restore": _cmd_restore,
}


def main(argv: Sequence[str] | None = None) -> int:
    from custtui.config import PRIVATE_UMASK

    # Customer data is nobody else's business: the database, its -wal and
    # -shm files, backups, exports and reports are made for this account only
    # (0600, folders 0700), whatever umask the shell had.
    os.umask(os.umask(PRIVATE_UMASK) | PRIVATE_UMASK)
    # Help texts are translated too: pick the environment's language first.
    set_language(choose_language())
    _print_migration_warnings()
    _speak_argparse()
    args = _build_parser().parse_args(argv)
    if args.command != "config":
        problems = _read_config_file()
        if problems:
            for problem in problems:
                print(_("custtui: {message}").format(message=terminal_safe(problem)), file=sys.stderr)
            print(_("custtui: correct the config file, or see `custtui config check`."), file=sys.stderr)
            return EXIT_CONFIG
    _apply_language(args)
    try:
        return _COMMANDS[args.command](args)
    except CliError as error:
        _say_error(str(error), args)
        return error.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `custtui config keys | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit's flush
        return 0
    except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
        return _report(error, args)


def _report(error: Exception, args: argparse.Namespace) -> int:
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    from custtui.config import load_settings
    from custtui.db import database_problem
    from custtui.errors import DatabaseProblem, DatabaseUnusable, UnknownUser, user_message

    url = load_settings(getattr(args, "db", None)).database_url
    if isinstance(error, SQLAlchemyError | OSError | sqlite3.Error):
        error = database_problem(error, url=url)
    elif isinstance(error, DatabaseProblem) and not isinstance(error, DatabaseUnusable) and error.__cause__:
        # A unit of work the database failed: on the command line, name the database.
        error = database_problem(error.__cause__, url=url)
    if not isinstance(error, DomainError):
        raise error
    if isinstance(error, UnknownUser):
        code = EXIT_UNKNOWN_USER
    elif isinstance(error, DatabaseProblem):  # not a refusal
        code = EXIT_DATABASE
    else:
        code = EXIT_REFUSED
    _say_error(user_message(error, field_names=True), args)
    return code


def _say_error(message: str, args: argparse.Namespace) -> None:
    """The one error line on stderr: no password of the URL, no control or bidi characters from data."""
    from custtui.config import load_settings, mask_secrets
    from custtui.safetext import terminal_safe_lines

    url = load_settings(getattr(args, "db", None)).database_url
    text = terminal_safe_lines(mask_secrets(message, url))
    print(_("custtui: {message}").format(message=text), file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
