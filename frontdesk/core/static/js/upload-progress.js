/* Upload progress for an import form sent with htmx (`data-upload-progress`, `hx-indicator`
   pointing at core/templates/includes/upload_progress.html): the bytes sent, then "checking" while
   the server reads the file. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-upload-progress]").forEach(function (form) {
    var box = document.querySelector(form.getAttribute("hx-indicator"));
    if (!box) return;
    var bar = box.querySelector(".progress-bar");
    var stage = box.querySelector("[data-uploading]");
    form.addEventListener("htmx:beforeRequest", function () {
      bar.style.width = "0%";
      bar.setAttribute("aria-valuenow", "0");
      stage.textContent = stage.dataset.uploading;
    });
    form.addEventListener("htmx:xhr:progress", function (event) {
      if (!event.detail.lengthComputable) return;
      var share = Math.round((event.detail.loaded / event.detail.total) * 100);
      bar.style.width = share + "%";
      bar.setAttribute("aria-valuenow", String(share));
      if (share >= 100) stage.textContent = stage.dataset.checking;
    });
  });
})();
