/* Shared page behaviour, loaded by every page (no inline script: the CSP allows only our own files). */
(function () {
  "use strict";
  /* A long server task (report generation): say it is running and prevent a second submission. */
  document.querySelectorAll("form[data-progress]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var note = form.querySelector(".progress-note");
      if (note) {
        note.innerHTML = '<span class="spinner-border spinner-border-sm me-2" aria-hidden="true"></span>';
        note.appendChild(document.createTextNode(form.dataset.progress));
      }
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
    });
  });
})();
