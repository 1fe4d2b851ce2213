// Client-side search. The tokenizer is the same algorithm as src/site/search.rs:
// NFKC + lower case; Han runs → overlapping bigrams (one Han character → itself);
// runs of ASCII letters/digits → words. Index shards are script files, so this works
// from file:// as well as from any web server.
(function () {
  "use strict";
  var root = window.jixiaoRoot || "";
  var manifest = null, shards = {}, docs = {}, waiting = {};
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
    tokens: tokens,
    fnv1a: fnv1a
  };
  function getManifest() { return manifest ? Promise.resolve(manifest) : load("search/manifest.js", "m"); }
  function getShard(i) { return shards[i] ? Promise.resolve(shards[i]) : load("search/t" + i + ".js", "t" + i); }
  function getDocs(i) { return docs[i] ? Promise.resolve(docs[i]) : load("search/d" + i + ".js", "d" + i); }

  function search(q) {
    var toks = Array.from(new Set(tokens(q)));
    if (!toks.length) return Promise.resolve([]);
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
        var ranked = Array.from(scores.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
        var top = ranked.slice(0, 50);
        var blocks = Array.from(new Set(top.map(function (r) { return Math.floor(r[0] / m.block); })));
        return Promise.all(blocks.map(getDocs)).then(function () {
          var folded = q.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
          var hits = top.map(function (r) {
            var d = docs[Math.floor(r[0] / m.block)][r[0] % m.block];
            var t = d[0].normalize("NFKC").toLowerCase();
            // Whole-phrase matches in the title first, shorter titles before longer.
            var bonus = t === folded ? 1000 : (t.indexOf(folded) >= 0 ? 100 : 0);
            return { title: d[0], url: d[1], kind: d[2], sub: d[3], rank: r[1] + bonus - t.length / 100 };
          });
          hits.sort(function (a, b) { return b.rank - a.rank; });
          return { total: ranked.length, hits: hits };
        });
      });
    });
  }
  var form = document.getElementById("search-form");
  if (!form) return;
  var input = document.getElementById("search-q"), list = document.getElementById("search-results"), status = document.getElementById("search-status");
  function show(q) {
    list.textContent = "";
    if (!q.trim()) { status.textContent = "请输入搜索词。"; return; }
    status.textContent = "正在搜索…";
    search(q).then(function (res) {
      if (!res || !res.total) { status.textContent = "没有找到与“" + q + "”相关的内容。"; return; }
      status.textContent = "找到 " + res.total + " 条结果" + (res.total > res.hits.length ? "，显示前 " + res.hits.length + " 条" : "") + "。";
      res.hits.forEach(function (h) {
        var li = document.createElement("li"), kind = document.createElement("span"), a = document.createElement("a"), sub = document.createElement("span");
        kind.className = "kind"; kind.textContent = h.kind;
        a.href = root + h.url; a.textContent = h.title;
        sub.className = "sub"; sub.textContent = h.sub;
        li.appendChild(kind); li.appendChild(a); li.appendChild(sub); list.appendChild(li);
      });
    }).catch(function (e) { status.textContent = "搜索索引加载失败：" + e.message; });
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value;
    history.replaceState(null, "", "?q=" + encodeURIComponent(q));
    show(q);
  });
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; show(q); }
})();
