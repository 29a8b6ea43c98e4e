/* The programme form shows only the parts that apply to the chosen type: each part names its
   types in data-kinds (the server decides the same, and validates only those parts). Without this
   script the "Show the fields of this type" button re-renders the page for the chosen type. */
(function () {
  "use strict";
  var kind = document.getElementById("id_kind");
  if (!kind) return;
  // Removed, not hidden: it comes first in the form, so Enter would press it instead of Save.
  var refresh = document.querySelector("[data-kind-refresh]");
  if (refresh) refresh.remove();
  function sync() {
    document.querySelectorAll("[data-kinds]").forEach(function (part) {
      part.hidden = part.dataset.kinds.split(" ").indexOf(kind.value) < 0;
    });
  }
  kind.addEventListener("change", sync);
  sync();
})();
