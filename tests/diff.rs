//! `jixiao diff` as its users rely on it: the fixture pairs made by
//! tests/fixtures/diff/make.py (a later draft round, the following year) are compared
//! through the library and the command line, and every change make.py made must come
//! out as that kind of change, with exact amounts, and nothing else; identical books
//! must compare as identical; `--git` must work as a CI job runs it without touching the
//! checkout; the Markdown for a pull request must stay inert whatever the books say.

mod common;

use jixiao::check::{BookFindings, Finding};
use jixiao::diff::{BookDiff, Change, FailOn, Kind, ProjectChange, Verdict};
use jixiao::model::Book;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

// ------------------------------------------------------------------------- helpers

/// A fixture book folder; missing fixtures fail the test, never skip it.
fn fixture(name: &str) -> PathBuf {
    let dir = common::manifest().join("tests/fixtures/diff").join(name);
    assert!(
        dir.join("_index.md").is_file(),
        "{} is missing: make it with `python3 tests/fixtures/diff/make.py`",
        dir.display()
    );
    dir
}

fn load(dir: &Path) -> Book {
    let mut errors = Vec::new();
    let book = jixiao::content::load_book(dir, &mut errors);
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(shown.is_empty(), "{}: {}", dir.display(), shown.join("\n"));
    let book = book.unwrap_or_else(|| panic!("{}: no book", dir.display()));
    assert!(book.project_count() > 0, "{}: no projects", dir.display());
    book
}

fn settings() -> jixiao::check::rules::Settings {
    jixiao::config::parse(Path::new("book.toml"), "")
        .expect("default settings")
        .check
}

struct Compared {
    old: Book,
    new: Book,
    old_findings: BookFindings,
    new_findings: BookFindings,
    diff: BookDiff,
}

/// Load, check and compare two book folders, as `jixiao diff` does.
fn compare(old: &Path, new: &Path) -> Compared {
    let (old, new) = (load(old), load(new));
    let s = settings();
    let (old_findings, new_findings) = (
        jixiao::check::check_book(&old, &s),
        jixiao::check::check_book(&new, &s),
    );
    let diff = jixiao::diff::diff_books(&old, &old_findings, &new, &new_findings);
    Compared {
        old,
        new,
        old_findings,
        new_findings,
        diff,
    }
}

fn draft() -> Compared {
    compare(&fixture("draft-r1"), &fixture("draft-r2"))
}

fn years() -> Compared {
    compare(&fixture("year-2024"), &fixture("year-2025"))
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

fn names(refs: &[jixiao::diff::ProjectRef]) -> Vec<String> {
    let mut v: Vec<String> = refs.iter().map(|r| r.name.clone()).collect();
    v.sort();
    v
}

type Listed = (Kind, Vec<String>, Vec<String>);

/// `(kind, old names, new names)` of every listed project change, in a fixed order.
fn sorted(mut v: Vec<Listed>) -> Vec<Listed> {
    v.sort_by(|a, b| (a.0 as u8, &a.1, &a.2).cmp(&(b.0 as u8, &b.1, &b.2)));
    v
}

fn listed_sorted(d: &BookDiff) -> Vec<Listed> {
    sorted(
        d.projects
            .iter()
            .map(|p| (p.kind, names(&p.old), names(&p.new)))
            .collect(),
    )
}

/// A project listed as changed under the same name in both versions.
fn changed(name: &str) -> Listed {
    (Kind::Changed, strings(&[name]), strings(&[name]))
}

fn strings(v: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

fn project<'a>(d: &'a BookDiff, new_name: &str) -> &'a ProjectChange {
    d.projects
        .iter()
        .find(|p| p.new.iter().any(|r| r.name == new_name))
        .unwrap_or_else(|| panic!("{new_name} is not listed as changed"))
}

fn change(old: Option<Decimal>, new: Option<Decimal>) -> Change {
    let delta = match (old, new) {
        (None, None) => None,
        (o, n) => Some(n.unwrap_or(Decimal::ZERO) - o.unwrap_or(Decimal::ZERO)),
    };
    Change { old, new, delta }
}

// ---------------------------------------------- the fixtures' amounts, read independently

const ROWS: [&str; 6] = [
    "total",
    "fiscal",
    "fiscal_upper",
    "fiscal_own",
    "carry_over",
    "other",
];

/// The fund rows of every project file of a book folder, read with a plain TOML parser
/// (not jixiao's loader), by (department folder, file stem), in the book's own unit.
struct Ledger {
    /// How many 元 one unit of this book is.
    yuan: Decimal,
    projects: BTreeMap<(String, String), BTreeMap<&'static str, Decimal>>,
}

fn front_matter(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let body = text
        .strip_prefix("+++\n")
        .unwrap_or_else(|| panic!("{}: no front matter", path.display()));
    let end = body
        .find("\n+++")
        .unwrap_or_else(|| panic!("{}: front matter not closed", path.display()));
    toml::from_str(&body[..end + 1]).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sorted_dir(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn ledger(book: &Path) -> Ledger {
    let index = front_matter(&book.join("_index.md"));
    let yuan = match index.get("unit").and_then(|v| v.as_str()).unwrap_or("万元") {
        "万元" => Decimal::from(10_000),
        "元" => Decimal::ONE,
        u => panic!("{}: unit {u:?}", book.display()),
    };
    let mut projects = BTreeMap::new();
    for dept in sorted_dir(book).into_iter().filter(|p| p.is_dir()) {
        let dept_slug = dept.file_name().unwrap().to_string_lossy().to_string();
        for file in sorted_dir(&dept) {
            let stem = file.file_stem().unwrap().to_string_lossy().to_string();
            if stem == "_index" || file.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let fm = front_matter(&file);
            let mut rows = BTreeMap::new();
            if let Some(funds) = fm.get("funds").and_then(|f| f.as_table()) {
                for key in ROWS {
                    let text = match funds.get(key) {
                        Some(toml::Value::String(s)) => Some(s.as_str()),
                        Some(toml::Value::Table(t)) => t.get("value").and_then(|v| v.as_str()),
                        _ => None,
                    };
                    if let Some(s) = text {
                        let v = Decimal::from_str(s).unwrap_or_else(|e| {
                            panic!("{}: funds.{key} = {s:?}: {e}", file.display())
                        });
                        rows.insert(key, v);
                    }
                }
            }
            projects.insert((dept_slug.clone(), stem), rows);
        }
    }
    assert!(!projects.is_empty(), "{}: no project files", book.display());
    Ledger { yuan, projects }
}

impl Ledger {
    /// Row `key` of one project, in a unit of `to` 元.
    fn row(&self, dept: &str, slug: &str, key: &str, to: Decimal) -> Option<Decimal> {
        let rows = self
            .projects
            .get(&(dept.to_string(), slug.to_string()))
            .unwrap_or_else(|| panic!("no project file {dept}/{slug}.md"));
        rows.get(key).map(|v| *v * self.yuan / to)
    }

    /// `key` summed over several projects (`None` for none, or when none has the row).
    fn sum(&self, refs: &[jixiao::diff::ProjectRef], key: &str, to: Decimal) -> Option<Decimal> {
        let vals: Vec<Option<Decimal>> = refs
            .iter()
            .map(|r| self.row(&r.department_slug, &r.slug, key, to))
            .collect();
        if vals.is_empty() || vals.iter().all(Option::is_none) {
            None
        } else {
            Some(vals.into_iter().flatten().sum())
        }
    }

    fn dept_total(&self, dept: &str, to: Decimal) -> Decimal {
        self.projects
            .iter()
            .filter(|((d, _), _)| d == dept)
            .filter_map(|(_, rows)| rows.get("total"))
            .map(|v| *v * self.yuan / to)
            .sum()
    }

    fn dept_count(&self, dept: &str) -> usize {
        self.projects.keys().filter(|(d, _)| d == dept).count()
    }

    fn book_total(&self, to: Decimal) -> Decimal {
        self.projects
            .values()
            .filter_map(|rows| rows.get("total"))
            .map(|v| *v * self.yuan / to)
            .sum()
    }
}

fn fund_key(k: jixiao::model::FundKind) -> String {
    serde_json::to_value(k)
        .unwrap()
        .as_str()
        .unwrap()
        .replace('-', "_")
}

/// Every amount of the comparison equals the fixture files' amounts, converted exactly to
/// the new book's unit, and every delta is new − old.
fn assert_amounts_exact(c: &Compared, old_dir: &Path, new_dir: &Path) {
    let (lo, ln) = (ledger(old_dir), ledger(new_dir));
    let to = ln.yuan;
    let d = &c.diff;
    assert_eq!(d.unit, if to == Decimal::ONE { "元" } else { "万元" });
    for p in &d.projects {
        let label = jixiao::diff::project_label(p);
        assert_eq!(
            p.total,
            change(lo.sum(&p.old, "total", to), ln.sum(&p.new, "total", to)),
            "{label}: 资金总额"
        );
        let got: Vec<(String, Change)> = p
            .funds
            .iter()
            .map(|f| (fund_key(f.kind), f.change))
            .collect();
        let want: Vec<(String, Change)> = match (&p.old[..], &p.new[..]) {
            ([o], [n]) => ROWS[1..]
                .iter()
                .filter_map(|k| {
                    let (a, b) = (
                        lo.row(&o.department_slug, &o.slug, k, to),
                        ln.row(&n.department_slug, &n.slug, k, to),
                    );
                    (a != b).then(|| (k.to_string(), change(a, b)))
                })
                .collect(),
            _ => Vec::new(),
        };
        assert_eq!(got, want, "{label}: fund rows that moved");
    }
    for x in &d.departments {
        let side = |l: &Ledger, refs: &[jixiao::diff::DeptRef]| {
            (!refs.is_empty()).then(|| refs.iter().map(|r| l.dept_total(&r.slug, to)).sum())
        };
        let who: Vec<&str> = x
            .old
            .iter()
            .chain(&x.new)
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(
            x.funds,
            change(side(&lo, &x.old), side(&ln, &x.new)),
            "{who:?}"
        );
        assert_eq!(
            x.projects_old,
            x.old.iter().map(|r| lo.dept_count(&r.slug)).sum::<usize>(),
            "{who:?}: projects before"
        );
        assert_eq!(
            x.projects_new,
            x.new.iter().map(|r| ln.dept_count(&r.slug)).sum::<usize>(),
            "{who:?}: projects after"
        );
    }
    assert_eq!(
        d.total,
        change(Some(lo.book_total(to)), Some(ln.book_total(to))),
        "book total"
    );
    // Unchanged projects move nothing: the listed moves add up to the book's.
    let listed: Decimal = d.projects.iter().filter_map(|p| p.total.delta).sum();
    assert_eq!(
        Some(listed),
        d.total.delta,
        "sum of the listed projects' moves"
    );
    assert_eq!(d.old.projects, lo.projects.len());
    assert_eq!(d.new.projects, ln.projects.len());
}

// ------------------------------------------------------------------ 1. the draft round

#[test]
fn draft_round_every_change_is_found_as_its_kind_and_nothing_else() {
    let c = draft();
    let d = &c.diff;
    let n = &d.counts;
    assert_eq!(
        (
            n.projects_added,
            n.projects_dropped,
            n.projects_renamed,
            n.projects_split,
            n.projects_merged,
            n.projects_changed,
        ),
        (1, 1, 1, 1, 1, 4),
        "{n:?}"
    );
    // 红十字会专项 went from 卫生健康局 to the new 红十字会: changed, as moved.
    assert_eq!(n.projects_moved, 1, "{n:?}");
    // Projects of the old book in none of the changes above: 4 changed, 1 renamed,
    // 1 dropped, 1 split, 2 merged.
    assert_eq!(n.projects_unchanged, c.old.project_count() - 9, "{n:?}");
    assert_eq!(
        (
            n.departments_added,
            n.departments_dropped,
            n.departments_renamed,
            n.departments_merged,
            n.departments_split,
        ),
        (0, 0, 0, 0, 1),
        "{n:?}"
    );
    assert_eq!(
        (
            n.targets_weakened,
            n.targets_strengthened,
            n.targets_changed
        ),
        (4, 2, 0),
        "{n:?}"
    );
    // Exactly these, with these names; 红十字会专项 only moved to the new department.
    let want = sorted(vec![
        changed("红十字会专项"),
        changed("困难群众救助"),
        changed("高龄长寿补贴"),
        changed("法律援助"),
        (
            Kind::Renamed,
            strings(&["走访慰问"]),
            strings(&["节日走访慰问困难群众"]),
        ),
        (Kind::Dropped, strings(&["水利工程行政审批费用"]), vec![]),
        (Kind::Added, vec![], strings(&["河道采砂管理工作经费"])),
        (
            Kind::Split,
            strings(&["计划生育服务"]),
            strings(&["计划生育家庭奖励扶助", "计划生育特别扶助"]),
        ),
        (
            Kind::Merged,
            strings(&["人民调解", "安置帮教经费"]),
            strings(&["人民调解和安置帮教"]),
        ),
    ]);
    assert_eq!(listed_sorted(d), want);

    // Each in its own department.
    let dept_of = |name: &str| -> BTreeSet<String> {
        d.projects
            .iter()
            .flat_map(|p| p.old.iter().chain(&p.new))
            .filter(|r| r.name == name)
            .map(|r| r.department.clone())
            .collect()
    };
    for (name, dept) in [
        ("计划生育家庭奖励扶助", "攀枝花市西区卫生健康局"),
        ("计划生育特别扶助", "攀枝花市西区卫生健康局"),
        ("计划生育服务", "攀枝花市西区卫生健康局"),
        ("人民调解和安置帮教", "攀枝花市西区司法局"),
        ("安置帮教经费", "攀枝花市西区司法局"),
        ("河道采砂管理工作经费", "攀枝花市西区水利局"),
        ("水利工程行政审批费用", "攀枝花市西区水利局"),
        ("节日走访慰问困难群众", "攀枝花市西区民政局"),
    ] {
        assert_eq!(dept_of(name), BTreeSet::from([dept.to_string()]), "{name}");
    }
    // Renamed, split and merged projects keep their funds; their targets are not
    // compared one by one, so they weaken nothing.
    for p in &d.projects {
        if matches!(p.kind, Kind::Renamed | Kind::Split | Kind::Merged) {
            assert!(
                p.total.is_zero(),
                "{}: {:?}",
                jixiao::diff::project_label(p),
                p.total
            );
        }
        if p.new.first().is_none_or(|r| r.name != "法律援助") {
            assert_eq!(
                (p.weakened, p.strengthened),
                (0, 0),
                "{}",
                jixiao::diff::project_label(p)
            );
        }
    }
    let renamed = project(d, "节日走访慰问困难群众");
    assert!(
        renamed.indicators.is_empty() && renamed.goal.is_none() && renamed.funds.is_empty(),
        "a rename changes nothing else: {renamed:?}"
    );
}

#[test]
fn draft_round_department_split_links_the_health_bureau_to_the_red_cross() {
    let c = draft();
    let d = &c.diff;
    let dept_names = |r: &[jixiao::diff::DeptRef]| -> Vec<String> {
        let mut v: Vec<String> = r.iter().map(|r| r.name.clone()).collect();
        v.sort();
        v
    };
    let split: Vec<_> = d
        .departments
        .iter()
        .filter(|x| x.kind != Kind::Same)
        .collect();
    assert_eq!(split.len(), 1, "{split:?}");
    let x = split[0];
    assert_eq!(x.kind, Kind::Split);
    assert_eq!(dept_names(&x.old), strings(&["攀枝花市西区卫生健康局"]));
    assert_eq!(
        dept_names(&x.new),
        strings(&["攀枝花市西区卫生健康局", "攀枝花市西区红十字会"])
    );
    assert!(x.funds.is_zero(), "{:?}", x.funds);
    assert_eq!(
        x.new
            .iter()
            .map(|r| r.slug.as_str())
            .collect::<BTreeSet<_>>(),
        BTreeSet::from(["124001", "124010"])
    );
    // The other three are the same departments, one to one, by name and code.
    for x in d.departments.iter().filter(|x| x.kind == Kind::Same) {
        assert_eq!(dept_names(&x.old), dept_names(&x.new), "{x:?}");
        assert_eq!((x.old.len(), x.new.len()), (1, 1));
    }
    assert_eq!(d.departments.len(), 4);
    // 红十字会专项 sits in the new department, and is neither added nor dropped.
    let red = c
        .new
        .departments
        .iter()
        .find(|x| x.name == "攀枝花市西区红十字会")
        .expect("the new department is loaded");
    assert_eq!(
        red.projects
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["红十字会专项"]
    );
    assert!(
        !d.projects
            .iter()
            .filter(|p| matches!(p.kind, Kind::Added | Kind::Dropped))
            .flat_map(|p| p.old.iter().chain(&p.new))
            .any(|r| r.name == "红十字会专项"),
        "红十字会专项 is reported as added or dropped"
    );
}

/// (project, indicator, old value, new value, verdict).
type Target = (String, String, Option<String>, Option<String>, &'static str);

#[test]
fn draft_round_weakened_and_strengthened_targets_are_exactly_those_edited() {
    let c = draft();
    let d = &c.diff;
    let got: BTreeSet<Target> = d
        .projects
        .iter()
        .flat_map(|p| {
            let who = jixiao::diff::project_label(p);
            p.indicators.iter().map(move |i| {
                (
                    who.clone(),
                    i.name.clone(),
                    i.old.clone(),
                    i.new.clone(),
                    match i.verdict {
                        Verdict::Weaker => "weaker",
                        Verdict::Stronger => "stronger",
                        Verdict::Changed => "changed",
                    },
                )
            })
        })
        .collect();
    let p = "攀枝花市西区司法局 / 法律援助";
    let s = |x: &str| Some(x.to_string());
    let want: BTreeSet<Target> = [
        ("法律援助宣传活动场次", s("≥6场"), s("≥4场"), "weaker"),
        (
            "法律援助民事案件办理数",
            s("100件"),
            s("按实际受理情况办理"),
            "weaker",
        ),
        ("受援人满意度", s("≥90%"), s("≥95%"), "stronger"),
        ("服务对象满意度", s("≥90%"), s("90%"), "weaker"),
        ("承办律师满意度", s("≥85%"), None, "weaker"),
        ("法律援助案件按期结案率", None, s("≥95%"), "stronger"),
    ]
    .into_iter()
    .map(|(n, o, new, v)| (p.to_string(), n.to_string(), o, new, v))
    .collect();
    assert_eq!(got, want);
    let legal = project(d, "法律援助");
    assert_eq!((legal.weakened, legal.strengthened), (4, 2));
    assert_eq!(d.weakened().count(), 1);
    assert!(d.fails(FailOn::Weakened) && d.fails(FailOn::Dropped) && d.fails(FailOn::Any));
}

/// src/diff/target.rs says "a satisfaction or completion rate in % asks more the higher
/// it is, sign or not"; a completion rate lowered with no sign written must then read as
/// weakened, as a satisfaction rate does (else `--fail-on weakened` lets it through).
#[test]
fn an_unsigned_completion_rate_lowered_is_weakened() {
    use jixiao::diff::target::compare;
    use jixiao::model::Indicator;
    let ind = |name: &str, value: &str| Indicator {
        level1: "产出指标".into(),
        level2: "质量指标".into(),
        name: name.into(),
        value: value.into(),
        ..Indicator::default()
    };
    // The satisfaction rate, for comparison: judged without a sign.
    let sat = compare(&ind("群众满意度", "95%"), &ind("群众满意度", "90%"));
    assert_eq!(sat.0, Verdict::Weaker, "{sat:?}");
    let done = compare(&ind("项目完成率", "100%"), &ind("项目完成率", "90%"));
    assert_eq!(done.0, Verdict::Weaker, "项目完成率 100% → 90%: {done:?}");
    let up = compare(&ind("项目完成率", "90%"), &ind("项目完成率", "100%"));
    assert_eq!(up.0, Verdict::Stronger, "项目完成率 90% → 100%: {up:?}");
}

#[test]
fn reversed_draft_round_mirrors_every_change() {
    let fwd = draft().diff;
    let back = compare(&fixture("draft-r2"), &fixture("draft-r1")).diff;
    let flip = |k: Kind| match k {
        Kind::Added => Kind::Dropped,
        Kind::Dropped => Kind::Added,
        Kind::Split => Kind::Merged,
        Kind::Merged => Kind::Split,
        k => k,
    };
    let mirrored = sorted(
        listed_sorted(&fwd)
            .into_iter()
            .map(|(k, o, n)| (flip(k), n, o))
            .collect(),
    );
    assert_eq!(listed_sorted(&back), mirrored);
    let (f, b) = (&fwd.counts, &back.counts);
    assert_eq!(
        (b.targets_weakened, b.targets_strengthened),
        (f.targets_strengthened, f.targets_weakened)
    );
    assert_eq!(
        (b.findings_new, b.findings_resolved),
        (f.findings_resolved, f.findings_new)
    );
    assert_eq!(
        (b.departments_merged, b.departments_split),
        (f.departments_split, f.departments_merged)
    );
    assert_eq!(back.total.delta, fwd.total.delta.map(|d| -d));
}

// ----------------------------------------------------------------------- 2. exactness

#[test]
fn draft_round_amounts_are_exact() {
    let c = draft();
    assert_amounts_exact(&c, &fixture("draft-r1"), &fixture("draft-r2"));
    let d = &c.diff;
    assert_eq!(d.unit, "万元");
    assert_eq!(d.total.delta, Some(dec("56.50")));
    assert_eq!(
        project(d, "困难群众救助").total,
        change(Some(dec("2524.66")), Some(dec("2600.66")))
    );
    assert_eq!(project(d, "高龄长寿补贴").total.delta, Some(dec("-25.5")));
    assert_eq!(project(d, "法律援助").total.delta, Some(dec("1")));
    assert_eq!(
        project(d, "河道采砂管理工作经费").total,
        change(None, Some(dec("6")))
    );
    assert_eq!(
        project(d, "计划生育特别扶助").total,
        change(Some(dec("973.26")), Some(dec("973.26")))
    );
    // The pieces add up to the whole, exactly, in the files themselves.
    let r2 = ledger(&fixture("draft-r2"));
    let piece = |slug: &str| r2.row("124001", slug, "total", r2.yuan).expect("a total");
    assert_eq!(
        piece("jihuashengyujiatingjianglifuzhu") + piece("jihuashengyutebiefuzhu"),
        dec("973.26")
    );
    assert_eq!(piece("jihuashengyujiatingjianglifuzhu"), dec("600"));
    assert_eq!(
        project(d, "人民调解和安置帮教").total,
        change(Some(dec("2")), Some(dec("2")))
    );
}

#[test]
fn year_on_year_amounts_are_exact_in_yuan() {
    let c = years();
    assert_amounts_exact(&c, &fixture("year-2024"), &fixture("year-2025"));
    let d = &c.diff;
    assert_eq!(d.unit, "元");
    assert_eq!(
        project(d, "购买服务").total,
        change(Some(dec("210000")), Some(dec("180000")))
    );
    assert_eq!(project(d, "购买服务").total.delta, Some(dec("-30000")));
    assert_eq!(
        project(d, "预算一体化系统运行维护费").total.delta,
        Some(dec("24000"))
    );
    assert_eq!(d.total, change(Some(dec("8013000")), Some(dec("8297000"))));
    // Renamed and merged departments bring all their money along.
    for x in d
        .departments
        .iter()
        .filter(|x| matches!(x.kind, Kind::Renamed | Kind::Merged))
    {
        assert_eq!(x.funds.delta, Some(Decimal::ZERO), "{x:?}");
        assert!(x.funds.old.is_some_and(|v| v > Decimal::ZERO), "{x:?}");
    }
}

// ---------------------------------------------------------------------- 3. year on year

#[test]
fn year_on_year_departments_renamed_and_merged() {
    let c = years();
    let d = &c.diff;
    let n = &d.counts;
    assert_eq!(
        (
            n.departments_added,
            n.departments_dropped,
            n.departments_renamed,
            n.departments_merged,
            n.departments_split,
        ),
        (0, 0, 1, 1, 0),
        "{n:?}"
    );
    let by_kind = |k: Kind| -> Vec<(Vec<String>, Vec<String>)> {
        d.departments
            .iter()
            .filter(|x| x.kind == k)
            .map(|x| {
                let mut o: Vec<String> = x.old.iter().map(|r| r.name.clone()).collect();
                let mut n: Vec<String> = x.new.iter().map(|r| r.name.clone()).collect();
                o.sort();
                n.sort();
                (o, n)
            })
            .collect()
    };
    assert_eq!(
        by_kind(Kind::Renamed),
        [(strings(&["社会管理局"]), strings(&["社会事务管理局"]))]
    );
    assert_eq!(
        by_kind(Kind::Merged),
        [(
            strings(&["双创中心", "钒钛高新区政务中心"]),
            strings(&["钒钛高新区政务和双创服务中心"])
        )]
    );
    assert_eq!(by_kind(Kind::Same).len(), 2);
    for (o, n) in by_kind(Kind::Same) {
        assert_eq!(o, n);
    }
}

#[test]
fn year_on_year_rolled_years_are_not_changes() {
    let c = years();
    let d = &c.diff;
    let n = &d.counts;
    let want = sorted(vec![
        changed("购买服务"),
        changed("预算一体化系统运行维护费"),
        changed("应急物资储备"),
        (
            Kind::Renamed,
            strings(&["综合应急演练"]),
            strings(&["综合应急救援演练"]),
        ),
        (Kind::Dropped, strings(&["安全生产举报奖励"]), vec![]),
        (Kind::Added, vec![], strings(&["应急指挥信息化平台运维"])),
    ]);
    assert_eq!(listed_sorted(d), want);
    assert_eq!(n.projects_unchanged, c.old.project_count() - 5, "{n:?}");
    assert_eq!(
        (
            n.targets_weakened,
            n.targets_strengthened,
            n.targets_changed
        ),
        (0, 0, 0),
        "{n:?}"
    );
    // The fixture does roll years: some names and many texts carry 2025年 now.
    let with_year = |b: &Book, y: &str| {
        b.projects()
            .filter(|(_, p)| {
                p.name.contains(y)
                    || p.goal.as_deref().unwrap_or("").contains(y)
                    || p.indicators
                        .iter()
                        .any(|i| i.value.contains(y) || i.name.contains(y))
            })
            .count()
    };
    assert!(with_year(&c.old, "2024年") >= 5 && with_year(&c.new, "2025年") >= 5);
    assert!(c.new.projects().any(|(_, p)| p.name.contains("2025年")));
    // Funds-only changes have no target or goal change; the rewritten goal is one.
    for name in ["购买服务", "预算一体化系统运行维护费"] {
        let p = project(d, name);
        assert!(p.indicators.is_empty() && p.goal.is_none(), "{p:?}");
        assert_eq!(
            p.funds.iter().map(|f| fund_key(f.kind)).collect::<Vec<_>>(),
            ["fiscal"]
        );
    }
    let goal = project(d, "应急物资储备");
    assert!(
        goal.total.is_zero() && goal.funds.is_empty() && goal.indicators.is_empty(),
        "{goal:?}"
    );
    assert_eq!(
        goal.goal,
        Some((
            "提升应急救援处置能力".to_string(),
            "保障应急物资储备充足，提升应急救援处置能力".to_string()
        ))
    );
    let renamed = project(d, "综合应急救援演练");
    assert!(renamed.total.is_zero() && renamed.indicators.is_empty() && renamed.goal.is_none());
    // Findings come and go only with the edited projects: a finding whose message only
    // had its year rolled is the same finding.
    let edited: BTreeSet<&str> = d
        .projects
        .iter()
        .flat_map(|p| p.old.iter().chain(&p.new))
        .map(|r| r.name.as_str())
        .collect();
    assert!(c.old_findings.all().count() > 0);
    for x in d.findings.new.iter().chain(&d.findings.resolved) {
        assert!(
            edited.contains(x.project.as_str()) && !x.project.is_empty(),
            "{x:?}"
        );
    }
    assert_eq!(
        about(&d.findings.resolved, "安全生产举报奖励"),
        findings_of(&c.old, &c.old_findings, "安全生产举报奖励")
    );
    assert_eq!(
        about(&d.findings.new, "应急指挥信息化平台运维"),
        findings_of(&c.new, &c.new_findings, "应急指挥信息化平台运维")
    );
    // No project of the renamed or merged departments is listed.
    for p in &d.projects {
        for r in p.old.iter().chain(&p.new) {
            assert!(
                ["应急管理局", "财政金融局"].contains(&r.department.as_str()),
                "{} / {} is listed: {:?}",
                r.department,
                r.name,
                p.kind
            );
        }
    }
}

// -------------------------------------------------------------------------- 4. findings

type Said = (String, String);

fn said(f: &Finding) -> Said {
    (f.rule.clone(), f.message.clone())
}

/// The findings of one project, by name, as (rule, message).
fn findings_of(book: &Book, found: &BookFindings, name: &str) -> Vec<Said> {
    let mut out = Vec::new();
    let mut seen = false;
    for (di, d) in book.departments.iter().enumerate() {
        for (pi, p) in d.projects.iter().enumerate() {
            if p.name == name {
                seen = true;
                out.extend(found.projects[di][pi].iter().map(said));
            }
        }
    }
    assert!(seen, "no project {name} in {}", book.slug);
    out.sort();
    out
}

fn about(list: &[Finding], project: &str) -> Vec<Said> {
    let mut v: Vec<Said> = list
        .iter()
        .filter(|f| f.project == project)
        .map(said)
        .collect();
    v.sort();
    v
}

#[test]
fn draft_round_findings_new_and_resolved_are_about_the_edited_projects_only() {
    let c = draft();
    let d = &c.diff;
    let f = &d.findings;
    assert_eq!(d.counts.findings_new, f.new.len());
    assert_eq!(d.counts.findings_resolved, f.resolved.len());
    let new_side: BTreeSet<&str> = d
        .projects
        .iter()
        .filter(|p| p.kind != Kind::Renamed)
        .flat_map(|p| p.new.iter().map(|r| r.name.as_str()))
        .collect();
    let old_side: BTreeSet<&str> = d
        .projects
        .iter()
        .filter(|p| p.kind != Kind::Renamed)
        .flat_map(|p| p.old.iter().map(|r| r.name.as_str()))
        .collect();
    for x in &f.new {
        assert!(
            new_side.contains(x.project.as_str()),
            "new finding about an unedited project: {x:?}"
        );
    }
    for x in &f.resolved {
        assert!(
            old_side.contains(x.project.as_str()),
            "resolved finding about an unedited project: {x:?}"
        );
    }

    // The dropped project's findings are all resolved; the added one's are all new.
    let dropped = findings_of(&c.old, &c.old_findings, "水利工程行政审批费用");
    assert!(
        !dropped.is_empty(),
        "the fixture's dropped project should have findings"
    );
    assert_eq!(about(&f.resolved, "水利工程行政审批费用"), dropped);
    let added = findings_of(&c.new, &c.new_findings, "河道采砂管理工作经费");
    assert!(
        !added.is_empty(),
        "the fixture's added project should have findings"
    );
    assert_eq!(about(&f.new, "河道采砂管理工作经费"), added);

    // What the edits to 法律援助 and 高龄长寿补贴 caused, and no more.
    let rules = |v: Vec<Said>| v.into_iter().map(|(r, _)| r).collect::<Vec<_>>();
    assert_eq!(
        rules(about(&f.new, "法律援助")),
        ["values.not-quantified", "values.rate-without-sign"]
    );
    let legal = about(&f.new, "法律援助");
    assert!(legal[0].1.contains("法律援助民事案件办理数"), "{legal:?}");
    assert!(legal[1].1.contains("服务对象满意度"), "{legal:?}");
    assert_eq!(rules(about(&f.new, "高龄长寿补贴")), ["cost.exceeds-funds"]);
    assert!(about(&f.new, "困难群众救助").is_empty());
    for name in ["法律援助", "高龄长寿补贴", "困难群众救助"] {
        assert!(
            about(&f.resolved, name).is_empty(),
            "{name}: {:?}",
            about(&f.resolved, name)
        );
    }

    // A merge or split keeps the findings its parts (or whole) already had.
    let carried = |whole: &[Said], pieces: &[Said]| -> Vec<Said> {
        pieces
            .iter()
            .filter(|s| whole.contains(s))
            .cloned()
            .collect()
    };
    let parts: Vec<Said> = ["人民调解", "安置帮教经费"]
        .iter()
        .flat_map(|n| findings_of(&c.old, &c.old_findings, n))
        .collect();
    let merged = findings_of(&c.new, &c.new_findings, "人民调解和安置帮教");
    let kept = carried(&parts, &merged);
    assert!(
        !kept.is_empty(),
        "the merged project should share findings with its parts"
    );
    for s in &kept {
        assert!(
            !about(&f.new, "人民调解和安置帮教").contains(s),
            "{s:?} reported as new"
        );
    }
    for s in &kept {
        assert!(
            !about(&f.resolved, "人民调解").contains(s)
                && !about(&f.resolved, "安置帮教经费").contains(s),
            "{s:?} reported as resolved"
        );
    }
    let whole = findings_of(&c.old, &c.old_findings, "计划生育服务");
    for piece in ["计划生育家庭奖励扶助", "计划生育特别扶助"] {
        let mine = findings_of(&c.new, &c.new_findings, piece);
        for s in carried(&whole, &mine) {
            assert!(
                !about(&f.new, piece).contains(&s),
                "{piece}: {s:?} reported as new"
            );
        }
    }
    // A rename is not a new project: its findings neither appear nor go away.
    assert!(about(&f.new, "节日走访慰问困难群众").is_empty());
    assert!(about(&f.resolved, "走访慰问").is_empty());
    // Nothing about the book or a department as a whole changed.
    for x in f.new.iter().chain(&f.resolved) {
        assert!(!x.project.is_empty(), "{x:?}");
    }
}

/// Nothing of any kind changed.
fn assert_identical(d: &BookDiff, projects: usize, what: &str) {
    let n = &d.counts;
    let listed = listed_sorted(d);
    assert!(
        listed.is_empty(),
        "{what}: {} changes listed ({:?}), the first: {:?}",
        listed.len(),
        n,
        &listed[..listed.len().min(5)]
    );
    assert_eq!(n.projects_unchanged, projects, "{what}");
    let zero = serde_json::to_value(jixiao::diff::Counts {
        projects_unchanged: projects,
        ..Default::default()
    })
    .unwrap();
    assert_eq!(serde_json::to_value(n).unwrap(), zero, "{what}");
    assert!(
        d.total.is_zero() && d.total.old.is_some(),
        "{what}: {:?}",
        d.total
    );
    for x in &d.departments {
        assert_eq!(x.kind, Kind::Same, "{what}: {x:?}");
        assert!(x.funds.is_zero(), "{what}: {x:?}");
        assert_eq!(x.projects_old, x.projects_new, "{what}: {x:?}");
    }
    assert!(
        d.findings.new.is_empty() && d.findings.resolved.is_empty(),
        "{what}"
    );
    for on in [
        FailOn::Weakened,
        FailOn::Dropped,
        FailOn::Findings,
        FailOn::Any,
    ] {
        assert!(!d.fails(on), "{what}: fails on {on:?}");
    }
}

#[test]
fn identical_books_compare_as_identical() {
    for name in ["draft-r1", "draft-r2", "year-2024", "year-2025"] {
        let c = compare(&fixture(name), &fixture(name));
        assert_identical(&c.diff, c.old.project_count(), name);
        assert!(
            c.old_findings.all().count() > 0,
            "{name}: has findings to compare"
        );
    }
    // The bundled books, each against itself.
    let content = common::manifest().join("content");
    let books = [
        "xiqu-2026",
        "fantai-2024",
        "renhe-caizheng-2021",
        "zhangye-jingkai-2024",
    ];
    for name in books {
        let dir = content.join(name);
        assert!(dir.is_dir(), "{} is missing", dir.display());
        let c = compare(&dir, &dir);
        assert_identical(&c.diff, c.old.project_count(), name);
        assert_eq!(c.diff.departments.len(), c.old.departments.len(), "{name}");
    }
}

/// A synthetic book (`jixiao generate`'s shape: 105 departments, the townships past its
/// list named `…镇人民政府（2）`, project names repeating across departments) against
/// itself. Department names that read alike without their parenthesised part must not
/// make an identical book look changed.
#[test]
fn a_synthetic_book_against_itself_is_identical() {
    let books = jixiao::synth::books(&jixiao::synth::Options {
        projects: 1000,
        seed: 1,
        book_size: 1000,
    });
    let b = &books[0];
    let alike = b
        .departments
        .iter()
        .filter(|d| d.name.ends_with("（2）"))
        .count();
    assert!(alike > 0, "the book has departments numbered （2）");
    let f = jixiao::check::check_book(b, &settings());
    let d = jixiao::diff::diff_books(b, &f, b, &f);
    assert_identical(&d, b.project_count(), "synthetic book against itself");
}

/// A project table given twice (the same name, the same content) in a department that
/// was renamed year on year: both copies are the same on both sides, so nothing about
/// them changed.
#[test]
fn a_project_given_twice_in_a_renamed_department_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    for (from, to, dept) in [
        ("year-2024", "a", "shehuiguanliju"),
        ("year-2025", "b", "shehuishiwuguanliju"),
    ] {
        common::copy_dir(&fixture(from), &dir.path().join(to));
        let d = dir.path().join(to).join(dept);
        std::fs::copy(
            d.join("jindugongzuojingfei.md"),
            d.join("jindugongzuojingfei-2.md"),
        )
        .unwrap();
    }
    let c = compare(&dir.path().join("a"), &dir.path().join("b"));
    let d = &c.diff;
    let twice = |b: &Book| {
        b.projects()
            .filter(|(_, p)| p.name == "禁毒工作经费")
            .count()
    };
    assert_eq!((twice(&c.old), twice(&c.new)), (2, 2));
    let about: Vec<String> = d
        .projects
        .iter()
        .filter(|p| p.old.iter().chain(&p.new).any(|r| r.name == "禁毒工作经费"))
        .map(|p| {
            format!(
                "{:?} {} ({:?} → {:?})",
                p.kind,
                jixiao::diff::project_label(p),
                p.total.old,
                p.total.new
            )
        })
        .collect();
    assert_eq!(
        about,
        Vec::<String>::new(),
        "禁毒工作经费 is reported as changed"
    );
    // The rest of the comparison is that of the fixture pair.
    assert_eq!(listed_sorted(d), listed_sorted(&years().diff));
    assert_eq!(d.counts.findings_new, years().diff.counts.findings_new);
}

// ------------------------------------------------------------------ 5. the command line

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn jixiao_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(dir)
        .env_remove("JIXIAO_BASE_URL")
        .output()
        .expect("runs jixiao");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

/// `jixiao diff ARGS` from the project folder (fixture paths relative to it).
fn jixiao_diff(args: &[&str]) -> Run {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    let r = jixiao_in(&common::manifest(), &all);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    r
}

const R1: &str = "tests/fixtures/diff/draft-r1";
const R2: &str = "tests/fixtures/diff/draft-r2";

#[test]
fn cli_text_names_every_change() {
    fixture("draft-r1");
    let r = jixiao_diff(&[R1, R2]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = &r.stdout;
    for line in [
        "资金总额 4,593.22 → 4,649.72 万元（+56.50）",
        "新增 1，删除 1，有变化 4，更名 1，拆分 1，合并 1，调整部门 1",
        "要求降低 4，要求提高 2",
        "攀枝花市西区民政局 / 走访慰问 → 攀枝花市西区民政局 / 节日走访慰问困难群众",
        "攀枝花市西区卫生健康局 / 计划生育服务 → 攀枝花市西区卫生健康局 / 计划生育家庭奖励扶助；攀枝花市西区卫生健康局 / 计划生育特别扶助",
        "攀枝花市西区司法局 / 安置帮教经费；攀枝花市西区司法局 / 人民调解 → 攀枝花市西区司法局 / 人民调解和安置帮教",
        "攀枝花市西区卫生健康局 → 攀枝花市西区卫生健康局、攀枝花市西区红十字会（拆分）",
        "+76.00  2,524.66 → 2,600.66  攀枝花市西区民政局 / 困难群众救助",
        "法律援助宣传活动场次  ≥6场 → ≥4场",
        "攀枝花市西区水利局 / 水利工程行政审批费用  1.00 → —",
    ] {
        assert!(t.contains(line), "missing {line:?} in:\n{t}");
    }
}

fn walk_numbers(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Number(n) if !(n.is_u64() || n.is_i64()) => {
            out.push(format!("{path} = {n}"))
        }
        serde_json::Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| walk_numbers(x, &format!("{path}[{i}]"), out)),
        serde_json::Value::Object(o) => o
            .iter()
            .for_each(|(k, x)| walk_numbers(x, &format!("{path}.{k}"), out)),
        _ => {}
    }
}

/// Every `{old, new, delta}` object: strings (or null) that read as exact decimals, and
/// delta = new − old.
fn walk_changes(v: &serde_json::Value, path: &str, seen: &mut usize) {
    match v {
        serde_json::Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| walk_changes(x, &format!("{path}[{i}]"), seen)),
        serde_json::Value::Object(o) => {
            if o.contains_key("delta") {
                let get = |k: &str| match &o[k] {
                    serde_json::Value::Null => None,
                    serde_json::Value::String(s) => Some(dec(s)),
                    other => panic!("{path}.{k} is not a string: {other}"),
                };
                let (a, b, dl) = (get("old"), get("new"), get("delta"));
                assert_eq!(change(a, b).delta, dl, "{path}");
                *seen += 1;
            }
            o.iter()
                .for_each(|(k, x)| walk_changes(x, &format!("{path}.{k}"), seen));
        }
        _ => {}
    }
}

#[test]
fn cli_json_parses_with_exact_amounts_as_strings() {
    fixture("draft-r1");
    let r = jixiao_diff(&[R1, R2, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let books = v["books"].as_array().expect("books");
    assert_eq!(books.len(), 1);
    assert_eq!(books[0]["old_source"], R1);
    assert_eq!(books[0]["new_source"], R2);
    let d = &books[0]["diff"];
    let lib = draft().diff;
    // The same comparison as the library's, field for field.
    for k in ["counts", "departments", "projects", "total", "findings"] {
        let want = serde_json::to_value(&lib).unwrap();
        assert_eq!(d[k], want[k], "{k}");
    }
    assert_eq!(d["total"]["delta"].as_str().map(dec), Some(dec("56.5")));
    assert_eq!(d["total"]["old"].as_str().map(dec), lib.total.old);
    assert_eq!(d["total"]["new"].as_str().map(dec), lib.total.new);
    assert_eq!(d["unit"], "万元");
    let mut floats = Vec::new();
    walk_numbers(&v, "$", &mut floats);
    assert!(floats.is_empty(), "fractional JSON numbers: {floats:?}");
    let mut seen = 0;
    walk_changes(&v, "$", &mut seen);
    // The book, 4 department groups, 9 projects and their moved fund rows.
    assert!(seen >= 1 + 4 + 9, "{seen} amount changes checked");
    let projects = d["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 9);
    let split = projects
        .iter()
        .find(|p| p["kind"] == "split")
        .expect("a split");
    assert_eq!(split["total"]["new"].as_str().map(dec), Some(dec("973.26")));
    assert_eq!(split["new"].as_array().unwrap().len(), 2);
    assert_eq!(v["books_added"], serde_json::json!([]));
    assert_eq!(v["books_dropped"], serde_json::json!([]));
}

#[test]
fn cli_fail_on_conditions_and_exit_codes() {
    fixture("draft-r1");
    let y1 = "tests/fixtures/diff/year-2024";
    let y2 = "tests/fixtures/diff/year-2025";
    fixture("year-2024");
    for (args, code) in [
        (vec![R1, R2, "--fail-on", "weakened"], 1),
        (vec![R1, R1, "--fail-on", "weakened"], 0),
        (vec![R1, R2, "--fail-on", "dropped"], 1),
        (vec![R2, R2, "--fail-on", "dropped"], 0),
        (vec![R1, R2, "--fail-on", "findings"], 1),
        (vec![R1, R2, "--fail-on", "any"], 1),
        (vec![R1, R1, "--fail-on", "any", "--fail-on", "weakened"], 0),
        (vec![R1, R2], 0),
        // The year pair weakens no target but drops a project.
        (vec![y1, y2, "--fail-on", "weakened"], 0),
        (
            vec![y1, y2, "--fail-on", "weakened", "--fail-on", "dropped"],
            1,
        ),
        (vec!["xiqu-2026", "xiqu-2026", "--fail-on", "any"], 0),
    ] {
        let r = jixiao_diff(&args);
        assert_eq!(
            r.code,
            code,
            "jixiao diff {}\n{}{}",
            args.join(" "),
            r.stdout,
            r.stderr
        );
        assert!(
            r.stderr.is_empty(),
            "jixiao diff {}: {}",
            args.join(" "),
            r.stderr
        );
    }
}

#[test]
fn cli_unknown_book_is_a_clear_error() {
    for args in [
        vec!["no-such-book", R2],
        vec![R1, "no-such-book"],
        vec![R1, "tests/fixtures/diff/no-such-folder", "--format", "json"],
    ] {
        let r = jixiao_diff(&args);
        assert_eq!(r.code, 2, "jixiao diff {}: {}", args.join(" "), r.stderr);
        assert!(r.stdout.is_empty(), "{}", r.stdout);
        let missing = args.iter().find(|a| a.contains("no-such")).unwrap();
        assert!(r.stderr.contains(missing), "{}", r.stderr);
        assert!(
            r.stderr.contains("not a book") && r.stderr.contains("help"),
            "{}",
            r.stderr
        );
    }
    let r = jixiao_diff(&[R1]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("jixiao diff OLD NEW"), "{}", r.stderr);
}

// ------------------------------------------------------------------------------ 6. --git

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("runs git");
    assert!(
        out.status.success(),
        "git {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A repository whose `main` has a site (at `site`, below the top) with book `draft`
/// from draft-r1, and whose branch `change` (checked out) has draft-r2 in that folder.
fn repo_with_change(site: &str) -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let top = repo.path();
    git(top, &["init", "-q", "-b", "main"]);
    for (k, v) in [
        ("user.name", "Test"),
        ("user.email", "test@example.org"),
        ("commit.gpgsign", "false"),
        ("core.autocrlf", "false"),
    ] {
        git(top, &["config", k, v]);
    }
    let root = top.join(site);
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("book.toml"), "title = \"测试站点\"\n").unwrap();
    let book = root.join("content/draft");
    common::copy_dir(&fixture("draft-r1"), &book);
    git(top, &["add", "-A"]);
    git(top, &["commit", "-q", "-m", "draft round 1"]);
    git(top, &["checkout", "-q", "-b", "change"]);
    std::fs::remove_dir_all(&book).unwrap();
    common::copy_dir(&fixture("draft-r2"), &book);
    git(top, &["add", "-A"]);
    git(top, &["commit", "-q", "-m", "draft round 2"]);
    repo
}

/// What a command must leave alone: the files of the work tree, HEAD, the branch and
/// the status.
fn state(top: &Path) -> (BTreeMap<String, Vec<u8>>, String, String) {
    let files = common::files(top)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(".git/"))
        .collect();
    let head = git(top, &["rev-parse", "HEAD"]) + &git(top, &["branch", "--show-current"]);
    let status = git(top, &["status", "--porcelain=v1", "--untracked-files=all"]);
    (files, head, status)
}

/// `jixiao diff ARGS` in `dir` with a private TMPDIR, which must be left empty.
fn jixiao_git(dir: &Path, args: &[&str]) -> Run {
    let tmp = tempfile::tempdir().unwrap();
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(&all)
        .current_dir(dir)
        .env_remove("JIXIAO_BASE_URL")
        .env("TMPDIR", tmp.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("runs jixiao");
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(
        left.is_empty(),
        "jixiao diff {} left {left:?} in TMPDIR",
        all.join(" ")
    );
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    r
}

fn assert_git_change(site: &str, detached: bool) {
    let repo = repo_with_change(site);
    let top = repo.path();
    if detached {
        // CI checks out the pull request's commit, not a branch.
        git(top, &["checkout", "-q", "--detach", "change"]);
    }
    let root = top.join(site);
    let before = state(top);
    assert_eq!(before.2, "", "clean before");
    let r = jixiao_git(
        &root,
        &[
            "--git",
            "main",
            "--format",
            "markdown",
            "--fail-on",
            "weakened",
        ],
    );
    assert_eq!(r.code, 1, "{site}: {}\n{}", r.stderr, r.stdout);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let md = &r.stdout;
    let weak = md
        .split("<summary>要求降低的指标（4）</summary>")
        .nth(1)
        .and_then(|s| s.split("</details>").next())
        .unwrap_or_else(|| panic!("{site}: no 要求降低的指标（4） section in:\n{md}"));
    for name in [
        "法律援助宣传活动场次",
        "法律援助民事案件办理数",
        "服务对象满意度",
        "承办律师满意度",
    ] {
        assert!(weak.contains(name), "{site}: {name} not in:\n{weak}");
    }
    assert!(
        !weak.contains("受援人满意度"),
        "a strengthened target among the weakened"
    );
    let prefix = if site.is_empty() {
        String::new()
    } else {
        format!("{site}/")
    };
    assert!(
        render(md)
            .text
            .contains(&format!("main:{prefix}content/draft")),
        "{site}: the old side is named by revision:\n{md}"
    );
    assert!(
        !md.contains(&top.display().to_string()),
        "temp path in the output"
    );
    assert!(
        md.contains("新增 1 · 删除 1 · 有变化 4 · 更名 1 · 拆分 1 · 合并 1 · 调整部门 1"),
        "{md}"
    );
    assert_eq!(
        state(top),
        before,
        "{site}: jixiao diff --git changed the checkout"
    );

    // The same book named, as JSON: the same comparison as the two folders.
    let r = jixiao_git(&root, &["--git", "main", "draft", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["books"][0]["diff"]["counts"],
        serde_json::to_value(&draft().diff.counts).unwrap()
    );
    assert_eq!(state(top), before);

    // Nothing changed since HEAD: nothing to report.
    let head = if detached { "HEAD" } else { "change" };
    let r = jixiao_git(
        &root,
        &["--git", head, "--format", "json", "--fail-on", "any"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let d = &v["books"][0]["diff"];
    assert_eq!(d["projects"], serde_json::json!([]));
    assert_eq!(d["counts"]["projects_unchanged"], 36);
    assert_eq!(d["total"]["delta"].as_str().map(dec), Some(Decimal::ZERO));

    // A revision that does not exist is named in the error.
    let r = jixiao_git(&root, &["--git", "no-such-rev", "--fail-on", "weakened"]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("no-such-rev"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert_eq!(state(top), before);
}

#[test]
fn git_revision_at_the_top_of_the_repository() {
    assert_git_change("", false);
}

#[test]
fn git_revision_with_the_site_in_a_subfolder_and_a_detached_head() {
    assert_git_change("sites/west-2026", true);
}

#[test]
fn git_main_on_main_with_no_change_is_zero() {
    let repo = repo_with_change("");
    let top = repo.path();
    git(top, &["checkout", "-q", "main"]);
    let before = state(top);
    let r = jixiao_git(
        top,
        &["--git", "main", "--fail-on", "any", "--fail-on", "weakened"],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stderr, r.stdout);
    assert!(
        r.stdout
            .contains("新增 0，删除 0，有变化 0，更名 0，拆分 0，合并 0，调整部门 0，未变 36"),
        "{}",
        r.stdout
    );
    assert_eq!(state(top), before);
}

// ------------------------------------------------------------------- 7. Markdown safety

const HOSTILE: &str = "| * _ [x](http://e.com) <script> @someone";

/// The Markdown as GitHub-flavoured Markdown reads it.
struct Rendered {
    /// Text of each cell (link text included), per row (the header first), per table.
    tables: Vec<Vec<Vec<String>>>,
    links: Vec<String>,
    html: Vec<String>,
    emphasis: usize,
    /// All text, one event a line.
    text: String,
    /// Text outside links and code, where GitHub turns `@name` into a mention.
    plain: String,
}

fn render(md: &str) -> Rendered {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut r = Rendered {
        tables: Vec::new(),
        links: Vec::new(),
        html: Vec::new(),
        emphasis: 0,
        text: String::new(),
        plain: String::new(),
    };
    let mut cell: Option<String> = None;
    let mut in_link = 0;
    for ev in Parser::new_ext(md, opts) {
        match ev {
            Event::Start(Tag::Table(_)) => r.tables.push(Vec::new()),
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                r.tables.last_mut().unwrap().push(Vec::new())
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                r.text.push('\n');
                r.plain.push('\n');
                let c = cell.take().unwrap();
                r.tables.last_mut().unwrap().last_mut().unwrap().push(c);
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                in_link += 1;
                r.links.push(dest_url.to_string())
            }
            Event::End(TagEnd::Link) => in_link -= 1,
            Event::Start(Tag::Emphasis) | Event::Start(Tag::Strikethrough) => r.emphasis += 1,
            Event::Html(h) | Event::InlineHtml(h) => r.html.push(h.to_string()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                }
                // Escapes split a text into several events: join them as they read.
                r.text.push_str(&t);
                if in_link == 0 {
                    r.plain.push_str(&t);
                }
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Heading(_)) => {
                r.text.push('\n');
                r.plain.push('\n');
            }
            _ => {}
        }
    }
    r
}

/// Mentions GitHub would make: `@` then a letter or digit.
fn mentions(text: &str) -> Vec<String> {
    let cs: Vec<char> = text.chars().collect();
    cs.windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] == '@' && w[1].is_ascii_alphanumeric())
        .map(|(i, _)| cs[i..].iter().take_while(|c| !c.is_whitespace()).collect())
        .collect()
}

/// Copies of the draft pair in a temporary folder (`r1`, `r2`), with 困难群众救助 (whose
/// funds move) renamed `name` on both sides.
fn draft_pair_named(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in [("draft-r1", "r1"), ("draft-r2", "r2")] {
        let book = dir.path().join(to);
        common::copy_dir(&fixture(from), &book);
        let file = book.join("114001/kunnanqunzhongjiuzhu.md");
        let text = std::fs::read_to_string(&file).unwrap();
        let line = "name = \"困难群众救助\"\n";
        assert!(text.contains(line), "{}", file.display());
        let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
        std::fs::write(
            &file,
            text.replacen(line, &format!("name = \"{escaped}\"\n"), 1),
        )
        .unwrap();
    }
    let loaded = load(&dir.path().join("r2"));
    assert!(
        loaded.projects().any(|(_, p)| p.name == name),
        "the name loads as written"
    );
    dir
}

/// Every table line has as many unescaped `|` as its table's header line.
fn assert_table_bars(md: &str) {
    let mut want = None;
    for (i, line) in md.lines().enumerate() {
        if !line.starts_with('|') {
            want = None;
            continue;
        }
        let bars = line
            .char_indices()
            .filter(|&(j, c)| {
                c == '|' && line[..j].chars().rev().take_while(|&b| b == '\\').count() % 2 == 0
            })
            .count();
        let want = *want.get_or_insert(bars);
        assert_eq!(bars, want, "line {}: {line}", i + 1);
    }
}

#[test]
fn markdown_keeps_hostile_names_inert() {
    let dir = draft_pair_named(HOSTILE);
    let label = format!("攀枝花市西区民政局 / {HOSTILE}");
    let mut problems = Vec::new();
    for base in [Some("https://preview.example.org/"), None] {
        let mut args = vec!["diff", "r1", "r2", "--format", "markdown"];
        if let Some(b) = base {
            args.extend(["--base-url", b]);
        }
        let r = jixiao_in(dir.path(), &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let md = &r.stdout;
        let out = render(md);
        assert!(
            out.text.contains("+76.00"),
            "the edited project is in the output:\n{md}"
        );

        // As written: no tag, no link, no mention.
        assert!(!md.to_lowercase().contains("<script"), "{md}");
        assert!(!md.contains("[x](http"), "{md}");
        assert!(!md.contains("@someone"), "{md}");
        assert_table_bars(md);

        // As rendered: the name is the plain text of a cell, whole.
        let cells: Vec<&String> = out
            .tables
            .iter()
            .flatten()
            .flatten()
            .filter(|c| c.contains("someone"))
            .collect();
        assert!(!cells.is_empty(), "the name is in no table cell:\n{md}");
        for c in &cells {
            let visible: String = c
                .chars()
                .filter(|&c| !matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}'))
                .collect();
            assert!(
                visible.contains(&label),
                "cell {c:?} is not the name as written"
            );
        }
        for t in &out.tables {
            assert!(t.iter().all(|row| row.len() == t[0].len()), "{t:?}");
        }
        match base {
            Some(b) => assert!(
                out.links.iter().all(|l| l.starts_with(b)),
                "{:?}",
                out.links
            ),
            None => assert!(out.links.is_empty(), "{:?}", out.links),
        }
        for h in &out.html {
            let h = h.trim();
            assert!(
                h.starts_with("<details><summary>") && h.ends_with("</summary>")
                    || h == "</details>"
                    || h == "<!-- -->",
                "raw HTML {h:?}"
            );
        }
        assert_eq!(out.emphasis, 0, "emphasis made from the name:\n{md}");
        // GitHub links `@name` in text outside links and code, even when the @ was
        // written as `&#64;` or `\@` (github/cmark-gfm#181): that notifies the user.
        let m = mentions(&out.plain);
        if !m.is_empty() {
            problems.push(format!(
                "--base-url {base:?}: GitHub would mention {m:?}; the Markdown has {:?}",
                md.lines().find(|l| l.contains("someone")).unwrap_or("")
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------- 8. the snapshot

#[test]
fn markdown_for_the_draft_round_snapshot() {
    // Two books of a site: the Markdown links their preview pages.
    let site = tempfile::tempdir().unwrap();
    for b in ["draft-r1", "draft-r2"] {
        common::copy_dir(&fixture(b), &site.path().join("content").join(b));
    }
    let r = jixiao_in(
        site.path(),
        &[
            "diff",
            "draft-r1",
            "draft-r2",
            "--format",
            "markdown",
            "--base-url",
            "https://preview.example.org/",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains(&site.path().display().to_string()));
    assert!(
        r.stdout
            .contains("](https://preview.example.org/draft-r2/115001/falvyuanzhu.html)")
    );
    insta::assert_snapshot!("draft_round_markdown", r.stdout);
}
