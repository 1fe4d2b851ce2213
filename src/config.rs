//! `book.toml`: the site's settings and how its books were imported.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default = "default_title")]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_base_url")]
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub theme: Option<String>,
    #[serde(default, rename = "import")]
    pub imports: Vec<ImportSpec>,
    /// `[check]`: which rules run, at what severity.
    #[serde(default)]
    pub check: crate::check::rules::Settings,
    /// `[books.<book>]`: settings of one book, by its folder name.
    #[serde(default)]
    pub books: std::collections::BTreeMap<String, BookSettings>,
}

/// `[books.<book>]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookSettings {
    /// The version this book is compared with on its 变化 page: a book of this site (the
    /// last draft round, the draft of an approved budget, last year's book).
    pub previous: Option<toml::Spanned<String>>,
}

impl Config {
    /// The book `slug` is compared with, if book.toml names one.
    pub fn previous(&self, slug: &str) -> Option<&str> {
        self.books
            .get(slug)
            .and_then(|b| b.previous.as_ref())
            .map(|p| p.get_ref().as_str())
    }
}

/// One `[[import]]` entry: the files of a book and the options given on import.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportSpec {
    pub book: String,
    pub files: Vec<String>,
    pub title: Option<String>,
    pub region: Option<String>,
    pub issuer: Option<String>,
    pub year: Option<u16>,
    pub stage: Option<crate::model::Stage>,
    /// The publication the files come from, as readers know it (shown instead of the
    /// file name), and where the government publishes it (linked when http or https).
    pub source_name: Option<String>,
    pub source_url: Option<String>,
}

impl ImportSpec {
    pub fn options(&self) -> crate::import::ImportOptions {
        crate::import::ImportOptions {
            book: self.book.clone(),
            title: self.title.clone(),
            region: self.region.clone(),
            issuer: self.issuer.clone(),
            year: self.year,
            stage: self.stage,
        }
    }
}

fn default_title() -> String {
    "预算绩效目标公开".into()
}
fn default_base_url() -> String {
    "/".into()
}
fn default_language() -> String {
    "zh-CN".into()
}

/// Parse `book.toml`; errors name the file, line and column, show the line and say what
/// to do.
pub fn parse(path: &std::path::Path, text: &str) -> anyhow::Result<Config> {
    let config: Config = toml::from_str(text).map_err(|e| {
        crate::content::ContentError::toml(
            path,
            text,
            text,
            1,
            &e,
            "fix this setting in book.toml; the settings are listed in README.md (Build, Check)",
        )
    })?;
    if let Some(spec) = config.imports.iter().find(|i| {
        i.source_url.as_deref().is_some_and(|u| {
            let l = u.trim().to_ascii_lowercase();
            !(l.starts_with("https://") || l.starts_with("http://"))
        })
    }) {
        return Err(crate::content::ContentError::whole(
            path,
            format!("source_url of book {} is not an http(s) address", spec.book),
            "give the address of the original publication, starting with https:// or http://",
        )
        .into());
    }
    config.check.validate().map_err(|e| {
        crate::content::ContentError::whole(
            path,
            e.to_string(),
            "use a rule id listed on the site's rules.html (or a prefix ending in '.')",
        )
    })?;
    Ok(config)
}

pub fn load(path: &std::path::Path) -> anyhow::Result<Config> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        crate::content::ContentError::whole(
            path,
            format!("cannot read: {e}"),
            "run jixiao in the site folder (the one with book.toml), pass --root, or create a site with `jixiao init`",
        )
    })?;
    let config = parse(path, &text)?;
    // Books named in `[books]` must be books of this site.
    let content = path
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .join("content");
    let is_book = |slug: &str| {
        crate::slug::is_valid(slug) && content.join(slug).join(crate::content::INDEX).is_file()
    };
    for (slug, settings) in &config.books {
        let Some(previous) = &settings.previous else {
            continue;
        };
        let (line, col) = line_col(&text, previous.span().start);
        let fail = |message: String, help: &str| {
            Err(crate::content::ContentError::at(path, &text, line, col, message, help).into())
        };
        if !is_book(slug) {
            return fail(
                format!("[books.{slug}]: there is no book {slug} in content/"),
                "name a book by its folder under content/",
            );
        }
        let p = previous.get_ref();
        if p == slug {
            return fail(
                format!("book {slug} names itself as its previous version"),
                "name the version it follows: the last draft round, the draft, or last year's book",
            );
        }
        if !is_book(p) {
            return fail(
                format!("previous = \"{p}\": there is no book {p} in content/"),
                "name a book of this site by its folder under content/ (import the earlier version as a book of its own)",
            );
        }
    }
    Ok(config)
}

/// 1-based line and column (in characters) of byte `at` in `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}
