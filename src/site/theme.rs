//! Templates and static files. The default theme is embedded in the binary; a site's
//! `themes/<name>/templates/x.html` replaces `x.html`, and can extend the original as
//! `jixiao/x.html` to override single blocks (Zola-style), so nobody copies a whole
//! template to change one line.

use anyhow::{Context, Result};
use std::collections::HashMap;
use std::path::Path;

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

pub const TEMPLATES: &[(&str, &str)] = embed!(
    "base.html",
    "macros.html",
    "index.html",
    "book.html",
    "changes.html",
    "department.html",
    "project.html",
    "form.html",
    "findings.html",
    "projects.html",
    "rules.html",
    "print.html",
    "search.html",
    "guide.html",
    "page.html",
    "404.html",
);

macro_rules! embed_static {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/static/", $name)))),*]
    };
}

pub const STATIC: &[(&str, &str)] = embed_static!("style.css", "print.css", "site.js", "search.js");

/// Static files: (path under `static/`, bytes).
pub type StaticFiles = Vec<(String, Vec<u8>)>;

/// What a site's pages are rendered with: the default theme with the site's over it.
pub struct Theme {
    pub tera: tera::Tera,
    pub statics: StaticFiles,
    /// The default templates the site's theme replaces, by name.
    replaced: Vec<String>,
}

impl Theme {
    /// The site's theme replaces none of these templates: their compiled form (the
    /// default theme's, written in Rust) gives the same bytes as Tera, faster.
    pub fn keeps(&self, templates: &[&str]) -> bool {
        !templates
            .iter()
            .any(|t| self.replaced.iter().any(|r| r == t))
    }
}

/// Load templates: the embedded theme, then the site's theme over it.
pub fn load(root: &Path, theme: Option<&str>) -> Result<Theme> {
    let mut templates: HashMap<String, String> = HashMap::new();
    let mut replaced = Vec::new();
    for (name, body) in TEMPLATES {
        // The originals under `jixiao/` are for a theme's templates to extend; without a
        // theme nothing does, and parsing every template twice was most of the startup.
        if theme.is_some() {
            templates.insert(format!("jixiao/{name}"), body.to_string());
        }
        templates.insert(name.to_string(), body.to_string());
    }
    let mut statics: Vec<(String, Vec<u8>)> = STATIC
        .iter()
        .map(|(n, b)| (n.to_string(), b.as_bytes().to_vec()))
        .collect();
    if let Some(theme) = theme {
        if !crate::slug::is_valid(theme) {
            anyhow::bail!(
                "book.toml: theme \"{theme}\" must be a folder name under themes/ (a-z, 0-9, '-')"
            );
        }
        let dir = root.join("themes").join(theme);
        let tdir = dir.join("templates");
        if tdir.is_dir() {
            let mut entries: Vec<_> = std::fs::read_dir(&tdir)?
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .collect();
            entries.sort();
            for p in entries {
                if p.extension().is_some_and(|e| e == "html") {
                    let name = p
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default();
                    let body = std::fs::read_to_string(&p)
                        .with_context(|| format!("{}: cannot read", p.display()))?;
                    if TEMPLATES.iter().any(|(n, _)| *n == name) {
                        replaced.push(name.clone());
                    }
                    templates.insert(name, body);
                }
            }
        } else if !dir.is_dir() {
            anyhow::bail!(
                "book.toml: theme \"{theme}\" not found: expected folder {}",
                dir.display()
            );
        }
        let sdir = dir.join("static");
        if sdir.is_dir() {
            for e in walkdir::WalkDir::new(&sdir)
                .sort_by_file_name()
                .into_iter()
                .filter_map(|e| e.ok())
            {
                if e.file_type().is_file() {
                    let rel = e
                        .path()
                        .strip_prefix(&sdir)
                        .unwrap_or(e.path())
                        .to_string_lossy()
                        .replace('\\', "/");
                    let bytes = std::fs::read(e.path())?;
                    match statics.iter_mut().find(|s| s.0 == rel) {
                        Some(s) => s.1 = bytes,
                        None => statics.push((rel, bytes)),
                    }
                }
            }
        }
    }
    let mut tera = tera::Tera::default();
    let mut list: Vec<(String, String)> = templates.into_iter().collect();
    list.sort();
    tera.add_raw_templates(list)
        .map_err(|e| anyhow::anyhow!("template error: {}", tera_error_chain(&e)))?;
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's default also escapes `/`, which makes every link `..&#x2F;..`: valid, but
    // unreadable in the source and in diffs. Escape what HTML needs, nothing more.
    tera.set_escape_fn(escape_html);
    tera.register_filter("json_script", json_script_filter);
    Ok(Theme {
        tera,
        statics,
        replaced,
    })
}

/// Bytes that may start something [`escape_html`] changes.
static ATTENTION: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = c != b'\n' as usize && c != b'\t' as usize;
        c += 1;
    }
    t[0x7f] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'&' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t[0xc2] = true;
    t[0xe2] = true;
    t
};

/// Tera's escape function: exactly [`super::escape_xml`] (the five characters HTML
/// needs escaped, and the characters of [`crate::text::is_hidden_on_pages`] dropped),
/// but it copies the runs between them whole instead of decoding and re-encoding every
/// character. Every printed value of every page passes through here.
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_html_into(&mut out, s);
    out
}

/// [`escape_html`] onto the end of `out`, for the compiled templates.
pub(super) fn escape_html_into(out: &mut String, s: &str) {
    let b = s.as_bytes();
    // `start..i` is the run not yet copied; `i` is always at the start of a character,
    // since only ASCII bytes and the first bytes of 2- and 3-byte sequences are matched.
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if !ATTENTION[usize::from(b[i])] {
            i += 1;
            continue;
        }
        let (len, with) = match b[i] {
            b'<' => (1, "&lt;"),
            b'>' => (1, "&gt;"),
            b'&' => (1, "&amp;"),
            b'"' => (1, "&quot;"),
            b'\'' => (1, "&#39;"),
            // C0 controls (but for tab and newline, not marked) and DEL.
            0..=0x1f | 0x7f => (1, ""),
            // C1 controls, U+0080–U+009F.
            0xc2 if matches!(b.get(i + 1), Some(0x80..=0x9f)) => (2, ""),
            // U+202A–U+202E and U+2066–U+2069.
            0xe2 if matches!(
                (b.get(i + 1), b.get(i + 2)),
                (Some(0x80), Some(0xaa..=0xae)) | (Some(0x81), Some(0xa6..=0xa9))
            ) =>
            {
                (3, "")
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        out.push_str(with);
        i += len;
        start = i;
    }
    out.push_str(&s[start..]);
}

/// Tera errors nest their cause; show the whole chain.
pub fn tera_error_chain(e: &tera::Error) -> String {
    let mut s = e.to_string();
    let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// `{{ value | json_script }}`: JSON that is safe inside `<script>` (no `</script>`,
/// no `<!--`, no line separators that end a JS string).
fn json_script_filter(
    value: &tera::Value,
    _: &HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    Ok(tera::Value::String(super::json_for_script(value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_html_is_escape_xml() {
        let mut samples: Vec<String> = [
            "",
            "plain",
            "项目名称",
            "<a href=\"x\">'&'</a>",
            "a\nb\tc\rd\u{0}e\u{7f}",
            "项目\u{202e}gnp.exe",
            "\u{2066}隔离\u{2069}\u{2065}\u{206a}\u{2029}\u{2028}",
            "\u{80}\u{9f}\u{a0}\u{ff}é",
            "≥90% ≤ ＜＞ “引号” ‘单’",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every character up to U+2100 (the ranges above and their neighbours), alone
        // and between others.
        samples.extend(
            (0..0x2100u32)
                .filter_map(char::from_u32)
                .flat_map(|c| [c.to_string(), format!("x{c}项"), format!("{c}{c}<")]),
        );
        for s in &samples {
            assert_eq!(escape_html(s), crate::site::escape_xml(s), "{s:?}");
        }
    }
}
