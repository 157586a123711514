"""Small modal dialogs: confirm, and a message with choices."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static
from textual.widgets.button import ButtonVariant

from custtui.errors import DomainError, ValidationError, user_message
from custtui.i18n import N_, _
from custtui.tui.base import ModalScreen, Screen


class ChoiceDialog(ModalScreen[str | None]):
    """A title, a body of plain text and a row of buttons; returns the chosen id or None."""

    DEFAULT_CSS = """
    ChoiceDialog {
        align: center middle;
    }
    ChoiceDialog > Vertical {
        width: 64;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    ChoiceDialog .dialog-title {
        text-style: bold;
        margin-bottom: 1;
    }
    ChoiceDialog .dialog-body {
        margin-bottom: 1;
    }
    ChoiceDialog Horizontal {
        height: auto;
        align-horizontal: right;
    }
    ChoiceDialog Button {
        margin-left: 1;
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel"),
        Binding("left", "app.focus_previous", N_("Previous button"), id="dialog.previous", show=False),
        Binding("right", "app.focus_next", N_("Next button"), id="dialog.next", show=False),
    ]

    def __init__(
        self,
        title: str,
        body: Text | str,
        choices: list[tuple[str, str, ButtonVariant]],
        focus: str | None = None,
    ) -> None:
        """`choices` are (id, label, variant) with variant one of default, primary, error."""
        super().__init__()
        self._title = title
        self._body = body
        self._choices = choices
        self._focus = focus

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self._title), classes="dialog-title")
            yield Static(self._body if isinstance(self._body, Text) else Text(self._body), classes="dialog-body")
            with Horizontal():
                for choice_id, label, variant in self._choices:
                    yield Button(label, id=f"choice-{choice_id}", variant=variant, compact=True)

    def on_mount(self) -> None:
        if self._focus:
            self.query_one(f"#choice-{self._focus}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        assert event.button.id is not None
        self.dismiss(event.button.id.removeprefix("choice-"))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ChoiceDialog):
    """Returns "yes" only when confirmed. Focus starts on the safe answer."""

    def __init__(self, title: str, body: Text | str, confirm_label: str, danger: bool = False) -> None:
        super().__init__(
            title,
            body,
            [("no", _("Cancel"), "default"), ("yes", confirm_label, "error" if danger else "primary")],
            focus="no" if danger else "yes",
        )


class EditScreen(Screen[Any]):
    """A form: knows whether it holds unsaved edits, and asks before dropping them."""

    def __init__(self) -> None:
        super().__init__()
        self._initial: dict[str, str] = {}
        self._saved = False

    def values(self) -> dict[str, str]:
        raise NotImplementedError

    def clear_error(self, field: str) -> None:
        """The field is being typed again: its message goes (hidden until the next refused save)."""
        for message in self.query(f"#error-{field}").results(Static):
            message.update("")
            message.remove_class("shown")

    def not_saved(self, error: DomainError) -> None:
        """A refused save: each field's message under it (.form-error), the first such field focused.

        Any other fault (the database away, full or read-only) is one notification; the form stays as typed.
        """
        if not isinstance(error, ValidationError):
            self.notify(user_message(error), severity="error", timeout=8)
            return
        for field, message in error.errors.items():
            target = self.query(f"#error-{field}")
            if target:
                target.first(Static).update(Text(message))
                target.first(Static).add_class("shown")  # hidden until then (styles: .form-error)
            else:
                self.notify(message, severity="error")
        first = next(iter(error.errors))
        if self.query(f"#{first}"):
            self.query_one(f"#{first}").focus()

    @property
    def has_unsaved_changes(self) -> bool:
        return bool(self._initial) and not self._saved and self.values() != self._initial

    def action_cancel(self) -> None:
        if not self.has_unsaved_changes:
            self.dismiss(None)
            return

        def answer(choice: str | None) -> None:
            if choice == "yes":
                self._saved = True
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog(_("Discard your edits?"), _("What you typed here is not saved."), _("Discard"), danger=True),
            answer,
        )
