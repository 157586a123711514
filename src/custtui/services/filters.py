"""The customer list's filter, and each user's saved, named filters.

A filter is plain data (CustomerFilter): the list, the export of what is
shown and the saved filters all read the same one, and `where_clauses`
is the one place that turns it into SQL. A saved filter keeps it as JSON
(`to_spec`); reading one back drops what no longer exists or makes sense
(a region renamed away, a label deleted, a kind the program no longer
knows), so an old saved filter narrows less, never fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, false, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from custtui.errors import NotFound, ValidationError
from custtui.i18n import LANGUAGES, _, format_number, ngettext
from custtui.models import (
    Customer,
    CustomerLabel,
    Installation,
    InstallationKind,
    Label,
    Location,
    Mission,
    Region,
    SavedFilter,
    User,
    stored_id,
)
from custtui.services import validation
from custtui.services.normalise import fold

NAME_MAX = 60
SAVED_MAX = 50  # per user: a list to pick from, not a store


class ErrorMark(StrEnum):
    """Which customers the ERROR mark lets through."""

    ANY = "any"
    ONLY = "only"  # the records given up or merged away: to clean up
    WITHOUT = "without"


@dataclass(frozen=True)
class CustomerFilter:
    """What the list shows: every condition given must hold (regions, languages and kinds: any of those named)."""

    regions: tuple[str, ...] = ()
    label_ids: tuple[int, ...] = ()
    all_labels: bool = False  # True: every label named; False: any of them
    place: str = ""  # a postal code (or its start) or a city, of any of the customer's sites
    languages: tuple[str, ...] = ()  # "" stands for "no language set"
    missions_since: date | None = None  # a mission planned (or, unplanned, created) on or after
    installation_kinds: tuple[str, ...] = ()
    error_mark: ErrorMark = ErrorMark.ANY

    @property
    def is_empty(self) -> bool:
        return self == CustomerFilter(all_labels=self.all_labels)

    def to_spec(self) -> dict[str, Any]:
        """As JSON: what a saved filter stores (only what is set)."""
        spec: dict[str, Any] = {}
        if self.regions:
            spec["regions"] = list(self.regions)
        if self.label_ids:
            spec["labels"] = list(self.label_ids)
            spec["all_labels"] = self.all_labels
        if self.place:
            spec["place"] = self.place
        if self.languages:
            spec["languages"] = list(self.languages)
        if self.missions_since is not None:
            spec["missions_since"] = self.missions_since.isoformat()
        if self.installation_kinds:
            spec["installation_kinds"] = list(self.installation_kinds)
        if self.error_mark is not ErrorMark.ANY:
            spec["error_mark"] = self.error_mark.value
        return spec

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> CustomerFilter:
        """A filter from stored JSON; what is malformed is left out (see the module's docstring)."""

        def texts(key: str) -> tuple[str, ...]:
            values = spec.get(key)
            return tuple(dict.fromkeys(v for v in values if isinstance(v, str))) if isinstance(values, list) else ()

        labels = spec.get("labels")
        label_ids = tuple(v for v in labels if isinstance(v, int) and not isinstance(v, bool)) if isinstance(labels, list) else ()
        since: date | None = None
        if isinstance(spec.get("missions_since"), str):
            try:
                since = date.fromisoformat(spec["missions_since"])
            except ValueError:
                since = None
        try:
            mark = ErrorMark(spec.get("error_mark", ErrorMark.ANY.value))
        except ValueError:
            mark = ErrorMark.ANY
        place = spec.get("place")
        return cls(
            regions=texts("regions"),
            label_ids=tuple(dict.fromkeys(label_ids)),
            all_labels=spec.get("all_labels") is True,
            place=" ".join(place.split())[:100] if isinstance(place, str) else "",
            languages=tuple(code for code in texts("languages") if code == "" or code in LANGUAGES),
            missions_since=since,
            installation_kinds=tuple(kind for kind in texts("installation_kinds") if kind in set(InstallationKind)),
            error_mark=mark,
        )

    def known_to(self, region_codes: set[str], label_ids: set[int]) -> CustomerFilter:
        """Without the regions and labels the database no longer has (a saved filter outliving them)."""
        return replace(
            self,
            regions=tuple(code for code in self.regions if code in region_codes),
            label_ids=tuple(label_id for label_id in self.label_ids if label_id in label_ids),
        )


def where_clauses(session: Session, customer_filter: CustomerFilter) -> list[ColumnElement[bool]]:
    """The filter as conditions on Customer (ANDed by the caller's select)."""
    f = customer_filter
    clauses: list[ColumnElement[bool]] = []
    if f.regions:
        clauses.append(col(Customer.region_code).in_(f.regions))
    if f.label_ids:
        labelled = select(col(CustomerLabel.customer_id)).where(col(CustomerLabel.label_id).in_(f.label_ids))
        if f.all_labels and len(f.label_ids) > 1:
            labelled = labelled.group_by(col(CustomerLabel.customer_id)).having(
                func.count(func.distinct(CustomerLabel.label_id)) == len(f.label_ids)
            )
        clauses.append(col(Customer.id).in_(labelled))
    if f.place:
        clauses.append(col(Customer.id).in_(_customers_at_place(session, f.place)))
    if f.languages:
        named = [code for code in f.languages if code]
        options: list[ColumnElement[bool]] = [col(Customer.language).in_(named)] if named else []
        if "" in f.languages:
            options.append(or_(col(Customer.language).is_(None), col(Customer.language) == ""))
        clauses.append(or_(*options))
    if f.missions_since is not None:
        since_moment = datetime.combine(f.missions_since, time.min, tzinfo=UTC)
        recent = select(col(Mission.customer_id)).where(
            or_(
                col(Mission.planned_on) >= f.missions_since,
                and_(col(Mission.planned_on).is_(None), col(Mission.created_at) >= since_moment),
            )
        )
        clauses.append(col(Customer.id).in_(recent))
    if f.installation_kinds:
        having_kind = (
            select(col(Location.customer_id))
            .join(Installation, col(Installation.location_id) == Location.id)
            .where(col(Installation.kind).in_(f.installation_kinds))
        )
        clauses.append(col(Customer.id).in_(having_kind))
    if f.error_mark is ErrorMark.ONLY:
        clauses.append(col(Customer.marked_error).is_(True))
    elif f.error_mark is ErrorMark.WITHOUT:
        clauses.append(or_(col(Customer.marked_error).is_(False), col(Customer.marked_error).is_(None)))
    return clauses


def like_escaped(text: str) -> str:
    """`text` to stand for itself in a LIKE pattern (with escape "\\"): its % and _ are not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _customers_at_place(session: Session, place: str) -> Any:
    """The customers with a site at `place`: its postal code starts with it, or its city is it (folded: Liege finds Liège)."""
    wanted = fold(" ".join(place.split()))
    # The cities are few beside the sites: compared folded in Python, as SQL folds no accents
    # (and SQLite's lower() only ASCII); the same fold as search and duplicates.
    cities = [
        city
        for city in session.exec(select(col(Location.city)).distinct())
        if city and (fold(" ".join(city.split())) == wanted or fold(city).startswith(wanted + " "))
    ]
    escaped = like_escaped(place.strip())
    at_place = [func.upper(col(Location.postal_code)).like(escaped.upper() + "%", escape="\\")]
    if cities:
        at_place.append(col(Location.city).in_(cities))
    return select(col(Location.customer_id)).where(or_(*at_place) if cities or escaped else false())


# --- saved filters -----------------------------------------------------------


@dataclass(frozen=True)
class NamedFilter:
    id: int
    name: str
    filter: CustomerFilter = field(default_factory=CustomerFilter)


def saved_filters(session: Session, user: User) -> list[NamedFilter]:
    """The user's saved filters, by name (regions and labels that are gone left out)."""
    rows = session.exec(select(SavedFilter).where(SavedFilter.user_login == user.login)).all()
    if not rows:
        return []
    # What exists, read once for all the filters: regions and labels are few.
    region_codes = set(session.exec(select(col(Region.code))))
    label_ids = {label_id for label_id in session.exec(select(col(Label.id))) if label_id is not None}
    found = [
        NamedFilter(stored_id(row), row.name, CustomerFilter.from_spec(row.spec or {}).known_to(region_codes, label_ids))
        for row in rows
    ]
    return sorted(found, key=lambda named: (fold(named.name), named.id))


def save_filter(session: Session, user: User, name: str, customer_filter: CustomerFilter) -> NamedFilter:
    """Save the filter under `name` for `user`: a filter of that name (in any case) is replaced."""
    name = " ".join((name or "").split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the filter a name.")
    validation.check_text_fields({"name": name}, errors)
    validation.check_max_length({"name": name}, {"name": NAME_MAX}, errors)
    if customer_filter.is_empty:
        errors.setdefault("filter", _("This filter shows every customer: choose at least one condition to save."))
    if errors:
        raise ValidationError(errors)
    mine = session.exec(select(SavedFilter).where(SavedFilter.user_login == user.login)).all()
    same = next((row for row in mine if fold(row.name) == fold(name)), None)
    if same is None and len(mine) >= SAVED_MAX:
        message = ngettext(
            "You have {n} saved filter, the most there may be: delete one first.",
            "You have {n} saved filters, the most there may be: delete one first.",
            SAVED_MAX,
        )
        raise ValidationError({"name": message.format(n=format_number(SAVED_MAX))})
    spec = customer_filter.to_spec()
    if same is not None:
        same.name, same.spec = name, spec
        session.add(same)
        session.flush()
        return NamedFilter(stored_id(same), name, customer_filter)
    row = SavedFilter(user_login=user.login, name=name, spec=spec)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as error:  # the same name saved at this moment from another terminal
        message = _("A filter of this name was saved at the same moment: save again to replace it.")
        raise ValidationError({"name": message}) from error
    return NamedFilter(stored_id(row), name, customer_filter)


def delete_filter(session: Session, user: User, filter_id: int) -> None:
    """Delete one of the user's saved filters (only the user's own)."""
    done = session.execute(
        delete(SavedFilter).where(col(SavedFilter.id) == filter_id, col(SavedFilter.user_login) == user.login)
    )
    if not getattr(done, "rowcount", 0):
        raise NotFound(_("This saved filter does not exist any more."))
