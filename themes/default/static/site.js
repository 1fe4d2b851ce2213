// Progressive enhancement only: every page works without it.
(function () {
  "use strict";
  // Sortable tables: click a header; numbers sort by data-value or their text.
  function cellValue(td, numeric) {
    var raw = td.getAttribute("data-value");
    var t = raw !== null ? raw : td.textContent;
    if (!numeric) return t.trim();
    var n = parseFloat(String(t).replace(/[^0-9.\-]/g, ""));
    return isNaN(n) ? -Infinity : n;
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("th[data-sort]");
    heads.forEach(function (th, col) {
      th.setAttribute("tabindex", "0");
      var index = Array.prototype.indexOf.call(th.parentNode.children, th);
      function sort() {
        var numeric = th.getAttribute("data-sort") === "num";
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a.cells[index], numeric), y = cellValue(b.cells[index], numeric);
          var c = numeric ? x - y : String(x).localeCompare(String(y), "zh-CN");
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  });
  // Findings filters: by rule, department and severity; state kept in the URL hash.
  var form = document.getElementById("filters");
  if (form) {
    form.hidden = false;
    var selects = form.querySelectorAll("select");
    function apply() {
      var rule = form.querySelector("[data-filter=rule]").value;
      var dept = form.querySelector("[data-filter=dept]").value;
      var sev = form.querySelector("[data-filter=sev]").value;
      document.querySelectorAll(".rule-group").forEach(function (g) {
        var visible = 0;
        g.querySelectorAll("tbody tr").forEach(function (tr) {
          var show = (!dept || tr.getAttribute("data-dept") === dept) && (!sev || tr.getAttribute("data-sev") === sev);
          tr.hidden = !show;
          if (show) visible++;
        });
        g.hidden = (rule && g.getAttribute("data-rule") !== rule) || visible === 0;
      });
    }
    selects.forEach(function (s) { s.addEventListener("change", apply); });
    var m = location.hash.match(/^#rule-(.+)$/);
    if (m) { form.querySelector("[data-filter=rule]").value = m[1]; apply(); }
  }
})();
