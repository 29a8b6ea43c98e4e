"""The dry run's verdict on every row of a file: what it would create, update or leave alone, and
every bad row with its number and the translated reasons. Nothing here writes; an importer applies
a preview only when `ok`, and re-checks what may have changed since."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"


@dataclass
class RowReport:
    """One row: its line number in the file, a label the user knows it by, its status and the
    reasons it is bad (a row with reasons is bad whatever its status says)."""

    number: int
    label: str = ""
    status: str = UNCHANGED
    errors: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)

    def find_by_id(self, raw_id: str, stored: dict, seen: set, missing: str):
        """The stored object this row's ID cell names, as `(object, found)`: `(None, True)` for an
        empty cell; `(None, False)` with the `missing` message (holding `%(id)s`) added for an ID
        that names nothing, and the caller skips the row. An ID already used by a row above is an
        error too (two rows would write one object); `seen` keeps the IDs of the rows so far."""
        if not raw_id:
            return None, True
        current = stored.get(int(raw_id)) if raw_id.isdigit() else None
        if current is None:
            self.errors.append(missing % {"id": raw_id})
            return None, False
        if current.pk in seen:
            self.errors.append(_("ID %(id)s is already in a row above.") % {"id": raw_id})
        seen.add(current.pk)
        return current, True

    def add_form_errors(self, form) -> None:
        """The form's refusals of the row, each led by its field's label."""
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            self.errors += [f"{label}: {e}" if label else e for e in errors]


@dataclass
class Preview:
    """The rows of the dry run. `show_at_most` bounds how many bad rows the page lists (a long
    file may have thousands); `bad_rows` and the counts always hold them all."""

    rows: list = field(default_factory=list)
    show_at_most: int | None = None

    @property
    def bad_rows(self) -> list:
        return [row for row in self.rows if row.errors]

    @property
    def shown_bad_rows(self) -> list:
        return self.bad_rows[: self.show_at_most]

    @property
    def ok(self) -> bool:
        return not self.bad_rows

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status and not row.errors)

    @property
    def count_new(self) -> int:
        return self.count(CREATE)

    @property
    def count_changed(self) -> int:
        return self.count(UPDATE)

    @property
    def count_unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def changes(self) -> int:
        return self.count_new + self.count_changed

    def summary(self) -> dict:
        return {
            "created": self.count_new,
            "updated": self.count_changed,
            "unchanged": self.count_unchanged,
            "errors": len(self.bad_rows),
        }
