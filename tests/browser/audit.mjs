#!/usr/bin/env node
// Browser audit of a built jixiao site, for a Rust integration test to call.
//
//   node tests/browser/audit.mjs <site-output-dir> <page-rel-path>...
//
// Each page (a path relative to the site dir, optionally with ?query or #hash) is opened
// through a file:// URL in the system Chromium at two viewport widths (1280 and 390 px,
// height 900, deviceScaleFactor 1), and checked for:
//   - axe-core violations (serious, critical, and moderate separately);
//   - at 390 px: visible <td>/<th> inside <main> narrower than 6 CJK characters
//     (6 x the cell's computed font-size), also inside horizontally scrolling wrappers;
//   - at 390 px: visible SVG <text> whose rendered size (computed font-size x the current
//     scale of its coordinate system, getScreenCTM) is under 12 CSS px;
//   - the page's scroll height.
// One JSON object goes to stdout:
//   {pages: [{page, width, axe: {serious, critical, moderate}, narrowCells, smallText,
//             height, pageErrors, ms}]}
// (pageErrors: uncaught exceptions and failed requests while loading; ms: time spent on
// the page at that width; the search page also gets search: {status, results}.)
// Exit code 0 whatever was found; non-zero (with a message on stderr) only when the
// harness itself failed: bad arguments, a missing page, no browser, a page that would
// not load, an axe run that threw.
//
// Environment: JIXIAO_CHROMIUM overrides the browser path (default /usr/bin/chromium).

import { readFileSync, existsSync, statSync } from "node:fs";
import { resolve, dirname, join } from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const HERE = dirname(fileURLToPath(import.meta.url));
const WIDTHS = [1280, 390];
const PHONE = 390;
const HEIGHT = 900;
const NAV_TIMEOUT_MS = 30_000;
const SETTLE_TIMEOUT_MS = 15_000;
const MIN_CJK_CHARS = 6;
const MIN_SVG_TEXT_PX = 12;

function fail(msg) {
  process.stderr.write(`audit.mjs: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = argv.slice(2);
  if (args.length < 2 || args.includes("-h") || args.includes("--help")) {
    fail("usage: node tests/browser/audit.mjs <site-output-dir> <page-rel-path>...");
  }
  const siteDir = resolve(args[0]);
  if (!existsSync(siteDir) || !statSync(siteDir).isDirectory()) fail(`site dir not found: ${siteDir}`);
  const pages = args.slice(1).map((rel) => {
    const m = /^([^?#]*)([?#].*)?$/.exec(rel);
    const file = join(siteDir, m[1]);
    if (!m[1] || !existsSync(file) || !statSync(file).isFile()) fail(`page not found: ${rel} (looked for ${file})`);
    let suffix = m[2] || "";
    // Percent-encode the query/hash (e.g. ?q=民政) the way a browser would.
    if (suffix) suffix = encodeURI(decodeURI(suffix));
    return { rel, url: pathToFileURL(file).href + suffix };
  });
  return { siteDir, pages };
}

// Wait for work a page starts after load: the search page runs its query from ?q=
// asynchronously (loading index chunks by <script>); wait until it has shown results,
// "nothing found" or an error. Then wait for web fonts.
async function settle(page, entry) {
  const hasSearch = await page.evaluate(
    () => !!document.getElementById("search-results") && new URLSearchParams(location.search).has("q"),
  );
  if (hasSearch) {
    try {
      await page.waitForFunction(
        () => {
          const status = document.getElementById("search-status");
          const list = document.getElementById("search-results");
          const text = status ? status.textContent.trim() : "";
          if (text === "正在搜索…") return false;
          return list.children.length > 0 || /没有找到|失败|请输入/.test(text);
        },
        null,
        { timeout: SETTLE_TIMEOUT_MS, polling: 50 },
      );
    } catch {
      entry.pageErrors.push(`search did not finish within ${SETTLE_TIMEOUT_MS} ms`);
    }
    entry.search = await page.evaluate(() => {
      const items = Array.from(document.querySelectorAll("#search-results > li"));
      return {
        status: (document.getElementById("search-status")?.textContent || "").trim(),
        results: items.length,
        // The first results as shown: title, and the text marked as matching.
        top: items.slice(0, 5).map((li) => ({
          title: (li.querySelector("a")?.textContent || "").trim(),
          marked: Array.from(li.querySelectorAll("mark")).map((m) => m.textContent),
          sub: (li.querySelector(".sub")?.textContent || "").trim(),
          snippet: (li.querySelector(".snippet")?.textContent || "").trim(),
          snippetMarked: Array.from(li.querySelectorAll(".snippet mark")).map((m) => m.textContent),
        })),
        // Every result's context line (book · department · …), to check a filter.
        subs: items.map((li) => (li.querySelector(".sub")?.textContent || "").trim()),
      };
    });
  }
  // The findings page filters from ?rule=/dept=/sev= after loading its data file.
  const hasFilter = await page.evaluate(
    () => !!document.getElementById("filters") && /[?&](rule|dept|sev)=/.test(location.search),
  );
  if (hasFilter) {
    try {
      await page.waitForFunction(
        () => {
          const t = (document.getElementById("filter-status")?.textContent || "").trim();
          return t !== "" && t !== "正在筛选…";
        },
        null,
        { timeout: SETTLE_TIMEOUT_MS, polling: 50 },
      );
    } catch {
      entry.pageErrors.push(`findings filter did not finish within ${SETTLE_TIMEOUT_MS} ms`);
    }
    entry.filter = await page.evaluate(() => ({
      status: (document.getElementById("filter-status")?.textContent || "").trim(),
      rows: document.querySelectorAll("#filtered tbody tr").length,
      unfilteredHidden: !!document.getElementById("unfiltered")?.hidden,
    }));
  }
  await page.evaluate(() => (document.fonts ? document.fonts.ready.then(() => true) : true));
}

async function runAxe(page, axeSource) {
  const has = await page.evaluate(() => typeof window.axe === "object");
  if (!has) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const res = await window.axe.run(document, { resultTypes: ["violations"] });
    return res.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
      sample: v.nodes.length
        ? [].concat(v.nodes[0].target).map((t) => [].concat(t).join(" >>> ")).join(" >>> ")
        : null,
    }));
  });
  const by = (impact) => violations.filter((v) => v.impact === impact);
  return { serious: by("serious"), critical: by("critical"), moderate: by("moderate") };
}

// In-page: cells of visible tables in <main> narrower than MIN_CJK_CHARS x font-size.
function measureNarrowCells(minChars) {
  const clip = (s, n = 60) => {
    s = (s || "").replace(/\s+/g, " ").trim();
    return s.length > n ? s.slice(0, n - 1) + "…" : s;
  };
  const visible = (el) => {
    if (el.checkVisibility && !el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const scroller = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if ((ox === "auto" || ox === "scroll") && a.scrollWidth > a.clientWidth) return true;
    }
    return false;
  };
  const out = [];
  const tables = [...document.querySelectorAll("main table")];
  tables.forEach((table, tableIndex) => {
    if (!visible(table)) return;
    const caption = table.querySelector(":scope > caption");
    const firstTh = table.querySelector("th");
    const label = clip(caption?.textContent || firstTh?.textContent || table.id || `table #${tableIndex + 1}`, 80);
    const inScroller = scroller(table);
    const headers = [...(table.tHead?.rows[0]?.cells || [])].map((c) => clip(c.textContent, 30));
    for (const row of table.rows) {
      [...row.cells].forEach((cell, col) => {
        if (!visible(cell)) return;
        const cs = getComputedStyle(cell);
        const fontSize = parseFloat(cs.fontSize);
        const min = minChars * fontSize;
        const width = cell.getBoundingClientRect().width;
        if (width >= min) return;
        // Lines the text takes: the height of the cell's contents (not of the cell, which the
        // row may stretch) over the line height.
        const lh = parseFloat(cs.lineHeight) || fontSize * 1.5;
        const range = document.createRange();
        range.selectNodeContents(cell);
        const textHeight = range.getBoundingClientRect().height;
        out.push({
          table: label,
          tableIndex,
          column: headers[col] ?? col,
          tag: cell.tagName.toLowerCase(),
          text: clip(cell.textContent),
          width: Math.round(width * 10) / 10,
          minWidth: Math.round(min * 10) / 10,
          fontSize,
          lines: Math.max(1, Math.round(textHeight / lh)),
          inScroller,
        });
      });
    }
  });
  return out;
}

// In-page: visible SVG <text> rendered under minPx CSS px.
function measureSmallText(minPx) {
  const clip = (s, n = 40) => {
    s = (s || "").replace(/\s+/g, " ").trim();
    return s.length > n ? s.slice(0, n - 1) + "…" : s;
  };
  const out = [];
  for (const t of document.querySelectorAll("svg text")) {
    if (t.checkVisibility && !t.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    const r = t.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) continue;
    const svg = t.ownerSVGElement;
    const sr = svg && svg.getBoundingClientRect();
    if (!sr || !(sr.width > 0 && sr.height > 0)) continue;
    const fontSize = parseFloat(getComputedStyle(t).fontSize); // user units
    let scale = null;
    const m = t.getScreenCTM(); // includes viewBox scaling and any transform on t / its groups
    if (m) scale = Math.sqrt(m.a * m.a + m.b * m.b);
    if (!scale) {
      const vb = svg.viewBox && svg.viewBox.baseVal;
      scale = vb && vb.width ? sr.width / vb.width : 1;
    }
    const px = fontSize * scale;
    if (px >= minPx) continue;
    // Name the chart: the svg's id, else the id its aria-labelledby points at (jixiao's
    // "<chart>-t" title, suffix dropped), else the nearest ancestor id.
    const labelId = (svg.getAttribute("aria-labelledby") || "").split(/\s+/)[0];
    const labelEl = labelId && document.getElementById(labelId);
    out.push({
      chart: svg.id || (labelEl && labelId.replace(/-t$/, "")) || svg.parentElement?.closest("[id]")?.id || "svg",
      title: clip(labelEl?.textContent || svg.getAttribute("aria-label") || svg.querySelector(":scope > title")?.textContent || ""),
      text: clip(t.textContent),
      fontSize,
      scale: Math.round(scale * 1000) / 1000,
      px: Math.round(px * 100) / 100,
    });
  }
  return out;
}

async function auditAt(browser, siteDir, width, pages, axeSource) {
  const context = await browser.newContext({
    viewport: { width, height: HEIGHT },
    deviceScaleFactor: 1,
    bypassCSP: true,
    reducedMotion: "reduce",
  });
  // Root-absolute URLs (href="/static/style.css", as on 404.html) resolve to file:///static/…
  // under file://; serve them from the site dir, as a web server rooted there would.
  const root = pathToFileURL(siteDir).pathname.replace(/\/?$/, "/");
  await context.route(
    (u) => u.protocol === "file:" && !u.pathname.startsWith(root),
    (route) => {
      const rel = decodeURIComponent(new URL(route.request().url()).pathname).replace(/^\/+/, "");
      const file = join(siteDir, rel);
      return existsSync(file) && statSync(file).isFile()
        ? route.fulfill({ path: file })
        : route.fulfill({ status: 404, body: "" });
    },
  );
  const page = await context.newPage();
  page.setDefaultTimeout(NAV_TIMEOUT_MS);
  let current = null;
  page.on("pageerror", (e) => current && current.pageErrors.push(`uncaught: ${e.message}`));
  page.on("requestfailed", (r) => {
    // axe re-reads stylesheets it cannot access by XHR, which file:// refuses: not the page's fault.
    if (r.resourceType() === "xhr" && /\.css([?#]|$)/.test(r.url())) return;
    if (current) current.pageErrors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
  });
  const results = [];
  try {
    for (const p of pages) {
      const entry = { page: p.rel, width, axe: null, narrowCells: [], smallText: [], height: 0, pageErrors: [] };
      current = entry;
      const t0 = Date.now();
      try {
        await page.goto(p.url, { waitUntil: "load", timeout: NAV_TIMEOUT_MS });
      } catch (e) {
        throw new Error(`could not load ${p.rel} at ${width}px: ${e.message}`);
      }
      await settle(page, entry);
      if (width === PHONE) {
        entry.narrowCells = await page.evaluate(measureNarrowCells, MIN_CJK_CHARS);
        entry.smallText = await page.evaluate(measureSmallText, MIN_SVG_TEXT_PX);
      }
      entry.height = await page.evaluate(() =>
        Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0),
      );
      try {
        entry.axe = await runAxe(page, axeSource);
      } catch (e) {
        throw new Error(`axe failed on ${p.rel} at ${width}px: ${e.message}`);
      }
      current = null;
      entry.ms = Date.now() - t0;
      results.push(entry);
    }
  } finally {
    await context.close().catch(() => {});
  }
  return results;
}

async function main() {
  const { siteDir, pages } = parseArgs(process.argv);
  const axePath = join(HERE, "node_modules", "axe-core", "axe.min.js");
  if (!existsSync(axePath)) fail(`axe-core not installed (${axePath}); run: cd tests/browser && npm ci`);
  const axeSource = readFileSync(axePath, "utf8");
  const executablePath = process.env.JIXIAO_CHROMIUM || "/usr/bin/chromium";
  if (!existsSync(executablePath)) fail(`Chromium not found at ${executablePath}`);

  let browser;
  try {
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  } catch (e) {
    fail(`could not launch ${executablePath}: ${e.message}`);
  }
  try {
    // One context per width, both running at once; output ordered page by page.
    const perWidth = await Promise.all(WIDTHS.map((w) => auditAt(browser, siteDir, w, pages, axeSource)));
    const out = [];
    pages.forEach((_, i) => perWidth.forEach((list) => out.push(list[i])));
    process.stdout.write(JSON.stringify({ pages: out }) + "\n");
  } finally {
    await browser.close().catch(() => {});
  }
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
