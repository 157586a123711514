"""The fields of records as the screens title them (form, history, merge wizard)."""

from __future__ import annotations

from custtui.i18n import _, pgettext


def field_titles() -> dict[str, str]:
    return {
        "name": _("Name"),
        "internal_name": _("Internal name"),
        "customer_number": _("Customer no."),
        "region_code": _("Region"),
        "language": _("Language"),
        "vat_number": _("VAT"),
        "email": _("E-mail"),
        "phone": _("Phone"),
        "notes": _("Notes"),
        "marked_error": _("ERROR mark"),
        "street": _("Street"),
        "number": pgettext("house number", "Number"),
        "postal_code": _("Postal code"),
        "city": _("City"),
    }


def record_field_titles(entity: str) -> dict[str, str]:
    """The fields of an installation or a mission (history); customers and sites: field_titles()."""
    if entity == "installation":
        return {
            "kind": pgettext("installation", "Kind"),
            "brand": _("Brand"),
            "model": _("Model"),
            "serial_number": _("Serial number"),
            "fuel": _("Fuel or refrigerant"),
            "power_kw": _("Power (kW)"),
            "installed_on": _("Installed on"),
            "location_id": _("Location"),
            "building_id": _("Building"),
            "notes": _("Notes"),
        }
    if entity == "mission":
        return {
            "kind": pgettext("mission", "Kind"),
            "status": _("Status"),
            "planned_on": _("Planned on"),
            "technician": _("Technician"),
            "report_language": _("Report language"),
            "customer_id": _("Customer"),
            "location_id": _("Location"),
            "notes": _("Notes"),
        }
    return field_titles()
