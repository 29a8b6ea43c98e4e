/* The specialist form offers only the positions of the branches ticked in it. */
(function () {
  "use strict";
  var select = document.getElementById("id_position");
  var boxes = document.querySelectorAll('input[name="companies"]');
  if (!select || !boxes.length) return;
  function sync() {
    var ticked = {};
    boxes.forEach(function (box) { if (box.checked) ticked[box.value] = true; });
    Array.prototype.forEach.call(select.options, function (option) {
      var company = option.dataset.company;
      var offered = !company || ticked[company];
      option.hidden = !offered;
      option.disabled = !offered;
      if (!offered && option.selected) select.value = "";
    });
  }
  boxes.forEach(function (box) { box.addEventListener("change", sync); });
  sync();
})();
