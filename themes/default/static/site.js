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
  // Filter boxes over a table: rows whose text holds the words (NFKC, lower case).
  document.querySelectorAll("input[data-filter-table]").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    if (!table) return;
    var count = input.parentNode.parentNode.querySelector(".filter-count");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var fold = function (s) { return s.normalize("NFKC").toLowerCase(); };
    var texts = rows.map(function (r) { return fold(r.textContent); });
    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean), shown = 0;
      rows.forEach(function (r, i) {
        var ok = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
        r.hidden = !ok;
        if (ok) shown++;
      });
      if (count) count.textContent = words.length ? "显示 " + shown + " / " + rows.length : "";
    });
  });
  // Findings filters: by rule, department and severity, over every finding of the book
  // (data/findings.js, loaded on first use: the page itself shows only the first 50 of
  // a long rule). The state is kept in the URL (?rule=…&dept=…&sev=…).
  var form = document.getElementById("filters");
  if (form) {
    form.hidden = false;
    var get = function (k) { return form.querySelector("[data-filter=" + k + "]"); };
    var status = document.getElementById("filter-status");
    var filtered = document.getElementById("filtered");
    var unfiltered = document.getElementById("unfiltered");
    var data = null;
    window.jixiaoFindings = function (d) { data = d; };
    function load() {
      if (data) return Promise.resolve(data);
      return new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = form.getAttribute("data-src");
        s.onload = function () { data ? resolve(data) : reject(new Error("empty")); };
        s.onerror = function () { reject(new Error("无法加载检查发现数据")); };
        document.head.appendChild(s);
      });
    }
    function el(tag, text, cls) {
      var e = document.createElement(tag);
      if (text) e.textContent = text;
      if (cls) e.className = cls;
      return e;
    }
    function link(href, text) { var a = el("a", text); a.href = href; return a; }
    function render(d, rule, dept, sev) {
      filtered.textContent = "";
      var groups = new Map(), total = 0;
      d.items.forEach(function (it) {
        var r = d.rules[it[0]];
        if (rule && r[0] !== rule) return;
        if (sev && r[2] !== sev) return;
        if (dept && (it[1] < 0 || d.depts[it[1]][0] !== dept)) return;
        if (!groups.has(it[0])) groups.set(it[0], []);
        groups.get(it[0]).push(it);
        total++;
      });
      groups.forEach(function (items, ri) {
        var r = d.rules[ri];
        var sec = el("section", null, "rule-group");
        var h = el("h2");
        h.appendChild(el("span", r[3], "sev sev-" + r[2]));
        h.appendChild(document.createTextNode(" " + r[1] + " "));
        h.appendChild(el("small", "（" + items.length + "）"));
        sec.appendChild(h);
        var table = el("table", null, "data findings-table");
        var head = el("thead"), hr = el("tr");
        ["部门", "项目", "说明", "源文件"].forEach(function (t) { var th = el("th", t); th.scope = "col"; hr.appendChild(th); });
        head.appendChild(hr); table.appendChild(head);
        var body = el("tbody");
        items.forEach(function (it) {
          var tr = el("tr"), dd = it[1] >= 0 ? d.depts[it[1]] : null;
          var c1 = el("td"); c1.setAttribute("data-label", "部门");
          if (dd) c1.appendChild(link(dd[0] + "/index.html", dd[1]));
          var c2 = el("td"); c2.setAttribute("data-label", "项目");
          if (dd && it[3]) c2.appendChild(link(dd[0] + "/" + it[3] + ".html", it[2]));
          var c3 = el("td", it[4]); c3.setAttribute("data-label", "说明");
          var c4 = el("td"); c4.setAttribute("data-label", "源文件"); c4.appendChild(el("code", it[5]));
          [c1, c2, c3, c4].forEach(function (c) { tr.appendChild(c); });
          body.appendChild(tr);
        });
        table.appendChild(body);
        var wrap = el("div", null, "scroll"); wrap.appendChild(table); sec.appendChild(wrap);
        filtered.appendChild(sec);
      });
      status.textContent = "符合条件的检查发现共 " + total + " 条（全册 " + d.items.length + " 条）。";
    }
    function apply() {
      var rule = get("rule").value, dept = get("dept").value, sev = get("sev").value;
      var q = new URLSearchParams();
      if (rule) q.set("rule", rule);
      if (dept) q.set("dept", dept);
      if (sev) q.set("sev", sev);
      var qs = q.toString();
      history.replaceState(null, "", qs ? "?" + qs : location.pathname);
      if (!qs) { filtered.hidden = true; unfiltered.hidden = false; status.textContent = ""; return; }
      status.textContent = "正在筛选…";
      load().then(function (d) {
        render(d, rule, dept, sev);
        unfiltered.hidden = true; filtered.hidden = false;
      }).catch(function (e) { status.textContent = e.message; });
    }
    form.querySelectorAll("select").forEach(function (s) { s.addEventListener("change", apply); });
    var params = new URLSearchParams(location.search);
    var m = location.hash.match(/^#rule-(.+)$/);
    if (m && !params.get("rule")) params.set("rule", m[1]);
    var any = false;
    ["rule", "dept", "sev"].forEach(function (k) {
      var v = params.get(k);
      if (v && Array.prototype.some.call(get(k).options, function (o) { return o.value === v; })) { get(k).value = v; any = true; }
    });
    if (any) apply();
  }
})();
