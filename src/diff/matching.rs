//! Which department and project of one book is which of another: by identity, not by
//! position. Codes first, then names as the importer compares them (normalised, aliases,
//! years dropped), then where each department's projects went (a renamed or merged
//! department), then content for the projects still alone: a split or merge when several
//! of one side are pieces of one of the other, a rename when one is like one.
//! Every link says how it was made, so a reader can judge it.

use crate::model::{Book, Department, Indicator, Project};
use regex::Regex;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

/// (department index, project index) in its book.
pub type At = (usize, usize);

/// How two things were found to be one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchedBy {
    Code,
    Name,
    /// A department: most of its projects went there.
    Projects,
    /// Renamed: alike in indicators, name, goal and funds.
    Content,
    /// Several on one side are pieces of one on the other.
    Pieces,
}

/// Departments on each side that are one body: one to one (same or renamed), several
/// old to one new (merged), one old to several new (split), or one side empty.
#[derive(Debug, Clone, Serialize)]
pub struct DeptLink {
    pub old: Vec<usize>,
    pub new: Vec<usize>,
    pub by: Option<MatchedBy>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectLink {
    pub old: Vec<At>,
    pub new: Vec<At>,
    pub by: Option<MatchedBy>,
}

pub struct Matching {
    pub departments: Vec<DeptLink>,
    pub projects: Vec<ProjectLink>,
}

/// Name as compared, never shown: NFKC, no spaces, no years (`2025年度`), so the same
/// project in next year's book matches.
pub fn project_key(name: &str) -> String {
    static YEAR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(19|20)\d\d年度?|[\s　]").expect("valid regex"));
    let k = crate::text::key(name);
    match YEAR.replace_all(&k, "") {
        // A name that is only a year (`2024年`) keeps it.
        stripped if stripped.is_empty() => k,
        stripped => stripped.into_owned(),
    }
}

/// The text with its years blanked (`2024年` → `#年`, `2023-2024年` → `#-#年`), for
/// comparing this year's book with last year's, where the year rolls forward; years
/// inside document numbers (`〔2023〕14号`) are kept, as they stay. `years` false: as is.
pub fn without_years(text: &str, years: bool) -> std::borrow::Cow<'_, str> {
    if !years || !text.contains(['年', '-', '—', '–', '~', '至', '、']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let cs: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < cs.len() {
        let run = cs[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if run == 0 {
            out.push(cs[i]);
            i += 1;
            continue;
        }
        let digits: String = cs[i..i + run].iter().collect();
        let starts_ok = i == 0 || !cs[i - 1].is_ascii_digit();
        let next = cs.get(i + run).copied();
        let after = cs.get(i + run + 1).copied();
        let year = run == 4
            && starts_ok
            && (digits.starts_with("19") || digits.starts_with("20"))
            && (next == Some('年')
                || matches!(next, Some('-' | '—' | '–' | '~' | '至' | '、'))
                    && after.is_some_and(|c| c.is_ascii_digit()));
        out.push_str(if year { "#" } else { &digits });
        i += run;
    }
    std::borrow::Cow::Owned(out)
}

fn project_code(p: &Project) -> Option<String> {
    p.extra
        .iter()
        .find(|e| {
            let k = crate::text::key(&e.label);
            ["项目编码", "项目代码", "项目编号"]
                .iter()
                .any(|w| k.contains(w))
        })
        .map(|e| crate::text::key(&e.value))
        .filter(|v| !v.is_empty() && !crate::model::is_placeholder(v))
}

fn dept_keys(d: &Department) -> Vec<String> {
    std::iter::once(&d.name)
        .chain(&d.aliases)
        .map(|n| crate::import::departments::normalise(n))
        .filter(|k| !k.is_empty())
        .collect()
}

pub fn match_books(old: &Book, new: &Book) -> Matching {
    let mut m = Matcher::new(old, new);
    m.departments_by_identity();
    m.projects_by_code();
    m.projects_by_name();
    let depts = m.department_links();
    // Names again within departments found to be one body by where their projects went
    // (a renamed or merged department: the same names, given more than once too).
    m.names_in_groups(&depts);
    m.pieces(&depts);
    m.renames(&depts);
    Matching {
        projects: m.project_links(),
        departments: depts,
    }
}

struct Matcher<'a> {
    old: &'a Book,
    new: &'a Book,
    /// Department pairs by code or name.
    dept_pairs: Vec<(usize, usize, MatchedBy)>,
    old_dept: Vec<Option<usize>>,
    new_dept: Vec<Option<usize>>,
    /// Project links made so far; `taken_*` marks each side's linked projects.
    links: Vec<ProjectLink>,
    taken_old: BTreeSet<At>,
    taken_new: BTreeSet<At>,
}

impl<'a> Matcher<'a> {
    fn new(old: &'a Book, new: &'a Book) -> Self {
        Matcher {
            old,
            new,
            dept_pairs: Vec::new(),
            old_dept: vec![None; old.departments.len()],
            new_dept: vec![None; new.departments.len()],
            links: Vec::new(),
            taken_old: BTreeSet::new(),
            taken_new: BTreeSet::new(),
        }
    }

    fn pair_depts(&mut self, o: usize, n: usize, by: MatchedBy) {
        self.old_dept[o] = Some(n);
        self.new_dept[n] = Some(o);
        self.dept_pairs.push((o, n, by));
    }

    fn link(&mut self, old: Vec<At>, new: Vec<At>, by: MatchedBy) {
        self.taken_old.extend(old.iter().copied());
        self.taken_new.extend(new.iter().copied());
        self.links.push(ProjectLink {
            old,
            new,
            by: Some(by),
        });
    }

    /// Codes, then names and aliases; a code or name given to several departments pairs
    /// them up in document order.
    fn departments_by_identity(&mut self) {
        let code_of = |d: &Department| {
            d.code
                .as_deref()
                .map(crate::text::key)
                .filter(|c| !c.is_empty())
        };
        let mut codes: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, d) in self.new.departments.iter().enumerate().rev() {
            if let Some(c) = code_of(d) {
                codes.entry(c).or_default().push(i);
            }
        }
        for (o, d) in self.old.departments.iter().enumerate() {
            if let Some(n) = code_of(d)
                .and_then(|c| codes.get_mut(&c))
                .and_then(Vec::pop)
            {
                self.pair_depts(o, n, MatchedBy::Code);
            }
        }
        // Names as written (folded), then as the importer compares spellings (which
        // drops a parenthesised second name): the canonical name first, then aliases.
        for exact in [true, false] {
            let keys = |d: &Department| -> Vec<String> {
                let mut keys: Vec<String> = if exact {
                    std::iter::once(&d.name)
                        .chain(&d.aliases)
                        .map(|n| crate::text::key(n))
                        .filter(|k| !k.is_empty())
                        .collect()
                } else {
                    dept_keys(d)
                };
                keys.dedup();
                keys
            };
            let mut names: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, d) in self.new.departments.iter().enumerate().rev() {
                if self.new_dept[i].is_none() {
                    for k in keys(d) {
                        names.entry(k).or_default().push(i);
                    }
                }
            }
            for (o, d) in self.old.departments.iter().enumerate() {
                if self.old_dept[o].is_some() {
                    continue;
                }
                for k in keys(d) {
                    let Some(list) = names.get_mut(&k) else {
                        continue;
                    };
                    // Skip ones already paired through another key.
                    while list.last().is_some_and(|&n| self.new_dept[n].is_some()) {
                        list.pop();
                    }
                    if let Some(n) = list.pop() {
                        self.pair_depts(o, n, MatchedBy::Name);
                        break;
                    }
                }
            }
        }
    }

    fn projects_by_code(&mut self) {
        let mut codes: HashMap<String, Vec<At>> = HashMap::new();
        for (at, p) in projects(self.new) {
            if let Some(c) = project_code(p) {
                codes.entry(c).or_default().push(at);
            }
        }
        let mut pairs = Vec::new();
        for (at, p) in projects(self.old) {
            if let Some(c) = project_code(p)
                && let Some([n]) = codes.get(&c).map(Vec::as_slice)
            {
                pairs.push((at, *n));
            }
        }
        for (o, n) in pairs {
            if !self.taken_old.contains(&o) && !self.taken_new.contains(&n) {
                self.link(vec![o], vec![n], MatchedBy::Code);
            }
        }
    }

    /// Equal names: first within departments that are one, in document order (a name
    /// given twice pairs up in turn), then across the book where the name is unique on
    /// both sides (a project that moved, or whose department was renamed).
    fn projects_by_name(&mut self) {
        let pairs = self.dept_pairs.clone();
        for (o, n, _) in pairs {
            let mut wanted: HashMap<String, Vec<usize>> = HashMap::new();
            for (pi, p) in self.new.departments[n].projects.iter().enumerate() {
                if !self.taken_new.contains(&(n, pi)) {
                    wanted.entry(project_key(&p.name)).or_default().push(pi);
                }
            }
            for v in wanted.values_mut() {
                v.reverse();
            }
            for (pi, p) in self.old.departments[o].projects.iter().enumerate() {
                if self.taken_old.contains(&(o, pi)) {
                    continue;
                }
                if let Some(q) = wanted.get_mut(&project_key(&p.name)).and_then(Vec::pop) {
                    self.link(vec![(o, pi)], vec![(n, q)], MatchedBy::Name);
                }
            }
        }
        let free = |b: &Book, taken: &BTreeSet<At>| {
            let mut map: HashMap<String, Vec<At>> = HashMap::new();
            for (at, p) in projects(b) {
                if !taken.contains(&at) {
                    map.entry(project_key(&p.name)).or_default().push(at);
                }
            }
            map
        };
        let (of, nf) = (
            free(self.old, &self.taken_old),
            free(self.new, &self.taken_new),
        );
        let mut pairs: Vec<(At, At)> = of
            .iter()
            .filter_map(
                |(k, o)| match (o.as_slice(), nf.get(k).map(Vec::as_slice)) {
                    ([o], Some([n])) => Some((*o, *n)),
                    _ => None,
                },
            )
            .collect();
        pairs.sort_unstable();
        for (o, n) in pairs {
            self.link(vec![o], vec![n], MatchedBy::Name);
        }
    }

    fn names_in_groups(&mut self, depts: &[DeptLink]) {
        for (_, (olds, news)) in self.free_by_group(depts) {
            let mut wanted: HashMap<String, Vec<At>> = HashMap::new();
            for &at in news.iter().rev() {
                wanted
                    .entry(project_key(&proj(self.new, at).name))
                    .or_default()
                    .push(at);
            }
            for o in olds {
                if let Some(n) = wanted
                    .get_mut(&project_key(&proj(self.old, o).name))
                    .and_then(Vec::pop)
                {
                    self.link(vec![o], vec![n], MatchedBy::Name);
                }
            }
        }
    }

    /// Departments as bodies: pairs by code or name, plus each unpaired department joined
    /// to where most of its linked projects went (old side) or came from (new side), at
    /// least two projects or half of them. Joined groups are renames, merges or splits.
    fn department_links(&self) -> Vec<DeptLink> {
        let (no, nn) = (self.old.departments.len(), self.new.departments.len());
        // Union-find over old departments 0..no and new departments no..no+nn.
        let mut parent: Vec<usize> = (0..no + nn).collect();
        fn root(p: &mut [usize], mut i: usize) -> usize {
            while p[i] != i {
                p[i] = p[p[i]];
                i = p[i];
            }
            i
        }
        let mut by: BTreeMap<usize, MatchedBy> = BTreeMap::new();
        for &(o, n, b) in &self.dept_pairs {
            let (a, c) = (root(&mut parent, o), root(&mut parent, no + n));
            parent[c] = a;
            by.insert(o, b);
        }
        let mut flows: BTreeMap<(usize, usize), usize> = BTreeMap::new();
        for l in &self.links {
            for &(od, _) in &l.old {
                for &(nd, _) in &l.new {
                    *flows.entry((od, nd)).or_default() += 1;
                }
            }
        }
        let mut joins = Vec::new();
        for o in (0..no).filter(|&o| self.old_dept[o].is_none()) {
            let total = self.old.departments[o].projects.len();
            if let Some((&(_, n), &c)) = flows
                .range((o, 0)..(o + 1, 0))
                .max_by_key(|&(&(_, n), &c)| (c, std::cmp::Reverse(n)))
                && (c >= 2 || 2 * c >= total)
            {
                joins.push((o, n));
            }
        }
        for n in (0..nn).filter(|&n| self.new_dept[n].is_none()) {
            let total = self.new.departments[n].projects.len();
            if let Some((&(o, _), &c)) = flows
                .iter()
                .filter(|&(&(_, x), _)| x == n)
                .max_by_key(|&(&(o, _), &c)| (c, std::cmp::Reverse(o)))
                && (c >= 2 || 2 * c >= total)
            {
                joins.push((o, n));
            }
        }
        for (o, n) in joins {
            let (a, c) = (root(&mut parent, o), root(&mut parent, no + n));
            if a != c {
                parent[c] = a;
            }
        }
        let mut groups: BTreeMap<usize, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
        for i in 0..no + nn {
            let r = root(&mut parent, i);
            let g = groups.entry(r).or_default();
            if i < no {
                g.0.push(i)
            } else {
                g.1.push(i - no)
            }
        }
        let mut links: Vec<DeptLink> = groups
            .into_values()
            .map(|(old, new)| {
                let how = match (old.as_slice(), new.as_slice()) {
                    ([], _) | (_, []) => None,
                    ([o], [_]) => Some(by.get(o).copied().unwrap_or(MatchedBy::Projects)),
                    _ => Some(MatchedBy::Projects),
                };
                DeptLink { old, new, by: how }
            })
            .collect();
        // In the new book's order, dropped ones after.
        links.sort_by_key(|l| {
            (
                l.new.first().copied().unwrap_or(usize::MAX),
                l.old.first().copied(),
            )
        });
        links
    }

    /// The department group each department belongs to, per side.
    fn groups(depts: &[DeptLink], no: usize, nn: usize) -> (Vec<usize>, Vec<usize>) {
        let (mut og, mut ng) = (vec![usize::MAX; no], vec![usize::MAX; nn]);
        for (g, l) in depts.iter().enumerate() {
            l.old.iter().for_each(|&o| og[o] = g);
            l.new.iter().for_each(|&n| ng[n] = g);
        }
        (og, ng)
    }

    /// Free projects of one side per department group.
    fn free_by_group(&self, depts: &[DeptLink]) -> BTreeMap<usize, (Vec<At>, Vec<At>)> {
        let (og, ng) = Self::groups(
            depts,
            self.old.departments.len(),
            self.new.departments.len(),
        );
        let mut by: BTreeMap<usize, (Vec<At>, Vec<At>)> = BTreeMap::new();
        for (at, _) in projects(self.old) {
            if !self.taken_old.contains(&at) {
                by.entry(og[at.0]).or_default().0.push(at);
            }
        }
        for (at, _) in projects(self.new) {
            if !self.taken_new.contains(&at) {
                by.entry(ng[at.0]).or_default().1.push(at);
            }
        }
        by.retain(|_, (o, n)| !o.is_empty() && !n.is_empty());
        by
    }

    /// Splits and merges within a department group: one project whose several
    /// counterparts are each mostly a piece of it (name or indicators), and whose amounts
    /// add up to it exactly, or each piece very clearly part of it.
    fn pieces(&mut self, depts: &[DeptLink]) {
        for (_, (olds, news)) in self.free_by_group(depts) {
            let olds: Vec<(At, Profile)> = olds
                .iter()
                .map(|&a| (a, Profile::of(proj(self.old, a))))
                .collect();
            let news: Vec<(At, Profile)> = news
                .iter()
                .map(|&a| (a, Profile::of(proj(self.new, a))))
                .collect();
            let mut used_new = BTreeSet::new();
            let mut used_old = BTreeSet::new();
            for (oa, op) in &olds {
                let parts: Vec<(At, f64, Option<rust_decimal::Decimal>)> = news
                    .iter()
                    .filter(|(na, _)| !used_new.contains(na))
                    .map(|(na, np)| (*na, np.part_of(op), np.total))
                    .filter(|&(_, s, _)| s >= 0.6)
                    .collect();
                if parts.len() >= 2 && adds_up(op.total, &parts) {
                    used_old.insert(*oa);
                    used_new.extend(parts.iter().map(|p| p.0));
                    self.link(
                        vec![*oa],
                        parts.iter().map(|p| p.0).collect(),
                        MatchedBy::Pieces,
                    );
                }
            }
            for (na, np) in &news {
                if used_new.contains(na) {
                    continue;
                }
                let parts: Vec<(At, f64, Option<rust_decimal::Decimal>)> = olds
                    .iter()
                    .filter(|(oa, _)| !used_old.contains(oa))
                    .map(|(oa, op)| (*oa, op.part_of(np), op.total))
                    .filter(|&(_, s, _)| s >= 0.6)
                    .collect();
                if parts.len() >= 2 && adds_up(np.total, &parts) {
                    used_old.extend(parts.iter().map(|p| p.0));
                    self.link(
                        parts.iter().map(|p| p.0).collect(),
                        vec![*na],
                        MatchedBy::Pieces,
                    );
                }
            }
        }
    }

    /// Renamed projects within a department group: the most alike pairs first, each at
    /// least half alike.
    fn renames(&mut self, depts: &[DeptLink]) {
        for (_, (olds, news)) in self.free_by_group(depts) {
            let op: Vec<Profile> = olds
                .iter()
                .map(|&a| Profile::of(proj(self.old, a)))
                .collect();
            let np: Vec<Profile> = news
                .iter()
                .map(|&a| Profile::of(proj(self.new, a)))
                .collect();
            let mut scored = Vec::new();
            for (i, a) in op.iter().enumerate() {
                for (j, b) in np.iter().enumerate() {
                    let s = a.likeness(b);
                    if s >= 0.5 {
                        scored.push((s, i, j));
                    }
                }
            }
            scored.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
            let (mut ui, mut uj) = (BTreeSet::new(), BTreeSet::new());
            for (_, i, j) in scored {
                if !ui.contains(&i) && !uj.contains(&j) {
                    ui.insert(i);
                    uj.insert(j);
                    self.link(vec![olds[i]], vec![news[j]], MatchedBy::Content);
                }
            }
        }
    }

    /// Every link, plus each project left alone as added or dropped; in the new book's
    /// order, dropped ones where their department was.
    fn project_links(mut self) -> Vec<ProjectLink> {
        for (at, _) in projects(self.old) {
            if !self.taken_old.contains(&at) {
                self.links.push(ProjectLink {
                    old: vec![at],
                    new: Vec::new(),
                    by: None,
                });
            }
        }
        for (at, _) in projects(self.new) {
            if !self.taken_new.contains(&at) {
                self.links.push(ProjectLink {
                    old: Vec::new(),
                    new: vec![at],
                    by: None,
                });
            }
        }
        let old_dept = self.old_dept.clone();
        self.links
            .sort_by_key(|l| match (l.new.first(), l.old.first()) {
                (Some(&n), o) => (n.0, 0, n.1, o.copied()),
                (None, Some(&o)) => (old_dept[o.0].unwrap_or(usize::MAX), 1, o.1, None),
                (None, None) => (usize::MAX, 2, 0, None),
            });
        self.links
    }
}

fn adds_up(
    whole: Option<rust_decimal::Decimal>,
    parts: &[(At, f64, Option<rust_decimal::Decimal>)],
) -> bool {
    let sum: Option<rust_decimal::Decimal> = parts.iter().map(|p| p.2).sum();
    match (whole, sum) {
        // Amounts on every side: they must add up, to the cent.
        (Some(w), Some(s)) => w == s,
        // An amount missing: only pieces that are very clearly parts of it.
        _ => parts.iter().all(|p| p.1 >= 0.8),
    }
}

fn projects(b: &Book) -> impl Iterator<Item = (At, &Project)> {
    b.departments.iter().enumerate().flat_map(|(di, d)| {
        d.projects
            .iter()
            .enumerate()
            .map(move |(pi, p)| ((di, pi), p))
    })
}

fn proj(b: &Book, at: At) -> &Project {
    &b.departments[at.0].projects[at.1]
}

/// What a project is about, for likeness: its name without generic words, its indicator
/// names and its goal, as character pairs.
struct Profile {
    name: BTreeSet<(char, char)>,
    indicators: BTreeSet<String>,
    goal: BTreeSet<(char, char)>,
    total: Option<rust_decimal::Decimal>,
}

/// Words nearly every project name has: they say nothing of which project it is.
const GENERIC: &[&str] = &[
    "专项经费",
    "工作经费",
    "项目经费",
    "经费",
    "专项资金",
    "资金",
    "项目",
    "专项",
    "补助",
    "工作",
];

fn pairs(s: &str) -> BTreeSet<(char, char)> {
    let cs: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    cs.windows(2).map(|w| (w[0], w[1])).collect()
}

impl Profile {
    fn of(p: &Project) -> Profile {
        let mut name = project_key(&p.name);
        for g in GENERIC {
            name = name.replace(g, "|");
        }
        let name = name.split('|').flat_map(pairs).collect();
        Profile {
            name,
            indicators: p
                .indicators
                .iter()
                .filter(|i| !crate::model::is_placeholder(&i.name))
                .map(|i| crate::text::key(&i.name))
                .collect(),
            goal: pairs(&crate::text::key(p.goal.as_deref().unwrap_or(""))),
            total: p.funds.total.value,
        }
    }

    /// How much of `self` is found in `whole` (0–1): its name or its indicators.
    fn part_of(&self, whole: &Profile) -> f64 {
        let name = contained(&self.name, &whole.name);
        let ind = if self.indicators.len() >= 2 {
            contained(&self.indicators, &whole.indicators)
        } else {
            0.0
        };
        name.max(ind)
    }

    /// How alike two projects are (0–1): indicators, name, goal, then equal funds.
    fn likeness(&self, other: &Profile) -> f64 {
        let funds = match (self.total, other.total) {
            (Some(a), Some(b)) if a == b => 1.0,
            _ => 0.0,
        };
        0.4 * dice(&self.indicators, &other.indicators)
            + 0.3 * dice(&self.name, &other.name)
            + 0.2 * dice(&self.goal, &other.goal)
            + 0.1 * funds
    }
}

fn contained<T: Ord>(part: &BTreeSet<T>, whole: &BTreeSet<T>) -> f64 {
    if part.is_empty() {
        return 0.0;
    }
    part.intersection(whole).count() as f64 / part.len() as f64
}

fn dice<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f64 / (a.len() + b.len()) as f64
}

/// Indicators of two versions of one project paired by category and name; then, within
/// a category, renamed ones by likeness of name. Unpaired ones are added or removed.
/// `years`: compare names without their years (this year's book against last year's).
pub fn match_indicators<'a>(
    old: &'a [Indicator],
    new: &'a [Indicator],
    years: bool,
) -> Vec<(Option<&'a Indicator>, Option<&'a Indicator>)> {
    let key = |i: &Indicator| {
        let cat = match (i.level1_category, i.level2_category) {
            (_, Some(c)) => c.label().to_string(),
            (Some(c), None) => c.label().to_string(),
            (None, None) => crate::text::key(&i.level2),
        };
        (cat, crate::text::key(&without_years(&i.name, years)))
    };
    let old: Vec<&Indicator> = old.iter().filter(|i| i.is_set()).collect();
    let new: Vec<&Indicator> = new.iter().filter(|i| i.is_set()).collect();
    // Each key once: folding a name is the costly part.
    let old_keys: Vec<(String, String)> = old.iter().map(|i| key(i)).collect();
    let new_keys: Vec<(String, String)> = new.iter().map(|i| key(i)).collect();
    let mut wanted: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (j, k) in new_keys.iter().enumerate().rev() {
        wanted.entry(k.clone()).or_default().push(j);
    }
    let mut to: Vec<Option<usize>> = vec![None; old.len()];
    let mut taken = vec![false; new.len()];
    for (i, k) in old_keys.iter().enumerate() {
        if let Some(j) = wanted.get_mut(k).and_then(Vec::pop) {
            to[i] = Some(j);
            taken[j] = true;
        }
    }
    // Renamed within a category: most alike first, at least 0.6 alike.
    let mut scored = Vec::new();
    for (i, ko) in old_keys
        .iter()
        .enumerate()
        .filter(|(i, _)| to[*i].is_none())
    {
        for (j, kn) in new_keys.iter().enumerate().filter(|(j, _)| !taken[*j]) {
            if ko.0 == kn.0 {
                let s = dice(&pairs(&ko.1), &pairs(&kn.1));
                if s >= 0.6 {
                    scored.push((s, i, j));
                }
            }
        }
    }
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    for (_, i, j) in scored {
        if to[i].is_none() && !taken[j] {
            to[i] = Some(j);
            taken[j] = true;
        }
    }
    // New order, removed ones after the indicator before them.
    let mut out: Vec<(Option<&Indicator>, Option<&Indicator>)> = Vec::new();
    let mut back: Vec<Option<usize>> = vec![None; new.len()];
    for (i, t) in to.iter().enumerate() {
        if let Some(j) = t {
            back[*j] = Some(i);
        }
    }
    let mut next_old = 0;
    for (j, n) in new.iter().enumerate() {
        if let Some(i) = back[j] {
            while next_old < i {
                if to[next_old].is_none() {
                    out.push((Some(old[next_old]), None));
                }
                next_old += 1;
            }
            next_old = next_old.max(i + 1);
            out.push((Some(old[i]), Some(n)));
        } else {
            out.push((None, Some(n)));
        }
    }
    for (i, o) in old.iter().enumerate().skip(next_old) {
        if to[i].is_none() {
            out.push((Some(o), None));
        }
    }
    out
}
