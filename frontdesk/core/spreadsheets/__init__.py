"""The spreadsheet toolkit every importer and exporter uses.

An importer keeps only its own domain rules (its columns and their synonyms, what makes a row bad,
what it saves); reading a workbook safely, finding the header row, parsing cells, the per-row
report of the dry run, the preview page and writing a workbook are here, once:

- `reading`: `read_sheet` (xlsx, bounded), `read_table` (xlsx or csv as text), `Columns` (headers
  matched by their Russian and English synonyms; `Columns.read` gives the data rows as `Line`s).
- `cells`: text, number, yes/no, money, date and phone of one cell.
- `report`: `RowReport` and `Preview`, the dry run's verdict on every row.
- `writing`: `Sheet` and `write_workbook` for exports; `xlsx_response` to send one.
- `forms`: `UploadForm`, the upload field (accepted endings and size limit as parameters).
- `views`: `import_page`, the upload → preview → confirm flow, with the shared template
  `core/import_preview.html`.
"""

from frontdesk.core.spreadsheets.cells import (
    cell_date,
    is_blank,
    money,
    multiline,
    number,
    phone,
    text,
    yes_no,
)
from frontdesk.core.spreadsheets.forms import UploadForm
from frontdesk.core.spreadsheets.reading import XLSX_TYPE, Columns, Line, normalize_header, read_sheet, read_table
from frontdesk.core.spreadsheets.report import CREATE, ERROR, UNCHANGED, UPDATE, Preview, RowReport
from frontdesk.core.spreadsheets.writing import Sheet, header_widths, write_workbook, xlsx_response

__all__ = [
    "CREATE",
    "ERROR",
    "UNCHANGED",
    "UPDATE",
    "UploadForm",
    "XLSX_TYPE",
    "Columns",
    "Line",
    "Preview",
    "RowReport",
    "Sheet",
    "cell_date",
    "header_widths",
    "is_blank",
    "money",
    "multiline",
    "normalize_header",
    "number",
    "phone",
    "read_sheet",
    "read_table",
    "text",
    "write_workbook",
    "xlsx_response",
    "yes_no",
]
