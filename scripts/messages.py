"""Extract translatable strings, keep English as the identity, and report what lacks Russian.

python scripts/messages.py          # update locale/*/django.po
python scripts/messages.py --check  # also exit 1 if any Russian string is missing or fuzzy
"""

import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ["ru", "en"]
IGNORE = ["node_modules/*", ".venv/*", "staticfiles/*", "var/*", "bench/*", "scripts/*"]


def extract() -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    for domain, extensions in (("django", "html,txt,py"), ("djangojs", "js")):
        args = [
            sys.executable,
            "manage.py",
            "makemessages",
            "--no-obsolete",
            "--no-location",
            "-d",
            domain,
            "-e",
            extensions,
        ]
        for locale in LOCALES:
            args += ["-l", locale]
        for pattern in IGNORE:
            args += ["--ignore", pattern]
        subprocess.run(args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def fill_english() -> None:
    for name in ("django.po", "djangojs.po"):
        path = ROOT / "locale" / "en" / "LC_MESSAGES" / name
        if not path.exists():
            continue
        po = polib.pofile(str(path))
        # The header makemessages writes is marked fuzzy until someone fills it in.
        po.metadata.update({"Project-Id-Version": "Frontdesk", "Language": "en"})
        po.metadata_is_fuzzy = []
        for entry in po:
            if entry.msgid_plural:
                if not any(entry.msgstr_plural.values()):
                    entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            elif not entry.msgstr:
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                # A fuzzy match borrows another message's text; English is always the identity.
                if entry.msgid_plural:
                    entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                else:
                    entry.msgstr = entry.msgid
        po.save()


def missing_russian() -> list[str]:
    missing = []
    for name in ("django.po", "djangojs.po"):
        path = ROOT / "locale" / "ru" / "LC_MESSAGES" / name
        if not path.exists():
            continue
        for entry in polib.pofile(str(path)):
            # Russian has four plural forms (one, few, many, and fractions): each must be there.
            forms = [entry.msgstr_plural.get(index) for index in range(4)]
            untranslated = not entry.msgstr if not entry.msgid_plural else not all(forms)
            if untranslated or "fuzzy" in entry.flags:
                missing.append(entry.msgid)
    return missing


if __name__ == "__main__":
    extract()
    fill_english()
    missing = missing_russian()
    for msgid in missing:
        print(f"untranslated (ru): {msgid!r}")
    print(f"{len(missing)} Russian strings missing")
    if "--check" in sys.argv and missing:
        sys.exit(1)
