/* Small behaviours pages ask for with data- attributes, so that no page needs inline script
   (the Content-Security-Policy allows scripts from static files only):
   data-confirm="Question?"   on a form (asked on submit) or a submit button (asked on click)
   data-no-submit             a form that scripts handle; Enter does not send it
   data-autosubmit            a field whose form is sent as soon as it changes
   data-check-all="selector"  a checkbox that ticks or clears every checkbox the selector finds
   data-pick-client="param"   a list of found clients: a click on one opens ?param=<its id>
   data-print                 a button that prints the page
   data-history-back          a button that goes back to the previous page
   data-select-on-focus       a read-only field whose text is selected on focus, ready to copy
   data-copy="field-id"       a button that copies that field's text; data-copied is its label after
   data-snippet-source        a select whose chosen option's data-<key> fills every
                              [data-snippet-from="<select id>"][data-snippet-key="<key>"] field
                              (a specialist's own booking link and widget code) */
(function () {
  "use strict";
  function copy(button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    field.select();
    // The clipboard API exists only on HTTPS and localhost; a salon's laptop served on its
    // network address over plain HTTP falls back to the selection copy.
    var clipboard = navigator.clipboard && window.isSecureContext;
    (clipboard ? navigator.clipboard.writeText(field.value) : Promise.reject()).catch(function () {
      document.execCommand("copy");
    });
    if (button.dataset.copied) button.textContent = button.dataset.copied;
  }

  function fillSnippets(select) {
    var option = select.options[select.selectedIndex];
    if (!option) return;
    document.querySelectorAll('[data-snippet-from="' + select.id + '"]').forEach(function (field) {
      field.value = option.dataset[field.dataset.snippetKey] || "";
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("[data-no-submit]")) event.preventDefault();
    else if (form.matches("[data-confirm]") && !window.confirm(form.dataset.confirm)) event.preventDefault();
  }, true);

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]:not(form), [data-print], [data-history-back], [data-copy]");
    if (target) {
      if (target.hasAttribute("data-confirm")) {
        if (!window.confirm(target.dataset.confirm)) event.preventDefault();
      } else if (target.hasAttribute("data-print")) window.print();
      else if (target.hasAttribute("data-history-back")) history.back();
      else copy(target);
      return;
    }
    var list = event.target.closest("[data-pick-client]"), found = event.target.closest("[data-client-id]");
    if (list && found && list.contains(found)) {
      location.search = "?" + encodeURIComponent(list.dataset.pickClient) + "=" + encodeURIComponent(found.dataset.clientId);
    }
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches("[data-autosubmit]") && field.form) field.form.requestSubmit();
    else if (field.matches("[data-check-all]")) {
      document.querySelectorAll(field.dataset.checkAll).forEach(function (box) { box.checked = field.checked; });
    } else if (field.matches("select[data-snippet-source]")) fillSnippets(field);
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) event.target.select();
  });
})();
