"""The analytics section's reports: every module of this package defines and registers some
(`base.register`); `load_all` imports them all when the app loads, so a new report is a new file."""

from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")
