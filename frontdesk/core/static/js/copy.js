/* Copy buttons and snippet pickers, for pages that hand out links and code to paste elsewhere.
 *
 *   <button data-copy="field-id" data-copied="Copied">Copy</button>
 *     copies the field's text and says so on the button (the text comes translated from the page);
 *   <select id="who" data-snippet-source><option data-link="…" data-code="…">…</select>
 *   <input data-snippet-from="who" data-snippet-key="link">
 *     shows the chosen option's data-link in the field (here: a specialist's own link and code).
 * A static file, not an inline script: the pages run under a strict Content-Security-Policy. */
(function () {
  "use strict";

  function copy(button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    var done = function () {
      if (!button.dataset.label) button.dataset.label = button.textContent;
      button.textContent = button.dataset.copied || button.dataset.label;
    };
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        document.execCommand("copy");
        done();
      });
    } else {
      document.execCommand("copy");
      done();
    }
  }

  function pick(select) {
    var option = select.options[select.selectedIndex];
    if (!option) return;
    document.querySelectorAll('[data-snippet-from="' + select.id + '"]').forEach(function (field) {
      field.value = option.dataset[field.dataset.snippetKey] || "";
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (button) copy(button);
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-snippet-source]")) pick(event.target);
  });
})();
