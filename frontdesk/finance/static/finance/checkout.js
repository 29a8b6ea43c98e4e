/* The checkout form's arithmetic as the administrator types: the total after the discount, what
   stays unpaid, and the change due on the cash received. The server checks all of it again. */
(function () {
  const form = document.querySelector('[data-checkout]');
  if (!form) return;
  // Read and shown through the one money helper (core/money.js), as the server shows amounts.
  const { cents, format, plain } = window.FrontdeskMoney;
  // The sign stands next to each box in the page.
  const show = (value) => format(value, false);
  const all = (selector) => Array.from(form.querySelectorAll(selector));
  const fixedDue = form.dataset.due ? cents(form.dataset.due) : null;
  // An online prepayment the checkout counts as already paid.
  const advance = form.dataset.advance ? cents(form.dataset.advance) : 0;

  function total() {
    if (fixedDue !== null) return fixedDue;
    const lines = all('[data-line-price]').reduce((sum, input) => sum + cents(input.value), 0)
      // Products (a counter sale, goods added to a visit): each price times the quantity typed
      // (goods may be sold by the litre: "1,5" counts as 1.5).
      + all('[data-product]').reduce((sum, row) => {
        const quantity = Number(row.querySelector('[data-product-quantity]').value.trim().replace(',', '.')) || 0;
        return sum + Math.round(Math.max(quantity, 0) * cents(row.querySelector('[data-product-price]').value));
      }, 0);
    const discount = form.querySelector('[data-discount]');
    return lines - (discount ? cents(discount.value) : 0);
  }
  function paying() {
    return advance + all('[data-payment-amount]').reduce((sum, input) => sum + cents(input.value), 0);
  }
  function update() {
    const due = total();
    const totalBox = form.querySelector('[data-total]');
    if (totalBox) totalBox.textContent = show(due);
    const left = form.querySelector('[data-due]');
    if (left) left.textContent = show(Math.max(due - paying(), 0));
    const cash = form.querySelector('[data-payment-amount="cash"]');
    const received = form.querySelector('[data-cash-received]');
    const change = form.querySelector('[data-change]');
    if (change && received) change.textContent = show(Math.max(cents(received.value) - (cash ? cents(cash.value) : 0), 0));
  }
  form.addEventListener('input', update);
  form.addEventListener('click', (e) => {
    const button = e.target.closest('[data-pay-rest]');
    if (!button) return;
    const input = form.querySelector(`[data-payment-amount="${button.dataset.payRest}"]`);
    const others = paying() - cents(input.value);
    let rest = Math.max(total() - others, 0);
    // A loyalty balance pays at most what it holds (or what the rules let it pay here).
    if (input.dataset.meansLimit) rest = Math.min(rest, cents(input.dataset.meansLimit));
    input.value = plain(rest);
    update();
  });
  // A keyboard-wedge scanner types the code and Enter into the scan box: Enter there adds the
  // item (and in the goods search box, searches) instead of submitting the sale.
  form.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    const target = e.target.matches('[data-scan]') ? '[data-scan-button]'
      : e.target.matches('[data-goods-query]') ? '[data-goods-search]' : null;
    if (!target) return;
    e.preventDefault();
    form.querySelector(target).click();
  });
  // After a scan the page comes back with the cursor in the scan box, ready for the next code.
  const scan = form.querySelector('[data-scan-focus]');
  if (scan) scan.focus();
  // "The rest" buttons come disabled: a click before this script has run would do nothing at all.
  all('[data-pay-rest]').forEach((button) => { button.disabled = false; });
  update();
})();
