/* Sorts a report's table by a column when its header is clicked (again: the other way round).
   Cells carry the value the server computed in data-value (a number, or text), so money, shares
   and hours sort by value, not by how they read; an empty value ("—") sorts last. The totals line
   (tfoot) stays where it is. Nothing is recomputed: the rows only change places. */
(function () {
  const lang = document.documentElement.lang || undefined;
  function key(cell) {
    const raw = cell ? cell.dataset.value : '';
    if (raw === undefined || raw === '') return null;
    const number = Number(raw);
    return Number.isNaN(number) ? raw : number;
  }
  function compare(a, b) {
    if (a === null) return b === null ? 0 : 1;
    if (b === null) return -1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a).localeCompare(String(b), lang);
  }
  function sort(table, index, button) {
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    const first = rows.map(function (row) { return key(row.cells[index]); }).find(function (v) { return v !== null; });
    // The first click puts the largest figure (or the first name) on top; the next one reverses.
    const current = button.getAttribute('aria-sort');
    const descending = current ? current === 'ascending' : typeof first === 'number';
    rows.sort(function (x, y) {
      const a = key(x.cells[index]), b = key(y.cells[index]);
      if (a === null || b === null) return compare(a, b);  // an empty value stays last both ways
      return descending ? compare(b, a) : compare(a, b);
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll('thead th').forEach(function (th) { th.removeAttribute('aria-sort'); });
    table.querySelectorAll('thead button').forEach(function (other) { if (other !== button) other.removeAttribute('aria-sort'); });
    const state = descending ? 'descending' : 'ascending';
    button.setAttribute('aria-sort', state);
    button.closest('th').setAttribute('aria-sort', state);
  }
  document.querySelectorAll('table[data-sortable]').forEach(function (table) {
    table.querySelectorAll('thead th').forEach(function (th, index) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'btn btn-link btn-sm p-0 text-reset fw-semibold text-decoration-none';
      button.dataset.testid = 'sort-' + index;
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener('click', function () { sort(table, index, button); });
    });
  });
})();
