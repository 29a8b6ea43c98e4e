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
      // A counter sale: each product's price times the quantity typed.
      + all('[data-product]').reduce((sum, row) => {
        const quantity = parseInt(row.querySelector('[data-product-quantity]').value, 10) || 0;
        return sum + Math.max(quantity, 0) * cents(row.querySelector('[data-product-price]').value);
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
  // "The rest" buttons come disabled: a click before this script has run would do nothing at all.
  all('[data-pay-rest]').forEach((button) => { button.disabled = false; });
  update();
})();
