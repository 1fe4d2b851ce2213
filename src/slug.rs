//! ASCII-safe, stable names for folders, files and URLs.
//!
//! A slug is derived from the name alone (pinyin for Han characters), so re-importing
//! the same document gives the same paths. Slugs contain only `a-z`, `0-9` and `-`, can
//! never be `.`/`..` or absolute, and collisions are broken by a hash of the name rather
//! than by position, so one inserted project does not rename the others.

use crate::model::Department;
use pinyin::ToPinyin;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

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

/// Give departments and projects their folder and file names: unit codes where the
/// document gives them, otherwise the pinyin of the name without the administrative
/// prefix most departments share (`张掖经济技术开发区`). Depends only on names and
/// codes, so every import route (text, CSV, JSON) yields the same paths.
pub fn assign_slugs(departments: &mut [Department]) {
    let shared_prefix = shared_admin_prefix(
        departments
            .iter()
            .filter(|d| !d.unnamed)
            .map(|d| d.name.as_str()),
    );
    let mut dept_slugs = SlugSet::new();
    for d in departments.iter_mut() {
        let wanted = match &d.code {
            Some(code) => code.clone(),
            None if d.unnamed => "weizhuming".to_string(),
            None => slugify(
                d.name
                    .strip_prefix(shared_prefix.as_str())
                    .filter(|r| !r.is_empty())
                    .unwrap_or(&d.name),
            ),
        };
        d.slug = dept_slugs.claim(&wanted, &d.name);
        let mut project_slugs = SlugSet::new();
        for p in &mut d.projects {
            p.slug = project_slugs.claim(&slugify(&p.name), &p.name);
        }
    }
}

/// The longest prefix ending in an administrative division (区, 市, 县…) that at least
/// half of the names (and two or more) start with.
pub fn shared_admin_prefix<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for n in &names {
        for (i, c) in n.char_indices() {
            if ['省', '市', '区', '县', '州', '旗'].contains(&c) {
                *counts.entry(&n[..i + c.len_utf8()]).or_default() += 1;
            }
        }
    }
    let need = names.len().div_ceil(2).max(2);
    counts
        .into_iter()
        .filter(|(_, c)| *c >= need)
        .map(|(p, _)| p)
        .max_by(|a, b| a.len().cmp(&b.len()).then(b.cmp(a)))
        .unwrap_or("")
        .to_string()
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
