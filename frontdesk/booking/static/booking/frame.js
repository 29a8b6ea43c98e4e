/* In the widget's frame, Esc closes the overlay too (keys in a frame do not reach the site). */
(function () {
  "use strict";
  if (window.parent === window) return;
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") window.parent.postMessage("frontdesk:close", "*");
  });
})();
