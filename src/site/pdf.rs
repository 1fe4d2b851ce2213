//! The printed report as a PDF, made by headless Chromium: printed once to learn on
//! which page each chapter starts (the PDF's named destinations: Chromium keeps one for
//! every element a link points to), then again with those numbers in the contents.

use anyhow::{Context, Result, anyhow, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Names Chromium is installed under, tried in this order on PATH.
const NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// Printing a long report takes seconds; a browser that hangs is stopped.
const TIMEOUT: Duration = Duration::from_secs(600);

/// A headless Chromium to print with.
#[derive(Debug, Clone)]
pub struct Chromium(PathBuf);

impl Chromium {
    /// `JIXIAO_CHROMIUM` when set, else the first of [`NAMES`] on PATH; the error says
    /// what was looked for and how to install it.
    pub fn find() -> Result<Chromium> {
        if let Some(p) = std::env::var_os("JIXIAO_CHROMIUM").filter(|p| !p.is_empty()) {
            let p = PathBuf::from(p);
            if is_executable(&p) {
                return Ok(Chromium(p));
            }
            bail!(
                "JIXIAO_CHROMIUM is {}, which is not an executable file\n  = help: point it at Chromium or Chrome, or unset it to look on PATH; nothing was changed",
                p.display()
            );
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        for dir in std::env::split_paths(&path) {
            for name in NAMES {
                let p = dir.join(name);
                if is_executable(&p) {
                    return Ok(Chromium(p));
                }
            }
        }
        bail!(
            "--pdf prints the annual report with headless Chromium, and none was found (looked on PATH for {})\n  = help: install it (Debian/Ubuntu: apt-get install chromium fonts-noto-cjk), or set JIXIAO_CHROMIUM to its path, or build without --pdf; nothing was changed",
            NAMES.join(", ")
        )
    }

    /// Print `html` (a file) to `pdf` on A4 as the report's print style sheet lays it out.
    pub fn print(&self, html: &Path, pdf: &Path) -> Result<()> {
        let profile = pdf.with_extension("profile");
        let html =
            std::path::absolute(html).with_context(|| format!("finding {}", html.display()))?;
        let url = file_url(&html);
        // A file left from an earlier pass must not pass for this print.
        std::fs::remove_file(pdf).ok();
        let mut child = Command::new(&self.0)
            .args([
                "--headless",
                // Containers and root cannot use Chromium's sandbox; the page is our own
                // output, with every text escaped and nothing loaded from elsewhere.
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-extensions",
                "--no-pdf-header-footer",
                "--no-first-run",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(&url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {}", self.0.display()))?;
        let stderr = child.stderr.take();
        let log = std::thread::spawn(move || {
            let mut s = String::new();
            if let Some(mut e) = stderr {
                std::io::Read::read_to_string(&mut e, &mut s).ok();
            }
            s
        });
        let start = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait()? {
                break Some(s);
            }
            if start.elapsed() > TIMEOUT {
                child.kill().ok();
                child.wait().ok();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let log = log.join().unwrap_or_default();
        std::fs::remove_dir_all(&profile).ok();
        // Its last words, each line made safe for a terminal.
        let lines: Vec<&str> = log.lines().collect();
        let tail = lines[lines.len().saturating_sub(5)..]
            .iter()
            .map(|l| format!("    {}", crate::text::for_terminal(l)))
            .collect::<Vec<_>>()
            .join("\n");
        match status {
            None => bail!(
                "{} did not finish printing {} within {} s",
                self.0.display(),
                html.display(),
                TIMEOUT.as_secs()
            ),
            Some(s) if !s.success() || !pdf.exists() => bail!(
                "{} could not print {} ({s}):\n{tail}",
                self.0.display(),
                html.display()
            ),
            Some(_) => Ok(()),
        }
    }
}

/// `file://` URL of an absolute path, every byte outside the unreserved set escaped
/// (spaces, `#`, `%` and Chinese folder names).
fn file_url(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    format!(
        "file://{}",
        percent_encoding::percent_encode(path.as_os_str().as_bytes(), SET)
    )
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// What a printed report turned out to be: its page count and the page (from 1) on which
/// each named destination (a contents entry: `overview`, `d-<department>` …) starts.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PdfInfo {
    pub pages: u32,
    pub numbers: BTreeMap<String, u32>,
}

/// A printed PDF, read.
pub struct Printed {
    pub info: PdfInfo,
    doc: lopdf::Document,
}

impl Printed {
    /// The file to keep, without its creation and modification times, so a rebuild gives
    /// the same bytes. (Only the last print is kept: the others are not written again.)
    pub fn into_bytes(mut self) -> Result<Vec<u8>> {
        let info = self
            .doc
            .trailer
            .get(b"Info")
            .ok()
            .and_then(|i| i.as_reference().ok());
        if let Some(id) = info
            && let Ok(d) = self.doc.get_dictionary_mut(id)
        {
            d.remove(b"CreationDate");
            d.remove(b"ModDate");
        }
        let mut bytes = Vec::new();
        self.doc
            .save_to(&mut bytes)
            .map_err(|e| anyhow!("writing the PDF: {e}"))?;
        Ok(bytes)
    }
}

pub fn read(pdf: &[u8]) -> Result<Printed> {
    let doc = lopdf::Document::load_mem(pdf).map_err(|e| anyhow!("reading the PDF: {e}"))?;
    let pages: BTreeMap<lopdf::ObjectId, u32> =
        doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let mut destinations = BTreeMap::new();
    let catalog = doc.catalog().map_err(|e| anyhow!("reading the PDF: {e}"))?;
    // PDF 1.1 keeps them in the catalog's /Dests; later writers in a /Names tree.
    if let Ok(dests) = catalog.get(b"Dests")
        && let Ok((_, lopdf::Object::Dictionary(d))) = doc.dereference(dests)
    {
        for (name, dest) in d.iter() {
            if let Some(n) = dest_page(&doc, dest, &pages) {
                destinations.insert(String::from_utf8_lossy(name).into_owned(), n);
            }
        }
    }
    if let Ok(names) = catalog.get(b"Names")
        && let Ok((_, lopdf::Object::Dictionary(n))) = doc.dereference(names)
        && let Ok(tree) = n.get(b"Dests")
    {
        name_tree(&doc, tree, &pages, &mut destinations, 0);
    }
    Ok(Printed {
        info: PdfInfo {
            pages: pages.len() as u32,
            numbers: destinations,
        },
        doc,
    })
}

/// The page a destination (`[page /XYZ …]` or `<< /D [page …] >>`) points to.
fn dest_page(
    doc: &lopdf::Document,
    dest: &lopdf::Object,
    pages: &BTreeMap<lopdf::ObjectId, u32>,
) -> Option<u32> {
    let (_, dest) = doc.dereference(dest).ok()?;
    let arr = match dest {
        lopdf::Object::Array(a) => a,
        lopdf::Object::Dictionary(d) => d.get(b"D").ok()?.as_array().ok()?,
        _ => return None,
    };
    pages.get(&arr.first()?.as_reference().ok()?).copied()
}

fn name_tree(
    doc: &lopdf::Document,
    node: &lopdf::Object,
    pages: &BTreeMap<lopdf::ObjectId, u32>,
    out: &mut BTreeMap<String, u32>,
    depth: usize,
) {
    // A damaged tree could loop; real ones are a few levels deep.
    if depth > 32 {
        return;
    }
    let Ok((_, lopdf::Object::Dictionary(d))) = doc.dereference(node) else {
        return;
    };
    if let Ok(names) = d.get(b"Names").and_then(|n| n.as_array()) {
        for pair in names.chunks(2) {
            if let [lopdf::Object::String(name, _), dest] = pair
                && let Some(n) = dest_page(doc, dest, pages)
            {
                out.insert(String::from_utf8_lossy(name).into_owned(), n);
            }
        }
    }
    if let Ok(kids) = d.get(b"Kids").and_then(|k| k.as_array()) {
        for k in kids {
            name_tree(doc, k, pages, out, depth + 1);
        }
    }
}
