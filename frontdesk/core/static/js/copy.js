/* A button with data-copy="ID" copies the text of the field with that id (a link, a widget code)
   and says so with its data-copied text. */
(function () {
  if (window.frontdeskCopy) return;
  window.frontdeskCopy = true;
  document.addEventListener('click', (event) => {
    const button = event.target.closest('[data-copy]');
    if (!button) return;
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    field.select();
    const copied = navigator.clipboard ? navigator.clipboard.writeText(field.value) : Promise.reject();
    copied.catch(() => document.execCommand('copy'));
    if (button.dataset.copied) button.textContent = button.dataset.copied;
  });
})();
