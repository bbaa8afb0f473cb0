/* global document, location, URLSearchParams, window -- runs in the browser */
"use strict";
// Client-side filtering: no network, no eval, text only (account names come from the JSON data block
// and are inserted with textContent, so nothing from AWS is ever parsed as HTML).
(function () {
  var data = JSON.parse(document.getElementById("replguard-data").textContent);
  var severity = document.getElementById("filter-severity");
  var status = document.getElementById("filter-status");
  var account = document.getElementById("filter-account");
  var search = document.getElementById("filter-search");
  var shown = document.getElementById("filter-shown");
  var empty = document.getElementById("filter-empty");

  data.accounts.forEach(function (a) {
    var option = document.createElement("option");
    option.value = a.id;
    option.textContent = a.id + " \u2014 " + a.name;
    account.appendChild(option);
  });

  var sections = Array.prototype.slice.call(document.querySelectorAll("section.account"));
  sections.forEach(function (section) {
    section.searchText = section.querySelector("header").textContent.toLowerCase();
    Array.prototype.forEach.call(section.querySelectorAll(".bucket, p.findings"), function (item) {
      item.searchText = item.textContent.toLowerCase();
    });
  });

  function apply() {
    var sev = severity.value, st = status.value, acc = account.value;
    var text = search.value.trim().toLowerCase();
    var resultFilter = sev !== "" || st !== "";
    var bucketsShown = 0, rowsShown = 0;
    sections.forEach(function (section) {
      var accountMatch = acc === "" || section.getAttribute("data-account") === acc;
      var anyBucket = false;
      Array.prototype.forEach.call(section.querySelectorAll(".bucket"), function (bucket) {
        var rows = 0;
        var matches = function (severityOf, statusOf) {
          return (sev === "" || severityOf === sev) && (st === "" || statusOf === st);
        };
        var tokens = bucket.getAttribute("data-results");
        if (tokens !== null) {
          // A compact bucket: its results are "severity:status" tokens, not table rows.
          tokens.split(" ").forEach(function (token) {
            var parts = token.split(":");
            if (token !== "" && matches(parts[0], parts[1])) rows += 1;
          });
        }
        Array.prototype.forEach.call(bucket.querySelectorAll("tr.result"), function (row) {
          var ok = matches(row.getAttribute("data-severity"), row.getAttribute("data-status"));
          row.hidden = !ok;
          if (ok) rows += 1;
        });
        var textMatch = text === "" || bucket.searchText.indexOf(text) >= 0 || section.searchText.indexOf(text) >= 0;
        var visible = accountMatch && textMatch && (!resultFilter || rows > 0);
        bucket.hidden = !visible;
        if (visible) { anyBucket = true; bucketsShown += 1; rowsShown += rows; if (resultFilter && bucket.tagName === "DETAILS") bucket.open = true; }
      });
      // At scale an account lists one line per (policy, status) naming its buckets: filtered the same way.
      Array.prototype.forEach.call(section.querySelectorAll("p.findings"), function (line) {
        var ok = (sev === "" || line.getAttribute("data-severity") === sev) && (st === "" || line.getAttribute("data-status") === st);
        var textMatch = text === "" || line.searchText.indexOf(text) >= 0 || section.searchText.indexOf(text) >= 0;
        var visible = accountMatch && ok && textMatch;
        line.hidden = !visible;
        if (visible) { anyBucket = true; rowsShown += Number(line.getAttribute("data-count")); }
      });
      var headerOnly = !resultFilter && (text === "" || section.searchText.indexOf(text) >= 0);
      section.hidden = !(accountMatch && (anyBucket || headerOnly));
    });
    shown.textContent = bucketsShown + " buckets, " + rowsShown + " results shown";
    empty.hidden = sections.some(function (s) { return !s.hidden; });
  }

  [severity, status, account].forEach(function (el) { el.addEventListener("change", apply); });
  search.addEventListener("input", apply);
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter-status]"), function (el) {
    el.addEventListener("click", function (event) {
      event.preventDefault();
      status.value = el.getAttribute("data-filter-status");
      severity.value = el.getAttribute("data-filter-severity") || "";
      apply();
      document.getElementById("accounts").scrollIntoView();
    });
  });
  // A link can preset the filters: report.html#filter?status=fail&severity=high&account=…&q=…
  if (location.hash.indexOf("#filter?") === 0) {
    var params = new URLSearchParams(location.hash.slice("#filter?".length));
    severity.value = params.get("severity") || "";
    status.value = params.get("status") || "";
    account.value = params.get("account") || "";
    search.value = params.get("q") || "";
  }
  apply();

  // "Print / PDF": the print layout on screen (evidence page first, no filters, every bucket shown
  // and open); its "Print or save as PDF" button opens the browser's print dialog. @media print
  // gives the same layout to Ctrl+P. The dialog is a second click so that the layout can be looked
  // at (and tested: a headless browser cannot print twice at once) before printing.
  var printToggle = document.getElementById("print-toggle");
  printToggle.addEventListener("click", function () {
    var on = document.documentElement.classList.toggle("print-view");
    printToggle.setAttribute("aria-pressed", on ? "true" : "false");
    printToggle.textContent = on ? "Back to the interactive report" : "Print / PDF";
    if (!on) return;
    severity.value = "";
    status.value = "";
    account.value = "";
    search.value = "";
    apply();
    Array.prototype.forEach.call(document.querySelectorAll("details.bucket"), function (d) { d.open = true; });
    window.scrollTo(0, 0);
  });
  document.getElementById("print-now").addEventListener("click", function () { window.print(); });
})();
