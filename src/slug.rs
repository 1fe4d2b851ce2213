//! ASCII-safe, stable names for folders, files and URLs.
//!
//! A slug is derived from the name alone (pinyin for Han characters), so re-importing
//! the same document gives the same paths. Slugs contain only `a-z`, `0-9` and `-`, can
//! never be `.`/`..` or absolute, and collisions are broken by a hash of the name rather
//! than by position, so one inserted project does not rename the others.

use pinyin::ToPinyin;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

const MAX_LEN: usize = 48;

/// Names the site uses for its own pages inside a book or at the top level.
pub const RESERVED: &[&str] = &[
    "data",
    "print",
    "findings",
    "search",
    "static",
    "assets",
    "rules",
    "guide",
    "index",
    "404",
    "sitemap",
    "departments",
    "projects",
    "import-report",
    "report",
    "charts",
];

/// Pinyin slug of a name, at most 48 characters, never empty.
pub fn slugify(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded: String = name.nfkc().collect();
    let mut out = String::new();
    let mut last_dash = true;
    for (c, py) in folded.chars().zip(folded.as_str().to_pinyin()) {
        if let Some(p) = py {
            // `plain()` writes ü for 绿/女; URLs want ASCII, and pinyin input methods type v.
            out.extend(
                p.plain()
                    .chars()
                    .map(|c| if c == 'ü' { 'v' } else { c })
                    .filter(char::is_ascii_alphanumeric),
            );
            last_dash = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            last_dash = false;
        } else if !last_dash {
            out.push('-');
            last_dash = true;
        }
        if out.len() >= MAX_LEN {
            break;
        }
    }
    while out.len() > MAX_LEN {
        out.pop();
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        format!("x-{}", short_hash(name))
    } else {
        out
    }
}

/// First 6 hex digits of the SHA-256 of a name.
pub fn short_hash(name: &str) -> String {
    let h = Sha256::digest(name.as_bytes());
    h.iter().take(3).map(|b| format!("{b:02x}")).collect()
}

/// Hands out unique slugs within one folder.
#[derive(Default)]
pub struct SlugSet {
    used: HashSet<String>,
}

impl SlugSet {
    pub fn new() -> Self {
        SlugSet::default()
    }

    /// Reserve a slug for `name`, preferring `wanted` (e.g. a unit code).
    pub fn claim(&mut self, wanted: &str, name: &str) -> String {
        let base = if is_valid(wanted) && !RESERVED.contains(&wanted) {
            wanted.to_string()
        } else {
            format!("{}-x", slugify(wanted))
        };
        if self.used.insert(base.clone()) {
            return base;
        }
        let hashed = format!("{base}-{}", short_hash(name));
        if self.used.insert(hashed.clone()) {
            return hashed;
        }
        for n in 2.. {
            let s = format!("{hashed}-{n}");
            if self.used.insert(s.clone()) {
                return s;
            }
        }
        unreachable!("an unbounded counter always finds a free slug")
    }
}

/// A slug that is safe as one path segment.
pub fn is_valid(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_slugs() {
        assert_eq!(slugify("体检费"), "tijianfei");
        assert_eq!(slugify("绿化养护"), "lvhuayanghu");
        assert_eq!(
            slugify("2024年度火炬统计服务外包费"),
            "2024nianduhuojutongjifuwuwaibaofei"
        );
        assert_eq!(slugify("２０２４年"), "2024nian");
        assert_eq!(
            slugify("博思电子票据管理系统V1.0维护费"),
            "bosidianzipiaojuguanlixitongv1-0weihufei"
        );
        assert!(
            slugify("../../etc/passwd")
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        );
        assert!(is_valid(&slugify("../../etc/passwd")));
        assert!(
            slugify("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十").len()
                <= MAX_LEN
        );
        assert!(!slugify("！！！").is_empty());
    }

    #[test]
    fn collisions_are_broken_by_name_not_position() {
        let mut a = SlugSet::new();
        let x = a.claim("tijianfei", "体检费");
        let y = a.claim("tijianfei", "体检费（二）");
        assert_eq!(x, "tijianfei");
        assert_eq!(y, format!("tijianfei-{}", short_hash("体检费（二）")));
        let z = a.claim("tijianfei", "体检费（二）");
        assert_ne!(y, z);
        assert_eq!(a.claim("data", "data"), "data-x");
    }
}
