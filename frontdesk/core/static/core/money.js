/* Money on the page as the server shows it (core.money.format_money): the locale's grouping and
   decimal mark, kopecks, the network's sign. The rules come from the
   server in base.html's #fd-money-format, so a script never picks its own format. */
(function () {
  const node = document.getElementById('fd-money-format');
  const rules = Object.assign(
    { decimal: ',', group: '\u00a0', grouping: 3, currency: '' },
    node ? JSON.parse(node.textContent) : {}
  );
  // Whole kopecks from what a person typed: spaces and a comma are fine; anything else is 0.
  function cents(text) {
    const clean = String(text == null ? '' : text).replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(clean)) return 0;
    const value = Math.round(parseFloat(clean) * 100);
    return Number.isFinite(value) ? value : 0;
  }
  function parts(kopecks) {
    const whole = Math.floor(Math.abs(kopecks) / 100);
    const rest = Math.abs(kopecks) % 100;
    return { negative: kopecks < 0, whole: String(whole), rest: String(rest).padStart(2, '0') };
  }
  // "2 500,00 ₽" (with `currency` false: no sign).
  function format(kopecks, currency) {
    const p = parts(kopecks);
    let grouped = '';
    for (let i = p.whole.length; i > 0; i -= rules.grouping) {
      const start = Math.max(i - rules.grouping, 0);
      grouped = p.whole.slice(start, i) + (grouped ? rules.group + grouped : '');
    }
    const text = (p.negative ? '-' : '') + grouped + rules.decimal + p.rest;
    const sign = currency === false ? '' : (currency || rules.currency);
    return sign ? text + '\u00a0' + sign : text;
  }
  // For an <input>: "1500.50" — what the server's parser reads back.
  function plain(kopecks) {
    const p = parts(kopecks);
    return (p.negative ? '-' : '') + p.whole + '.' + p.rest;
  }
  window.FrontdeskMoney = { cents, format, plain, rules };
})();
