/* The service catalogue: live search and filter, drag-to-reorder of categories and services.
   The order is saved with a POST to the reorder endpoint, which checks every id on the server. */
(function () {
  "use strict";
  var root = document.getElementById("fd-categories");
  if (!root) return;
  var search = document.getElementById("fd-catalog-search");
  var filter = document.getElementById("fd-catalog-filter");
  var nothing = document.getElementById("fd-catalog-nothing");
  var canEdit = root.dataset.canEdit === "1";
  var sortables = [];

  function csrfToken() {
    var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    return headers["X-CSRFToken"] || "";
  }

  function save(kind, ids, category) {
    var body = new FormData();
    body.append("kind", kind);
    if (category) body.append("category", category);
    ids.forEach(function (id) { body.append("ids", id); });
    root.classList.add("fd-saving");
    return fetch(root.dataset.reorderUrl, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.error || root.dataset.error);
        root.dataset.saved = String(Number(root.dataset.saved || 0) + 1);
      });
    }).catch(function (error) {
      window.alert(error.message || root.dataset.error);
      window.location.reload();
    }).finally(function () {
      root.classList.remove("fd-saving");
    });
  }

  function idsIn(container, selector) {
    return Array.prototype.map.call(container.querySelectorAll(selector), function (el) { return el.dataset.id; });
  }

  function refreshEmpty(tbody) {
    var empty = tbody.querySelector("tr.fd-empty td");
    if (empty) empty.classList.toggle("d-none", tbody.querySelector("tr[data-id]") !== null);
    var badge = tbody.closest(".fd-category").querySelector(".fd-category-head .badge");
    if (badge) badge.textContent = tbody.querySelectorAll("tr[data-id]").length;
  }

  if (canEdit && window.Sortable) {
    sortables.push(Sortable.create(root, {
      handle: ".fd-cat-handle",
      draggable: ".fd-category",
      animation: 150,
      // Pointer events instead of native drag and drop: the same behaviour with a mouse and on phones.
      forceFallback: true,
      onEnd: function (event) {
        if (event.oldIndex === event.newIndex) return;
        save("categories", idsIn(root, ":scope > .fd-category"));
      },
    }));
    root.querySelectorAll("tbody.fd-services").forEach(function (tbody) {
      sortables.push(Sortable.create(tbody, {
        group: "services",
        handle: ".fd-svc-handle",
        draggable: "tr[data-id]",
        animation: 150,
        forceFallback: true,
        fallbackOnBody: true,
        onEnd: function (event) {
          if (event.from === event.to && event.oldIndex === event.newIndex) return;
          var target = event.to;
          refreshEmpty(event.from);
          refreshEmpty(target);
          save("services", idsIn(target, "tr[data-id]"), target.dataset.category).then(function () {
            if (event.from !== target && event.from.querySelector("tr[data-id]")) {
              save("services", idsIn(event.from, "tr[data-id]"), event.from.dataset.category);
            }
          });
        },
      }));
    });
  }

  function applyFilter() {
    var text = (search.value || "").trim().toLowerCase();
    var mode = filter.value;
    var shown = 0;
    root.querySelectorAll(".fd-category").forEach(function (section) {
      var categoryMatches = text && section.dataset.search.indexOf(text) !== -1;
      var visible = 0;
      section.querySelectorAll("tr[data-id]").forEach(function (row) {
        var ok = (!text || categoryMatches || row.dataset.search.indexOf(text) !== -1) &&
          (!mode || (mode === "online" && row.dataset.online === "1") ||
            (mode === "offline" && row.dataset.online === "0") || (mode === "group" && row.dataset.group === "1") ||
            (mode === "unperformed" && row.dataset.performed === "0"));
        row.classList.toggle("d-none", !ok);
        if (ok) visible += 1;
      });
      var showSection = (!text && !mode) || visible > 0 || (categoryMatches && !mode);
      section.classList.toggle("d-none", !showSection);
      if (showSection) shown += 1;
    });
    if (nothing) nothing.classList.toggle("d-none", shown > 0 || (!text && !mode));
    // Dragging a filtered list would save an order the user cannot see: pause it while filtering.
    sortables.forEach(function (sortable) { sortable.option("disabled", Boolean(text || mode)); });
    root.classList.toggle("fd-filtered", Boolean(text || mode));
  }

  if (search) search.addEventListener("input", applyFilter);
  if (filter) filter.addEventListener("change", applyFilter);
  if (filter && filter.value) applyFilter();
})();
