//! `jixiao init`: a new, empty site a user can start from.

use anyhow::{Context, Result, bail};
use std::fs;
use std::path::Path;

const BOOK_TOML: &str = r#"# jixiao site configuration.
title = "预算绩效目标公开"
description = "部门预算项目支出绩效目标表：资金、目标、指标与完整性检查"
base_url = "/"
language = "zh-CN"

# Record how books are imported so they can be re-imported identically, e.g.:
# [[import]]
# book = "xiqu-2026"
# files = ["sources/2026-xiqu.txt"]
"#;

/// Create `book.toml`, `content/` and `themes/` in `dir`; refuses to overwrite a site.
pub fn init(dir: &Path) -> Result<()> {
    let config = dir.join("book.toml");
    if config.exists() {
        bail!(
            "{} already exists: this folder already holds a site",
            config.display()
        );
    }
    fs::create_dir_all(dir.join("content"))
        .with_context(|| format!("creating {}", dir.join("content").display()))?;
    fs::create_dir_all(dir.join("themes"))?;
    fs::write(&config, BOOK_TOML).with_context(|| format!("writing {}", config.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn init_creates_a_site_once() {
        let tmp = tempfile::tempdir().unwrap();
        super::init(tmp.path()).unwrap();
        let cfg = crate::config::load(&tmp.path().join("book.toml")).unwrap();
        assert_eq!(cfg.language, "zh-CN");
        assert!(tmp.path().join("content").is_dir());
        assert!(
            super::init(tmp.path()).is_err(),
            "never overwrites an existing site"
        );
    }
}
