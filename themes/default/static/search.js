// Client-side search. The tokenizer is the same algorithm as src/site/search.rs:
// NFKC + lower case; Han runs → overlapping bigrams (one Han character → itself);
// runs of ASCII letters/digits → words. Index shards are script files, so this works
// from file:// as well as from any web server.
(function () {
  "use strict";
  var root = window.jixiaoRoot || "";
  var manifest = null, shards = {}, docs = {}, depts = {}, waiting = {};
  function isHan(cp) {
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FA1F);
  }
  function tokens(text) {
    var s = text.normalize("NFKC").toLowerCase();
    var out = [], han = [], word = "";
    function flushHan() {
      if (han.length === 1) out.push(han[0]);
      for (var i = 0; i + 1 < han.length; i++) out.push(han[i] + han[i + 1]);
      han = [];
    }
    for (var ch of s) {
      var cp = ch.codePointAt(0);
      if (isHan(cp)) { if (word) { out.push(word); word = ""; } han.push(ch); }
      else if (/^[a-z0-9]$/.test(ch)) { flushHan(); word += ch; }
      else { flushHan(); if (word) { out.push(word); word = ""; } }
    }
    flushHan();
    if (word) out.push(word);
    return out;
  }
  function fnv1a(str) {
    var bytes = new TextEncoder().encode(str), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }
  function load(path, key) {
    return new Promise(function (resolve, reject) {
      (waiting[key] = waiting[key] || []).push(resolve);
      if (waiting[key].length > 1) return;
      var s = document.createElement("script");
      s.src = root + path;
      s.onerror = function () { reject(new Error("无法加载 " + path)); };
      document.head.appendChild(s);
    });
  }
  function done(key, value) { (waiting[key] || []).forEach(function (r) { r(value); }); waiting[key] = []; }
  window.jixiaoSearch = {
    manifest: function (m) { manifest = m; done("m", m); },
    shard: function (i, data) { shards[i] = data; done("t" + i, data); },
    docs: function (i, rows) { docs[i] = rows; done("d" + i, rows); },
    depts: function (book, list) { depts[book] = list; done("k" + book, list); },
    tokens: tokens,
    fnv1a: fnv1a
  };
  function getManifest() { return manifest ? Promise.resolve(manifest) : load("search/manifest.js", "m"); }
  function getShard(i) { return shards[i] ? Promise.resolve(shards[i]) : load("search/t" + i + ".js", "t" + i); }
  function getDocs(i) { return docs[i] ? Promise.resolve(docs[i]) : load("search/d" + i + ".js", "d" + i); }
  // A book's departments ([slug, name, first id, end id]), loaded when the search is
  // limited to that book.
  function getDepts(book) { return depts[book] ? Promise.resolve(depts[book]) : load("search/depts-" + book + ".js", "k" + book); }

  // Results are ranked in chunks of CANDIDATES and shown PAGE at a time.
  var CANDIDATES = 60, PAGE = 20;
  // Characters that end a place name or open a bracket: a match right after one starts
  // a word (西区|民政局), a match after any other character may sit inside another word
  // (人|民政|府 in 人民政府).
  var BOUNDARY = "省市区县州盟旗镇乡村街（(【[《“ ·、，,";
  function titleBonus(t, q, kind) {
    if (!q) return 0;
    if (t === q) return 1000;
    var best = 0, at = t.indexOf(q);
    while (at >= 0) {
      // A word start counts more the nearer it is to the front (the name after its
      // place prefix: 攀枝花市西区|民政局), and more for a department than a project.
      var starts = at === 0 || BOUNDARY.indexOf(t.charAt(at - 1)) >= 0;
      best = Math.max(best, starts ? 300 - 5 * Math.min(at, 20) + (kind === "部门" ? 50 : 0) : 100);
      at = t.indexOf(q, at + 1);
    }
    return best;
  }
  // The title with each occurrence of the query marked (text nodes only: no HTML built
  // from content).
  function marked(el, text, q) {
    var lower = text.normalize("NFKC").toLowerCase(), i = 0;
    if (q && lower.length === text.length) {
      for (var at = lower.indexOf(q); at >= 0; at = lower.indexOf(q, at + q.length)) {
        el.appendChild(document.createTextNode(text.slice(i, at)));
        var m = document.createElement("mark");
        m.textContent = text.slice(at, at + q.length);
        el.appendChild(m);
        i = at + q.length;
      }
    }
    el.appendChild(document.createTextNode(text.slice(i)));
  }

  // A line of the document's text around the first match, the match marked; the text's
  // start when the match is elsewhere (the title). Folded one character at a time, so a
  // position in the folded text is a position in what is shown.
  function snippet(el, text, q) {
    if (!text) return;
    var chars = Array.from(text), folded = chars.map(function (c) { return c.normalize("NFKC").toLowerCase(); });
    var at = -1, end = 0;
    if (q) {
      for (var i = 0; i < chars.length && at < 0; i++) {
        var k = i, got = "";
        while (k < chars.length && got.length < q.length) got += folded[k++];
        if (got === q) { at = i; end = k; }
      }
    }
    var from = at < 0 ? 0 : Math.max(0, at - 16);
    var to = Math.min(chars.length, at < 0 ? 64 : end + 48);
    if (from > 0) el.appendChild(document.createTextNode("…"));
    el.appendChild(document.createTextNode(chars.slice(from, at < 0 ? to : at).join("")));
    if (at >= 0) {
      var m = document.createElement("mark");
      m.textContent = chars.slice(at, end).join("");
      el.appendChild(m);
      el.appendChild(document.createTextNode(chars.slice(end, to).join("")));
    }
    if (to < chars.length) el.appendChild(document.createTextNode("…"));
  }

  // Every matching document id, best score first.
  function search(q) {
    var toks = Array.from(new Set(tokens(q)));
    if (!toks.length) return Promise.resolve(null);
    return getManifest().then(function (m) {
      var need = Array.from(new Set(toks.map(function (t) { return fnv1a(t) % m.shards; })));
      return Promise.all(need.map(getShard)).then(function () {
        var scores = null;
        toks.forEach(function (t) {
          var posting = shards[fnv1a(t) % m.shards][t] || [];
          var next = new Map();
          posting.forEach(function (p) {
            if (scores === null || scores.has(p[0])) next.set(p[0], (scores ? scores.get(p[0]) : 0) + p[1]);
          });
          scores = next;
        });
        return Array.from(scores.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
      });
    });
  }
  // One chunk of ranked ids as results, re-ranked by how the query appears in the title.
  // Only the document blocks of this chunk are loaded, so a query downloads kilobytes.
  function hits(chunk, folded) {
    return getManifest().then(function (m) {
      var blocks = Array.from(new Set(chunk.map(function (r) { return Math.floor(r[0] / m.block); })));
      return Promise.all(blocks.map(getDocs)).then(function () {
        return chunk.map(function (r) {
          var d = docs[Math.floor(r[0] / m.block)][r[0] % m.block];
          var t = d[0].normalize("NFKC").toLowerCase();
          return { title: d[0], url: d[1], kind: d[2], sub: d[3], text: d[4] || "", rank: r[1] + titleBonus(t, folded, d[2]) - t.length / 100 };
        }).sort(function (a, b) { return b.rank - a.rank; });
      });
    });
  }
  var form = document.getElementById("search-form");
  if (!form) return;
  var input = document.getElementById("search-q"), list = document.getElementById("search-results"), status = document.getElementById("search-status");
  var more = document.getElementById("search-more");
  function show(q) {
    list.textContent = "";
    if (more) more.hidden = true;
    if (!q.trim()) { status.textContent = "请输入搜索词。"; return; }
    status.textContent = "正在搜索…";
    var folded = q.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
    var book = bookSelect ? bookSelect.value : "";
    var dept = deptSelect && deptSelect.value, inBook = currentBook();
    search(q).then(function (ranked) {
      // One book: its documents are the ids in its range (manifest.books); one
      // department: the ids in its range (search/depts-<book>.js).
      var ranges = (manifest.books || []).filter(function (b) { return b[0] === book; });
      var d = dept && (depts[inBook] || []).filter(function (x) { return x[0] === dept; })[0];
      if (d) ranges = [[inBook, d[1], d[2], d[3]]];
      if (ranked && ranges.length) ranked = ranked.filter(function (r) {
        return ranges.some(function (g) { return r[0] >= g[2] && r[0] < g[3]; });
      });
      if (!ranked || !ranked.length) { status.textContent = "没有找到与“" + q + "”相关的内容" + (d ? "（在" + d[1] + "中）" : ranges.length ? "（在《" + ranges[0][1] + "》中）" : "") + "。"; return; }
      var loaded = 0, shown = [];
      function render(page) {
        page.forEach(function (h) {
          var li = document.createElement("li"), kind = document.createElement("span"), a = document.createElement("a"), sub = document.createElement("span"), snip = document.createElement("span");
          kind.className = "kind"; kind.textContent = h.kind;
          a.href = root + h.url; marked(a, h.title, folded);
          sub.className = "sub"; marked(sub, h.sub, folded);
          snip.className = "snippet"; snippet(snip, h.text, folded);
          li.appendChild(kind); li.appendChild(a); li.appendChild(sub);
          if (snip.childNodes.length) li.appendChild(snip);
          list.appendChild(li);
        });
        status.textContent = "找到 " + ranked.length + " 条结果" + (list.children.length < ranked.length ? "，已显示 " + list.children.length + " 条" : "") + "。";
        if (more) more.hidden = list.children.length >= ranked.length;
      }
      function next() {
        if (shown.length) { render(shown.splice(0, PAGE)); return Promise.resolve(); }
        var chunk = ranked.slice(loaded, loaded + CANDIDATES);
        loaded += chunk.length;
        return hits(chunk, folded).then(function (h) { shown = h; render(shown.splice(0, PAGE)); });
      }
      if (more) more.onclick = function () { next().catch(fail); };
      return next();
    }).catch(fail);
  }
  function fail(e) { status.textContent = "搜索索引加载失败：" + e.message; }
  // The book filter appears when the site has more than one book; the department filter
  // once the search covers one book.
  var bookSelect = document.getElementById("search-book");
  var deptSelect = document.getElementById("search-dept");
  var params = new URLSearchParams(location.search);
  function currentBook() {
    if (bookSelect && bookSelect.value) return bookSelect.value;
    var all = Array.from(new Set(((manifest && manifest.books) || []).map(function (b) { return b[0]; })));
    return all.length === 1 ? all[0] : "";
  }
  function fillDepts(want) {
    if (!deptSelect) return Promise.resolve();
    var book = currentBook(), label = document.getElementById("search-dept-label");
    while (deptSelect.options.length > 1) deptSelect.remove(1);
    deptSelect.value = "";
    if (!book) { label.hidden = true; return Promise.resolve(); }
    return getDepts(book).then(function (list) {
      list.forEach(function (d) {
        var o = document.createElement("option");
        o.value = d[0]; o.textContent = d[1];
        deptSelect.appendChild(o);
      });
      if (want && list.some(function (d) { return d[0] === want; })) deptSelect.value = want;
      label.hidden = false;
    });
  }
  function go() {
    var q = input.value, p = new URLSearchParams();
    p.set("q", q);
    if (bookSelect && bookSelect.value) p.set("book", bookSelect.value);
    if (deptSelect && deptSelect.value) p.set("dept", deptSelect.value);
    history.replaceState(null, "", "?" + p.toString());
    show(q);
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); go(); });
  getManifest().then(function (m) {
    if (bookSelect && m.books && new Set(m.books.map(function (b) { return b[0]; })).size > 1) {
      m.books.forEach(function (b, i) {
        if (m.books.slice(0, i).some(function (c) { return c[0] === b[0]; })) return;
        var o = document.createElement("option");
        o.value = b[0]; o.textContent = b[1];
        bookSelect.appendChild(o);
      });
      bookSelect.value = params.get("book") || "";
      document.getElementById("search-book-label").hidden = false;
      bookSelect.addEventListener("change", function () {
        fillDepts("").then(function () { if (input.value.trim()) go(); }).catch(fail);
      });
    }
    if (deptSelect) deptSelect.addEventListener("change", function () { if (input.value.trim()) go(); });
    return fillDepts(params.get("dept")).then(function () {
      var q = params.get("q");
      if (q) { input.value = q; show(q); }
    });
  }).catch(fail);
})();
