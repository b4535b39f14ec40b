/* Levier: the behaviour every page shares. No inline script anywhere (Content-Security-Policy). */
(function () {
  'use strict';

  /* Forms that ask before doing something irreversible: <form data-confirm="Question ?">. */
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  /* Selects that apply themselves: <select data-autosubmit>. */
  document.addEventListener('change', function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute('data-autosubmit') && field.form) {
      field.form.submit();
    }
  });

  /* CPV code suggestions (optional, the form works without JavaScript):
     <datalist id="cpv-suggestions" data-url="..."> next to the input #cpv_code. */
  document.addEventListener('DOMContentLoaded', function () {
    var input = document.getElementById('cpv_code');
    var list = document.getElementById('cpv-suggestions');
    if (!input || !list || !window.fetch || !list.getAttribute('data-url')) return;
    var url = list.getAttribute('data-url');
    var timer = null;
    input.addEventListener('input', function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) return;
      timer = setTimeout(function () {
        fetch(url + '?q=' + encodeURIComponent(q), {credentials: 'same-origin'})
          .then(function (r) { return r.ok ? r.json() : {results: []}; })
          .then(function (data) {
            list.innerHTML = '';
            data.results.forEach(function (item) {
              var option = document.createElement('option');
              option.value = item.code;
              option.label = item.label;
              option.textContent = item.label;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 200);
    });
  });
})();

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
