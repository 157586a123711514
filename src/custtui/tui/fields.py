"""The customer fields as the screens title them (form, history, merge wizard)."""

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
        "street": _("Street"),
        "number": pgettext("house number", "Number"),
        "postal_code": _("Postal code"),
        "city": _("City"),
    }
