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
    "department.html",
    "project.html",
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

/// Load templates: the embedded theme, then the site's theme over it.
/// Static files: (path under `static/`, bytes).
pub type StaticFiles = Vec<(String, Vec<u8>)>;

pub fn load(root: &Path, theme: Option<&str>) -> Result<(tera::Tera, StaticFiles)> {
    let mut templates: HashMap<String, String> = HashMap::new();
    for (name, body) in TEMPLATES {
        templates.insert(format!("jixiao/{name}"), body.to_string());
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
    Ok((tera, statics))
}

fn escape_html(s: &str) -> String {
    super::escape_xml(s)
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
