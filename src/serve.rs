//! `jixiao serve`: build, serve on 127.0.0.1, watch, rebuild what a change affects.
//!
//! [`Workspace`] keeps the loaded site, its findings, the search index and a hash of every
//! content and output file. A change under `content/<book>/` reloads that book, checks
//! it again, re-renders its pages, the home page, the sitemap and the search shards its
//! documents touch, and writes only the output files whose bytes changed. A change to
//! `book.toml`, the theme or a site page rebuilds everything. The result is always what a
//! full build would write (tests compare the two byte for byte). A change that fails to
//! load or render leaves the served site as it was; the error is shown in the browser.

use crate::check::BookFindings;
use crate::site::{self, OutFile, Sink};
use anyhow::{Context, Result, anyhow};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::site::cache::{Recorder, hash};

/// What one update did.
#[derive(Debug, Default, Clone)]
pub struct Update {
    pub full: bool,
    pub books: Vec<String>,
    pub written: usize,
    pub removed: usize,
    pub millis: f64,
}

pub struct Workspace {
    root: PathBuf,
    out: PathBuf,
    base_url: Option<String>,
    site: site::Site,
    findings: Vec<BookFindings>,
    theme: site::theme::Theme,
    search: crate::site::search::IndexBuilder,
    /// Content file → hash of its bytes (edits that change nothing are skipped).
    content: HashMap<PathBuf, u64>,
    /// Output file → hash of its bytes.
    output: HashMap<String, u64>,
}

/// Hashes of every input: `content/`, `themes/` and `book.toml`. A watcher event on a file
/// whose bytes did not change (an editor's save of the same text, a touch) rebuilds
/// nothing.
fn content_hashes(root: &Path) -> HashMap<PathBuf, u64> {
    let mut files: Vec<PathBuf> = ["content", "themes"]
        .iter()
        .flat_map(|d| walkdir::WalkDir::new(root.join(d)).into_iter())
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.push(root.join("book.toml"));
    files
        .par_iter()
        .filter_map(|p| std::fs::read(p).ok().map(|b| (p.clone(), hash(&b))))
        .collect()
}

impl Workspace {
    /// Load and build everything into `out`.
    pub fn open(root: &Path, out: &Path, base_url: Option<String>) -> Result<Workspace> {
        site::recover_output(out)?;
        site::cache::recover(out)?;
        // serve writes the folder as edits come: a build cache of it would no longer tell
        // what is on disk, so the next `jixiao build` there is a clean one.
        site::cache::remove(out);
        let mut site = site::load(root)?;
        site.config.base_url = site::base_url(&site.config, base_url.as_deref())?;
        let theme = site::theme::load(root, site.config.theme.as_deref())?;
        let findings = site::analyse(&site);
        site.changes = site::changes_of(&site, &findings);
        site.summaries = site::summary::summarise_all(&site, &findings);
        let mut ws = Workspace {
            root: root.to_path_buf(),
            out: out.to_path_buf(),
            base_url,
            search: crate::site::pages::search_builder(&site, true),
            site,
            findings,
            theme,
            content: content_hashes(root),
            output: HashMap::new(),
        };
        ws.write_all()?;
        Ok(ws)
    }

    pub fn out(&self) -> &Path {
        &self.out
    }

    fn write_all(&mut self) -> Result<()> {
        let sink = site::DirSink::begin(&self.out)?;
        let hashing = Recorder {
            inner: &sink,
            hashes: Default::default(),
        };
        let mut timings = site::Timings::default();
        let result = site::render_site(
            &self.site,
            &self.findings,
            &self.theme,
            &hashing,
            false,
            &mut timings,
        )
        .and_then(|_| {
            for (path, s) in self.search.files() {
                hashing.put(OutFile {
                    path,
                    bytes: s.into_bytes(),
                })?;
            }
            Ok(())
        });
        let hashes = hashing.hashes.into_inner().unwrap_or_default();
        match result {
            Ok(_) => {
                sink.commit()?;
                self.output = hashes.into_iter().collect();
                Ok(())
            }
            Err(e) => {
                sink.abort();
                Err(e)
            }
        }
    }

    /// Apply changes to the given paths (files or folders under the site root).
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update> {
        let t = std::time::Instant::now();
        let content_dir = self.root.join("content");
        let mut books: BTreeSet<String> = BTreeSet::new();
        // New hashes of the changed content files (None: deleted), kept once the update lands.
        let mut hashes: Vec<(PathBuf, Option<u64>)> = Vec::new();
        let mut full = false;
        for p in changed {
            let rel = p.strip_prefix(&self.root).unwrap_or(p);
            let mut parts = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().to_string());
            let first = parts.next();
            if !matches!(first.as_deref(), Some("content" | "book.toml" | "themes")) {
                // Not an input (the output folder, editor swap files elsewhere).
                continue;
            }
            // A file whose bytes did not change, or an unknown file already gone (an
            // editor's swap file), changes nothing; a deleted or new one does.
            let is_dir = p.is_dir();
            if !is_dir {
                let now = std::fs::read(p).ok().map(|b| hash(&b));
                let known = self.content.contains_key(p);
                let unchanged = match now {
                    Some(h) => self.content.get(p) == Some(&h),
                    None => !known && !p.exists(),
                };
                if unchanged {
                    continue;
                }
                if now.is_some() || known {
                    hashes.push((p.clone(), now));
                }
            }
            match first.as_deref() {
                Some("content") => match (parts.next(), parts.next()) {
                    // content/<book>/… : that book (a folder inside it is only a folder).
                    (Some(book), Some(_)) => {
                        if !is_dir {
                            books.insert(book);
                        }
                    }
                    // A book folder made or removed; a site page content/*.md.
                    (Some(name), None) => {
                        if !is_dir || !self.site.books.iter().any(|b| b.slug == name) {
                            if content_dir.join(&name).is_dir() {
                                books.insert(name);
                            } else {
                                full = true;
                            }
                        }
                    }
                    _ => full = true,
                },
                _ => full = true,
            }
        }
        if !full && books.is_empty() {
            return Ok(Update::default());
        }
        // A book compared with another (book.toml `[books]`): both pages change; the
        // whole site is rebuilt, which keeps the comparison in one place.
        let config = &self.site.config;
        if books.iter().any(|b| {
            config.previous(b).is_some()
                || config
                    .books
                    .values()
                    .any(|s| s.previous.as_ref().is_some_and(|p| p.get_ref() == b))
        }) {
            full = true;
        }
        let mut update = if full {
            self.rebuild_all()?
        } else {
            self.rebuild_books(&books)?
        };
        // Remembered once the update landed: a failed one is tried again on the next save.
        for (p, h) in hashes {
            match h {
                Some(h) => self.content.insert(p, h),
                None => self.content.remove(&p),
            };
        }
        update.millis = t.elapsed().as_secs_f64() * 1000.0;
        Ok(update)
    }

    fn rebuild_all(&mut self) -> Result<Update> {
        let fresh = Workspace::open(&self.root, &self.out, self.base_url.clone())?;
        *self = fresh;
        Ok(Update {
            full: true,
            written: self.output.len(),
            ..Update::default()
        })
    }

    fn rebuild_books(&mut self, slugs: &BTreeSet<String>) -> Result<Update> {
        let content_dir = self.root.join("content");
        // Load first: a bad edit changes nothing.
        let mut loaded = Vec::new();
        let mut errors = Vec::new();
        for slug in slugs {
            let dir = content_dir.join(slug);
            let known = self.site.books.iter().position(|b| &b.slug == slug);
            let (Some(bi), true) = (known, dir.join(crate::content::INDEX).is_file()) else {
                // A book appeared or disappeared: the site-wide frame changes.
                return self.rebuild_all();
            };
            if let Some(b) = crate::content::load_book(&dir, &mut errors) {
                loaded.push((bi, b));
            }
        }
        if !errors.is_empty() {
            return Err(anyhow!("{}", crate::content::LoadErrors(errors)));
        }
        // Swap the new books and their findings in, keeping the old ones to put back if
        // rendering fails.
        let mut old = Vec::new();
        for (bi, b) in loaded {
            let findings = site::analyse_book(&b, &self.site.config);
            let summary = site::summary::summarise(&self.site, &b, &findings);
            old.push((
                bi,
                std::mem::replace(&mut self.site.books[bi], b),
                std::mem::replace(&mut self.findings[bi], findings),
                std::mem::replace(&mut self.site.summaries[bi], summary),
            ));
        }
        match self.render_books(&old) {
            Ok(u) => Ok(Update {
                books: slugs.iter().cloned().collect(),
                ..u
            }),
            Err(e) => {
                // Nothing was written: the last good books stay, and the search index
                // (updated in place while rendering) is made from them again.
                for (bi, book, findings, summary) in old {
                    self.site.books[bi] = book;
                    self.findings[bi] = findings;
                    self.site.summaries[bi] = summary;
                }
                self.search = crate::site::pages::search_builder(&self.site, true);
                Err(e)
            }
        }
    }

    /// Render the books just swapped in (`old` holds what they replaced), the home page,
    /// the sitemap and the search files they touch; write what changed.
    fn render_books(
        &mut self,
        old: &[(usize, crate::model::Book, BookFindings, BookSummary)],
    ) -> Result<Update> {
        use crate::site::pages;
        let site = &self.site;
        let mem = site::MemSink::default();
        let mut jobs = vec![pages::Job::Home];
        for (bi, ..) in old {
            jobs.extend(pages::book_jobs(site, *bi));
        }
        pages::render_jobs(site, &self.findings, &self.theme, &jobs, &mem, false)?;
        for (bi, ..) in old {
            for f in pages::downloads(&site.books[*bi], &self.findings[*bi]) {
                mem.put(f)?;
            }
        }
        for f in pages::sitemap(site) {
            mem.put(f)?;
        }
        // Search: the same documents in the same places update in place; otherwise rebuild.
        let same_shape = old
            .iter()
            .all(|(bi, book, ..)| doc_count(&site.books[*bi]) == doc_count(book));
        let search_files = if same_shape {
            let mut files = Vec::new();
            for (bi, ..) in old {
                let start: usize = site.books[..*bi].iter().map(doc_count).sum();
                files.extend(
                    self.search
                        .replace(start, pages::book_search_docs(&site.books[*bi])),
                );
            }
            // A book's title is in the manifest (the search's book filter).
            self.search.set_books(pages::search_books(site));
            files.push(self.search.manifest_file());
            files.extend(self.search.dept_files());
            files
        } else {
            self.search = pages::search_builder(site, true);
            self.search.files()
        };
        for (path, s) in search_files {
            mem.put(OutFile {
                path,
                bytes: s.into_bytes(),
            })?;
        }

        // Write what changed, all or nothing: every changed file is first written beside
        // its old one; only when all are on disk do they replace the old ones. A full disk
        // leaves the served site exactly as it was.
        let files = mem.0.into_inner().unwrap_or_default();
        let mut produced: BTreeSet<String> = BTreeSet::new();
        let mut staged: Vec<(PathBuf, PathBuf, &str, u64)> = Vec::new();
        for f in &files {
            produced.insert(f.path.clone());
            let h = hash(&f.bytes);
            if self.output.get(&f.path) == Some(&h) {
                continue;
            }
            match stage(&self.out, &f.path, &f.bytes) {
                Ok((tmp, dest)) => staged.push((tmp, dest, f.path.as_str(), h)),
                Err(e) => {
                    for (tmp, ..) in &staged {
                        std::fs::remove_file(tmp).ok();
                    }
                    return Err(e);
                }
            }
        }
        let written = staged.len();
        for (tmp, dest, rel, h) in staged {
            std::fs::rename(&tmp, &dest)
                .with_context(|| format!("replacing {}", dest.display()))?;
            self.output.insert(rel.to_string(), h);
        }
        let prefixes: Vec<String> = old
            .iter()
            .map(|(bi, ..)| format!("{}/", self.site.books[*bi].slug))
            .collect();
        let stale: Vec<String> = self
            .output
            .keys()
            .filter(|k| {
                let in_book = prefixes.iter().any(|p| k.starts_with(p.as_str()));
                let site_wide = k.starts_with("search/") || k.starts_with("sitemap");
                (in_book || (site_wide && !same_shape)) && !produced.contains(*k)
            })
            .cloned()
            .collect();
        for k in &stale {
            if let Ok(p) = site::safe_join(&self.out, k) {
                std::fs::remove_file(p).ok();
            }
            self.output.remove(k);
        }
        Ok(Update {
            full: false,
            books: Vec::new(),
            written,
            removed: stale.len(),
            millis: 0.0,
        })
    }
}

use crate::site::summary::{BookSummary, doc_count};

/// Write one output file beside the one it replaces (`page.html.jixiao-tmp`): renamed
/// over it once every file of the update is written, so a reader sees the old or the new
/// bytes, never half. A failed write leaves no partial file behind.
fn stage(out: &Path, rel: &str, bytes: &[u8]) -> Result<(PathBuf, PathBuf)> {
    let p = site::safe_join(out, rel)?;
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let tmp = p.with_extension(format!(
        "{}.jixiao-tmp",
        p.extension()
            .map(|e| e.to_string_lossy().to_string())
            .unwrap_or_default()
    ));
    if let Err(e) = std::fs::write(&tmp, bytes) {
        if tmp.is_file() {
            std::fs::remove_file(&tmp).ok();
        }
        return Err(anyhow!(
            "{}: cannot write: {e}\n  = help: {}; the site served is the last good one",
            p.display(),
            crate::text::write_remedy(&e)
        ));
    }
    Ok((tmp, p))
}

/// Served next to the site: the page polls it and reloads when the version changes, or
/// shows the build error while the last good site stays on screen.
const RELOAD_JS: &str = r#"<script>(function(){var seen=null;function show(e){var d=document.getElementById('jixiao-error');if(!e){if(d)d.remove();return;}if(!d){d=document.createElement('pre');d.id='jixiao-error';d.setAttribute('role','alert');d.style.cssText='position:fixed;left:0;right:0;bottom:0;max-height:50%;overflow:auto;margin:0;padding:1em;background:#fff0f0;color:#900;border-top:3px solid #c00;z-index:99;white-space:pre-wrap;font:14px/1.5 monospace';document.body.appendChild(d);}d.textContent='jixiao: 修改未生效，仍显示上一次成功生成的页面。\n\n'+e;}function poll(){fetch('/__jixiao/status',{cache:'no-store'}).then(function(r){return r.json();}).then(function(s){if(seen!==null&&s.version!==seen&&!s.error){location.reload();return;}seen=s.version;show(s.error);}).catch(function(){}).then(function(){setTimeout(poll,250);});}poll();})();</script>"#;

#[derive(Default, serde::Serialize)]
struct Status {
    version: u64,
    error: Option<String>,
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "xml" => "application/xml",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

/// Map a request path to a file of the output folder (never outside it).
fn resolve(out: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    let rel = decoded.trim_start_matches('/');
    let mut p = if rel.is_empty() {
        out.join("index.html")
    } else {
        site::safe_join(out, rel.trim_end_matches('/')).ok()?
    };
    if p.is_dir() {
        p = p.join("index.html");
    }
    // A link placed in the output folder is not followed out of it.
    let real = p.canonicalize().ok()?;
    (real.is_file() && real.starts_with(out.canonicalize().ok()?)).then_some(p)
}

/// Send each reply as it is written. tiny_http writes a response in small pieces; with
/// Nagle's algorithm a kept-alive client then waits for a delayed ACK (~40 ms) on every
/// request (23 requests/s). Linux gives the listener's TCP_NODELAY to each connection.
fn no_delay(listener: &std::net::TcpListener) {
    use std::os::fd::AsRawFd;
    let on: libc::c_int = 1;
    // SAFETY: a valid socket descriptor and a pointer to an int of the size given.
    unsafe {
        libc::setsockopt(
            listener.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_NODELAY,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

/// Requests answered at once.
const WORKERS: usize = 16;

/// Events that may change an input: a file written, made, renamed or removed. Reads
/// (`cat book.toml`, a folder listed, the build itself reading content) and metadata
/// changes are not.
fn is_write(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::ModifyKind;
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(m) => !matches!(m, ModifyKind::Metadata(_)),
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

/// Build, serve on 127.0.0.1:`port` and rebuild on every change until interrupted.
pub fn serve(root: &Path, out: &Path, port: u16) -> Result<()> {
    // The watcher reports absolute paths: a root given as `.` must be absolute too.
    let root = &std::path::absolute(root)?;
    let out = &std::path::absolute(out)?;
    let base = format!("http://127.0.0.1:{port}/");
    // Take the port first: a busy one is an error before anything is built or announced.
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        anyhow!(
            "cannot listen on 127.0.0.1:{port}: {e}\n  = help: another program (perhaps another `jixiao serve`) uses the port; stop it or pass --port with a free one"
        )
    })?;
    no_delay(&listener);
    let server = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| anyhow!("cannot serve on 127.0.0.1:{port}: {e}"))?;
    let t = std::time::Instant::now();
    let ws = Workspace::open(root, out, Some(base.clone()))?;
    eprintln!(
        "built {} files in {:.0} ms; serving {} on {base}",
        ws.output.len(),
        t.elapsed().as_secs_f64() * 1000.0,
        out.display()
    );
    let status = std::sync::Arc::new(Mutex::new(Status::default()));

    // Watcher: collect changed paths, wait until the burst of events is over, update.
    let (tx, rx) = std::sync::mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(tx)?;
    use notify::Watcher;
    for p in ["content", "themes", "book.toml"] {
        let p = root.join(p);
        if p.exists() {
            watcher.watch(&p, notify::RecursiveMode::Recursive)?;
        }
    }
    let st = status.clone();
    let out_dir = out.to_path_buf();
    std::thread::spawn(move || {
        let mut ws = ws;
        while let Ok(first) = rx.recv() {
            let mut paths: Vec<PathBuf> = Vec::new();
            let mut take = |e: notify::Result<notify::Event>| {
                if let Ok(e) = e
                    && is_write(&e.kind)
                {
                    paths.extend(e.paths.into_iter().filter(|p| !p.starts_with(&out_dir)));
                }
            };
            take(first);
            while let Ok(e) = rx.recv_timeout(std::time::Duration::from_millis(30)) {
                take(e);
            }
            paths.sort();
            paths.dedup();
            if paths.is_empty() {
                continue;
            }
            let result = ws.update(&paths);
            let Ok(mut s) = st.lock() else { return };
            match result {
                Ok(u) if u.full || u.written > 0 || u.removed > 0 => {
                    eprintln!(
                        "rebuilt {} in {:.0} ms: {} files written, {} removed",
                        if u.full {
                            "everything".to_string()
                        } else {
                            u.books.join(", ")
                        },
                        u.millis,
                        u.written,
                        u.removed
                    );
                    s.version += 1;
                    s.error = None;
                }
                Ok(_) => {
                    if s.error.take().is_some() {
                        s.version += 1;
                    }
                }
                Err(e) => {
                    let msg = format!("{e:#}");
                    eprintln!("error (the last good site is still served):\n{msg}");
                    s.error = Some(msg);
                    s.version += 1;
                }
            }
        }
    });

    // Many clients at once: a client that does not read its response holds one worker,
    // not the server.
    let server = std::sync::Arc::new(server);
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let server = server.clone();
            let status = status.clone();
            let out = out.to_path_buf();
            std::thread::spawn(move || {
                while let Ok(req) = server.recv() {
                    respond(req, &out, &status).ok();
                }
            })
        })
        .collect();
    for w in workers {
        w.join().ok();
    }
    drop(watcher);
    Ok(())
}

/// Answer one request: the status for the reload script, or a file of the output folder
/// (HTML with the reload script added).
fn respond(req: tiny_http::Request, out: &Path, status: &Mutex<Status>) -> Result<()> {
    let url = req.url().to_string();
    let (code, ct, bytes) = if url.starts_with("/__jixiao/status") {
        let body = status
            .lock()
            .map(|s| serde_json::to_string(&*s).unwrap_or_default())
            .unwrap_or_default();
        (200, "application/json", body.into_bytes())
    } else {
        let (file, code) = match resolve(out, &url) {
            Some(f) => (Some(f), 200),
            None => (resolve(out, "/404.html"), 404),
        };
        let mut bytes = file
            .as_ref()
            .and_then(|f| std::fs::read(f).ok())
            .unwrap_or_else(|| b"not found".to_vec());
        let ct = file.as_deref().map(content_type).unwrap_or("text/plain");
        if ct.starts_with("text/html") {
            let html = String::from_utf8_lossy(&bytes);
            let injected = match html.rfind("</body>") {
                Some(i) => format!("{}{RELOAD_JS}{}", &html[..i], &html[i..]),
                None => format!("{html}{RELOAD_JS}"),
            };
            bytes = injected.into_bytes();
        }
        (code, ct, bytes)
    };
    if is_http10_keep_alive(&req) {
        use std::io::Write as _;
        // tiny_http keeps such a connection open but drops any `Connection` header we
        // set, so an HTTP/1.0 client (ab -k) would wait for a close that never comes:
        // this one response head is written here, saying the connection stays open.
        let head = req.method() == &tiny_http::Method::Head;
        let mut w = req.into_writer();
        let reason = if code == 200 { "OK" } else { "Not Found" };
        write!(
            w,
            "HTTP/1.0 {code} {reason}\r\nConnection: keep-alive\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\r\n",
            bytes.len()
        )?;
        if !head {
            w.write_all(&bytes)?;
        }
        w.flush()?;
        return Ok(());
    }
    let header =
        |k: &str, v: &str| tiny_http::Header::from_bytes(k, v).map_err(|_| anyhow!("header"));
    let response = tiny_http::Response::from_data(bytes)
        .with_header(header("Content-Type", ct)?)
        .with_header(header("Cache-Control", "no-store")?)
        .with_status_code(code);
    req.respond(response).ok();
    Ok(())
}

fn is_http10_keep_alive(req: &tiny_http::Request) -> bool {
    *req.http_version() == tiny_http::HTTPVersion(1, 0)
        && req.headers().iter().any(|h| {
            h.field.equiv("Connection")
                && h.value.as_str().to_ascii_lowercase().contains("keep-alive")
        })
}
