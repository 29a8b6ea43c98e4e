/* Date and time fields are text in the interface language's format (frontdesk/core/dates.py):
   <html data-date-format="dd.mm.yyyy">. Scripts that set or read such a field go through here. */
(function () {
  const pattern = (document.documentElement.dataset.dateFormat || 'yyyy-mm-dd').toLowerCase();
  const order = pattern.match(/dd|mm|yyyy/g);
  const separator = (pattern.match(/[^dmy]/) || ['-'])[0];
  const pad = (n) => String(n).padStart(2, '0');

  /* 'YYYY-MM-DD' (or a Date) as the field shows it. */
  function show(iso) {
    if (!iso) return '';
    if (iso instanceof Date) iso = `${iso.getFullYear()}-${pad(iso.getMonth() + 1)}-${pad(iso.getDate())}`;
    const [y, m, d] = iso.split('-');
    return order.map((part) => ({ dd: d, mm: m, yyyy: y }[part])).join(separator);
  }

  /* What was typed, as 'YYYY-MM-DD' ('' if it is no date). */
  function iso(text) {
    text = (text || '').trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
    const bits = text.split(/[\s.,/-]+/);
    if (bits.length !== 3) return '';
    const got = {};
    order.forEach((part, i) => { got[part] = bits[i]; });
    let year = parseInt(got.yyyy, 10);
    if (year < 100) year += 2000;
    const month = parseInt(got.mm, 10), day = parseInt(got.dd, 10);
    const date = new Date(year, month - 1, day);
    if (!year || date.getMonth() !== month - 1 || date.getDate() !== day) return '';
    return `${year}-${pad(month)}-${pad(day)}`;
  }

  /* What was typed as 'HH:MM' ('' if it is no time): '1430', '14.30', '9:05'. */
  function time(text) {
    const m = (text || '').trim().match(/^(\d{1,2})[\s.,:-]?(\d{2})$/);
    if (!m || +m[1] > 23 || +m[2] > 59) return '';
    return `${pad(m[1])}:${m[2]}`;
  }

  window.FrontdeskDates = { show, iso, time, pattern };
})();
