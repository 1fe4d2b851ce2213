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
    parse(path, &text)
}
