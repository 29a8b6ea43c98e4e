/* The month × staff grid: select cells (click, Ctrl/Cmd+click, Shift+click, drag; a name selects
   its whole row, a day header its column) and apply hours, a template, a day off or an absence to
   the selection. The server answers with the refreshed grid. Plain JS, no framework. */
(function () {
  "use strict";
  var box = document.getElementById("fd-grid-box");
  var tools = document.getElementById("fd-grid-tools");
  if (!box || !tools) return;
  var counter = document.getElementById("fd-selection-count");
  var errorBox = document.getElementById("fd-grid-error");
  var hint = counter.textContent;
  var selected = new Set();
  var base = new Set();
  var anchor = null;
  var dragging = false;

  function key(td) { return td.dataset.s + ":" + td.dataset.d; }
  function allCells() { return box.querySelectorAll("td.fd-cell"); }
  function pos(td) { return [td.parentElement.rowIndex, td.cellIndex]; }
  function rect(a, b) {
    var pa = pos(a), pb = pos(b), out = [];
    var r1 = Math.min(pa[0], pb[0]), r2 = Math.max(pa[0], pb[0]);
    var c1 = Math.min(pa[1], pb[1]), c2 = Math.max(pa[1], pb[1]);
    allCells().forEach(function (td) {
      var p = pos(td);
      if (p[0] >= r1 && p[0] <= r2 && p[1] >= c1 && p[1] <= c2) out.push(key(td));
    });
    return out;
  }
  function paint() {
    allCells().forEach(function (td) { td.classList.toggle("fd-selected", selected.has(key(td))); });
    counter.textContent = selected.size ? counter.dataset.selected.replace("%s", selected.size) : hint;
  }
  counter.dataset.selected = tools.dataset.selectedLabel || "%s";

  function union(keys) { selected = new Set(base); keys.forEach(function (k) { selected.add(k); }); paint(); }

  box.addEventListener("pointerdown", function (event) {
    var name = event.target.closest("th[data-row]");
    var head = event.target.closest("th[data-col]");
    if (name || head) {
      var keys = [];
      allCells().forEach(function (td) {
        if ((name && td.dataset.s === name.dataset.row) || (head && td.cellIndex === head.cellIndex)) keys.push(key(td));
      });
      base = event.ctrlKey || event.metaKey || event.shiftKey ? new Set(selected) : new Set();
      union(keys);
      return;
    }
    var td = event.target.closest("td.fd-cell");
    if (!td) return;
    if (event.pointerType === "touch") {  // a tap toggles; dragging scrolls the box
      if (selected.has(key(td))) selected.delete(key(td)); else selected.add(key(td));
      anchor = td;
      paint();
      return;
    }
    event.preventDefault();
    if (event.shiftKey && anchor && anchor.isConnected) {
      base = event.ctrlKey || event.metaKey ? new Set(selected) : new Set();
      union(rect(anchor, td));
      return;
    }
    if (event.ctrlKey || event.metaKey) {
      base = new Set(selected);
      if (base.has(key(td))) { base.delete(key(td)); selected = new Set(base); paint(); anchor = td; return; }
    } else {
      base = new Set();
    }
    anchor = td;
    dragging = true;
    union([key(td)]);
  });
  box.addEventListener("pointerover", function (event) {
    if (!dragging) return;
    var td = event.target.closest("td.fd-cell");
    if (td && anchor) union(rect(anchor, td));
  });
  document.addEventListener("pointerup", function () { dragging = false; });

  function csrf() { return tools.querySelector("input[name=csrfmiddlewaretoken]").value; }

  tools.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button) return;
    var action = button.dataset.action;
    if (action === "deselect") { selected = new Set(); paint(); return; }
    errorBox.classList.add("d-none");
    var data = new FormData();
    data.append("action", action);
    data.append("month", box.querySelector("table").dataset.month);
    if (action === "hours") {
      data.append("hours", button.dataset.from ? document.getElementById(button.dataset.from).value : button.dataset.hours);
    }
    if (action === "template") data.append("template", document.getElementById("fd-template").value);
    selected.forEach(function (k) { data.append("cell", k); });
    button.disabled = true;
    fetch(tools.dataset.applyUrl, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": csrf() },
      credentials: "same-origin",
    }).then(function (response) {
      return response.text().then(function (text) { return { ok: response.ok, text: text }; });
    }).then(function (result) {
      if (result.ok) {
        box.innerHTML = result.text;
        selected = new Set();
        anchor = null;
        paint();
      } else {
        errorBox.textContent = result.text;
        errorBox.classList.remove("d-none");
      }
    }).catch(function () {
      errorBox.textContent = tools.dataset.networkError || "Network error";
      errorBox.classList.remove("d-none");
    }).finally(function () { button.disabled = false; });
  });
})();
