/* Monthly hours grid: Enter and arrows move down a column, Ctrl+Enter saves, rows can be added, live total. */
(function () {
  "use strict";
  var table = document.getElementById("hours-grid");
  if (!table) { return; }
  var form = table.closest("form");
  var body = table.querySelector("tbody");
  var countField = form.querySelector("input[name=row_count]");
  var totalCell = document.getElementById("grid-total");

  function rows() { return Array.prototype.slice.call(body.querySelectorAll("tr.grid-row")); }
  function parseHours(text) {
    var value = parseFloat(String(text || "").replace(/[\s\u00a0\u202f]/g, "").replace(",", "."));
    return isNaN(value) ? 0 : value;
  }
  function updateTotal() {
    var total = 0;
    body.querySelectorAll("input[data-col=hours]").forEach(function (input) { total += parseHours(input.value); });
    if (totalCell) {
      totalCell.textContent = total.toLocaleString("fr-FR", { maximumFractionDigits: 2 }) + "\u00a0h";
    }
  }
  function addRows(count) {
    var template = rows()[rows().length - 1];
    for (var i = 0; i < count; i++) {
      var index = rows().length + 1;
      var clone = template.cloneNode(true);
      clone.classList.remove("table-danger");
      clone.querySelector(".row-number").textContent = index;
      clone.querySelectorAll("input, select").forEach(function (field) {
        field.name = field.name.replace(/rows-\d+-/, "rows-" + index + "-");
        field.id = field.id.replace(/rows-\d+-/, "rows-" + index + "-");
        field.classList.remove("is-invalid");
        if (field.tagName === "SELECT") { field.selectedIndex = 0; } else { field.value = ""; }
      });
      clone.querySelectorAll(".field-hint").forEach(function (hint) { hint.textContent = ""; });
      body.appendChild(clone);
    }
    countField.value = rows().length;
  }
  function move(field, step) {
    var row = field.closest("tr.grid-row");
    var all = rows();
    var target = all[all.indexOf(row) + step];
    if (!target && step > 0) { addRows(5); target = rows()[all.indexOf(row) + step]; }
    if (!target) { return; }
    var next = target.querySelector("[data-col=" + field.dataset.col + "]");
    if (next) { next.focus(); if (next.select) { next.select(); } }
  }
  table.addEventListener("keydown", function (event) {
    var field = event.target;
    if (!field.dataset || !field.dataset.col) { return; }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); form.requestSubmit(); return; }
    if (event.key === "Enter") { event.preventDefault(); move(field, event.shiftKey ? -1 : 1); return; }
    if (field.tagName === "INPUT" && (event.key === "ArrowDown" || event.key === "ArrowUp") && field.dataset.col === "hours") {
      event.preventDefault(); move(field, event.key === "ArrowDown" ? 1 : -1);
    }
  });
  function optionLabel(listId, value) {
    var list = document.getElementById(listId);
    if (!list || !value) { return ""; }
    var wanted = value.trim().toUpperCase();
    var options = list.options;
    for (var i = 0; i < options.length; i++) {
      if (options[i].value.toUpperCase() === wanted) { return options[i].textContent; }
    }
    return "";
  }
  table.addEventListener("input", function (event) {
    var field = event.target;
    if (field.dataset.col === "hours") { updateTotal(); return; }
    if (field.dataset.col === "participant" || field.dataset.col === "employer") {
      var hint = field.parentNode.querySelector("[data-hint-for=" + field.dataset.col + "]");
      var listId = field.dataset.col === "participant" ? "participant-codes" : "employer-sirets";
      if (hint) { hint.textContent = optionLabel(listId, field.value); }
    }
  });
  var addButton = document.getElementById("add-rows");
  if (addButton) { addButton.addEventListener("click", function () { addRows(5); }); }
  var monthSelect = document.getElementById("mois");
  if (monthSelect) { monthSelect.addEventListener("change", function () { monthSelect.form.submit(); }); }
  updateTotal();
})();
