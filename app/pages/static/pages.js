// Enhancements only: every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Copy the feed address.
  document.querySelectorAll("button.copy").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var input = document.getElementById(button.dataset.copy);
      var status = button.closest("section").querySelector(".status");
      navigator.clipboard.writeText(input.value).then(function () {
        status.textContent = button.dataset.done || "Copied.";
      }, function () { input.select(); });
    });
  });
  // Sortable tables: each heading becomes a button; data-sort holds the value to compare.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var lang = document.documentElement.lang;
        rows.sort(function (a, b) {
          var x = a.cells[column].dataset.sort || "", y = b.cells[column].dataset.sort || "";
          return (ascending ? 1 : -1) * x.localeCompare(y, lang);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
  // An event's time in the reader's own zone.
  document.querySelectorAll(".local[data-start]").forEach(function (span) {
    try {
      var zone = span.dataset.zone, local = span.dataset.start;
      // The wall time in the event's zone -> the instant: find the offset by formatting.
      var guess = new Date(local + "Z");
      var parts = new Intl.DateTimeFormat("en-US", {timeZone: zone, hourCycle: "h23",
        year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit"})
        .formatToParts(guess).reduce(function (o, p) { o[p.type] = p.value; return o; }, {});
      var shown = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute);
      var instant = new Date(guess.getTime() - (shown - guess.getTime()));
      var mine = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (mine === zone) return;
      span.textContent = "· " + new Intl.DateTimeFormat(document.documentElement.lang,
        {dateStyle: "medium", timeStyle: "short"}).format(instant) + " (" + mine + ")";
    } catch (e) { /* an unknown zone: the event's own time stays */ }
  });
});
