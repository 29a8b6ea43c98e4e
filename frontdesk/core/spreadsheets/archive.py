"""The checks an .xlsx passes before anything unpacks it.

An .xlsx is a zip of XML files, and a zip may declare a few kilobytes that unpack into gigabytes
(a "zip bomb"): a file under the upload's size cap could then hold a web worker for minutes and
fill its memory. The sizes each member declares are read from the zip's directory, which costs
nothing, and the file is refused before any member is opened when

- the members together declare more than `MAX_UNPACKED_BYTES`, or
- a member larger than `RATIO_CHECKED_FROM` unpacks more than `MAX_RATIO` times its packed size
  (a real sheet packs 10–20 times; a bomb packs a thousand times and more), or
- the zip holds more than `MAX_MEMBERS` files.

The declared sizes are binding: Python's `zipfile` never gives more bytes of a member than its
directory declares (it stops there and fails the CRC check), so a member that lies about its size
is read as damaged, not unpacked beyond the cap.
"""

from __future__ import annotations

import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024
MAX_MEMBERS = 1000


def check_archive(stream) -> None:
    """Raise ValidationError with a translated reason for an .xlsx (a seekable binary stream)
    that is not a zip, or that would unpack beyond the limits above. Leaves the stream at its
    start."""
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ValidationError(_("This is not an Excel workbook (.xlsx).")) from None
    finally:
        stream.seek(0)
    if len(members) > MAX_MEMBERS:
        raise ValidationError(_("This Excel file holds too many parts to be a spreadsheet; save it again as .xlsx."))
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValidationError(
            _("This Excel file unpacks to more than %(mb)s MB; split it into smaller files.")
            % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )
    for member in members:
        if member.file_size > RATIO_CHECKED_FROM and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise ValidationError(
                _("This Excel file is packed in a way no spreadsheet program writes (a “zip bomb”); it was not opened.")
            )
