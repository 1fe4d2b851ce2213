//! Department identity within a book. Tables spell one body many ways (短称/全称,
//! 中共/中国共产党, 区委/委, with or without 市, a parenthesised second name). Spellings
//! merge only on evidence — equal normalised names, or one unique name ending another at
//! an administrative boundary, or the book's own contents list — never on likeness alone,
//! so two different bodies are never merged. Every merge is reported.

use super::report::Ledger;
use crate::text;
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Characters that end an administrative division; a short name may drop a prefix
/// only up to one of these (`攀枝花市` + `西区应急管理局`).
const ADMIN_ENDS: &[char] = &['省', '市', '区', '县', '州', '旗', '镇', '乡', '盟'];

/// Suffixes naming the kind of institution; names differing only here are candidates
/// for the same body when the contents list places them in one section.
const INSTITUTION_SUFFIXES: &[&str] = &[
    "局",
    "委员会",
    "委",
    "办",
    "办公室",
    "中心",
    "所",
    "站",
    "院",
    "馆",
    "会",
    "部",
    "处",
];

static PARTY_COMMITTEE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([省市区县州旗])委员会").expect("valid regex"));
static DOUBLE_ADMIN_COMMITTEE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([省市区县州旗])[省市区县州旗]委").expect("valid regex"));
static CITY_BEFORE_DISTRICT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"市(\p{Han}{1,3}?[区县])").expect("valid regex"));

/// Normalised name used to compare spellings (never displayed): [`normalise_admin`] with
/// `市` dropped before a district (`攀枝花市西区` = `攀枝花西区`).
pub fn normalise(name: &str) -> String {
    CITY_BEFORE_DISTRICT
        .replace_all(&normalise_admin(name), "${1}")
        .into_owned()
}

/// Normalised name that keeps every administrative suffix, for prefix comparisons.
pub fn normalise_admin(name: &str) -> String {
    let mut k = text::key(name);
    // A parenthesised second name (`经济合作局（政务服务管理局）`), even if unclosed.
    if let Some(pos) = k.find('(')
        && pos > 0
    {
        k.truncate(pos);
    }
    k = k.trim_end_matches(['.', '．', '…']).to_string();
    k = k.replace("中国共产党", "中共");
    k = PARTY_COMMITTEE.replace_all(&k, "${1}委").into_owned();
    DOUBLE_ADMIN_COMMITTEE
        .replace_all(&k, "${1}委")
        .into_owned()
}

/// A body as resolved: its spellings in order of first appearance with their counts.
#[derive(Debug, Clone)]
pub struct Unit {
    pub spellings: Vec<(String, usize)>,
    pub code: Option<String>,
    /// Index of its entry in the contents list, if listed there.
    pub contents: Option<usize>,
    pub first_line: u32,
    norms: Vec<String>,
    admin_norms: Vec<String>,
}

impl Unit {
    /// The canonical name: the contents list's spelling when it is well-formed,
    /// otherwise the most used spelling, then the longest.
    pub fn canonical(&self, contents_names: &[String]) -> String {
        if let Some(i) = self.contents {
            let n = &contents_names[i];
            if balanced(n) {
                return n.clone();
            }
        }
        let mut best: Option<&(String, usize)> = None;
        for s in &self.spellings {
            if self.contents.is_some() && s.1 == 0 {
                continue;
            }
            best = match best {
                None => Some(s),
                Some(b)
                    if s.1 > b.1 || (s.1 == b.1 && s.0.chars().count() > b.0.chars().count()) =>
                {
                    Some(s)
                }
                keep => keep,
            };
        }
        best.or(self.spellings.first())
            .map(|s| s.0.clone())
            .unwrap_or_default()
    }
}

fn balanced(s: &str) -> bool {
    let k = text::key(s);
    k.matches('(').count() == k.matches(')').count()
}

pub struct Resolver<'a> {
    pub units: Vec<Unit>,
    contents_names: Vec<String>,
    /// The contents unit whose section the document is in (last one seen in a table).
    section: Option<usize>,
    by_spelling: HashMap<String, usize>,
    ledger: &'a mut Ledger,
}

impl<'a> Resolver<'a> {
    /// Start from the document's contents list: each entry is a distinct body.
    pub fn new(contents: &[(Option<String>, String, u32)], ledger: &'a mut Ledger) -> Self {
        let mut r = Resolver {
            units: Vec::new(),
            contents_names: contents.iter().map(|c| c.1.clone()).collect(),
            section: None,
            by_spelling: HashMap::new(),
            ledger,
        };
        for (i, (code, name, line)) in contents.iter().enumerate() {
            let norm = normalise(name);
            if let Some(&u) = r
                .units
                .iter()
                .position(|u| u.norms.contains(&norm))
                .as_ref()
            {
                r.ledger
                    .guess(*line, format!("目录中“{name}”与前面的条目是同一单位"));
                r.by_spelling.insert(name.clone(), u);
                continue;
            }
            r.by_spelling.insert(name.clone(), r.units.len());
            r.units.push(Unit {
                spellings: vec![(name.clone(), 0)],
                code: code.clone(),
                contents: Some(i),
                first_line: *line,
                norms: vec![norm],
                admin_norms: vec![normalise_admin(name)],
            });
        }
        r
    }

    pub fn contents_names(&self) -> &[String] {
        &self.contents_names
    }

    /// Resolve a spelling that came with a unit code (`[101001]清江市教育局`): a unit
    /// with the same code is the same unit; otherwise by name, and the code is kept.
    pub fn resolve_coded(&mut self, code: Option<&str>, name: &str, line: u32) -> usize {
        if let Some(code) = code
            && let Some(u) = self
                .units
                .iter()
                .position(|u| u.code.as_deref() == Some(code))
        {
            return self.resolve_as(u, name);
        }
        let u = self.resolve(name, line);
        if let Some(code) = code
            && self.units[u].code.is_none()
        {
            self.units[u].code = Some(code.to_string());
        }
        u
    }

    /// Record `name` as a spelling of unit `u`.
    fn resolve_as(&mut self, u: usize, name: &str) -> usize {
        let unit = &mut self.units[u];
        match unit.spellings.iter_mut().find(|s| s.0 == name) {
            Some(s) => s.1 += 1,
            None => {
                unit.spellings.push((name.to_string(), 1));
                unit.norms.push(normalise(name));
                unit.admin_norms.push(normalise_admin(name));
            }
        }
        self.by_spelling.insert(name.to_string(), u);
        if unit.contents.is_some() {
            self.section = Some(u);
        }
        u
    }

    /// Resolve one spelling met in a table at `line`; returns the unit index.
    pub fn resolve(&mut self, name: &str, line: u32) -> usize {
        let u = self.find(name, line);
        self.resolve_as(u, name)
    }

    fn find(&mut self, name: &str, line: u32) -> usize {
        if let Some(&u) = self.by_spelling.get(name) {
            return u;
        }
        let norm = normalise(name);
        if let Some(u) = self.units.iter().position(|u| u.norms.contains(&norm)) {
            let other = self.units[u].spellings[0].0.clone();
            self.ledger.guess(line, format!("部门“{name}”与“{other}”仅写法不同（简称、中共/中国共产党、区委/委、括注等），视为同一单位"));
            return u;
        }
        // One name is the other with an administrative prefix dropped.
        let admin = normalise_admin(name);
        let candidates: Vec<usize> = self
            .units
            .iter()
            .enumerate()
            .filter(|(_, u)| {
                u.admin_norms
                    .iter()
                    .any(|s| suffix_match(&admin, s) || suffix_match(s, &admin))
            })
            .map(|(i, _)| i)
            .collect();
        if candidates.len() == 1 {
            let u = candidates[0];
            let other = self.units[u].spellings[0].0.clone();
            self.ledger.guess(
                line,
                format!("部门“{name}”是“{other}”省略或增加了行政区划前缀的写法，视为同一单位"),
            );
            return u;
        }
        if candidates.len() > 1 {
            let names: Vec<String> = candidates
                .iter()
                .map(|&i| format!("“{}”", self.units[i].spellings[0].0))
                .collect();
            self.ledger.guess(
                line,
                format!(
                    "部门“{name}”可能是{}中的任一个，无法确定，单独列出",
                    names.join("、")
                ),
            );
        }
        // Inside the contents section of a listed unit (the current one or the next in
        // the list) whose name differs only in the kind of institution
        // (`发展和改革委员会` where the contents list has `发展和改革局`).
        for s in self.section_candidates() {
            let listed = self.units[s].norms[0].clone();
            if same_core(&norm, &listed) {
                let other = self.units[s].spellings[0].0.clone();
                self.ledger.guess(
                    line,
                    format!("部门“{name}”不在目录中，但位于目录单位“{other}”的章节处且名称仅机构类别不同，视为同一单位"),
                );
                return s;
            }
        }
        if candidates.is_empty() {
            if let Some(similar) = self
                .units
                .iter()
                .find(|u| u.norms.iter().any(|s| same_core(&norm, s)))
            {
                self.ledger.guess(
                    line,
                    format!(
                        "部门“{name}”与“{}”名称相近，但没有证据表明是同一单位，未合并",
                        similar.spellings[0].0
                    ),
                );
            } else if !self.contents_names.is_empty() {
                self.ledger
                    .guess(line, format!("部门“{name}”不在文档目录中，单独列出"));
            }
        }
        self.units.push(Unit {
            spellings: Vec::new(),
            code: None,
            contents: None,
            first_line: line,
            norms: vec![norm],
            admin_norms: vec![admin],
        });
        self.units.len() - 1
    }
}

impl Resolver<'_> {
    /// Listed units whose section the document may be in: the current one and the next
    /// in the contents list.
    fn section_candidates(&self) -> Vec<usize> {
        let next_contents = match self.section.and_then(|s| self.units[s].contents) {
            Some(i) => i + 1,
            None => 0,
        };
        let next = self
            .units
            .iter()
            .position(|u| u.contents == Some(next_contents));
        self.section.into_iter().chain(next).collect()
    }
}

/// `short` is `long` without a leading administrative prefix.
fn suffix_match(short: &str, long: &str) -> bool {
    if short.chars().count() < 3 || short.len() >= long.len() || !long.ends_with(short) {
        return false;
    }
    let prefix = &long[..long.len() - short.len()];
    prefix.ends_with(ADMIN_ENDS) || short.starts_with(ADMIN_ENDS)
}

/// Names that share a long stem and differ only in an institution suffix.
fn same_core(a: &str, b: &str) -> bool {
    if a == b {
        return false;
    }
    let common: usize = a
        .chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    if a[..common].chars().count() < 6 {
        return false;
    }
    let (ta, tb) = (&a[common..], &b[common..]);
    INSTITUTION_SUFFIXES.contains(&ta) && INSTITUTION_SUFFIXES.contains(&tb)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledger() -> Ledger {
        Ledger::new("t.txt", 100)
    }

    #[test]
    fn normalises_party_and_city_spellings() {
        assert_eq!(
            normalise("中国共产党攀枝花市西区委员会宣传部"),
            normalise("中共攀枝花市西区区委宣传部")
        );
        assert_eq!(
            normalise("中共攀枝花市西区委政法委员会"),
            normalise("中共攀枝花市西区区委政法委员会")
        );
        assert_eq!(
            normalise("攀枝花西区教育和体育局"),
            normalise("攀枝花市西区教育和体育局")
        );
        assert_eq!(normalise("经济合作局（政务服务管理局）"), "经济合作局");
        assert_ne!(
            normalise("攀枝花市仁和区财政局"),
            normalise("攀枝花市西区财政局")
        );
        // 市场 is not a city.
        assert_eq!(
            normalise("攀枝花市西区市场监督管理局"),
            "攀枝花西区市场监督管理局"
        );
    }

    #[test]
    fn short_names_join_their_full_name() {
        let mut l = ledger();
        let mut r = Resolver::new(
            &[(Some("122001".into()), "攀枝花市西区应急管理局".into(), 1)],
            &mut l,
        );
        let a = r.resolve("西区应急管理局", 10);
        let b = r.resolve("区土地储备中心", 11);
        let c = r.resolve("攀枝花市西区土地储备中心", 12);
        assert_eq!(a, 0);
        assert_eq!(b, c, "区土地储备中心 is the district's 土地储备中心");
    }

    #[test]
    fn never_merges_two_bodies() {
        let mut l = ledger();
        let mut r = Resolver::new(&[], &mut l);
        let a = r.resolve("攀枝花市仁和区财政局", 1);
        let b = r.resolve("攀枝花市西区财政局", 2);
        assert_ne!(a, b);
        // Ambiguous short name: could be either, so it stays on its own.
        let c = r.resolve("财政局", 3);
        assert_ne!(c, a);
        assert_ne!(c, b);
        // Similar names without a contents list stay apart.
        let d = r.resolve("攀枝花市西区发展和改革委员会", 4);
        let e = r.resolve("攀枝花市西区发展和改革局", 5);
        assert_ne!(d, e);
    }

    #[test]
    fn contents_section_joins_a_renamed_body() {
        let mut l = ledger();
        let contents = vec![
            (Some("111001".into()), "攀枝花市西区档案馆".into(), 1),
            (Some("112001".into()), "攀枝花市西区发展和改革局".into(), 2),
            (Some("113001".into()), "攀枝花市西区科学技术局".into(), 3),
        ];
        let mut r = Resolver::new(&contents, &mut l);
        assert_eq!(r.resolve("攀枝花市西区档案馆", 10), 0);
        // Right after 档案馆 the document reaches the section of 发展和改革局.
        assert_eq!(r.resolve("攀枝花市西区发展和改革委员会", 11), 1);
        assert_eq!(r.resolve("攀枝花市西区发展和改革局", 12), 1);
        // Far from its section, a similar name is not merged.
        let mut l2 = ledger();
        let mut r2 = Resolver::new(&contents, &mut l2);
        assert_eq!(r2.resolve("攀枝花市西区科学技术局", 20), 2);
        assert_ne!(r2.resolve("攀枝花市西区发展和改革委员会", 21), 1);
    }
}
