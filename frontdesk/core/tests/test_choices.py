"""Choices are dropped by value, never by position.

Whether a form puts a blank "---------" entry before a field's choices depends on the model field
(one with a default gets none), so `field.choices[1:]` drops the blank entry on one field and a
real choice on the next: the onboarding lost «Beauty salon», its first business type, that way
while the field was required. `core.forms.choices_without` picks entries by value; this test
finds a slice of choices anywhere in the product code."""

import ast

from frontdesk.core.forms import choices_without
from frontdesk.core.tests.test_layers import product_modules


def _named_choices(node: ast.AST) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
    return "choices" in name.lower()


def choice_slices(source: str) -> list[int]:
    """Lines where a list of choices (`x.choices`, `CHOICES`, `choices`) is sliced."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice) and _named_choices(node.value)
    ]


def test_no_product_code_drops_choices_by_position():
    found = [
        f"{path.relative_to(path.parents[2])}:{line}"
        for _app, path, _module in product_modules()
        for line in choice_slices(path.read_text(encoding="utf-8"))
    ]
    assert not found, "choices sliced by position (use core.forms.choices_without): " + ", ".join(found)


def test_the_scan_sees_the_slice_that_once_lost_the_beauty_salon():
    assert choice_slices('w = RadioSelect(choices=self.fields["business_type"].choices[1:])') == [1]
    assert choice_slices("x = [('', 'Any'), *Importance.choices[1:]]") == [1]
    assert choice_slices("first = names[1:]") == []


def test_choices_without_drops_by_value_and_keeps_real_first_choices():
    with_blank = [("", "---------"), ("beauty_salon", "Beauty salon"), ("nails", "Nail studio")]
    without_blank = with_blank[1:]  # a field with a default: the form adds no blank entry
    assert choices_without(with_blank) == without_blank
    assert choices_without(without_blank) == without_blank
    assert choices_without(without_blank, "nails") == [("beauty_salon", "Beauty salon")]
